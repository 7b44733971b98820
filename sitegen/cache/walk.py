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
sends its signatures back over a second pipe (``marshal``) and exits; a folder it did
not report (it failed, or could not fork) is walked here, so the result never depends
on the helper.
"""

from __future__ import annotations

import marshal
import os
import struct
from pathlib import Path

from sitegen.cache.store import tree_signature

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
        self._results: int | None = None
        self._pid = 0
        if count >= FORK_FROM and hasattr(os, "fork"):
            self._start()

    def _start(self) -> None:
        chunks = -(-len(self._entries) // self._size)
        claims_r, claims_w = os.pipe()
        os.write(claims_w, b"".join(_CLAIM.pack(i) for i in range(chunks)))
        os.close(claims_w)  # read() returns b"" once every chunk is claimed
        results_r, results_w = os.pipe()
        try:
            pid = os.fork()
        except OSError:
            os.close(results_r)
            os.close(results_w)
            os.close(claims_r)
            return
        if pid == 0:  # the helper: walk what it claims, report, and leave at once
            status = 1
            try:
                os.close(results_r)
                data = marshal.dumps(self._walk_claims(claims_r))
                with os.fdopen(results_w, "wb") as out:
                    out.write(data)
                status = 0
            finally:
                os._exit(status)
        os.close(results_w)
        self._pid, self._claims, self._results = pid, claims_r, results_r

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
        if self._claims is not None and self._results is not None:
            found = self._walk_claims(self._claims)
            os.close(self._claims)
            with os.fdopen(self._results, "rb") as fh:
                data = fh.read()
            _, status = os.waitpid(self._pid, 0)
            self._claims = self._results = None
            if status == 0:
                try:
                    theirs = marshal.loads(data)
                except (ValueError, EOFError, TypeError):
                    theirs = {}
                if isinstance(theirs, dict):
                    found.update(theirs)
        return {
            e.name: found[e.name] if e.name in found else sign_entry(e, self._skip)
            for e in self._entries
        }
