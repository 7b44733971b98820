from __future__ import annotations

from pathlib import Path

from sitegen.ipfs.car import read_car, verify_car, write_car
from sitegen.ipfs.carv1 import encode_header, links_of, write_section
from sitegen.ipfs.cid import cid_from_str, encode_varint
from sitegen.ipfs.importer import add_path
from sitegen.ipfs.profiles import get_profile

V1 = get_profile("unixfs-v1-2025")
V0 = get_profile("unixfs-v0-2015")


def _site(tmp_path: Path) -> Path:
    root = tmp_path / "site"
    (root / "papers" / "p1").mkdir(parents=True)
    (root / "empty").mkdir()
    (root / "index.html").write_bytes(b"<h1>hi</h1>\n")
    (root / "papers" / "p1" / "data.bin").write_bytes(bytes(range(256)) * 5000)  # 2 chunks in v0
    (root / "papers" / "p1" / "copy.html").write_bytes(b"<h1>hi</h1>\n")  # duplicate block
    return root


def _preorder(root: str, blocks: dict[str, bytes]) -> list[str]:
    from sitegen.ipfs.cid import cid_to_str

    order: list[str] = []

    def visit(cid: str) -> None:
        if cid in order:
            return
        order.append(cid)
        for child, _ in links_of(cid_from_str(cid), blocks[cid]):
            visit(cid_to_str(child))

    visit(root)
    return order


def test_header_bytes_for_one_cidv1_root() -> None:
    cid = cid_from_str("bafybeiczsscdsbs7ffqz55asqdf3smv6klcw3gofszvwlyarci47bgf354")
    header = encode_header([cid])
    assert len(header) == 58
    assert header == b"\xa2\x65roots\x81\xd8\x2a\x58\x25\x00" + cid + b"\x67version\x01"
    v0 = encode_header([cid_from_str("QmUNLLsPACCz1vLxQVkXqqLX5R1X345qqfHbsf67hvA3Nn")])
    assert len(v0) == 56


def test_round_trip_both_profiles(tmp_path: Path) -> None:
    site = _site(tmp_path)
    for profile in (V1, V0):
        out = tmp_path / f"{profile.name}.car"
        root = write_car(site, out, profile)
        assert root == add_path(site, profile).root
        assert out.read_bytes()[0] == (0x3A if profile.cid_version == 1 else 0x38)
        roots, blocks = read_car(out)
        pairs = list(blocks)
        assert roots == [root]
        cids = [c for c, _ in pairs]
        assert len(cids) == len(set(cids))
        assert cids == _preorder(root, dict(pairs))  # DFS pre-order, like ipfs dag export
        report = verify_car(out, root=root)
        assert report.ok, report.errors
        assert (report.root, report.blocks) == (root, len(cids))


def test_single_file_car(tmp_path: Path) -> None:
    f = tmp_path / "hello.txt"
    f.write_bytes(b"hello world\n")
    out = tmp_path / "f.car"
    assert write_car(f, out, V1) == "bafkreifjjcie6lypi6ny7amxnfftagclbuxndqonfipmb64f2km2devei4"
    roots, blocks = read_car(out)
    assert list(blocks) == [(roots[0], b"hello world\n")]


def test_corrupted_byte_is_reported(tmp_path: Path) -> None:
    site = _site(tmp_path)
    out = tmp_path / "s.car"
    write_car(site, out, V1)
    data = bytearray(out.read_bytes())
    at = data.index(b"<h1>hi</h1>")
    data[at + 1] ^= 0x01
    out.write_bytes(bytes(data))
    report = verify_car(out)
    assert not report.ok
    leaf = add_path(site, V1).files["index.html"]
    assert any(leaf in e and "does not hash" in e for e in report.errors)
    assert any(leaf in e and "missing or invalid" in e for e in report.errors)


def test_missing_block_is_reported(tmp_path: Path) -> None:
    site = _site(tmp_path)
    src = tmp_path / "s.car"
    root = write_car(site, src, V1)
    dropped = add_path(site, V1).dirs["empty"]
    roots, blocks = read_car(src)
    out = tmp_path / "missing.car"
    header = encode_header([cid_from_str(roots[0])])
    with out.open("wb") as fh:
        fh.write(encode_varint(len(header)) + header)
        for cid, block in blocks:
            if cid != dropped:
                write_section(fh, cid_from_str(cid), block)
    report = verify_car(out, root=root)
    assert not report.ok
    assert report.errors == [f"block {dropped} missing or invalid (at /empty)"]


def test_wrong_root_and_garbage(tmp_path: Path) -> None:
    site = _site(tmp_path)
    out = tmp_path / "s.car"
    write_car(site, out, V1)
    other = "bafybeiczsscdsbs7ffqz55asqdf3smv6klcw3gofszvwlyarci47bgf354"
    report = verify_car(out, root=other)
    assert not report.ok and any(other in e and "expected" in e for e in report.errors)
    junk = tmp_path / "junk.car"
    junk.write_bytes(b"\x05hello")
    assert not verify_car(junk).ok
