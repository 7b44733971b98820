"""What tells a changed input: content digests of files, stat signatures of trees.

``FileDigests`` re-reads a file only when its stat changed (as git does) and digests
paper folders for their content keys (``cache.folderkeys``); ``tree_signature`` is the
stat-only fingerprint of the no-change test (``cache.incremental``).
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path


def sha256_hex(*parts: str | bytes) -> str:
    h = hashlib.sha256()
    for part in parts:
        data = part.encode("utf-8", "surrogateescape") if isinstance(part, str) else part
        h.update(len(data).to_bytes(8, "big"))
        h.update(data)
    return h.hexdigest()


@dataclass(slots=True)
class FileDigests:
    """sha256 of file contents, re-read only when size, mtime or inode changed (as git does)."""

    memo: dict[str, tuple[int, int, int, str]] = field(default_factory=dict)
    seen: set[str] = field(default_factory=set)
    complete: bool = True
    """Every input file was seen this build, so digests of unseen paths may be dropped.
    A rebuild that reads only changed folders sets it to False."""

    def digest(self, path: str, st: os.stat_result) -> str:
        self.seen.add(path)
        known = self.memo.get(path)
        if known is not None and known[:3] == (st.st_size, st.st_mtime_ns, st.st_ino):
            return known[3]
        h = hashlib.sha256()
        with open(path, "rb") as fh:
            while chunk := fh.read(1 << 20):
                h.update(chunk)
        value = h.hexdigest()
        self.memo[path] = (st.st_size, st.st_mtime_ns, st.st_ino, value)
        return value

    def folder_digest(self, folder: Path) -> str:
        """Every entry below ``folder`` (names, kinds, contents), hidden ones included."""
        return self.listed_digest(self.listing(folder))

    def listing(self, folder: Path) -> FolderListing:
        """``folder`` as :meth:`folder_digest` walks it, its files stat-ed but not read.

        A pool worker lists a paper's folder before it reads the files to process them,
        so :meth:`listed_digest` can take their digests from what that read hashed (a
        stat signature taken before the bytes were read is safe to remember with them:
        a file changed since has another signature next time, and is read again).
        """
        listing = FolderListing([], [])
        self._walk(str(folder), "", listing)
        return listing

    def listed_digest(
        self, listing: FolderListing, given: Mapping[str, tuple[int, str]] | None = None
    ) -> str:
        """:meth:`folder_digest` of a :meth:`listing` (fills it in: use it once).

        ``given`` maps a file's path relative to the folder to its (size, sha256 hex), as
        read after the listing: used (and remembered) where the size is the listed one;
        other files are hashed here unless the memo knows them.
        """
        parts = listing.parts
        for at, rel, path, st in listing.files:
            known = given.get(rel) if given is not None else None
            if known is not None and known[0] == st.st_size:
                self.seen.add(path)
                value = known[1]
                self.memo[path] = (st.st_size, st.st_mtime_ns, st.st_ino, value)
            else:
                value = self.digest(path, st)
            parts[at] = f"F {rel} {value}"
        return sha256_hex(*parts)

    def _walk(self, folder: str, rel: str, listing: FolderListing) -> None:
        parts = listing.parts
        with os.scandir(folder) as scan:
            items = sorted(scan, key=lambda e: e.name)
        for entry in items:
            child = f"{rel}/{entry.name}" if rel else entry.name
            if entry.is_symlink():
                parts.append(f"L {child} {os.readlink(entry.path)}")
            elif entry.is_dir():
                parts.append(f"D {child}")
                self._walk(entry.path, child, listing)
            elif entry.is_file():
                listing.files.append((len(parts), child, entry.path, entry.stat()))
                parts.append("")  # "F child digest", by listed_digest
            else:
                parts.append(f"? {child}")


@dataclass(slots=True)
class FolderListing:
    """A folder as ``FileDigests.folder_digest`` hashes it, before its files are read."""

    parts: list[str]
    """One per entry, in walk order; a file's is filled in by ``listed_digest``."""
    files: list[tuple[int, str, str, os.stat_result]]
    """(index in ``parts``, path relative to the folder, path, stat) of each file."""


def tree_signature(root: Path, skip: set[str]) -> str:
    """A hash of every path, size, mtime and inode below ``root``: the no-change test.

    Folders are not stat-ed (a syscall each): what a folder holds is in the listing, and
    its files' stats are taken one by one; its name, kind and inode come from the listing.

    ``skip`` holds absolute folder paths not to enter (OUT, the cache, ``.git``).
    """
    parts: list[str] = []
    stack = [str(root)]
    while stack:
        folder = stack.pop()
        try:
            scan = sorted(os.scandir(folder), key=lambda e: e.name)
        except OSError:
            continue
        for entry in scan:
            if entry.path in skip:
                continue
            if entry.is_dir(follow_symlinks=False):  # its entries are listed: no stat needed
                parts.append(f"{entry.path}:d:{entry.inode()}")
                stack.append(entry.path)
                continue
            st = entry.stat(follow_symlinks=False)
            parts.append(f"{entry.path}:{st.st_mode}:{st.st_size}:{st.st_mtime_ns}:{st.st_ino}")
    return sha256_hex(*parts)
