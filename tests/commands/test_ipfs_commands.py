"""``sitegen cid``, ``car`` and ``verify`` through the real CLI entry point."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from sitegen.cli import main
from sitegen.ipfs.importer import add_path
from sitegen.ipfs.profiles import get_profile
from sitegen.ipfs.site import address_site


def _tree(tmp_path: Path) -> Path:
    d = tmp_path / "d"
    (d / "sub").mkdir(parents=True)
    (d / "empty").mkdir()
    (d / "hello.txt").write_bytes(b"hello world\n")
    (d / "sub" / "x.txt").write_bytes(b"x")
    (d / ".hidden").write_bytes(b"secret")
    return d


def test_cid_file_text_and_json(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    f = tmp_path / "hello.txt"
    f.write_bytes(b"hello world")
    assert main(["cid", str(f)]) == 0
    assert capsys.readouterr().out.strip() == (
        "bafkreifzjut3te2nhyekklss27nh3k72ysco7y32koao5eei66wof36n5e"
    )
    assert main(["cid", str(f), "--profile", "unixfs-v0-2015", "--json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert doc == {
        "root": "Qmf412jQZiuVUtdgnB36FXFX7xg5V6KEbSJ4dpQuhkLyfD",
        "profile": "unixfs-v0-2015",
        "files": {},
        "dirs": {},
    }


def test_cid_folder_json_and_hidden(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    d = _tree(tmp_path)
    assert main(["cid", str(d), "--json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert set(doc) == {"root", "profile", "files", "dirs"}
    assert doc["files"] == {
        "hello.txt": "bafkreifjjcie6lypi6ny7amxnfftagclbuxndqonfipmb64f2km2devei4",
        "sub/x.txt": add_path(d / "sub" / "x.txt", get_profile(None)).root,
    }
    assert set(doc["dirs"]) == {"empty", "sub"}
    assert main(["cid", str(d), "--hidden"]) == 0
    hidden_root = capsys.readouterr().out.strip()
    assert hidden_root != doc["root"]
    assert hidden_root == add_path(d, get_profile(None), hidden=True).root


def test_cid_usage_errors(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["cid", str(tmp_path / "nope")]) == 2
    assert main(["cid", str(tmp_path), "--profile", "bogus"]) == 2
    assert "unknown CID profile" in capsys.readouterr().err


def test_car_then_verify(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    d = _tree(tmp_path)
    car = tmp_path / "d.car"
    assert main(["car", str(d), "-o", str(car)]) == 0
    root = capsys.readouterr().out.strip()
    assert root == add_path(d, get_profile(None)).root
    assert main(["verify", str(car), "--root", root]) == 0
    assert root in capsys.readouterr().out
    assert main(["verify", str(car), "--json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert doc["ok"] is True and doc["root"] == root and doc["blocks"] > 0 and doc["errors"] == []


def test_verify_failures_exit_1(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    d = _tree(tmp_path)
    car = tmp_path / "d.car"
    assert main(["car", str(d), "-o", str(car)]) == 0
    capsys.readouterr()
    data = bytearray(car.read_bytes())
    data[data.index(b"hello world")] ^= 1
    car.write_bytes(bytes(data))
    assert main(["verify", str(car)]) == 1
    err = capsys.readouterr().err
    leaf = "bafkreifjjcie6lypi6ny7amxnfftagclbuxndqonfipmb64f2km2devei4"
    assert f"block {leaf}" in err and "does not hash" in err
    assert main(["verify", str(car), "--json"]) == 1
    doc = json.loads(capsys.readouterr().out)
    assert doc["ok"] is False and any(leaf in e for e in doc["errors"])


def test_verify_folder(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    d = _tree(tmp_path)
    root = address_site(d, get_profile("unixfs-v0-2015")).root
    assert main(["verify", str(d), "--root", root]) == 0  # profile guessed from cids.json
    capsys.readouterr()
    (d / "sub" / "x.txt").write_bytes(b"y")
    assert main(["verify", str(d), "--json"]) == 1
    doc = json.loads(capsys.readouterr().out)
    assert any(e.startswith("sub/x.txt: cids.json says") for e in doc["errors"])
    assert main(["verify", str(tmp_path / "absent")]) == 2
