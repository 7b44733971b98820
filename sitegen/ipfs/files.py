"""File DAGs: fixed-size chunks arranged in boxo's balanced layout, streamed.

A file is read one chunk at a time and nodes are closed as soon as they are full, so memory
stays at one chunk plus one pending link list per tree level, whatever the file size.
"""

from __future__ import annotations

import hashlib
import io
from collections.abc import Callable
from dataclasses import dataclass
from typing import BinaryIO

from sitegen.ipfs.cid import DAG_PB, RAW, encode_varint, sha256_cid
from sitegen.ipfs.dagpb import T_FILE, PBLink, encode_pbnode, encode_unixfs
from sitegen.ipfs.profiles import Profile

Emit = Callable[[bytes, bytes], None]
"""Receives (binary CID, block bytes) for every block produced."""


@dataclass(frozen=True)  # not slotted: see sitegen.cache.pack
class Node:
    """A finished block as its parent sees it."""

    cid: bytes
    tsize: int
    """Every serialized byte of the sub-DAG (the PBLink Tsize)."""
    size: int = 0
    """Content bytes below this node (file nodes only; feeds ``blocksizes``)."""


def dag_pb_node(block: bytes, profile: Profile, emit: Emit | None, *, size: int = 0) -> Node:
    """Hash and emit a dag-pb block whose links' Tsizes the caller adds in ``tsize``."""
    cid = sha256_cid(DAG_PB, hashlib.sha256(block).digest(), profile.cid_version)
    if emit is not None:
        emit(cid, block)
    return Node(cid, len(block), size)


def _leaf(chunk: bytes, profile: Profile, emit: Emit | None) -> Node:
    n = len(chunk)
    if profile.raw_leaves:
        cid = sha256_cid(RAW, hashlib.sha256(chunk).digest(), 1)
        if emit is not None:
            emit(cid, chunk)
        return Node(cid, n, n)
    # UnixFS File leaf: PBNode{Data: Data{Type=File, Data=chunk, filesize=n}}. Hash the
    # pieces so a large chunk is never copied unless a block consumer wants the bytes.
    inner_head = b"\x08\x02" + (b"\x12" + encode_varint(n) if n else b"")
    tail = b"\x18" + encode_varint(n)
    head = b"\x0a" + encode_varint(len(inner_head) + n + len(tail)) + inner_head
    h = hashlib.sha256(head)
    h.update(chunk)
    h.update(tail)
    cid = sha256_cid(DAG_PB, h.digest(), profile.cid_version)
    total = len(head) + n + len(tail)
    if emit is not None:
        emit(cid, head + chunk + tail)
    return Node(cid, total, n)


def parent_node(children: list[Node], profile: Profile, emit: Emit | None = None) -> Node:
    """An internal file node (Type=File, filesize, blocksizes, no Data) over ``children``."""
    links = [PBLink(c.cid, b"", c.tsize) for c in children]
    size = sum(c.size for c in children)
    data = encode_unixfs(T_FILE, filesize=size, blocksizes=[c.size for c in children])
    node = dag_pb_node(encode_pbnode(links, data), profile, emit, size=size)
    return Node(node.cid, node.tsize + sum(c.tsize for c in children), size)


def read_full(stream: BinaryIO, n: int) -> bytes:
    """``n`` bytes, fewer only at the end of the stream (a raw read may return less)."""
    data = stream.read(n)
    if len(data) == n or not data:
        return data
    parts = [data]
    got = len(data)
    while got < n:
        more = stream.read(n - got)
        if not more:
            break
        parts.append(more)
        got += len(more)
    return b"".join(parts)


def import_bytes(data: bytes, profile: Profile, emit: Emit | None = None) -> Node:
    """The root of a file holding exactly ``data`` (one leaf when it fits in a chunk, as
    :func:`import_stream` makes it, without a stream around the bytes)."""
    if len(data) <= profile.chunk_size:
        return _leaf(data, profile, emit)
    return import_stream(io.BytesIO(data), profile, emit)


def import_stream(stream: BinaryIO, profile: Profile, emit: Emit | None = None) -> Node:
    """The root of a file's balanced DAG; a file of at most one chunk is a single block."""
    levels: list[list[Node]] = [[]]

    def push(level: int, node: Node) -> None:
        if level == len(levels):
            levels.append([])
        if len(levels[level]) == profile.max_links:
            full = levels[level]
            levels[level] = []
            push(level + 1, parent_node(full, profile, emit))
        levels[level].append(node)

    size = profile.chunk_size
    first = True
    while True:
        chunk = read_full(stream, size)
        if not chunk and not first:
            break
        push(0, _leaf(chunk, profile, emit))
        first = False
        if len(chunk) < size:
            break

    level = 0
    while True:
        pending = levels[level]
        higher = any(levels[level + 1 :])
        if len(pending) == 1 and not higher:
            return pending[0]
        levels[level] = []
        push(level + 1, parent_node(pending, profile, emit))
        level += 1
