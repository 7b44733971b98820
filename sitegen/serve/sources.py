"""What the preview server reads from: a built folder or a CAR, behind one small interface.

Both sources take site-relative POSIX paths that the router has already split into clean
segments; each still re-checks containment itself, so a bug in routing can never turn into
a file served from outside the site root.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Literal, Protocol

from sitegen.ipfs.carfs import CarFS
from sitegen.mediatypes import content_type_for

Kind = Literal["file", "dir"]


def content_type(name: str) -> str:
    """The Content-Type header for a file name, with a charset for text (shared table)."""
    return content_type_for(name)


class SiteSource(Protocol):
    """A read-only tree of files; ``rel`` is "" for the root or ``a/b/c`` without slashes."""

    def stat(self, rel: str) -> Kind | None:
        """``"file"``, ``"dir"`` or None when absent or not servable."""
        ...

    def read(self, rel: str) -> bytes:
        """The whole file; FileNotFoundError when absent."""
        ...

    def listdir(self, rel: str) -> list[str]:
        """Sorted entry names of a folder."""
        ...


class DirSource:
    """A built site on disk. Symlinks are followed only while they stay inside the root."""

    def __init__(self, root: Path) -> None:
        self.root = Path(os.path.realpath(root))

    def _path(self, rel: str) -> Path | None:
        parts = [p for p in rel.split("/") if p]
        if any(p in (".", "..") or "\\" in p or "\x00" in p for p in parts):
            return None
        candidate = os.path.realpath(self.root.joinpath(*parts))
        root = str(self.root)
        if candidate != root and not candidate.startswith(root + os.sep):
            return None
        return Path(candidate)

    def stat(self, rel: str) -> Kind | None:
        path = self._path(rel)
        if path is None:
            return None
        if path.is_dir():
            return "dir"
        if path.is_file():
            return "file"
        return None

    def read(self, rel: str) -> bytes:
        path = self._path(rel)
        if path is None or not path.is_file():
            raise FileNotFoundError(rel)
        return path.read_bytes()

    def listdir(self, rel: str) -> list[str]:
        path = self._path(rel)
        if path is None or not path.is_dir():
            raise FileNotFoundError(rel)
        return sorted(p.name for p in path.iterdir() if self.stat(_join(rel, p.name)) is not None)


class CarSource:
    """A CAR through :class:`CarFS`: every block hash-checked as it is read."""

    def __init__(self, car: CarFS) -> None:
        self.car = car

    def stat(self, rel: str) -> Kind | None:
        return self.car.stat(rel)

    def read(self, rel: str) -> bytes:
        return self.car.read(rel)

    def listdir(self, rel: str) -> list[str]:
        return self.car.listdir(rel)


def _join(rel: str, name: str) -> str:
    return f"{rel}/{name}" if rel else name
