"""The paper folders' stat walk, split with a forked helper while the cache loads.

Every cached build starts by stat-ing every input file (``incremental.build_fingerprint``):
at 10k papers that is 45k ``stat`` calls and 10k folder listings, ~0.27 s of kernel-bound
work, and a rebuild after a one-paper edit must fit in 1 s. Loading the cache state
(~0.17 s) does not need the walk's result, so a forked helper process starts walking
while this one loads, and both share what is left. Two processes walk twice as fast: the
work is system calls on separate folders, which the kernel runs in parallel (measured).

Folders are claimed in chunks from a pipe both processes read: every chunk number is
written before the fork, each read of exactly one number is atomic, so a chunk goes to
whoever reads it first and the split follows how fast each side really is. The helper
sends its signatures back (``sitegen.forked``) and exits; a folder it did not report (it
failed, or could not fork) is walked here, so the result never depends on the helper.
"""

from __future__ import annotations

import os
import struct
from pathlib import Path

from sitegen.cache.digests import tree_signature
from sitegen.forked import Forked

FORK_FROM = 256
"""Folders below which the walk is not worth a process (a fork costs a few ms)."""
CHUNKS = 4000
"""At most this many claims, so all their numbers fit in a pipe's buffer before the fork."""
_CLAIM = struct.Struct("=I")


def list_folder(root: Path, skip: set[str]) -> list[os.DirEntry[str]]:
    """The entries of ``root`` by name, ``skip``'s paths left out (none if it is missing)."""
    try:
        with os.scandir(root) as scan:
            return sorted((e for e in scan if e.path not in skip), key=lambda e: e.name)
    except OSError:
        return []


def sign_entry(entry: os.DirEntry[str], skip: set[str]) -> str:
    """A folder's ``tree_signature`` (with its inode), or a file's own stat."""
    if entry.is_dir(follow_symlinks=False):
        return f"d:{entry.inode()}:{tree_signature(Path(entry.path), skip)}"
    st = entry.stat(follow_symlinks=False)
    return f"{st.st_mode}:{st.st_size}:{st.st_mtime_ns}:{st.st_ino}"


class SignatureWalk:
    """Signatures of the entries of one folder, begun now and finished by :meth:`finish`.

    Between the two, the caller does other work (loading the cache) while the forked
    helper walks; :meth:`finish` walks whatever is left here and returns name ->
    signature for every entry, the same as a walk in one process.
    """

    def __init__(self, root: Path, skip: set[str]) -> None:
        self._skip = skip
        self._entries = list_folder(root, skip)
        count = len(self._entries)
        self._size = max(32, -(-count // CHUNKS))
        self._claims: int | None = None
        self._helper: Forked[dict[str, str]] | None = None
        if count >= FORK_FROM:
            self._start()

    def _start(self) -> None:
        chunks = -(-len(self._entries) // self._size)
        claims_r, claims_w = os.pipe()
        os.write(claims_w, b"".join(_CLAIM.pack(i) for i in range(chunks)))
        os.close(claims_w)  # read() returns b"" once every chunk is claimed
        self._helper = Forked(lambda: self._walk_claims(claims_r))
        if self._helper.started:
            self._claims = claims_r
        else:
            os.close(claims_r)

    def _walk_claims(self, claims: int) -> dict[str, str]:
        found: dict[str, str] = {}
        while len(claim := os.read(claims, _CLAIM.size)) == _CLAIM.size:
            (chunk,) = _CLAIM.unpack(claim)
            start = chunk * self._size
            for entry in self._entries[start : start + self._size]:
                found[entry.name] = sign_entry(entry, self._skip)
        return found

    def finish(self) -> dict[str, str]:
        """Every entry's signature, in name order."""
        found: dict[str, str] = {}
        if self._claims is not None and self._helper is not None:
            found = self._walk_claims(self._claims)
            os.close(self._claims)
            self._claims = None
            found.update(self._helper.result() or {})
        return {
            e.name: found[e.name] if e.name in found else sign_entry(e, self._skip)
            for e in self._entries
        }
