"""CARv1 bytes: the DAG-CBOR header, length-prefixed sections, and a spool for blocks.

The importer produces blocks leaves-first, while ``ipfs dag export`` writes them root-first
(DFS pre-order, first seen, no duplicates). :class:`BlockSpool` parks blocks in a temporary
file with an in-memory offset index, so the CAR can be written in Kubo's order afterwards
without holding a multi-GiB site in memory.
"""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import BinaryIO

from sitegen import cbor
from sitegen.cbor import CidLink
from sitegen.ipfs.cid import DAG_PB, CidError, cid_codec, encode_varint, read_cid
from sitegen.ipfs.dagpb import decode_pbnode


def encode_header(roots: list[bytes]) -> bytes:
    """DAG-CBOR ``{roots: [CID…], version: 1}`` (canonical key order: roots first)."""
    return cbor.encode({"roots": [CidLink(cid) for cid in roots], "version": 1})


def _read_varint(fh: BinaryIO) -> int | None:
    """A varint from a stream; None at a clean end of file."""
    result = shift = 0
    first = True
    while True:
        b = fh.read(1)
        if not b:
            if first:
                return None
            raise CidError("truncated section length")
        first = False
        result |= (b[0] & 0x7F) << shift
        if not b[0] & 0x80:
            return result
        shift += 7
        if shift > 63:
            raise CidError("section length varint too long")


def read_header(fh: BinaryIO) -> list[bytes]:
    """Read the header at the start of ``fh``; returns the root CIDs."""
    length = _read_varint(fh)
    if length is None or length == 0:
        raise CidError("empty file: no CAR header")
    raw = fh.read(length)
    if len(raw) != length:
        raise CidError("truncated CAR header")
    try:
        header, _ = cbor.decode(raw, 0)
    except cbor.CborError as exc:
        raise CidError(f"bad CAR header: {exc}") from exc
    if not isinstance(header, dict) or header.get("version") != 1:
        raise CidError("not a CARv1 (header version is not 1)")
    roots = header.get("roots")
    if not isinstance(roots, list) or not all(isinstance(r, CidLink) for r in roots):
        raise CidError("CAR header roots are not a list of CIDs")
    return [r.cid for r in roots]


def iter_sections(fh: BinaryIO) -> Iterator[tuple[bytes, bytes, int]]:
    """(cid, block, offset of block) for each section after the header."""
    while True:
        length = _read_varint(fh)
        if length is None:
            return
        section = fh.read(length)
        if len(section) != length:
            raise CidError("truncated CAR section")
        start = fh.tell() - length
        cid, pos = read_cid(section, 0)
        yield cid, section[pos:], start + pos


def links_of(cid: bytes, block: bytes) -> list[tuple[bytes, bytes]]:
    """(child CID, link name) of a dag-pb block; raw and other codecs link to nothing."""
    if cid_codec(cid) != DAG_PB:
        return []
    return [(link.cid, link.name) for link in decode_pbnode(block).links]


def write_section(out: BinaryIO, cid: bytes, block: bytes) -> None:
    out.write(encode_varint(len(cid) + len(block)))
    out.write(cid)
    out.write(block)


@dataclass(slots=True)
class BlockSpool:
    """Blocks parked on disk by CID (each once), for writing a CAR in DAG order later."""

    fh: BinaryIO = field(default_factory=lambda: tempfile.TemporaryFile())  # noqa: SIM115
    index: dict[bytes, tuple[int, int]] = field(default_factory=dict)
    end: int = 0

    def put(self, cid: bytes, block: bytes) -> None:
        if cid in self.index:
            return
        self.fh.seek(self.end)
        self.fh.write(block)
        self.index[cid] = (self.end, len(block))
        self.end += len(block)

    def get(self, cid: bytes) -> bytes:
        offset, length = self.index[cid]
        self.fh.seek(offset)
        return self.fh.read(length)

    def close(self) -> None:
        self.fh.close()

    def write_car(self, root: bytes, out: BinaryIO) -> int:
        """Write a CARv1 of everything reachable from ``root``, DFS pre-order; returns blocks."""
        header = encode_header([root])
        out.write(encode_varint(len(header)) + header)
        seen: set[bytes] = set()
        stack = [root]
        count = 0
        while stack:
            cid = stack.pop()
            if cid in seen:
                continue
            seen.add(cid)
            block = self.get(cid)
            write_section(out, cid, block)
            count += 1
            stack.extend(child for child, _ in reversed(links_of(cid, block)))
        return count
