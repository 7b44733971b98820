"""HTTP helpers for the serve tests: raw requests, bounded waits, an href/src crawler."""

from __future__ import annotations

import http.client
import json
import re
import socket
import time
from collections.abc import Callable
from dataclasses import dataclass
from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

TIMEOUT = 5.0


@dataclass(frozen=True)
class Response:
    status: int
    headers: dict[str, str]
    body: bytes

    @property
    def text(self) -> str:
        return self.body.decode("utf-8")


def get(base: str, path: str, *, method: str = "GET", host: str | None = None) -> Response:
    """One request with the path sent exactly as given (no normalisation, no redirects)."""
    parts = urlsplit(base)
    conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=TIMEOUT)
    try:
        conn.putrequest(method, path, skip_host=host is not None, skip_accept_encoding=True)
        if host is not None:
            conn.putheader("Host", host)
        conn.endheaders()
        resp = conn.getresponse()
        body = resp.read()
        return Response(resp.status, {k.lower(): v for k, v in resp.getheaders()}, body)
    finally:
        conn.close()


def raw_request(base: str, request_line: str) -> int:
    """Send a hand-written request line (for paths http.client would reject); the status."""
    parts = urlsplit(base)
    with socket.create_connection((parts.hostname, parts.port), timeout=TIMEOUT) as sock:
        sock.sendall(f"{request_line}\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n".encode())
        data = b""
        while b"\r\n" not in data:
            chunk = sock.recv(4096)
            if not chunk:
                break
            data += chunk
    return int(data.split(b" ", 2)[1])


def status_of(base: str) -> dict[str, object]:
    return json.loads(get(base, "/__sitegen/status").body)


def wait_until(predicate: Callable[[], bool], timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.05)
    raise AssertionError(f"timed out after {timeout}s waiting for {what}")


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.links: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            if name in ("href", "src") and value:
                self.links.append(value)
            if name == "srcset" and value:
                self.links += [c.strip().split(" ")[0] for c in value.split(",") if c.strip()]


def links_in(html: str) -> list[str]:
    parser = _Links()
    parser.feed(html)
    return parser.links


SKIP = re.compile(r"^(?:[a-z][a-z0-9+.-]*:|//|#)", re.IGNORECASE)
"""External (any scheme, or protocol-relative), mailto:, data: and same-page fragments."""


def crawl(origin: str, start: str, *, limit: int = 2000) -> tuple[set[str], list[str]]:
    """Follow every href/src from ``start`` (a path); return (visited paths, broken links).

    Redirects are followed like a browser would; a broken link is reported as
    ``"<page> -> <link>: <status>"``.
    """
    seen: set[str] = set()
    broken: list[str] = []
    queue = [(start, start)]
    while queue and len(seen) < limit:
        page, path = queue.pop()
        path = path.split("#", 1)[0]
        if path in seen:
            continue
        seen.add(path)
        resp = get(origin, path)
        hops = 0
        while resp.status in (301, 302, 307, 308) and hops < 5:
            path = urljoin(path, resp.headers["location"])
            resp = get(origin, path)
            hops += 1
        if resp.status != 200:
            broken.append(f"{page} -> {path}: {resp.status}")
            continue
        if resp.headers.get("content-type", "").startswith("text/html"):
            for link in links_in(resp.text):
                if SKIP.match(link):
                    continue
                target = urljoin(path, link).split("#", 1)[0]
                if target not in seen:
                    queue.append((path, target))
    return seen, broken
