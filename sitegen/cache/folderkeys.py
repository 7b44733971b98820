"""Paper folders' content keys: what the build cache stores each paper's work under.

A key is ``paper_inputs_key`` (code, config, working folder), the folder's name and its
``FileDigests.folder_digest``. The parent makes them when it must look works up first;
in a cold build the pool workers make them (``workers._worker_batch``), mostly from the
CIDs of the files they read anyway, and send them back with the digests behind them.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from sitegen.cache.digests import FileDigests, sha256_hex
from sitegen.ipfs.cid import RAW

if TYPE_CHECKING:
    from sitegen.render.work import PaperWork


@dataclass(slots=True)
class FolderKeys:
    """Paper folders' content keys (``paper_inputs_key``, the folder's name and its
    ``FileDigests.folder_digest``), made here or taken from the pool workers that made them.

    ``digests`` is the build's file memo (``BuildCache.files``): what a worker hashed is
    put in it as if hashed here, so the next build reads none of those files again.
    """

    paper_part: str
    digests: FileDigests
    made: dict[str, str] = field(default_factory=dict)
    """Folder name -> key."""

    def of(self, folder: Path) -> str:
        """The folder's key (reads every file whose stat signature is new)."""
        key = self.made.get(folder.name)
        if key is None:
            key = folder_key(self.paper_part, folder, self.digests.folder_digest(folder))
            self.made[folder.name] = key
        return key

    def known(self, folders: Sequence[Path]) -> list[str] | None:
        """The keys of ``folders`` if all are made already, else None."""
        found = []
        for folder in folders:
            key = self.made.get(folder.name)
            if key is None:
                return None
            found.append(key)
        return found

    def take(self, folders: Sequence[Path], made: MadeKeys) -> list[str]:
        """Take the keys and file digests a worker made for ``folders``; the keys."""
        self.digests.memo.update(made.files)
        self.digests.seen.update(made.files)
        self.made.update(zip([folder.name for folder in folders], made.keys, strict=True))
        return list(made.keys)


@dataclass(frozen=True, slots=True)
class MadeKeys:
    """What a worker that made its batch's keys sends back (``_worker_batch``)."""

    keys: tuple[str, ...]
    """One per folder of the batch, in order."""
    files: dict[str, tuple[int, int, int, str]]
    """The ``FileDigests.memo`` records of every file the keys cover."""


def folder_key(paper_part: str, folder: Path, digest: str) -> str:
    """A paper folder's content key: what its work depends on (``paper_inputs_key``),
    its name (the slug) and what it holds (``FileDigests.folder_digest``)."""
    return sha256_hex(paper_part, folder.name, digest)


_RAW_SHA256 = b"\x01" + bytes([RAW]) + b"\x12\x20"
"""How a CIDv1 of a raw block named by its sha2-256 begins (``ipfs.cid.sha256_cid``)."""


def cid_digests(work: PaperWork) -> dict[str, tuple[int, str]]:
    """(size, sha256 hex) of each file of ``work``'s research object whose node is one
    raw leaf: its CID's digest is the sha256 of the file's bytes."""
    found = {}
    for rel, node in work.source_nodes.items():
        cid = node.cid
        if len(cid) == 36 and cid.startswith(_RAW_SHA256):
            found[rel] = (node.size, cid[4:].hex())
    return found
