from __future__ import annotations

import json
from pathlib import Path

from sitegen.ipfs.profiles import get_profile
from sitegen.ipfs.site import address_site
from sitegen.ipfs.verify import guess_profile_name, verify_dir

V1 = get_profile("unixfs-v1-2025")
V0 = get_profile("unixfs-v0-2015")


def _built(tmp_path: Path, profile=V1) -> tuple[Path, str]:
    out = tmp_path / "public"
    (out / "a").mkdir(parents=True)
    (out / "a" / "b.txt").write_bytes(b"b")
    (out / "index.html").write_bytes(b"home")
    return out, address_site(out, profile).root


def test_clean_folder_verifies(tmp_path: Path) -> None:
    out, root = _built(tmp_path)
    report = verify_dir(out, root=root, profile=V1)
    assert report.ok, report.errors
    assert report.root == root and report.blocks > 0


def test_changed_added_and_missing_files_are_named(tmp_path: Path) -> None:
    out, root = _built(tmp_path)
    (out / "a" / "b.txt").write_bytes(b"changed")
    (out / "new.txt").write_bytes(b"n")
    (out / "index.html").unlink()
    report = verify_dir(out, root=root, profile=V1)
    assert not report.ok
    text = "\n".join(report.errors)
    assert "a/b.txt: cids.json says" in text
    assert "new.txt: not listed in cids.json" in text
    assert "index.html: listed in cids.json but missing" in text
    assert f"expected {root}" in text


def test_bad_cids_json(tmp_path: Path) -> None:
    out, _ = _built(tmp_path)
    (out / "cids.json").write_text("{not json")
    report = verify_dir(out, profile=V1)
    assert not report.ok and report.errors[0].startswith("cids.json: not valid JSON")


def test_profile_guess(tmp_path: Path) -> None:
    out, root = _built(tmp_path, V0)
    assert guess_profile_name(out) == "unixfs-v0-2015"
    assert verify_dir(out, root=root, profile=V0).ok
    assert json.loads((out / "cids.json").read_text())["index.html"].startswith("Qm")
