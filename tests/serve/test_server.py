"""The HTTP server over loopback: files, types, refusals, the event stream, stopping."""

from __future__ import annotations

import http.client
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from serve_testkit import get, raw_request

from sitegen.serve.server import PreviewServer, ServeState
from sitegen.serve.sources import DirSource

PAGE = "<!doctype html><html><body><h1>Home</h1></body></html>"


def make_site(root: Path, title: str) -> Path:
    (root / "papers" / "a").mkdir(parents=True)
    (root / "index.html").write_text(PAGE.replace("Home", title))
    (root / "papers" / "a" / "index.html").write_text("<html><body>paper a</body></html>")
    (root / "404.html").write_text("<html><body>custom not found</body></html>")
    (root / "style.css").write_text("body { color: red }")
    (root / "fig.png").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)))
    return root


@pytest.fixture
def served(tmp_path: Path) -> Iterator[tuple[PreviewServer, Path]]:
    (tmp_path / "secret.txt").write_text("outside the root")
    root = make_site(tmp_path / "site", "Home")
    state = ServeState()
    state.publish(DirSource(root), None)
    server = PreviewServer(state, port=0).start()
    try:
        yield server, tmp_path
    finally:
        server.stop()


def test_pages_are_served_with_types_and_the_reload_script(served) -> None:
    server, _ = served
    assert server.url.startswith("http://127.0.0.1:") and server.port != 0
    home = get(server.url, "/")
    assert home.status == 200
    assert home.headers["content-type"] == "text/html; charset=utf-8"
    assert "<h1>Home</h1>" in home.text
    assert "/__sitegen/events?since=1" in home.text
    assert int(home.headers["content-length"]) == len(home.body)
    css = get(server.url, "/style.css")
    assert css.headers["content-type"] == "text/css; charset=utf-8"
    assert css.text == "body { color: red }"  # only HTML is rewritten
    png = get(server.url, "/fig.png")
    assert png.headers["content-type"] == "image/png"
    assert png.body.endswith(bytes(range(256)))
    head = get(server.url, "/style.css", method="HEAD")
    assert head.status == 200 and head.body == b""
    assert get(server.url, "/papers/a").status == 301
    assert get(server.url, "/papers/a").headers["location"] == "/papers/a/"
    assert "paper a" in get(server.url, "/papers/a/").text


def test_injection_never_touches_the_built_files(served) -> None:
    server, tmp_path = served
    get(server.url, "/")
    assert (tmp_path / "site" / "index.html").read_text() == PAGE


def test_missing_pages_get_the_sites_404_page(served) -> None:
    server, _ = served
    missing = get(server.url, "/no/such/page.html")
    assert missing.status == 404
    assert "custom not found" in missing.text


@pytest.mark.parametrize(
    "target",
    [
        "/../secret.txt",
        "/papers/../../secret.txt",
        "/%2e%2e/secret.txt",
        "/%2e%2e%2fsecret.txt",
        "/papers/%2E%2E/%2E%2E/secret.txt",
        "/%252e%252e/secret.txt",
        "/..%5csecret.txt",
        "/..%c0%afsecret.txt",
        "//../secret.txt",
    ],
)
def test_traversal_gets_403_or_404_and_nothing_outside(served, target: str) -> None:
    server, _ = served
    assert raw_request(server.url, f"GET {target} HTTP/1.1") in (400, 403, 404)
    resp = get(server.url, target)
    assert resp.status in (400, 403, 404)
    assert b"outside the root" not in resp.body


def test_foreign_host_names_are_refused(served) -> None:
    server, _ = served
    assert get(server.url, "/", host="evil.example:80").status == 403
    assert get(server.url, "/", host=f"localhost:{server.port}").status == 200


def test_a_connected_client_receives_a_reload_event(served) -> None:
    server, tmp_path = served
    conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=5)
    conn.request("GET", "/__sitegen/events?since=1")
    resp = conn.getresponse()
    assert resp.status == 200
    assert resp.headers["content-type"].startswith("text/event-stream")
    assert resp.fp.readline() == b"retry: 1000\n"
    newer = make_site(tmp_path / "site2", "Rebuilt")
    threading.Timer(0.2, server.state.publish, (DirSource(newer), None)).start()
    lines = [resp.fp.readline() for _ in range(3)]
    assert b"event: reload\n" in lines and b"data: 2\n" in lines
    assert "<h1>Rebuilt</h1>" in get(server.url, "/").text
    conn.close()


def test_a_client_that_missed_a_build_is_told_at_once(served) -> None:
    server, _ = served
    conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=5)
    conn.request("GET", "/__sitegen/events?since=0")
    resp = conn.getresponse()
    lines = [resp.fp.readline() for _ in range(4)]
    assert b"event: reload\n" in lines
    conn.close()


def test_stop_ends_open_event_streams_and_frees_the_port(tmp_path: Path) -> None:
    state = ServeState()
    state.publish(DirSource(make_site(tmp_path / "site", "x")), None)
    server = PreviewServer(state, port=0).start()
    conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=5)
    conn.request("GET", "/__sitegen/events")
    resp = conn.getresponse()
    resp.fp.readline()
    server.stop()
    assert resp.read() in (b"", b"\n")  # the stream closes instead of hanging
    again = PreviewServer(ServeState(), port=server.port)  # the port is free again
    again.stop()
