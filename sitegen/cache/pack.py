"""Cached paper work in one append-only file: one open per build instead of one per paper.

Opening a file costs about as much as unpickling a paper on the file systems we measured
(a thousand small files took a quarter of a second to read back), so every paper's
:class:`PaperWork` lives in ``papers.<generation>.pack``, located by an index kept in the
cache state. Entries are appended as soon as they are made, so a build can drop a paper's
bulky parts from memory and read them back when its page is rendered. When the dead
entries outweigh the live ones the live ones are copied, span by span, into the next
generation. Each entry repeats its keys, so an index that does not match the file (an
interrupted save) gives misses, never wrong data.

An entry is a pickle stream made by one pickler (:func:`stream_entry`): first
``(keys, value)``, then, optionally, ``(keys, more)`` with the memo cleared, so each
pickle reads back without the other. The index may point at the whole entry or at its
first pickle alone: a paper's light work is the first pickle of the entry whose ``more``
holds the rest of its work (``render.work``), so the two are pickled once, not twice, and
written in one piece; its page, whose build already holds the light work, reads and
unpickles only ``more`` (:meth:`PaperPack.get_more`).

The dataclasses stored here by the thousand (``PaperWork`` and what it holds: ``Paper``,
``Author``, ``RenderedDoc``, ``Node``, ``SearchDoc``, ``MathResult``, ``Diagnostic``...)
are frozen but deliberately *not* slotted. A frozen slotted dataclass unpickles through
a Python-level ``__setstate__`` that calls ``dataclasses.fields`` once per object; a
plain one has its ``__dict__`` filled in C. Measured on the 1k benchmark journal,
reading every paper's light work back took 0.49-0.73 s slotted, most of it in
``_dataclass_setstate``; see the commit that made the change for the figures.
"""

from __future__ import annotations

import io
import os
import pickle
from bisect import bisect_right
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

if TYPE_CHECKING:
    from sitegen.render.work import PaperWork

PREFIX = "papers."
SUFFIX = ".pack"
LIGHT = "/light"
"""Key suffix of a paper's light work (``BuildCache.get_light_paper``): the first pickle
of the paper's entry (``render.work.pack_work``)."""

MORE = "more"
"""First item of a :func:`stream_entry`'s second pickle, which a first pickle (a pair)
never has."""


UNREADABLE = (ValueError, TypeError, pickle.UnpicklingError, EOFError)
"""What unpickling damaged or foreign bytes raises (with ``MISSING``)."""
MISSING = (AttributeError, ImportError, IndexError)
"""What unpickling raises for a class or module this code does not have."""
PREAD = getattr(os, "pread", None)
"""Reading at an offset in one call (Unix only)."""
IOV_MAX = 1024
"""Buffers one ``writev`` takes on Linux (POSIX guarantees 16; pool batches hold <= 100)."""


def entry_bytes(key: str, value: Any) -> bytes:
    """One pack entry: the key repeated beside the value, so a stale index gives a miss."""
    return pickle.dumps(((key,), value), pickle.HIGHEST_PROTOCOL)


def stream_entry(keys: tuple[str, ...], value: Any, more: Any) -> tuple[bytes, int]:
    """An entry for every key in ``keys``: ``value``, then ``more`` in the same stream.

    Returns the bytes and the length of their first pickle, ``(keys, value)``, which is
    an entry of its own: index a key at the whole entry and another at that prefix. The
    second pickle, ``(MORE, keys, more)``, reads back alone too (:func:`more_value`): the
    pickler's memo is cleared between them, so it never refers back into the first, and
    ``MORE`` tells it from a first pickle. (Sharing the memo
    saved nothing measurable for a paper's work: its light part and the rest share
    hardly any object; the cleared entries came out 0.06% smaller on the 1k journal.)
    """
    buffer = io.BytesIO()
    pickler = pickle.Pickler(buffer, pickle.HIGHEST_PROTOCOL)
    pickler.dump((keys, value))
    head = buffer.tell()
    pickler.clear_memo()
    pickler.dump((MORE, keys, more))
    return buffer.getvalue(), head


def entry_value(data: bytes | memoryview, key: str) -> Any:
    """The value of an entry (or of its first pickle) stored for ``key``, else None.

    ``pickle.loads`` reads the first pickle only, so a whole entry's ``more`` is skipped.
    """
    try:
        stored, value = pickle.loads(data)
    except UNREADABLE + MISSING:
        return None
    return value if isinstance(stored, tuple) and key in stored else None


def more_value(data: bytes | memoryview, key: str) -> Any:
    """The ``more`` of a :func:`stream_entry` stored for ``key``, from its second pickle
    alone (``data`` starts where the first pickle ends), else None."""
    try:
        mark, stored, more = pickle.loads(data)
    except UNREADABLE + MISSING:
        return None
    return more if mark == MORE and isinstance(stored, tuple) and key in stored else None


def entry_parts(data: bytes, key: str) -> tuple[Any, Any] | None:
    """``(value, more)`` of a whole :func:`stream_entry` stored for ``key``, else None.

    Each pickle by an unpickler of its own: the second was written with a fresh memo,
    which the first one's unpickler would not know to start afresh.
    """
    stream = io.BytesIO(data)
    try:
        stored, value = pickle.Unpickler(stream).load()
        if not isinstance(stored, tuple) or key not in stored:
            return None
        mark, stored, more = pickle.Unpickler(stream).load()  # from where the first stopped
    except UNREADABLE + MISSING:
        return None
    return (value, more) if mark == MORE and isinstance(stored, tuple) and key in stored else None


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
        return None if data is None else entry_value(data, key)

    def get_parts(self, key: str) -> tuple[Any, Any] | None:
        """``(value, more)`` of the :func:`stream_entry` stored whole under ``key``."""
        data = self._raw(key)
        return None if data is None else entry_parts(data, key)

    def get_more(self, key: str, light_key: str) -> Any:
        """The ``more`` of the :func:`stream_entry` stored whole under ``key`` and by its
        first pickle under ``light_key``: the bytes after that pickle, read and unpickled
        alone. None when the two index entries do not describe one such entry."""
        whole, light = self.index.get(key), self.index.get(light_key)
        if whole is None or light is None or light[0] != whole[0] or light[1] >= whole[1]:
            return None
        data = self._read(whole[0] + light[1], whole[1] - light[1])
        return None if data is None else more_value(data, key)

    def add(self, key: str, value: Any) -> None:
        """Append ``value`` under ``key`` now; readable at once, kept if ``save`` wants it."""
        self.add_entry(key, entry_bytes(key, value))

    def add_entry(self, key: str, data: bytes) -> tuple[int, int]:
        """Append an entry made by :func:`entry_bytes` or :func:`stream_entry` (possibly
        in another process); where it landed, to index a prefix of it too."""
        self._own_handles()
        if self._writer is None:
            self.folder.mkdir(parents=True, exist_ok=True)
            self._writer = self.path().open("ab")
        self._writer.write(data)
        self._writer.flush()  # appended at the end, even past other processes' entries
        where = self.index[key] = (self._writer.tell() - len(data), len(data))
        return where

    def add_located(self, key: str, where: tuple[int, int]) -> None:
        """Index an entry another process appended (:func:`append_entries`)."""
        self.index[key] = where

    def _own_handles(self) -> None:
        if self._pid != os.getpid():  # inherited through fork: the offsets are shared
            self._reader = self._writer = None
            self._pid = os.getpid()

    def _raw(self, key: str) -> bytes | None:
        where = self.index.get(key)
        return None if where is None else self._read(*where)

    def _read(self, offset: int, length: int) -> bytes | None:
        """One ``pread`` where the system has it (a paper page's read: ~10 -> ~5 us for
        the 46 KB of a paper's ``more``; a seek and a buffered read copied it twice)."""
        self._own_handles()
        try:
            if self._reader is None:
                self._reader = self.path().open("rb", buffering=0)
            if PREAD is not None:
                data = PREAD(self._reader.fileno(), length, offset)
            else:
                self._reader.seek(offset)
                data = self._reader.read(length)
        except OSError:
            return None
        return data if data is not None and len(data) == length else None

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
        spans = _spans(live.values())
        live_bytes = sum(end - start for start, end in spans)
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
        moved: dict[int, int] = {}  # a copied span's old offset -> its offset in the new file
        with tmp.open("wb") as fh:
            offset = 0
            for start, end in spans:
                data = self._read(start, end - start)
                if data is None:
                    continue
                fh.write(data)
                moved[start] = offset
                offset += len(data)
        self.close()
        index: dict[str, tuple[int, int]] = {}
        starts = [start for start, _ in spans]
        for key, (at, length) in live.items():
            start = starts[bisect_right(starts, at) - 1]  # the span holding the entry
            if start in moved:
                index[key] = (moved[start] + at - start, length)
        os.replace(tmp, target)
        self.generation, self.index = generation, index

    def prune(self) -> None:
        """Remove other generations' files once the state names this one."""
        keep = self.path().name
        for entry in os.scandir(self.folder):
            if entry.name.startswith(PREFIX) and entry.name.endswith(SUFFIX) and entry.name != keep:
                os.unlink(entry.path)


def _spans(entries: Iterable[tuple[int, int]]) -> list[tuple[int, int]]:
    """The ``(start, end)`` file spans the ``(offset, length)`` entries cover, merged
    where they overlap (a light work inside its whole entry is copied once)."""
    spans: list[tuple[int, int]] = []
    for at, length in sorted(entries):
        if spans and at < spans[-1][1]:
            spans[-1] = (spans[-1][0], max(spans[-1][1], at + length))
        else:
            spans.append((at, at + length))
    return spans


def append_entries(path: Path, entries: Sequence[bytes]) -> list[tuple[int, int]] | None:
    """Append ``entries`` to the pack file at ``path``; their ``(offset, length)``.

    Safe beside other processes appending to the same file (the pool workers and the
    parent): the file is opened ``O_APPEND``, so the one ``writev`` lands at the end whole
    (Linux holds the file's lock for a write), and this descriptor's position after it
    says where. None if the write came up short: nothing written may then be indexed.
    ``writev`` spares joining a batch's entries (megabytes) into one buffer first.
    """
    buffers = list(entries)
    if len(entries) > IOV_MAX or not hasattr(os, "writev"):  # writev: Unix only
        buffers = [b"".join(entries)]
    total = sum(len(entry) for entry in entries)
    fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
    try:
        written = os.write(fd, buffers[0]) if len(buffers) == 1 else os.writev(fd, buffers)
        if written != total:
            return None
        offset = os.lseek(fd, 0, os.SEEK_CUR) - total
    finally:
        os.close(fd)
    where = []
    for entry in entries:
        where.append((offset, len(entry)))
        offset += len(entry)
    return where


def read_spans(path: Path, spans: Iterable[tuple[int, int]]) -> list[bytes] | None:
    """The ``(offset, length)`` spans of the pack file at ``path`` (a batch's light works,
    appended by a pool worker), or None if one cannot be read whole.

    One read each: reading the batch's whole span at once (three times the bytes: the
    bodies come between the light works) cost more in fresh memory than it saved in calls.
    """
    found = []
    try:
        with open(path, "rb", buffering=0) as fh:
            for offset, length in spans:
                fh.seek(offset)
                data = fh.read(length)
                if data is None or len(data) != length:
                    return None
                found.append(data)
    except OSError:
        return None
    return found


@dataclass(frozen=True, slots=True)
class StoredBatch:
    """A batch of works a pool worker appended to the pack itself (``pack_work``'s
    entries, one write): all the parent is sent back. It reads the light works from the
    pack (:meth:`works`), where they had come through the pool's pipe, pickled a second
    time by the worker; it used to receive and append ~80 KB a paper before that."""

    offset: int
    lengths: tuple[int, ...]
    """Each work's entry, in order from ``offset``."""
    light_lengths: tuple[int, ...]
    """How much of each entry is its light work's pickle (``stream_entry``)."""

    def works(self, pack: Path, keys: Sequence[str]) -> list[StoredWork] | None:
        """The batch's works (made for ``keys``, in order) with their light works read
        back, or None when the pack cannot give them all back."""
        if len(keys) != len(self.lengths):
            return None
        starts = [self.offset]
        for length in self.lengths[:-1]:
            starts.append(starts[-1] + length)
        datas = read_spans(pack, zip(starts, self.light_lengths, strict=True))
        if datas is None:
            return None
        works = []
        for key, at, length, data in zip(keys, starts, self.lengths, datas, strict=True):
            light = entry_value(data, key + LIGHT)
            if light is None:
                return None
            works.append(StoredWork(light, (at, length), (at, len(data))))
        return works


@dataclass(frozen=True, slots=True)
class StoredWork:
    """A work in the pack, whole and light entries (``StoredBatch.works``)."""

    light: PaperWork
    whole: tuple[int, int]
    light_at: tuple[int, int]
