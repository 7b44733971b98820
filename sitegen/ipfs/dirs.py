"""Directory nodes: basic UnixFS directories and HAMT shards past the profile threshold.

The HAMT follows boxo ``ipld/unixfs/hamt``: the key is murmur3-x64-64 of the name, taken as
the 8 big-endian bytes Go's ``murmur3.New64().Sum(nil)`` yields; with fanout 256 each level
consumes one whole byte, first byte at the top. The bitfield is go-bitfield's: bit ``i`` lives
in byte ``len-1-i/8`` at ``1 << (i%8)`` (big-endian), leading zero bytes stripped. Link names
are the upper-case 2-digit hex bucket, followed by the entry name for a leaf entry.
"""

from __future__ import annotations

import hashlib
import operator
from collections.abc import Iterable, Sequence

import mmh3

from sitegen.ipfs.cid import DAG_PB, encode_varint, sha256_cid
from sitegen.ipfs.dagpb import (
    T_DIRECTORY,
    T_HAMT,
    PBLink,
    encode_unixfs,
    link_bytes,
)
from sitegen.ipfs.files import Emit, Node, dag_pb_node
from sitegen.ipfs.profiles import Profile

MURMUR3_X64_64 = 0x22
DIR_DATA = encode_unixfs(T_DIRECTORY)
_DIR_DATA_FIELD = b"\x0a" + encode_varint(len(DIR_DATA)) + DIR_DATA
_ONE_BYTE = tuple(bytes((n,)) for n in range(0x80))
_BUCKET_NAMES = tuple(b"%02X" % n for n in range(256))


def hamt_hash(name: bytes) -> bytes:
    """murmur3-x64-64 (seed 0) as boxo reads it: h1 of the 128-bit hash, big-endian."""
    return mmh3.hash_bytes(name)[:8][::-1]


def links_estimate(entries: Sequence[tuple[bytes, Node]]) -> int:
    """Kubo's legacy "links" size estimate: Σ(len(name) + len(CID bytes))."""
    return sum(len(name) + len(node.cid) for name, node in entries)


def build_directory(
    entries: Sequence[tuple[bytes, Node]], profile: Profile, emit: Emit | None = None
) -> Node:
    """A directory over (name, child) pairs, sharded when the profile's estimate says so."""
    ordered = sorted(entries, key=lambda e: e[0])
    block = directory_block(ordered, profile)
    if block is None:
        return build_hamt(ordered, profile, emit)
    return directory_node(block, ordered, profile, emit)


def directory_block(ordered: Sequence[tuple[bytes, Node]], profile: Profile) -> bytes | None:
    """The block of a basic directory over name-sorted entries; None when the profile
    shards it (a HAMT, ``build_hamt``)."""
    lower = links_estimate(ordered)
    if lower > profile.hamt_threshold:  # a block is never smaller: shard, skip encoding it
        return None
    block = _basic_block(ordered)
    estimate = len(block) if profile.hamt_estimate == "block" else lower
    return None if estimate > profile.hamt_threshold else block


def directory_node(
    block: bytes, ordered: Sequence[tuple[bytes, Node]], profile: Profile, emit: Emit | None
) -> Node:
    """The node of a ``directory_block``: its CID, and Tsize with the children's."""
    node = dag_pb_node(block, profile, emit)
    return Node(node.cid, node.tsize + sum(child.tsize for _, child in ordered))


def _basic_block(ordered: Sequence[tuple[bytes, Node]]) -> bytes:
    """``encode_pbnode`` of the entries' links and ``DIR_DATA``."""
    return _links_block([(name, node.cid, node.tsize) for name, node in ordered], _DIR_DATA_FIELD)


def _links_block(links: Sequence[tuple[bytes, bytes, int]], data_field: bytes) -> bytes:
    """``encode_pbnode`` of (name, CID, Tsize) links and a ready Data field, written directly
    (``_link_field``). A test holds this to ``encode_pbnode``."""
    parts = [_link_field(name, cid, size) for name, cid, size in links]
    parts.append(data_field)
    return b"".join(parts)


def _link_field(name: bytes, cid: bytes, size: int) -> bytes:
    """One link of a dag-pb block, field tag included.

    A site's folders are tens of thousands of small blocks (56k at 10k papers, plus the
    HAMT shards of its big folders), and building a PBLink per entry and its fields one
    by one was most of their cost. When a link's fields are short (each length one varint
    byte, as for any CID and any name under 128 bytes) one formatting writes the whole
    link; else ``link_bytes`` does.
    """
    if size < 0x80:
        tsize = _ONE_BYTE[size]
    elif size < 0x4000:  # most folders' and pages' Tsizes: two bytes, no call
        tsize = b"%c%c" % (size & 0x7F | 0x80, size >> 7)
    else:
        tsize = encode_varint(size)
    body_len = len(cid) + len(name) + len(tsize) + 5
    if body_len < 0x80:  # so is each of its parts
        return b"\x12%c\x0a%c%b\x12%c%b\x18%b" % (body_len, len(cid), cid, len(name), name, tsize)
    body = link_bytes(PBLink(cid, name, size))
    return b"\x12" + encode_varint(len(body)) + body


Link = tuple[bytes, bytes, int]
"""A folder's link as (name, CID, Tsize): what addressing keeps for each, no ``Node``
made (a frozen dataclass costs ~1 us to make; a site has ~56k folders)."""
LINK_NAME = operator.itemgetter(0)
"""The sort key of a folder's links."""
_LINK_CID = operator.itemgetter(1)
_CID_PREFIX = (b"\x12\x20", b"\x01\x70\x12\x20")
"""A dag-pb sha2-256 CID's bytes before its digest, by CID version."""


def _write_links(links: Iterable[Link], fields: list[bytes]) -> tuple[int, int]:
    """Append the links' fields (as ``_link_field``) to ``fields``, in one loop with no
    call a link; returns their "links" size estimate and their Tsizes' sum. At 10k papers
    a site has ~56k folders of ~3 links each and ~7k HAMT shards of ~2, where a pass a
    link for each (estimate, fields, Tsize) cost more than hashing the blocks."""
    lower = total = 0
    for name, cid, size in links:
        lower += len(name) + len(cid)
        total += size
        if size < 0x80:
            tsize = _ONE_BYTE[size]
        elif size < 0x4000:
            tsize = b"%c%c" % (size & 0x7F | 0x80, size >> 7)
        elif size < 0x200000:  # a page or a paper's source: three bytes
            tsize = b"%c%c%c" % (size & 0x7F | 0x80, size >> 7 & 0x7F | 0x80, size >> 14)
        else:
            tsize = encode_varint(size)
        body_len = len(cid) + len(name) + len(tsize) + 5
        if body_len < 0x80:
            fields.append(
                b"\x12%c\x0a%c%b\x12%c%b\x18%b" % (body_len, len(cid), cid, len(name), name, tsize)
            )
        else:
            fields.append(_link_field(name, cid, size))
    return lower, total


def folder_of_links(ordered: Sequence[Link], profile: Profile) -> tuple[bytes, int] | None:
    """(CID, Tsize) of the basic folder over name-sorted links, as ``build_directory``
    gives; None when the profile shards it (``hamt_of_links``)."""
    if len(ordered) > 1000:  # a block is never smaller than the estimate: shard unwritten
        names, cids = map(LINK_NAME, ordered), map(_LINK_CID, ordered)
        if sum(map(len, names)) + sum(map(len, cids)) > profile.hamt_threshold:
            return None
    fields: list[bytes] = []
    lower, total = _write_links(ordered, fields)
    fields.append(_DIR_DATA_FIELD)
    block = b"".join(fields)
    estimate = len(block) if profile.hamt_estimate == "block" else lower
    if estimate > profile.hamt_threshold:
        return None
    cid = _CID_PREFIX[profile.cid_version] + hashlib.sha256(block).digest()
    return cid, len(block) + total


def build_hamt(
    entries: Sequence[tuple[bytes, Node]], profile: Profile, emit: Emit | None = None
) -> Node:
    """A HAMT-sharded directory; its shape depends only on the names, as in boxo."""
    return hamt_of_links([(name, node.cid, node.tsize) for name, node in entries], profile, emit)


def hamt_of_links(links: Sequence[Link], profile: Profile, emit: Emit | None = None) -> Node:
    """``build_hamt`` over (name, CID, Tsize) links."""
    if profile.hamt_fanout != 256:
        raise ValueError("only fanout 256 (one hash byte per level) is supported")
    # murmur3's 16 bytes as they come: hamt_hash's byte ``depth`` is their byte 7 - depth
    items = [(name, cid, size, mmh3.hash_bytes(name)) for name, cid, size in links]
    tail = b"\x28" + encode_varint(MURMUR3_X64_64) + b"\x30" + encode_varint(profile.hamt_fanout)
    cid, tsize = _shard(items, 0, profile, emit, tail)
    return Node(cid, tsize)


def _shard(
    items: list[tuple[bytes, bytes, int, bytes]],
    depth: int,
    profile: Profile,
    emit: Emit | None,
    tail: bytes,
) -> tuple[bytes, int]:
    """(CID, Tsize) of one shard over ``items`` whose hashes agree before byte ``depth``;
    ``tail`` ends every shard's UnixFS Data (hash type and fanout), as ``encode_unixfs``
    writes it."""
    if depth >= 8:
        raise ValueError("HAMT too deep: 64 hash bits exhausted")
    at = 7 - depth
    buckets: dict[int, list[tuple[bytes, bytes, int, bytes]]] = {}
    for item in items:
        index = item[3][at]
        group = buckets.get(index)
        if group is None:
            buckets[index] = [item]
        else:
            group.append(item)
    links: list[Link] = []
    bits = 0
    for index in sorted(buckets):
        group = buckets[index]
        bits |= 1 << index
        if len(group) == 1:
            name, cid, size, _ = group[0]
            links.append((_BUCKET_NAMES[index] + name, cid, size))
        else:
            links.append((_BUCKET_NAMES[index], *_shard(group, depth + 1, profile, emit, tail)))
    fields: list[bytes] = []
    _, total = _write_links(links, fields)
    bitfield = bits.to_bytes(32, "big").lstrip(b"\0")
    data = b"\x08%b\x12%c%b%b" % (encode_varint(T_HAMT), len(bitfield), bitfield, tail)
    fields.append(b"\x0a" + encode_varint(len(data)) + data)
    block = b"".join(fields)
    cid = sha256_cid(DAG_PB, hashlib.sha256(block).digest(), profile.cid_version)
    if emit is not None:
        emit(cid, block)
    return cid, len(block) + total
