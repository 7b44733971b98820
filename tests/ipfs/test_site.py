from __future__ import annotations

import json
from pathlib import Path

from sitegen.ipfs.car import verify_car
from sitegen.ipfs.carfs import CarFS
from sitegen.ipfs.importer import add_path
from sitegen.ipfs.profiles import get_profile
from sitegen.ipfs.site import address_site

V1 = get_profile("unixfs-v1-2025")
V0 = get_profile("unixfs-v0-2015")


def _public(tmp_path: Path) -> Path:
    out = tmp_path / "public"
    (out / "papers" / "p" / "source").mkdir(parents=True)
    (out / ".well-known").mkdir()
    (out / ".well-known" / "x").write_bytes(b"x")
    (out / "index.html").write_bytes(b"<p>home</p>")
    (out / "papers" / "p" / "index.html").write_bytes(b"<p>paper</p>")
    (out / "papers" / "p" / "source" / "paper.md").write_bytes(b"# Paper\n")
    return out


def test_address_site_matches_cid_hidden(tmp_path: Path) -> None:
    out = _public(tmp_path)
    for profile in (V1, V0):
        res = address_site(out, profile)
        assert res.root == add_path(out, profile, hidden=True).root
        recorded = json.loads((out / "cids.json").read_text())
        assert "cids.json" not in recorded and "" not in recorded
        assert recorded[".well-known/x"] == res.files[".well-known/x"]
        assert recorded["papers/p/source"] == add_path(out / "papers/p/source", profile).root
        assert set(recorded) == (set(res.files) | set(res.dirs)) - {"cids.json"}
        assert res.files["cids.json"] == add_path(out / "cids.json", profile).root


def test_cids_json_is_deterministic(tmp_path: Path) -> None:
    out = _public(tmp_path)
    first = address_site(out, V1)
    data = (out / "cids.json").read_bytes()
    second = address_site(out, V1)
    assert first == second
    assert (out / "cids.json").read_bytes() == data
    assert data.endswith(b"\n")
    keys = list(json.loads(data))
    assert keys == sorted(keys)


def test_site_car(tmp_path: Path) -> None:
    out = _public(tmp_path)
    car = tmp_path / "site.car"
    res = address_site(out, V1, car=car)
    report = verify_car(car, root=res.root)
    assert report.ok, report.errors
    with CarFS(car) as fs:
        assert fs.root == res.root
        assert fs.read("cids.json") == (out / "cids.json").read_bytes()
        assert fs.read("papers/p/source/paper.md") == b"# Paper\n"
        assert fs.listdir("") == [".well-known", "cids.json", "index.html", "papers"]


def test_cids_json_bytes_equal_json_dumps() -> None:
    from sitegen.ipfs.site import cids_json_bytes

    cases: list[dict[str, str]] = [
        {},
        {"a": "bafy1"},
        {"z/ü.txt": "bafy2", 'q"uote\\back': "bafy3", "tab\there": "x", "a": "\u2028", "é": "€"},
        {f"papers/p{i}/source/f{j}.png": f"bafk{i}{j}" for i in range(30) for j in range(4)},
    ]
    for mapping in cases:
        want = (json.dumps(mapping, indent=2, sort_keys=True, ensure_ascii=False) + "\n").encode()
        assert cids_json_bytes(mapping) == want


def test_patch_cids_json_equals_writing_the_patched_mapping() -> None:
    import random

    from sitegen.ipfs.site import cids_json_bytes, patch_cids_json

    rng = random.Random(4)
    names = ["a", "a/b", "a/b.txt", "a-b", "ä", 'q"x', "z/1", "z/10", "z/2", "Zed", "é/ü"]
    mapping = {n: f"bafy{rng.randint(0, 99)}" for n in names[::2]}
    data = cids_json_bytes(mapping)
    for _ in range(200):
        updates: dict[str, str | None] = {}
        for name in rng.sample(names, rng.randint(1, 4)):
            updates[name] = None if rng.random() < 0.4 else f"bafy{rng.randint(0, 99)}"
        for name, cid in updates.items():
            if cid is None:
                mapping.pop(name, None)
            else:
                mapping[name] = cid
        data = patch_cids_json(data, updates)
        assert data == cids_json_bytes(mapping)
    assert patch_cids_json(b"not json", {"a": "b"}) is None
    assert patch_cids_json(b"{\n  oops\n}\n", {"a": "b"}) is None
