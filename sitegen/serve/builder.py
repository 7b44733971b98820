"""``serve``'s builds, in a process of their own, forked while ``serve`` has one thread.

A build forks: its paper pool, the second page renderer, its helpers
(``sitegen.forked``). ``serve`` also runs threads (the HTTP server's, the file
watchers'), and a fork copies only the thread that forks: a lock another thread held at
that moment (a stream's, a library's) stays held for good in the child, which then hangs
the first time it needs it; Python 3.12 warns about every such fork. So ``serve`` forks
this builder first, before any thread exists, and every build runs in it, where
forking is safe. Imports stay warm between builds, as they did in the server process.

The builder ignores Ctrl-C (the server handles it and stops the builder); asked to
stop in the middle of a build, it leaves the build as a failed build does.
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import signal
import sys
import time
import traceback
from typing import TYPE_CHECKING, Any

from sitegen.errors import ContentError

if TYPE_CHECKING:
    from multiprocessing.connection import Connection

    from sitegen.pipeline import BuildOptions, BuildResult

log = logging.getLogger(__name__)

STOP_SECONDS = 30.0
"""How long :meth:`Builder.close` waits for a build to wind down before killing it."""


class BuilderGoneError(RuntimeError):
    """The builder process died (or was stopped) before it answered."""


class BuildCrashError(RuntimeError):
    """A build failed other than on content; the message says how (shown as it is)."""


class Builder:
    """``pipeline.build`` in a forked process; create it before starting any thread.

    A plain fork (not a ``multiprocessing.Process``): a build's own pool and page
    renderer are its children, which a daemonic process may not have, and a non-daemonic
    one would be joined, waiting, by ``multiprocessing`` at the server's exit.
    """

    def __init__(self) -> None:
        self._conn, theirs = multiprocessing.Pipe()
        for stream in (sys.stdout, sys.stderr):  # else the child would write them again
            stream.flush()
        pid = os.fork()
        if pid == 0:  # the builder: serve builds, then leave without the server's cleanup
            status = 1
            try:
                self._conn.close()
                _serve_builds(theirs)
                status = 0
            finally:
                for stream in (sys.stdout, sys.stderr):
                    stream.flush()
                os._exit(status)
        theirs.close()
        self.pid = pid
        self._status: int | None = None

    def running(self) -> bool:
        """Whether the builder process is still there."""
        if self._status is None:
            pid, status = os.waitpid(self.pid, os.WNOHANG)
            if pid:
                self._status = status
        return self._status is None

    def build(self, opts: BuildOptions) -> BuildResult:
        """What ``pipeline.build(opts)`` returns or raises (a ContentError as such, any
        other failure as :class:`BuildCrashError` naming it), run in the builder."""
        try:
            self._conn.send(opts)
            status, value = self._conn.recv()
        except (EOFError, OSError) as exc:
            raise BuilderGoneError("the build process stopped") from exc
        if status == "ok":
            result: BuildResult = value
            return result
        if status == "content":
            message, diagnostics = value
            raise ContentError(message, diagnostics)
        raise BuildCrashError(value)

    def close(self) -> None:
        """Stop the builder: at once when idle; in a build, after it cleaned up."""
        if self.running():
            os.kill(self.pid, signal.SIGTERM)  # a running build unwinds (see _stop)
            deadline = time.monotonic() + STOP_SECONDS
            while self.running() and time.monotonic() < deadline:
                time.sleep(0.01)
            if self.running():
                os.kill(self.pid, signal.SIGKILL)
                self._status = os.waitpid(self.pid, 0)[1]
        self._conn.close()


def _serve_builds(conn: Connection) -> None:
    """The builder's loop: one build per request until the pipe closes or SIGTERM."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the server's to handle
    signal.signal(signal.SIGTERM, _stop)
    # a fork keeps the forking thread's signal mask: the builder must hear its stop
    signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGTERM})
    from sitegen.pipeline import build

    while True:
        try:
            opts = conn.recv()
        except (EOFError, OSError):
            return
        reply: tuple[str, Any]
        try:
            reply = ("ok", build(opts))
        except ContentError as exc:
            reply = ("content", (exc.message, list(exc.diagnostics)))
        except Exception as exc:  # a crash is the server's to show, not the builder's end
            log.debug("build crashed:\n%s", traceback.format_exc())
            reply = ("crash", f"build failed: {type(exc).__name__}: {exc}")
        try:
            conn.send(reply)
        except (BrokenPipeError, OSError):
            return


def _stop(_signum: int, _frame: object) -> None:
    """SIGTERM in the builder: unwind like an error, so a build discards its staging
    and shuts its pool down, and leave (``Builder.__init__``'s ``os._exit``)."""
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    raise SystemExit(0)
