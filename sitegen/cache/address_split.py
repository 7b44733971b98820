"""How ``cache.address`` splits a large site between two processes, and what they trade.

The site's files are cut into units (``split``), each process addresses the folders below
its units (``cache.address._address_part``) and the parent merges the parts. The forked
part comes back through a pipe as a few large objects (``Part.packed``), not ~100k small
ones: pickling its lines as tuples, its names as a dict and its folders as tuples cost
~0.13 s at 10k papers, most of it while the parent waited.
"""

from __future__ import annotations

import operator
import struct
from collections.abc import Mapping
from dataclasses import dataclass

from sitegen.ipfs.dirs import Link
from sitegen.ipfs.files import Node

Seen = dict[str, tuple[bytes, bytes, int]]
"""folder -> its memo entry (see ``AddressMemo.folders``)."""


@dataclass(frozen=True, slots=True)
class Part:
    """Some of the site's folders addressed: those below some of its units, with the
    links they add to the folders the parts share."""

    seen: Seen
    texts: list[str] | None
    """With plain paths (``plain``): every file and folder's line of ``cids.json``,
    sorted (the lines sort as their paths). The parts' lines merge at C speed, where
    sorting and formatting all of them cost the parent ~0.25 s at 10k papers while the
    other core idled."""
    pairs: list[tuple[str, str]] | None
    """Else (path, line) for every file and folder, sorted."""
    cids: list[bytes]
    """The CID of every file and folder of the part."""
    names: list[str]
    """Their strings (``AddressMemo.names``), in the same order."""
    shared: dict[str, list[Link]]
    """A shared folder (the root, a split one) -> the links this part gives it."""

    def packed(self) -> Packed:
        folders = list(self.seen)
        entries = list(self.seen.values())
        return Packed(
            "\n".join(folders) if self.texts is not None else folders,
            [entry[0] for entry in entries],
            _joined([entry[1] for entry in entries]),
            [entry[2] for entry in entries],
            "\n".join(self.texts) if self.texts is not None else None,
            self.pairs,
            _joined(self.cids),
            " ".join(self.names),
            self.shared,
        )

    def pairs_or_plain(self) -> list[tuple[str, str]]:
        """(path, line) pairs, made from the lines of plain paths if need be."""
        if self.pairs is not None:
            return self.pairs
        assert self.texts is not None
        return [(text[3 : text.rindex('": "')], text) for text in self.texts]


@dataclass(frozen=True, slots=True)
class Packed:
    """A ``Part`` as a few large objects: strings joined (folder paths by newlines only
    when plain), equal-length CIDs joined, the memo entries as columns."""

    folders: str | list[str]
    digests: list[bytes]
    """Mostly ``b""``, which pickles as one object."""
    folder_cids: bytes | list[bytes]
    folder_sizes: list[int]
    texts: str | None
    pairs: list[tuple[str, str]] | None
    cids: bytes | list[bytes]
    names: str
    shared: dict[str, list[Link]]

    def unpacked(self) -> Part:
        folders = self.folders
        if isinstance(folders, str):
            folders = folders.split("\n") if folders else []
        names = self.names.split(" ") if self.names else []
        entries = zip(
            self.digests,
            _split_cids(self.folder_cids, len(folders)),
            self.folder_sizes,
            strict=True,
        )
        texts = None if self.texts is None else self.texts.split("\n") if self.texts else []
        return Part(
            dict(zip(folders, entries, strict=True)),
            texts,
            self.pairs,
            _split_cids(self.cids, len(names)),
            names,
            self.shared,
        )


def _joined(cids: list[bytes]) -> bytes | list[bytes]:
    """The CIDs joined when all are one length (all of a site's but its odd ones)."""
    blob = b"".join(cids)
    return blob if cids and len(blob) == len(cids[0]) * len(cids) else cids


_FIRST = operator.itemgetter(0)


def _split_cids(cids: bytes | list[bytes], count: int) -> list[bytes]:
    if not isinstance(cids, bytes):
        return cids
    if not count:
        return []
    return list(map(_FIRST, struct.iter_unpack(f"{len(cids) // count}s", cids)))


_ESCAPED_OR_LOW = bytes(range(0x23)) + b"\\"
"""What JSON escapes in a string, and what sorts below the ``"`` closing a path."""


def plain(paths: list[str]) -> bool:
    """No path holds a character JSON escapes or one below ``"``: then every
    ``cids.json`` line holds its path as is, closed by ``"``, and lines sort as paths
    (and paths joined by newlines split back). Checked on the UTF-8 bytes, where
    deleting those bytes is ~5x quicker than searching the text with a pattern."""
    data = "/".join(paths).encode("utf-8", "surrogatepass")
    return len(data.translate(None, _ESCAPED_OR_LOW)) == len(data)


FOLDER_COST = 2
"""What addressing a folder costs, in files (its block written and hashed, its CID
written out): units are weighed by both, a journal's ``authors/`` being one folder a file."""
CHILD_SHARE = 0.45
"""The forked part's share of the weight: it also packs its result, which the parent
waits for before it merges (at 10k papers an even split kept it waiting ~0.3 s)."""


def split(files: Mapping[str, Node]) -> tuple[frozenset[str], list[str], list[str]]:
    """The folders both parts link into, and the files of each part, the forked one's
    first. A unit, which one process addresses whole, is a top-level folder, or below
    the one holding more than half of the files (``papers`` in a journal) a second-level
    one; the forked part takes whole units weighing about ``CHILD_SHARE`` of the site
    (files and ``FOLDER_COST`` a folder), each unit that brings it nearer: a journal's
    ``authors/`` alone is ~45% of it at 10k papers, and taking only units that fit under
    the share left it out below 0.45, costing ~0.1 s. Files the shared folders hold
    directly stay here."""
    heads: dict[str, list[str]] = {}
    kept: list[str] = []
    for path in files:
        head, slash, _ = path.partition("/")
        if not slash:
            kept.append(path)
            continue
        group = heads.get(head)
        if group is None:
            heads[head] = [path]
        else:
            group.append(path)
    shared = {""}
    big = max(heads, key=lambda head: len(heads[head]), default="")
    if big and len(heads[big]) > len(files) // 2:
        shared.add(big)
        start = len(big) + 1
        for path in heads.pop(big):
            end = path.find("/", start)
            if end < 0:
                kept.append(path)
                continue
            unit = path[:end]
            group = heads.get(unit)
            if group is None:
                heads[unit] = [path]
            else:
                group.append(path)

    def weight(paths: list[str]) -> int:
        return len(paths) + FOLDER_COST * len({path.rpartition("/")[0] for path in paths})

    weights = {unit: weight(group) for unit, group in heads.items()}
    target = CHILD_SHARE * (sum(weights.values()) + weight(kept))
    given: list[str] = []
    taken = 0
    for unit in sorted(heads):
        if abs(taken + weights[unit] - target) < target - taken:  # nearer the target
            given += heads[unit]
            taken += weights[unit]
        else:
            kept += heads[unit]
    return frozenset(shared), given, kept
