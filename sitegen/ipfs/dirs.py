"""Directory nodes: basic UnixFS directories and HAMT shards past the profile threshold.

The HAMT follows boxo ``ipld/unixfs/hamt``: the key is murmur3-x64-64 of the name, taken as
the 8 big-endian bytes Go's ``murmur3.New64().Sum(nil)`` yields; with fanout 256 each level
consumes one whole byte, first byte at the top. The bitfield is go-bitfield's: bit ``i`` lives
in byte ``len-1-i/8`` at ``1 << (i%8)`` (big-endian), leading zero bytes stripped. Link names
are the upper-case 2-digit hex bucket, followed by the entry name for a leaf entry.
"""

from __future__ import annotations

from collections.abc import Sequence

import mmh3

from sitegen.ipfs.dagpb import T_DIRECTORY, T_HAMT, PBLink, encode_pbnode, encode_unixfs
from sitegen.ipfs.files import Emit, Node, dag_pb_node
from sitegen.ipfs.profiles import Profile

MURMUR3_X64_64 = 0x22
DIR_DATA = encode_unixfs(T_DIRECTORY)


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
    lower = links_estimate(ordered)
    if lower > profile.hamt_threshold:  # a block is never smaller: shard, skip encoding it
        return build_hamt(ordered, profile, emit)
    links = [PBLink(node.cid, name, node.tsize) for name, node in ordered]
    block = encode_pbnode(links, DIR_DATA)
    estimate = len(block) if profile.hamt_estimate == "block" else lower
    if estimate > profile.hamt_threshold:
        return build_hamt(ordered, profile, emit)
    node = dag_pb_node(block, profile, emit)
    return Node(node.cid, node.tsize + sum(link.tsize for link in links))


def build_hamt(
    entries: Sequence[tuple[bytes, Node]], profile: Profile, emit: Emit | None = None
) -> Node:
    """A HAMT-sharded directory; its shape depends only on the names, as in boxo."""
    if profile.hamt_fanout != 256:
        raise ValueError("only fanout 256 (one hash byte per level) is supported")
    items = [(name, node, hamt_hash(name)) for name, node in entries]
    return _shard(items, 0, profile, emit)


def _shard(
    items: list[tuple[bytes, Node, bytes]], depth: int, profile: Profile, emit: Emit | None
) -> Node:
    if depth >= 8:
        raise ValueError("HAMT too deep: 64 hash bits exhausted")
    buckets: dict[int, list[tuple[bytes, Node, bytes]]] = {}
    for item in items:
        buckets.setdefault(item[2][depth], []).append(item)
    links: list[PBLink] = []
    bits = 0
    for index in sorted(buckets):
        group = buckets[index]
        prefix = b"%02X" % index
        bits |= 1 << index
        if len(group) == 1:
            name, node, _ = group[0]
            links.append(PBLink(node.cid, prefix + name, node.tsize))
        else:
            child = _shard(group, depth + 1, profile, emit)
            links.append(PBLink(child.cid, prefix, child.tsize))
    bitfield = bits.to_bytes(profile.hamt_fanout // 8, "big").lstrip(b"\0")
    data = encode_unixfs(
        T_HAMT, data=bitfield, hash_type=MURMUR3_X64_64, fanout=profile.hamt_fanout
    )
    node = dag_pb_node(encode_pbnode(links, data), profile, emit)
    return Node(node.cid, node.tsize + sum(link.tsize for link in links))
