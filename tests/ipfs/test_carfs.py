from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from sitegen.errors import VerificationError
from sitegen.ipfs.car import write_car
from sitegen.ipfs.carfs import CarFS
from sitegen.ipfs.cid import cid_from_str
from sitegen.ipfs.dagpb import T_HAMT, decode_pbnode, decode_unixfs
from sitegen.ipfs.importer import add_path
from sitegen.ipfs.profiles import get_profile

V1 = get_profile("unixfs-v1-2025")


def test_files_and_dirs_read_back(tmp_path: Path) -> None:
    src = tmp_path / "src"
    (src / "sub" / "empty").mkdir(parents=True)
    big = bytes(range(256)) * 9000  # 2.2 MiB: 3 chunks
    (src / "sub" / "big.bin").write_bytes(big)
    (src / "a.txt").write_bytes(b"a")
    car = tmp_path / "x.car"
    for profile in (V1, get_profile("unixfs-v0-2015")):
        root = write_car(src, car, profile)
        with CarFS(car) as fs:
            assert fs.root == root
            assert fs.stat("") == "dir" and fs.stat("sub/") == "dir"
            assert fs.stat("a.txt") == "file" and fs.stat("nope") is None
            assert fs.listdir("") == ["a.txt", "sub"]
            assert fs.listdir("sub") == ["big.bin", "empty"]
            assert fs.listdir("sub/empty") == []
            assert fs.read("sub/big.bin") == big
            assert fs.read("a.txt") == b"a"
            with pytest.raises(FileNotFoundError):
                fs.read("sub/missing")
            with pytest.raises(IsADirectoryError):
                fs.read("sub")


def test_hamt_directory_read_back(tmp_path: Path) -> None:
    src = tmp_path / "many"
    src.mkdir()
    names = [f"entry-{i:05d}.txt" for i in range(700)]
    for name in names:
        (src / name).write_bytes(name.encode())
    small = dataclasses.replace(V1, hamt_threshold=4096)
    blocks: dict[bytes, bytes] = {}
    root = add_path(src, small, on_block=blocks.__setitem__).root
    car = tmp_path / "many.car"
    assert write_car(src, car, small) == root
    with CarFS(car) as fs:
        assert fs.listdir("") == sorted(names)
        assert all(fs.read(n) == n.encode() for n in names[::37])
        assert fs.stat("entry-99999.txt") is None
    assert decode_unixfs(decode_pbnode(blocks[cid_from_str(root)]).data or b"").type == T_HAMT


def test_corrupted_block_raises(tmp_path: Path) -> None:
    src = tmp_path / "s"
    src.mkdir()
    (src / "f.txt").write_bytes(b"precious bytes")
    car = tmp_path / "s.car"
    write_car(src, car, V1)
    data = bytearray(car.read_bytes())
    data[data.index(b"precious")] ^= 0x20
    car.write_bytes(bytes(data))
    with CarFS(car) as fs:
        assert fs.listdir("") == ["f.txt"]
        with pytest.raises(VerificationError, match="does not hash"):
            fs.read("f.txt")
