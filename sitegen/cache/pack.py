"""Cached paper work in one append-only file: one open per build instead of one per paper.

Opening a file costs about as much as unpickling a paper on the file systems we measured
(a thousand small files took a quarter of a second to read back), so every paper's
:class:`PaperWork` lives in ``papers.<generation>.pack``, located by an index kept in the
cache state. Entries are appended as soon as they are made, so a build can drop a paper's
bulky parts from memory and read them back when its page is rendered. When the dead
entries outweigh the live ones the live ones are copied, one at a time, into the next
generation. Each entry repeats its key, so an index that does not match the file (an
interrupted save) gives misses, never wrong data.

The dataclasses stored here by the thousand (``PaperWork`` and what it holds: ``Paper``,
``Author``, ``RenderedDoc``, ``Node``, ``SearchDoc``, ``MathResult``, ``Diagnostic``...)
are frozen but deliberately *not* slotted. A frozen slotted dataclass unpickles through
a Python-level ``__setstate__`` that calls ``dataclasses.fields`` once per object; a
plain one has its ``__dict__`` filled in C. Measured on the 1k benchmark journal,
reading every paper's light work back took 0.49-0.73 s slotted, most of it in
``_dataclass_setstate``; see the commit that made the change for the figures.
"""

from __future__ import annotations

import os
import pickle
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

PREFIX = "papers."
SUFFIX = ".pack"


def entry_bytes(key: str, value: Any) -> bytes:
    """One pack entry: the key repeated beside the value, so a stale index gives a miss."""
    return pickle.dumps((key, value), pickle.HIGHEST_PROTOCOL)


@dataclass(slots=True)
class PaperPack:
    folder: Path
    generation: int = 0
    index: dict[str, tuple[int, int]] = field(default_factory=dict)
    """key -> (offset, length) of its entry in the current generation's file."""
    _reader: IO[bytes] | None = None
    _writer: IO[bytes] | None = None
    _pid: int = 0
    """The process that opened the handles: a forked child must open its own."""

    def path(self, generation: int | None = None) -> Path:
        gen = self.generation if generation is None else generation
        return self.folder / f"{PREFIX}{gen}{SUFFIX}"

    def get(self, key: str) -> Any:
        """The object stored under ``key``, or None (absent, unreadable, not ours)."""
        data = self._raw(key)
        if data is None:
            return None
        try:
            stored_key, value = pickle.loads(data)
        except (ValueError, TypeError, pickle.UnpicklingError, EOFError):
            return None
        except (AttributeError, ImportError, IndexError):
            return None
        return value if stored_key == key else None

    def add(self, key: str, value: Any) -> None:
        """Append ``value`` under ``key`` now; readable at once, kept if ``save`` wants it."""
        self.add_entry(key, entry_bytes(key, value))

    def add_entry(self, key: str, data: bytes) -> None:
        """Append an entry made by :func:`entry_bytes` (possibly in another process)."""
        self._own_handles()
        if self._writer is None:
            self.folder.mkdir(parents=True, exist_ok=True)
            self._writer = self.path().open("ab")
        self._writer.write(data)
        self._writer.flush()  # appended at the end, even past other processes' entries
        self.index[key] = (self._writer.tell() - len(data), len(data))

    def add_located(self, key: str, where: tuple[int, int]) -> None:
        """Index an entry another process appended (:func:`append_entries`)."""
        self.index[key] = where

    def _own_handles(self) -> None:
        if self._pid != os.getpid():  # inherited through fork: the offsets are shared
            self._reader = self._writer = None
            self._pid = os.getpid()

    def _raw(self, key: str) -> bytes | None:
        where = self.index.get(key)
        if where is None:
            return None
        self._own_handles()
        try:
            if self._reader is None:
                self._reader = self.path().open("rb")
            self._reader.seek(where[0])
            data = self._reader.read(where[1])
        except OSError:
            return None
        return data if len(data) == where[1] else None

    def close(self) -> None:
        self._own_handles()
        for handle in (self._reader, self._writer):
            if handle is not None:
                handle.close()
        self._reader = self._writer = None

    def save(self, wanted: set[str]) -> None:
        """Keep only the ``wanted`` keys; compact into a new generation when mostly dead.

        The old generation's file stays until :meth:`prune` (called once the state that
        names the new generation is written).
        """
        live = {k: v for k, v in self.index.items() if k in wanted}
        live_bytes = sum(length for _, length in live.values())
        try:
            size = os.stat(self.path()).st_size
        except OSError:
            size = 0
        self.index = live
        if size - live_bytes <= max(live_bytes, 1 << 20):
            self.close()
            return
        generation = self.generation + 1
        target = self.path(generation)
        tmp = target.with_name(f".{target.name}.tmp{os.getpid()}")
        index: dict[str, tuple[int, int]] = {}
        with tmp.open("wb") as fh:
            offset = 0
            for key in live:
                data = self._raw(key)
                if data is None:
                    continue
                fh.write(data)
                index[key] = (offset, len(data))
                offset += len(data)
        self.close()
        os.replace(tmp, target)
        self.generation, self.index = generation, index

    def prune(self) -> None:
        """Remove other generations' files once the state names this one."""
        keep = self.path().name
        for entry in os.scandir(self.folder):
            if entry.name.startswith(PREFIX) and entry.name.endswith(SUFFIX) and entry.name != keep:
                os.unlink(entry.path)


def append_entries(path: Path, entries: Sequence[bytes]) -> list[tuple[int, int]] | None:
    """Append ``entries`` to the pack file at ``path``; their ``(offset, length)``.

    Safe beside other processes appending to the same file (the pool workers and the
    parent): the file is opened ``O_APPEND``, so the one write lands at the end whole
    (Linux holds the file's lock for a write), and this descriptor's position after it
    says where. None if the write came up short: nothing written may then be indexed.
    """
    data = b"".join(entries)
    fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
    try:
        if os.write(fd, data) != len(data):
            return None
        offset = os.lseek(fd, 0, os.SEEK_CUR) - len(data)
    finally:
        os.close(fd)
    where = []
    for entry in entries:
        where.append((offset, len(entry)))
        offset += len(entry)
    return where
