"""Rendered fragments (TeX -> MathML, highlighted code) kept in shard files read on use.

Every formula and code block a build renders is kept for the next one, keyed by its
source (``render.math.math_key``, ``render.markdown``'s code key). At 10k papers that is
~43 MB (the code blocks, unique per paper, are most of it), and reading it whole cost a
one-paper rebuild ~0.07 s to look up the twenty fragments of that paper. So the keys are
spread over :data:`SHARDS` files by a hash, and a shard is read on its first lookup: a
rebuild of one paper reads a tenth of the store, a full build all of it (one plain dict,
:meth:`FragmentStore.copy`, for the pool workers to start from).

A shard written by other code (another sitegen, another latex2mathml) is not read: its
``code`` stamp differs. A shard that cannot be read is empty; the store is only speed.
"""

from __future__ import annotations

import logging
import os
import pickle
import zlib
from collections.abc import Iterator, MutableMapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from sitegen.render.math import MathResult

log = logging.getLogger(__name__)

SHARDS = 256
FOLDER = "fragments"
"""The store's folder name, in the journal's cache and in the per-user cache."""
LIMIT = 200_000
"""Fragments kept in all (the most recently learned of each shard): bounds a store that
every edit of a formula or code block would otherwise grow for ever."""


def shard_of(key: str) -> int:
    return zlib.crc32(key.encode("utf-8")) % SHARDS


class FragmentStore(MutableMapping[str, "MathResult"]):
    """The fragments in ``folder``, read shard by shard as keys are looked up."""

    def __init__(self, folder: Path, code: str) -> None:
        self.folder = folder
        self._code = code
        self._shards: dict[int, dict[str, MathResult]] = {}
        self._dirty: set[int] = set()

    def exists(self) -> bool:
        """Whether any shard was ever written here (a cold build finds none)."""
        try:
            return any(name.endswith(".pickle") for name in os.listdir(self.folder))
        except OSError:
            return False

    def _shard(self, number: int) -> dict[str, MathResult]:
        found = self._shards.get(number)
        if found is None:
            found = self._shards[number] = self._read(number)
        return found

    def _path(self, folder: Path, number: int) -> Path:
        return folder / f"{number:02x}.pickle"

    def _read(self, number: int) -> dict[str, MathResult]:
        try:
            with self._path(self.folder, number).open("rb") as fh:
                stored = pickle.load(fh)
        except FileNotFoundError:
            return {}
        except (TypeError, ValueError, IndexError) as exc:  # damaged: a miss, never an error
            log.info("ignoring unreadable fragment shard %s: %s", number, exc)
            return {}
        except (OSError, pickle.UnpicklingError, EOFError, AttributeError, ImportError) as exc:
            log.info("ignoring unreadable fragment shard %s: %s", number, exc)
            return {}
        if isinstance(stored, dict) and stored.get("code") == self._code:
            fragments = stored.get("math")
            return fragments if isinstance(fragments, dict) else {}
        return {}

    def get(self, key: str, default: Any = None) -> Any:
        return self._shard(shard_of(key)).get(key, default)

    def __getitem__(self, key: str) -> MathResult:
        return self._shard(shard_of(key))[key]

    def __setitem__(self, key: str, value: MathResult) -> None:
        number = shard_of(key)
        self._shard(number)[key] = value
        self._dirty.add(number)

    def __delitem__(self, key: str) -> None:
        number = shard_of(key)
        del self._shard(number)[key]
        self._dirty.add(number)

    def _all(self) -> list[dict[str, MathResult]]:
        return [self._shard(number) for number in range(SHARDS)]

    def __iter__(self) -> Iterator[str]:
        for shard in self._all():
            yield from shard

    def __len__(self) -> int:
        return sum(len(shard) for shard in self._all())

    def copy(self) -> dict[str, MathResult]:
        """Every fragment in one plain dict (reads every shard)."""
        merged: dict[str, MathResult] = {}
        for shard in self._all():
            merged.update(shard)
        return merged

    @property
    def changed(self) -> bool:
        return bool(self._dirty)

    def save(self, folder: Path, *, every: bool = False, also: Path | None = None) -> None:
        """Write the shards that changed (``every``: all that were read) into ``folder``,
        and the changed ones into ``also`` (the per-user cache) if given; each shard is
        pickled once. A failure to write ``also`` is logged: it is only a cache."""
        numbers = sorted(self._shards if every else self._dirty)
        if not numbers:
            return
        folder.mkdir(parents=True, exist_ok=True)
        keep = LIMIT // SHARDS
        for number in numbers:
            fragments = self._shards[number]
            if len(fragments) > keep:
                fragments = dict(list(fragments.items())[-keep:])
            data = pickle.dumps({"code": self._code, "math": fragments}, pickle.HIGHEST_PROTOCOL)
            _replace(self._path(folder, number), data)
            if also is not None and number in self._dirty:
                try:
                    also.mkdir(parents=True, exist_ok=True)
                    _replace(self._path(also, number), data)
                except OSError as exc:
                    log.info("could not write the shared fragment store: %s", exc)
                    also = None


def _replace(path: Path, data: bytes) -> None:
    tmp = path.with_name(f".{path.name}.tmp{os.getpid()}")
    tmp.write_bytes(data)
    os.replace(tmp, path)
