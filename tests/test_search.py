"""index_search on real folders with the real Pagefind binary from the pagefind[bin] wheel."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest

from sitegen import cbor
from sitegen.content.config import load_config
from sitegen.search import BUNDLE_DIR, find_pagefind, index_search

PAPER = """<!DOCTYPE html><html lang="en"><head><title>{title}</title></head><body>
<article data-pagefind-body><h1>{title}</h1>
<a data-pagefind-filter="volume">Volume {vol}</a>
{authors}<p>{text}</p></article></body></html>"""


def make_site(root: Path) -> Path:
    root.mkdir(parents=True, exist_ok=True)
    (root / "sitegen.yaml").write_text("title: T\nlicense: CC-BY-4.0\n", encoding="utf-8")
    site = root / "site"
    papers = [
        ("alpha", "Alpha paper", 1, ["Ann Lee", "Bo Chen"], "zygomorphic flowers in spring"),
        ("beta", "Beta paper", 2, ["Bo Chen", "Cy Diaz", "Di Ek"], "quasicrystal lattices"),
        ("gamma", "Gamma paper", 1, ["Di Ek", "Ann Lee"], "tidal estuaries and sediment"),
    ]
    for slug, title, vol, authors, text in papers:
        tags = "".join(f'<span data-pagefind-filter="author">{a}</span>' for a in authors)
        page = site / "papers" / slug / "index.html"
        page.parent.mkdir(parents=True)
        page.write_text(PAPER.format(title=title, vol=vol, authors=tags, text=text), "utf-8")
    (site / "index.html").write_text("<html><body><h1>Home</h1></body></html>", "utf-8")
    return site


def digest(folder: Path) -> dict[str, str]:
    return {
        p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def test_missing_binary_is_a_warning(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    site = make_site(tmp_path)
    config, _ = load_config(tmp_path)
    assert config is not None
    monkeypatch.setenv("PAGEFIND_BINARY_PATH", str(tmp_path / "no-such-pagefind"))
    diags = index_search(site, config)
    assert [(d.field, d.severity) for d in diags] == [("search", "warning")]
    assert "built without search" in diags[0].message
    assert not (site / BUNDLE_DIR).exists()


def test_index_is_written_and_reproducible(tmp_path: Path) -> None:
    assert find_pagefind() is not None, "pagefind[bin] is a dependency"
    runs = []
    for n in range(4):
        site = make_site(tmp_path / f"run{n}")
        config, _ = load_config(tmp_path / f"run{n}")
        assert config is not None
        assert index_search(site, config) == []
        runs.append(digest(site / BUNDLE_DIR))
    assert "pagefind-ui.js" in runs[0] and "pagefind-entry.json" in runs[0]
    assert all(r == runs[0] for r in runs[1:])
    entry = json.loads(
        (tmp_path / "run0" / "site" / BUNDLE_DIR / "pagefind-entry.json").read_text()
    )
    assert entry["languages"]["en"]["page_count"] == 3  # papers only, not the home page


def test_cbor_round_trip() -> None:
    value = ["subject", [["ipfs", [0, 3, 300]], ["métadonnées", [70000]]], {"k": -5}, b"\x00"]
    data = cbor.encode(value)
    assert cbor.decode(data, 0) == (value, len(data))
