"""One job in a forked process, its result back through a pipe: the build's second core.

Several stages pair this process with one forked helper for work that is mostly system
calls or pure Python on data both already hold: the stat walk of the paper folders
(``cache.walk``), the search index beside page rendering (``cache.indexjob``), linking a
previous tree (``output.write_tree_split``). Forking shares that data without pickling it;
only the result comes back. A job that fails, or a system that cannot fork, gives None,
and every caller then does the work itself: the helper is only ever speed.
"""

from __future__ import annotations

import logging
import os
import pickle
from collections.abc import Callable
from typing import Generic, TypeVar

log = logging.getLogger(__name__)

T = TypeVar("T")


class Forked(Generic[T]):
    """``job()`` running in a forked process from construction until :meth:`result`."""

    def __init__(self, job: Callable[[], T]) -> None:
        self._pid = 0
        self._read: int | None = None
        if not hasattr(os, "fork"):
            return
        read, write = os.pipe()
        try:
            pid = os.fork()
        except OSError:
            os.close(read)
            os.close(write)
            return
        if pid == 0:  # the helper: run, report, and leave without running any cleanup
            status = 1
            try:
                os.close(read)
                data = pickle.dumps(job(), pickle.HIGHEST_PROTOCOL)
                with os.fdopen(write, "wb") as out:
                    out.write(data)
                status = 0
            finally:
                os._exit(status)
        os.close(write)
        self._pid, self._read = pid, read

    @property
    def started(self) -> bool:
        return self._read is not None

    def result(self) -> T | None:
        """What ``job`` returned; None if it failed or never ran (call once)."""
        if self._read is None:
            return None
        with os.fdopen(self._read, "rb") as fh:
            data = fh.read()  # before waiting: the helper may block writing a large result
        self._read = None
        _, status = os.waitpid(self._pid, 0)
        if status != 0:
            log.info("a forked helper failed (status %s); its work is done here", status)
            return None
        try:
            value: T = pickle.loads(data)
        except (pickle.UnpicklingError, EOFError, AttributeError, ImportError, ValueError):
            return None
        return value
