from __future__ import annotations

import io

from sitegen.ipfs.cid import cid_from_str, cid_to_str
from sitegen.ipfs.dagpb import T_DIRECTORY, T_HAMT, decode_pbnode, decode_unixfs
from sitegen.ipfs.dirs import build_directory, build_hamt, hamt_hash
from sitegen.ipfs.files import Node, import_stream
from sitegen.ipfs.profiles import get_profile

V1 = get_profile("unixfs-v1-2025")
V0 = get_profile("unixfs-v0-2015")
MULTIBLOCK = "bafybeigcisqd7m5nf3qmuvjdbakl5bdnh4ocrmacaqkpuh77qjvggmt2sa"


def _kind(entries: list[tuple[bytes, Node]], profile) -> tuple[int, dict[bytes, bytes]]:
    blocks: dict[bytes, bytes] = {}
    root = build_directory(entries, profile, blocks.__setitem__)
    meta = decode_unixfs(decode_pbnode(blocks[root.cid]).data or b"")
    return meta.type, blocks


def test_murmur3_byte_order() -> None:
    # h1 of murmur3-x64-128 (what Go's murmur3.New64().Sum(nil) returns), big-endian
    import mmh3

    h1 = mmh3.hash64(b"1.txt", 0, True, False)[0] % (1 << 64)
    assert hamt_hash(b"1.txt") == h1.to_bytes(8, "big")


def test_hamt_matches_real_fixture() -> None:
    # gateway-conformance single-layer-hamt-with-multi-block-files.car: 1.txt..1000.txt, each
    # the 1026-byte multiblock file; confirms boxo's hash bit order, bitfield and link names.
    child = Node(cid_from_str(MULTIBLOCK), 245 + 1026)
    entries = [(f"{i}.txt".encode(), child) for i in range(1, 1001)]
    blocks: dict[bytes, bytes] = {}
    shard = build_hamt(entries, V1, blocks.__setitem__)
    assert cid_to_str(shard.cid) == "bafybeidbclfqleg2uojchspzd4bob56dqetqjsj27gy2cq3klkkgxtpn4i"
    top = decode_pbnode(blocks[shard.cid])
    meta = decode_unixfs(top.data or b"")
    assert (meta.type, meta.hash_type, meta.fanout) == (T_HAMT, 0x22, 256)
    assert len(top.links) == 252
    assert all(lk.name[:2] == lk.name[:2].upper() for lk in top.links)
    # 1000 short names stay far below the threshold: build_directory keeps them basic
    assert build_directory(entries, V1).cid != shard.cid


def _empty(profile) -> Node:
    return import_stream(io.BytesIO(b""), profile)


def test_v0_links_bytes_threshold() -> None:
    child = _empty(V0)
    assert len(child.cid) == 34
    below = [(f"{i:026d}.txt".encode(), child) for i in range(4096)]  # 4096 x (30 + 34)
    assert _kind(below, V0)[0] == T_DIRECTORY
    above = [(f"{i:027d}.txt".encode(), child) for i in range(4033)]  # 4033 x (31 + 34)
    assert _kind(above, V0)[0] == T_HAMT


def test_v1_block_bytes_threshold() -> None:
    child = _empty(V1)  # raw empty leaf: 36-byte CID, Tsize 0
    names = [f"{i:07d}.txt".encode() for i in range(4765)]  # 11-byte names: 55 bytes a link
    below = [(n, child) for n in names] + [(b"x" * 17 + b".txt", child)]  # one 65-byte link
    kind, blocks = _kind(below, V1)
    assert kind == T_DIRECTORY
    assert max(len(b) for b in blocks.values()) == 262144
    above = [(n, child) for n in names] + [(b"x" * 18 + b".txt", child)]
    assert _kind(above, V1)[0] == T_HAMT


def test_v1_estimate_is_not_links_bytes() -> None:
    # the v0 boundary set (links-bytes exactly 262144) is far above 262144 block-bytes
    child = _empty(V1)
    entries = [(f"{i:026d}.txt".encode(), child) for i in range(3855)]
    assert sum(len(n) + len(c.cid) for n, c in entries) < 262144
    assert _kind(entries, V1)[0] == T_HAMT
    assert _kind(entries, V0)[0] == T_DIRECTORY


def test_hamt_is_independent_of_input_order() -> None:
    child = _empty(V1)
    entries = [(f"file-{i}".encode(), child) for i in range(6000)]
    a = build_directory(entries, V1)
    b = build_directory(list(reversed(entries)), V1)
    assert a.cid == b.cid


def test_links_block_writes_what_encode_pbnode_writes() -> None:
    """The direct block writer equals the general encoder on every branch: short links
    (one formatting), long names, large Tsizes and CIDv0/v1 hashes, HAMT Data too."""
    import hashlib
    import random

    from sitegen.ipfs.cid import DAG_PB, RAW, sha256_cid
    from sitegen.ipfs.dagpb import PBLink, encode_pbnode, encode_unixfs
    from sitegen.ipfs.dirs import DIR_DATA, _links_block

    rng = random.Random(7)
    links = []
    for i in range(300):
        digest = hashlib.sha256(b"%d" % i).digest()
        codec = rng.choice((DAG_PB, RAW))
        cid = sha256_cid(codec, digest, rng.choice((0, 1)) if codec == DAG_PB else 1)
        name = "é-name-{}".format("x" * rng.choice((0, 1, 60, 90, 120, 127, 128, 300))).encode()
        size = rng.choice((0, 1, 127, 128, 16383, 16384, 2**31, 2**40 + 3))
        links.append((name[: rng.choice((0, 5, len(name)))], cid, size))
    hamt = encode_unixfs(5, data=b"\x01\x02", hash_type=0x22, fanout=256)
    for data in (DIR_DATA, hamt):
        field = b"\x0a" + bytes((len(data),)) + data
        for start in range(0, 300, 7):
            chunk = links[start : start + rng.choice((1, 2, 9))]
            want = encode_pbnode([PBLink(c, n, s) for n, c, s in chunk], data)
            assert _links_block(chunk, field) == want


def _random_links(rng, count: int, profile) -> list[tuple[bytes, Node]]:
    """Name-sorted links with the lengths and sizes that take every branch of the field
    writer: short and long names (past one varint byte), Tsizes of 1, 2 and more bytes."""
    import hashlib

    from sitegen.ipfs.cid import DAG_PB, RAW, sha256_cid

    links = {}
    for i in range(count):
        digest = hashlib.sha256(b"%d-%d" % (i, rng.random() * 1e9)).digest()
        codec = DAG_PB if profile.cid_version == 0 else rng.choice((DAG_PB, RAW))
        cid = sha256_cid(codec, digest, profile.cid_version)
        name = ("é" * rng.choice((0, 1, 3)) + f"n{i}" + "x" * rng.choice((0, 5, 90, 130))).encode()
        size = rng.choice((0, 5, 127, 128, 300, 16383, 16384, 300000, 0x1FFFFF, 0x200000, 2**31))
        links[name] = Node(cid, size)
    return sorted(links.items())


def test_folder_of_links_equals_build_directory() -> None:
    """The one-pass folder writer gives build_directory's CID and Tsize for a basic folder
    and None exactly when build_directory shards (both estimates, near the threshold)."""
    import random

    from sitegen.ipfs.dirs import folder_of_links

    rng = random.Random(5)
    for profile in (V1, V0):
        for count in (0, 1, 2, 3, 7, 40, 1001, 1500):
            for _ in range(3):
                links = _random_links(rng, count, profile)
                got = folder_of_links([(n, c.cid, c.tsize) for n, c in links], profile)
                meta_type, _ = _kind(links, profile) if links else (T_DIRECTORY, {})
                want = build_directory(links, profile)
                if meta_type == T_HAMT:
                    assert got is None
                else:
                    assert got == (want.cid, want.tsize)
        child = _empty(profile)
        for count in range(3840, 4100, 13):  # across both profiles' thresholds
            links = sorted((f"{i:026d}.txt".encode(), child) for i in range(count))
            got = folder_of_links([(n, c.cid, c.tsize) for n, c in links], profile)
            want = build_directory(links, profile)
            assert (got is None) == (_kind(links, profile)[0] == T_HAMT)
            if got is not None:
                assert got == (want.cid, want.tsize)


def _reference_hamt(entries, profile, blocks, depth=0, items=None) -> Node:
    """A HAMT as boxo writes it, spelt out with the general encoders (the shape of the
    writer before it wrote fields directly)."""
    from sitegen.ipfs.dagpb import PBLink, encode_pbnode, encode_unixfs
    from sitegen.ipfs.files import dag_pb_node

    if items is None:
        items = [(name, node, hamt_hash(name)) for name, node in entries]
    buckets: dict[int, list] = {}
    for item in items:
        buckets.setdefault(item[2][depth], []).append(item)
    links = []
    bits = 0
    for index in sorted(buckets):
        group = buckets[index]
        bits |= 1 << index
        prefix = b"%02X" % index
        if len(group) == 1:
            links.append(PBLink(group[0][1].cid, prefix + group[0][0], group[0][1].tsize))
        else:
            child = _reference_hamt(None, profile, blocks, depth + 1, group)
            links.append(PBLink(child.cid, prefix, child.tsize))
    bitfield = bits.to_bytes(32, "big").lstrip(b"\0")
    data = encode_unixfs(T_HAMT, data=bitfield, hash_type=0x22, fanout=256)
    node = dag_pb_node(encode_pbnode(links, data), profile, blocks.__setitem__)
    return Node(node.cid, node.tsize + sum(link.tsize for link in links))


def test_hamt_equals_the_reference_writer() -> None:
    import random

    rng = random.Random(9)
    for profile in (V1, V0):
        for count in (2, 300, 3000):
            links = _random_links(rng, count, profile)
            mine: dict[bytes, bytes] = {}
            theirs: dict[bytes, bytes] = {}
            assert build_hamt(links, profile, mine.__setitem__) == _reference_hamt(
                links, profile, theirs
            )
            assert mine == theirs
