from __future__ import annotations

import dataclasses
import hashlib
import io
import os
import tracemalloc
from pathlib import Path

import pytest
from ipfs_testkit import b32, field, pb_cid_v1, pb_link, raw_cid, varint

from sitegen.errors import UsageError
from sitegen.ipfs.cid import cid_from_str, cid_to_str
from sitegen.ipfs.dagpb import decode_pbnode, decode_unixfs
from sitegen.ipfs.dirs import build_directory
from sitegen.ipfs.files import Node, import_stream, parent_node
from sitegen.ipfs.importer import add_path, cid_of_bytes
from sitegen.ipfs.profiles import DEFAULT_PROFILE, get_profile

V1 = get_profile("unixfs-v1-2025")
V0 = get_profile("unixfs-v0-2015")
V1_PB = dataclasses.replace(V1, raw_leaves=False)


def test_profiles() -> None:
    assert get_profile(None).name == DEFAULT_PROFILE == "unixfs-v1-2025"
    assert (V1.cid_version, V1.chunk_size, V1.max_links, V1.raw_leaves) == (1, 1 << 20, 1024, True)
    assert (V0.cid_version, V0.chunk_size, V0.max_links, V0.raw_leaves) == (0, 262144, 174, False)
    assert (V1.hamt_estimate, V0.hamt_estimate) == ("block", "links")
    with pytest.raises(UsageError):
        get_profile("unixfs-v9")


@pytest.mark.parametrize(
    ("data", "profile", "expected"),
    [
        (b"", V1, "bafkreihdwdcefgh4dqkjv67uzcmw7ojee6xedzdetojuzjevtenxquvyku"),
        (b"", V0, "QmbFMke1KXqnYyBBWxB74N4c5SBnJMVAiMNRcGu6x1AwQH"),
        (b"", V1_PB, "bafybeif7ztnhq65lumvvtr4ekcwd2ifwgm3awq4zfr3srh462rwyinlb4y"),
        (b"hello world", V1, "bafkreifzjut3te2nhyekklss27nh3k72ysco7y32koao5eei66wof36n5e"),
        (b"hello world", V0, "Qmf412jQZiuVUtdgnB36FXFX7xg5V6KEbSJ4dpQuhkLyfD"),
        (b"hello world\n", V1, "bafkreifjjcie6lypi6ny7amxnfftagclbuxndqonfipmb64f2km2devei4"),
        (b"hello world\n", V0, "QmT78zSuBmuS4z925WZfrqQ1qHaJ56DQaTfyMUF7F8ff5o"),
        (
            b"Hello from IPFS Gateway Checker\n",
            V1_PB,
            "bafybeifx7yeb55armcsxwwitkymga5xf53dxiarykms3ygqic223w5sk3m",
        ),
    ],
)
def test_spec_file_vectors(data: bytes, profile, expected: str) -> None:
    assert cid_of_bytes(data, profile) == expected


def test_gateway_checker_block_is_40_bytes() -> None:
    blocks: list[bytes] = []
    import_stream(
        io.BytesIO(b"Hello from IPFS Gateway Checker\n"), V1_PB, lambda c, b: blocks.append(b)
    )
    assert [len(b) for b in blocks] == [40]


def test_empty_dir_vectors() -> None:
    assert cid_to_str(build_directory([], V1).cid) == (
        "bafybeiczsscdsbs7ffqz55asqdf3smv6klcw3gofszvwlyarci47bgf354"
    )
    assert (
        cid_to_str(build_directory([], V0).cid) == "QmUNLLsPACCz1vLxQVkXqqLX5R1X345qqfHbsf67hvA3Nn"
    )


# Leaf CIDs of the 1026-byte multiblock.txt in gateway-conformance dir-with-files.car (the
# spec gives the root and blocksizes but not the Lorem bytes, so the leaves are taken as given).
MULTIBLOCK_LEAVES = [
    ("bafkreie5noke3mb7hqxukzcy73nl23k6lxszxi5w3dtmuwz62wnvkpsscm", 256),
    ("bafkreih4ephajybraj6wnxsbwjwa77fukurtpl7oj7t7pfq545duhot7cq", 256),
    ("bafkreigu7buvm3cfunb35766dn7tmqyh2um62zcio63en2btvxuybgcpue", 256),
    ("bafkreicll3huefkc3qnrzeony7zcfo7cr3nbx64hnxrqzsixpceg332fhe", 256),
    ("bafkreifst3pqztuvj57lycamoi7z34b4emf7gawxs74nwrc2c7jncmpaqm", 2),
]
MULTIBLOCK = "bafybeigcisqd7m5nf3qmuvjdbakl5bdnh4ocrmacaqkpuh77qjvggmt2sa"


def test_multiblock_root_node() -> None:
    blocks: list[bytes] = []
    leaves = [Node(cid_from_str(c), n, n) for c, n in MULTIBLOCK_LEAVES]
    root = parent_node(leaves, V1, lambda c, b: blocks.append(b))
    assert cid_to_str(root.cid) == MULTIBLOCK
    assert len(blocks[0]) == 245
    assert root.tsize == 245 + 1026
    meta = decode_unixfs(decode_pbnode(blocks[0]).data or b"")
    assert meta.blocksizes == (256, 256, 256, 256, 2)


def test_four_file_directory_fixture() -> None:
    # bafybeihchr7...: ascii.txt/ascii-copy.txt (31 B; text read from the fixture CAR, the
    # spec does not give it), hello.txt, multiblock.txt (root and Tsize from the spec).
    ascii_text = b"hello application/vnd.ipld.car\n"
    ascii_node = import_stream(io.BytesIO(ascii_text), V1)
    hello = import_stream(io.BytesIO(b"hello world\n"), V1)
    multi = Node(cid_from_str(MULTIBLOCK), 245 + 1026)
    blocks: list[bytes] = []
    root = build_directory(
        [
            (b"multiblock.txt", multi),
            (b"hello.txt", hello),
            (b"ascii.txt", ascii_node),
            (b"ascii-copy.txt", ascii_node),
        ],
        V1,
        lambda c, b: blocks.append(b),
    )
    assert cid_to_str(root.cid) == "bafybeihchr7vmgjaasntayyatmp5sv6xza57iy2h4xj7g46bpjij6yhrmy"
    assert len(blocks[-1]) == 227
    assert root.tsize == 1572


def _tree(data: bytes, profile) -> dict[bytes, bytes]:
    blocks: dict[bytes, bytes] = {}
    import_stream(io.BytesIO(data), profile, blocks.__setitem__)
    return blocks


def _expected_parent(children: list[tuple[bytes, int, int]]) -> bytes:
    """Hand-encoded internal node: links (cid, tsize), then Data{File, filesize, blocksizes}."""
    total = sum(size for _, _, size in children)
    data = b"\x08\x02\x18" + varint(total) + b"".join(b"\x20" + varint(s) for _, _, s in children)
    return b"".join(pb_link(c, b"", t) for c, t, _ in children) + field(0x0A, data)


SMALL = dataclasses.replace(V1, chunk_size=16, max_links=4)


@pytest.mark.parametrize("size", [0, 1, 15, 16])
def test_single_chunk_is_one_raw_block(size: int) -> None:
    data = os.urandom(size)
    assert cid_of_bytes(data, SMALL) == b32(raw_cid(data))
    assert len(_tree(data, SMALL)) == 1


def test_chunk_plus_one_has_two_leaves() -> None:
    data = os.urandom(17)
    leaves = [(raw_cid(data[:16]), 16, 16), (raw_cid(data[16:]), 1, 1)]
    assert cid_of_bytes(data, SMALL) == b32(pb_cid_v1(_expected_parent(leaves)))


def test_full_node_then_depth_two() -> None:
    full = os.urandom(16 * 4)
    leaves = [(raw_cid(full[i : i + 16]), 16, 16) for i in range(0, 64, 16)]
    node = _expected_parent(leaves)
    assert cid_of_bytes(full, SMALL) == b32(pb_cid_v1(node))

    data = full + b"x"  # max_links * chunk + 1: a new root over the full node and a 1-leaf node
    tail = _expected_parent([(raw_cid(b"x"), 1, 1)])
    top = _expected_parent(
        [(pb_cid_v1(node), len(node) + 64, 64), (pb_cid_v1(tail), len(tail) + 1, 1)]
    )
    assert cid_of_bytes(data, SMALL) == b32(pb_cid_v1(top))


def test_balanced_depth_three_shape() -> None:
    data = os.urandom(16 * 4 * 4 + 16 * 5 + 3)  # 16 full leaves + 6 more: depth 3
    blocks = _tree(data, SMALL)
    root_cid = cid_from_str(cid_of_bytes(data, SMALL))
    root = decode_pbnode(blocks[root_cid])
    assert len(root.links) == 2
    first = decode_pbnode(blocks[root.links[0].cid])
    assert len(first.links) == 4
    assert all(len(decode_pbnode(blocks[lk.cid]).links) == 4 for lk in first.links)
    second = decode_pbnode(blocks[root.links[1].cid])
    assert [len(decode_pbnode(blocks[lk.cid]).links) for lk in second.links] == [4, 2]


def test_dag_pb_leaves_carry_file_type() -> None:
    small_v0 = dataclasses.replace(V0, chunk_size=16, max_links=4)
    data = os.urandom(40)
    blocks = _tree(data, small_v0)
    root = decode_pbnode(blocks[cid_from_str(cid_of_bytes(data, small_v0))])
    leaf_meta = [decode_unixfs(decode_pbnode(blocks[lk.cid]).data or b"") for lk in root.links]
    assert [(m.type, m.data) for m in leaf_meta] == [
        (2, data[:16]),
        (2, data[16:32]),
        (2, data[32:]),
    ]
    assert all(len(lk.cid) == 34 for lk in root.links)  # CIDv0 inside links


def test_one_mib_plus_one_real_chunking() -> None:
    data = bytes(range(256)) * 4096 + b"!"
    leaves = [(raw_cid(data[: 1 << 20]), 1 << 20, 1 << 20), (raw_cid(b"!"), 1, 1)]
    assert cid_of_bytes(data, V1) == b32(pb_cid_v1(_expected_parent(leaves)))
    assert cid_of_bytes(data[: 1 << 20], V1) == b32(raw_cid(data[: 1 << 20]))


def test_streaming_memory_is_bounded(tmp_path: Path) -> None:
    big = tmp_path / "big.bin"
    with big.open("wb") as fh:
        for i in range(64):
            fh.write(hashlib.sha256(bytes([i])).digest() * 8192)  # 16 MiB total
    tracemalloc.start()
    try:
        add_path(big, V0)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 3 * 1024 * 1024


def test_hidden_empty_dirs_exclude_and_result_maps(tmp_path: Path) -> None:
    (tmp_path / "sub" / "deep").mkdir(parents=True)
    (tmp_path / "empty").mkdir()
    (tmp_path / "a.txt").write_bytes(b"hello world\n")
    (tmp_path / ".secret").write_bytes(b"x")
    (tmp_path / ".git").mkdir()
    (tmp_path / "sub" / "deep" / "b.txt").write_bytes(b"b")
    (tmp_path / "sub" / "attestations").mkdir()
    (tmp_path / "sub" / "attestations" / "x.json").write_bytes(b"{}")

    res = add_path(tmp_path, V1, exclude=lambda rel: rel == "sub/attestations")
    assert res.files == {
        "a.txt": cid_of_bytes(b"hello world\n", V1),
        "sub/deep/b.txt": cid_of_bytes(b"b", V1),
    }
    assert set(res.dirs) == {"empty", "sub", "sub/deep"}
    assert res.dirs["empty"] == "bafybeiczsscdsbs7ffqz55asqdf3smv6klcw3gofszvwlyarci47bgf354"

    with_hidden = add_path(tmp_path, V1, hidden=True, exclude=lambda rel: rel == "sub/attestations")
    assert ".secret" in with_hidden.files and ".git" in with_hidden.dirs
    assert with_hidden.root != res.root

    # folders are named only by their contents: the excluded folder leaves no trace
    (tmp_path / "sub" / "attestations" / "x.json").unlink()
    (tmp_path / "sub" / "attestations").rmdir()
    assert add_path(tmp_path, V1).root == res.root


def test_single_file_result(tmp_path: Path) -> None:
    f = tmp_path / "f.txt"
    f.write_bytes(b"hello world")
    res = add_path(f, V1)
    assert (res.root, res.files, res.dirs) == (
        "bafkreifzjut3te2nhyekklss27nh3k72ysco7y32koao5eei66wof36n5e",
        {},
        {},
    )


def test_symlink_fixture(tmp_path: Path) -> None:
    # gateway-conformance symlink.car: {bar -> "foo" (symlink), foo = "content\n"}, CIDv0
    (tmp_path / "foo").write_bytes(b"content\n")
    (tmp_path / "bar").symlink_to("foo")
    res = add_path(tmp_path, V0)
    assert res.files["bar"] == "QmTB8BaCJdCH5H3k7GrxJsxgDNmNYGGR71C58ERkivXoj5"
    assert res.root == "QmWvY6FaqFMS89YAQ9NAPjVP4WZKA1qbHbicc9HeSKQTgt"


def test_names_sorted_bytewise(tmp_path: Path) -> None:
    for name in ["b", "B", "a", "é", "Z", "ä"]:
        (tmp_path / name).write_bytes(name.encode())
    blocks: dict[bytes, bytes] = {}
    res = add_path(tmp_path, V1, on_block=blocks.__setitem__)
    names = [lk.name for lk in decode_pbnode(blocks[cid_from_str(res.root)]).links]
    assert names == sorted(n.encode() for n in ["b", "B", "a", "é", "Z", "ä"])
