"""Cached paper work in one append-only file: one open per build instead of one per paper.

Opening a file costs about as much as unpickling a paper on the file systems we measured
(a thousand small files took a quarter of a second to read back), so every paper's
:class:`PaperWork` lives in ``papers.<generation>.pack``, located by an index kept in the
cache state. A rebuild appends what it rendered; when the dead entries outweigh the live
ones the live ones are copied into the next generation. Each entry repeats its key, so an
index that does not match the file (an interrupted save) gives misses, never wrong data.
"""

from __future__ import annotations

import os
import pickle
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

PREFIX = "papers."
SUFFIX = ".pack"


@dataclass(slots=True)
class PaperPack:
    folder: Path
    generation: int = 0
    index: dict[str, tuple[int, int]] = field(default_factory=dict)
    """key -> (offset, length) of its entry in the current generation's file."""
    _reader: IO[bytes] | None = None

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

    def _raw(self, key: str) -> bytes | None:
        where = self.index.get(key)
        if where is None:
            return None
        try:
            if self._reader is None:
                self._reader = self.path().open("rb")
            self._reader.seek(where[0])
            data = self._reader.read(where[1])
        except OSError:
            return None
        return data if len(data) == where[1] else None

    def close(self) -> None:
        if self._reader is not None:
            self._reader.close()
            self._reader = None

    def save(self, wanted: set[str], new: dict[str, Any]) -> None:
        """Keep the ``wanted`` keys: append ``new`` entries, or compact into a new generation.

        The old generation's file stays until :meth:`prune` (called once the state that
        names the new generation is written).
        """
        self.folder.mkdir(parents=True, exist_ok=True)
        live = {k: v for k, v in self.index.items() if k in wanted and k not in new}
        entries = {k: pickle.dumps((k, v), pickle.HIGHEST_PROTOCOL) for k, v in new.items()}
        live_bytes = sum(length for _, length in live.values())
        try:
            size = os.stat(self.path()).st_size
        except OSError:
            size = -1
        if size >= 0 and size - live_bytes <= live_bytes + sum(map(len, entries.values())):
            self.close()
            with self.path().open("ab") as fh:
                offset = fh.seek(0, os.SEEK_END)
                for key, data in entries.items():
                    fh.write(data)
                    live[key] = (offset, len(data))
                    offset += len(data)
            self.index = live
            return
        kept = {}
        for key in live:
            data = self._raw(key)
            if data is not None:
                kept[key] = data
        kept.update(entries)
        self.close()
        generation = self.generation + 1
        target = self.path(generation)
        tmp = target.with_name(f".{target.name}.tmp{os.getpid()}")
        index: dict[str, tuple[int, int]] = {}
        with tmp.open("wb") as fh:
            offset = 0
            for key, data in kept.items():
                fh.write(data)
                index[key] = (offset, len(data))
                offset += len(data)
        os.replace(tmp, target)
        self.generation, self.index = generation, index

    def prune(self) -> None:
        """Remove other generations' files once the state names this one."""
        keep = self.path().name
        for entry in os.scandir(self.folder):
            if entry.name.startswith(PREFIX) and entry.name.endswith(SUFFIX) and entry.name != keep:
                os.unlink(entry.path)
