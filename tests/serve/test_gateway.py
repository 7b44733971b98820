"""``--gateway`` and ``--car``: the demo journal under ``/ipfs/<root>/``, crawled link by link."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from serve_testkit import crawl, get, wait_until

from sitegen.ipfs.car import write_car
from sitegen.ipfs.carfs import CarFS
from sitegen.ipfs.profiles import get_profile
from sitegen.pipeline import BuildOptions, build
from sitegen.serve.server import PreviewServer, ServeState
from sitegen.serve.sources import CarSource, DirSource
from sitegen.serve.watch import LiveSite


@pytest.fixture
def gateway(demo: Path) -> Iterator[tuple[PreviewServer, str]]:
    state = ServeState(gateway=True)
    site = LiveSite(demo, state)
    report = site.build_once()
    assert report.ok and report.root
    server = PreviewServer(state, port=0).start()
    try:
        yield server, report.root
    finally:
        server.stop()
        site.stop()


def test_every_link_of_the_demo_resolves_under_the_root(gateway) -> None:
    server, root = gateway
    assert server.site_url == f"{server.url}ipfs/{root}/"
    seen, broken = crawl(server.url, f"/ipfs/{root}/")
    assert broken == []
    assert len(seen) > 40  # the crawl really walked the site
    assert f"/ipfs/{root}/papers/index.html" in seen
    assert any(p.endswith("/cids.json") or "/source/" in p for p in seen)


def test_gateway_redirects_and_refusals(gateway) -> None:
    server, root = gateway
    home = get(server.url, "/")
    assert (home.status, home.headers["location"]) == (302, f"/ipfs/{root}/")
    bare = get(server.url, f"/ipfs/{root}")
    assert (bare.status, bare.headers["location"]) == (301, f"/ipfs/{root}/")
    folder = get(server.url, f"/ipfs/{root}/papers")
    assert (folder.status, folder.headers["location"]) == (301, f"/ipfs/{root}/papers/")
    index = get(server.url, f"/ipfs/{root}/papers/")
    assert index.status == 200 and index.headers["content-type"] == "text/html; charset=utf-8"
    assert index.body.startswith(get(server.url, f"/ipfs/{root}/papers/index.html").body[:200])
    for outside in ("/index.html", "/papers/", "/ipfs/", f"/ipfs/{root}x/", "/ipns/x/"):
        assert get(server.url, outside).status == 404, outside
    listing = get(server.url, f"/ipfs/{root}/assets/")  # a folder without index.html
    assert listing.status == 200 and 'href="style.css"' in listing.text
    for bad in (f"/ipfs/{root}/../{root}/", f"/ipfs/{root}/%2e%2e/", f"/ipfs/{root}/a%2f..%2f"):
        assert get(server.url, bad).status in (403, 404), bad


def test_an_absolute_link_shows_up_as_a_404(journal: Path) -> None:
    about = journal / "content" / "pages" / "about.md"
    about.write_text(about.read_text() + "\n\nSee [all papers](/papers/).\n")
    state = ServeState(gateway=True)
    site = LiveSite(journal, state)
    try:
        root = site.build_once().root
        with PreviewServer(state, port=0) as server:
            _seen, broken = crawl(server.url, f"/ipfs/{root}/")
    finally:
        site.stop()
    assert broken and all(b.endswith("-> /papers/: 404") for b in broken), broken


@pytest.fixture
def built_car(demo: Path, tmp_path: Path) -> tuple[Path, Path, str]:
    car = tmp_path / "site.car"
    result = build(BuildOptions(source=demo, output=tmp_path / "out", car=car))
    assert result.root
    return car, tmp_path / "out", result.root


def test_a_built_car_is_served_like_a_gateway(built_car) -> None:
    car_path, out, root = built_car
    with CarFS(car_path) as car:
        assert car.root == root
        state = ServeState(CarSource(car), root=car.root, gateway=True)
        with PreviewServer(state, port=0) as server:
            seen, broken = crawl(server.url, f"/ipfs/{root}/")
            assert broken == []
            assert len(seen) > 40
            css = get(server.url, f"/ipfs/{root}/assets/style.css")
            assert css.headers["content-type"] == "text/css; charset=utf-8"
            assert css.body == (out / "assets" / "style.css").read_bytes()
            assert get(server.url, f"/ipfs/{root}/%2e%2e/").status == 403


def test_a_car_from_write_car_and_a_corrupt_block(tmp_path: Path) -> None:
    site = tmp_path / "site"
    (site / "docs").mkdir(parents=True)
    (site / "index.html").write_text('<html><body><a href="docs/">docs</a></body></html>')
    (site / "docs" / "index.html").write_text('<html><body><a href="../">up</a> TOKEN</body>')
    car_path = tmp_path / "site.car"
    root = write_car(site, car_path, get_profile(None))
    with (
        CarFS(car_path) as car,
        PreviewServer(ServeState(CarSource(car), root=root, gateway=True), port=0) as server,
    ):
        seen, broken = crawl(server.url, "/")
        assert broken == [] and f"/ipfs/{root}/docs/" in seen
    data = bytearray(car_path.read_bytes())
    at = data.find(b"TOKEN")
    data[at : at + 5] = b"XXXXX"  # same length: the CAR still parses, the block no longer hashes
    car_path.write_bytes(bytes(data))
    with (
        CarFS(car_path) as car,
        PreviewServer(ServeState(CarSource(car), root=root, gateway=True), port=0) as server,
    ):
        bad = get(server.url, f"/ipfs/{root}/docs/")
        assert bad.status == 502 and b"does not hash to its CID" in bad.body
        assert b"XXXXX" not in bad.body
        assert get(server.url, f"/ipfs/{root}/").status == 200


def test_dir_source_of_a_build_matches_the_car(built_car) -> None:
    car_path, out, _root = built_car
    with CarFS(car_path) as car:
        disk = DirSource(out)
        assert CarSource(car).listdir("") == disk.listdir("")
        assert car.read("index.html") == disk.read("index.html")


def test_pages_of_an_earlier_root_follow_a_rebuild(journal: Path) -> None:
    state = ServeState(gateway=True)
    site = LiveSite(journal, state)
    try:
        site.start()
        assert site.wait_ready(5)
        old = site.build_once().root
        with PreviewServer(state, port=0) as server:
            paper = journal / "content" / "papers" / "second-look" / "paper.md"
            paper.write_text(paper.read_text().replace("A Second Look", "A Third Look"))
            wait_until(
                lambda: get(server.url, "/").headers["location"] != f"/ipfs/{old}/", 8, "a new root"
            )
            new = get(server.url, "/").headers["location"].split("/")[2]
            moved = get(server.url, f"/ipfs/{old}/papers/second-look/?x=1")
            assert moved.status == 302
            assert moved.headers["location"] == f"/ipfs/{new}/papers/second-look/?x=1"
            assert "A Third Look" in get(server.url, f"/ipfs/{new}/papers/second-look/").text
    finally:
        site.stop()
