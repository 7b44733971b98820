"""Routing and traversal rules, without sockets."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from sitegen.serve.routes import Layout, Listing, Redirect, Refuse, ServeFile, route
from sitegen.serve.sources import DirSource

CID = "bafybeigdyrzt5sfp7udm7hu76uh7y26nf3efuylqabf3oclgtqy55fbzdi"


@pytest.fixture
def site(tmp_path: Path) -> DirSource:
    root = tmp_path / "site"
    (root / "papers" / "a").mkdir(parents=True)
    (root / "assets").mkdir()
    (root / "index.html").write_text("<p>home</p>")
    (root / "papers" / "a" / "index.html").write_text("<p>a</p>")
    (root / "assets" / "style.css").write_text("body{}")
    (tmp_path / "secret.txt").write_text("outside")
    return DirSource(root)


def test_local_layout_serves_files_and_folder_indexes(site: DirSource) -> None:
    local = Layout()
    assert route("/", local, site) == ServeFile("index.html")
    assert route("/papers/a/", local, site) == ServeFile("papers/a/index.html")
    assert route("/assets/style.css?v=1", local, site) == ServeFile("assets/style.css")
    assert route("/papers/a", local, site) == Redirect("/papers/a/", 301)
    assert route("/papers/a?x=1", local, site) == Redirect("/papers/a/?x=1", 301)
    assert route("/assets/", local, site) == Refuse(404, "folder without index.html")
    assert isinstance(route("/nope.html", local, site), Refuse)


def test_gateway_layout_mounts_the_site_under_its_root(site: DirSource) -> None:
    gw = Layout(CID)
    assert route("/", gw, site) == Redirect(f"/ipfs/{CID}/", 302)
    assert route(f"/ipfs/{CID}", gw, site) == Redirect(f"/ipfs/{CID}/", 301)
    assert route(f"/ipfs/{CID}/", gw, site) == ServeFile("index.html")
    assert route(f"/ipfs/{CID}/papers/a", gw, site) == Redirect(f"/ipfs/{CID}/papers/a/", 301)
    assert route(f"/ipfs/{CID}/papers/a/", gw, site) == ServeFile("papers/a/index.html")
    assert route(f"/ipfs/{CID}/assets/", gw, site) == Listing("assets")
    # absolute links escape the prefix and must show up as 404s
    for path in ("/index.html", "/papers/a/", "/assets/style.css", "/ipfs/", "/ipfs/bafyother/"):
        answer = route(path, gw, site)
        assert isinstance(answer, Refuse) and answer.status == 404, path


def test_gateway_sends_pages_of_an_earlier_build_to_the_new_root(site: DirSource) -> None:
    gw = Layout(CID, previous=frozenset({"bafyold"}))
    assert route("/ipfs/bafyold/papers/a/", gw, site) == Redirect(f"/ipfs/{CID}/papers/a/", 302)
    assert route("/ipfs/bafyold/", gw, site) == Redirect(f"/ipfs/{CID}/", 302)


@pytest.mark.parametrize(
    "path",
    [
        "/../secret.txt",
        "/papers/../../secret.txt",
        "/%2e%2e/secret.txt",
        "/%2E%2E/secret.txt",
        "/.%2e/secret.txt",
        "/%252e%252e/secret.txt",
        "/papers%2f..%2f..%2fsecret.txt",
        "/papers%5c..%5c..%5csecret.txt",
        "/..%5csecret.txt",
        "/index.html%00.css",
        "/./index.html",
    ],
)
def test_traversal_is_refused(site: DirSource, path: str) -> None:
    for layout, prefix in ((Layout(), ""), (Layout(CID), f"/ipfs/{CID}")):
        answer = route(prefix + path, layout, site)
        assert isinstance(answer, Refuse), (path, answer)
        assert answer.status in (400, 403, 404)


def test_symlinks_out_of_the_root_are_not_served(site: DirSource, tmp_path: Path) -> None:
    os.symlink(tmp_path / "secret.txt", site.root / "leak.txt")
    os.symlink(tmp_path, site.root / "up")
    os.symlink(site.root / "assets" / "style.css", site.root / "inside.css")
    assert isinstance(route("/leak.txt", Layout(), site), Refuse)
    assert isinstance(route("/up/secret.txt", Layout(), site), Refuse)
    assert site.stat("leak.txt") is None and site.stat("up") is None
    with pytest.raises(FileNotFoundError):
        site.read("up/secret.txt")
    assert "leak.txt" not in site.listdir("")
    assert route("/inside.css", Layout(), site) == ServeFile("inside.css")


def test_no_build_yet_is_a_503(tmp_path: Path) -> None:
    assert route("/", Layout(), None) == Refuse(503, "no successful build yet")
