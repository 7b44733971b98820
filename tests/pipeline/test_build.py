"""End-to-end builds of real journals on disk through the CLI entry point."""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys
from pathlib import Path

from sitegen.cli import main
from sitegen.ipfs.importer import add_path
from sitegen.ipfs.profiles import get_profile


def tree_digest(folder: Path) -> dict[str, str]:
    return {
        p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def run_cli(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "sitegen", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        env={"PATH": "/usr/bin:/bin", "SOURCE_DATE_EPOCH": "1700000000"},
    )


def test_demo_builds_with_summary_and_root_last(demo: Path):
    proc = run_cli("build", cwd=demo)
    assert proc.returncode == 0, proc.stderr
    lines = proc.stdout.strip().splitlines()
    assert lines[0].startswith("built ") and " papers, " in lines[0] and " pages" in lines[0]
    root = lines[-1].split()[-1]
    public = demo / "public"
    assert (public / "index.html").is_file()
    # the root printed last is the CID of public/ with hidden files, as `sitegen cid` says
    assert add_path(public, get_profile("unixfs-v1-2025"), hidden=True).root == root
    cids = json.loads((public / "cids.json").read_text())
    assert "index.html" in cids and "cids.json" not in cids and "" not in cids


def test_build_json_shape(demo: Path, capsys):
    assert main(["build", "-s", str(demo), "--json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert set(doc) >= {
        "ok",
        "papers",
        "pages",
        "files",
        "root",
        "out",
        "seconds",
        "warnings",
        "errors",
    }
    assert doc["ok"] is True and doc["papers"] >= 6 and doc["root"].startswith("bafy")


def test_paper_page_content(demo: Path):
    assert main(["build", "-s", str(demo)]) == 0
    public = demo / "public"
    slug = sorted(p.name for p in (demo / "content" / "papers").iterdir())[0]
    page = (public / "papers" / slug / "index.html").read_text()
    bundle = add_path(
        demo / "content" / "papers" / slug,
        get_profile("unixfs-v1-2025"),
        exclude=lambda rel: rel == "attestations" or rel.startswith("attestations/"),
    ).root
    assert bundle in page
    cids = json.loads((public / "cids.json").read_text())
    # the bundle CID is the CID of papers/<slug>/source inside the site DAG
    assert cids[f"papers/{slug}/source"] == bundle
    for name in ("cite.bib", "cite.ris", "cite.json"):
        assert (public / "papers" / slug / name).is_file()
    assert 'name="citation_title"' in page and "application/ld+json" in page
    # research object copied byte for byte, attestations excluded
    src = demo / "content" / "papers" / slug
    for f in src.rglob("*"):
        rel = f.relative_to(src).as_posix()
        if f.is_file() and not rel.startswith("attestations/"):
            assert (public / "papers" / slug / "source" / rel).read_bytes() == f.read_bytes()


def test_no_absolute_or_external_asset_links(demo: Path):
    assert main(["build", "-s", str(demo)]) == 0
    import re

    for html in (demo / "public").rglob("*.html"):
        text = html.read_text()
        for attr, url in re.findall(r'\b(src|href)="([^"]*)"', text):
            assert not url.startswith("/"), (html, url)
            if attr == "src":
                assert not url.startswith(("http:", "https:", "//")), (html, url)
        for url in re.findall(r'<link[^>]+href="([^"]+)"', text):
            if "stylesheet" in text:
                assert not url.startswith("//")


def test_two_builds_are_identical(demo: Path, tmp_path: Path):
    assert main(["build", "-s", str(demo), "-o", str(tmp_path / "a")]) == 0
    assert main(["build", "-s", str(demo), "-o", str(tmp_path / "b"), "--jobs", "1"]) == 0
    assert tree_digest(tmp_path / "a") == tree_digest(tmp_path / "b")


def test_failed_build_leaves_previous_output(demo: Path, capsys):
    assert main(["build", "-s", str(demo)]) == 0
    before = tree_digest(demo / "public")
    paper = next((demo / "content" / "papers").glob("*/paper.md"))
    text = paper.read_text()
    paper.write_text(text.replace("title:", "title: [unclosed", 1))
    assert main(["build", "-s", str(demo)]) == 1
    err = capsys.readouterr().err
    assert "paper.md:" in err
    assert tree_digest(demo / "public") == before
    leftovers = [p.name for p in demo.iterdir() if p.name.startswith(".public")]
    assert leftovers == [".public.spare"]  # the first build's, for the next: no staging
    assert tree_digest(demo / ".public.spare") == before


def test_check_writes_nothing(demo: Path, capsys):
    assert main(["check", "-s", str(demo), "--json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert doc["ok"] is True and doc["errors"] == []
    assert not (demo / "public").exists()


def test_every_relative_link_resolves(demo: Path):
    """A small crawler over the built files: every in-site href/src points at something."""
    import re
    from urllib.parse import unquote

    assert main(["build", "-s", str(demo)]) == 0
    public = demo / "public"
    broken = []
    for html in public.rglob("*.html"):
        if html.name == "404.html":
            continue  # served at arbitrary depths; checked by the gateway tests
        for url in re.findall(r'\b(?:src|href)="([^"]*)"', html.read_text()):
            if not url or url.startswith(("#", "mailto:")) or re.match(r"^[a-z][a-z0-9+.-]*:", url):
                continue
            target = (html.parent / unquote(url.split("#")[0].split("?")[0])).resolve()
            if not (target.is_file() or target.is_dir()):
                broken.append((html.relative_to(public).as_posix(), url))
    assert broken == []
