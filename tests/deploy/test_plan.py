"""plan_sync and content_headers: pure functions, tested without any bucket."""

from __future__ import annotations

from sitegen.deploy.headers import IMMUTABLE, MEDIUM, SHORT, content_headers
from sitegen.deploy.plan import LocalFile, RemoteObject, plan_sync, upload_stage


def lf(path: str, sha: str = "s1", size: int = 10, etag: str = "e1") -> LocalFile:
    h = content_headers(path)
    return LocalFile(path, size, sha, etag, h.content_type, h.cache_control)


def test_content_headers() -> None:
    assert content_headers("index.html").content_type == "text/html; charset=utf-8"
    assert content_headers("index.html").cache_control == SHORT
    assert content_headers("feed.xml").cache_control == SHORT
    assert content_headers("cids.json") == content_headers("x/data.json")
    assert content_headers("cids.json").content_type == "application/json; charset=utf-8"
    assert content_headers("css/site.4f2a9c1e.css").cache_control == IMMUTABLE
    assert content_headers("css/site.4f2a9c1e.css").content_type == "text/css; charset=utf-8"
    assert content_headers("papers/a/fig1.png") == content_headers("FIG.PNG")
    assert content_headers("papers/a/fig1.png").content_type == "image/png"
    assert content_headers("papers/a/fig1.png").cache_control == MEDIUM
    assert content_headers("img/logo.svg").content_type == "image/svg+xml; charset=utf-8"
    assert content_headers("data/x.unknownext").content_type == "application/octet-stream"
    assert content_headers("_redirects").cache_control == SHORT


def test_first_deploy_uploads_all_in_stage_order() -> None:
    local = [
        lf("index.html"),
        lf("papers/a/index.html"),
        lf("papers/a/fig.png"),
        lf("css/a.4f2a9c1e.css"),
        lf("feed.xml"),
        lf("cids.json"),
    ]
    plan = plan_sync(local, {})
    order = [u.file.path for u in plan.uploads]
    assert order == [
        "css/a.4f2a9c1e.css",
        "papers/a/fig.png",
        "cids.json",
        "feed.xml",
        "papers/a/index.html",
        "index.html",
    ]
    assert [len(s) for s in plan.stages()] == [2, 3, 1]
    assert {u.reason for u in plan.uploads} == {"new"}
    assert plan.skipped == () and plan.deletes == ()
    assert plan.upload_bytes == 60


def test_manifest_match_skips_and_changes_upload() -> None:
    local = [lf("a.png", sha="A"), lf("b.png", sha="B2"), lf("c.html", sha="C")]
    h = content_headers("a.png")
    remote = [
        RemoteObject("a.png", 10, "x", "A", h.content_type, h.cache_control),
        RemoteObject("b.png", 10, "x", "B1"),
        RemoteObject("c.html", 10, "x", "C", "text/plain", None),
        RemoteObject("gone.html", 3, "x", "G"),
    ]
    plan = plan_sync(local, remote)
    assert plan.skipped == ("a.png",)
    assert [(u.file.path, u.reason) for u in plan.uploads] == [
        ("b.png", "changed"),
        ("c.html", "headers"),
    ]
    assert plan.deletes == ("gone.html",)


def test_without_manifest_compares_size_and_etag() -> None:
    local = [lf("a.png", etag="m1"), lf("b.png", etag="m2"), lf("c.png", etag="m3", size=11)]
    remote = {
        "a.png": RemoteObject("a.png", 10, "m1"),
        "b.png": RemoteObject("b.png", 10, "other"),
        "c.png": RemoteObject("c.png", 10, "m3"),
    }
    plan = plan_sync(local, remote)
    assert plan.skipped == ("a.png",)
    assert [u.file.path for u in plan.uploads] == ["b.png", "c.png"]


def test_upload_stage() -> None:
    assert upload_stage("index.html") == 2
    assert upload_stage("papers/index.html") == 1
    assert upload_stage("sitemap.xml") == 1
    assert upload_stage("papers/x/data.csv") == 0
