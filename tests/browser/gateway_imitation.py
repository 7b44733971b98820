"""A path-gateway imitation for browser tests: serves a built site under ``/ipfs/<cid>/``.

Behaves like an IPFS path gateway where it matters for relative links: a folder without a
trailing slash answers 301 to add it, a folder serves its ``index.html``, a folder without
one gets a plain listing, anything else is 404 (with the site's own 404 page if asked,
as Netlify, S3 websites and gateways serve it). ``prefix=""`` serves the site at ``/``.
"""

from __future__ import annotations

import html
import mimetypes
import posixpath
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import quote, unquote, urlsplit

TYPES = {
    ".html": "text/html; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".js": "text/javascript; charset=utf-8",
    ".mjs": "text/javascript; charset=utf-8",
    ".json": "application/json",
    ".svg": "image/svg+xml",
    ".wasm": "application/wasm",
    ".xml": "application/xml",
}


@dataclass(frozen=True, slots=True)
class Served:
    base: str
    """URL of the site root, ending in ``/``."""
    root: Path


def _handler(site: Path, prefix: str, not_found: str | None) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, format: str, *args: object) -> None:
            """Quiet: the tests record what matters."""

        def do_HEAD(self) -> None:
            self._serve(body=False)

        def do_GET(self) -> None:
            self._serve(body=True)

        def _serve(self, *, body: bool) -> None:
            path = unquote(urlsplit(self.path).path)
            if not path.startswith(prefix + "/"):
                return self._send(404, b"not under the gateway path", "text/plain", body)
            rel = path[len(prefix) + 1 :]
            parts = [p for p in rel.split("/") if p]
            if any(p in (".", "..") for p in parts):
                return self._send(400, b"bad path", "text/plain", body)
            target = site.joinpath(*parts)
            if target.is_dir():
                if not path.endswith("/"):
                    self.send_response(301)
                    self.send_header("Location", quote(path + "/"))
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                    return None
                index = target / "index.html"
                if index.is_file():
                    target = index
                else:
                    return self._send(200, _listing(target, path), TYPES[".html"], body)
            if not target.is_file():
                page = site / not_found if not_found else None
                if page is not None and page.is_file():  # as Netlify, S3 websites, Kubo
                    return self._send(404, page.read_bytes(), TYPES[".html"], body)
                return self._send(404, b"not found", "text/plain", body)
            suffix = target.suffix.lower()
            ctype = (
                TYPES.get(suffix)
                or mimetypes.guess_type(target.name)[0]
                or ("application/octet-stream")
            )
            return self._send(200, target.read_bytes(), ctype, body)

        def _send(self, status: int, data: bytes, ctype: str, body: bool) -> None:
            self.send_response(status)
            self.send_header("Content-Type", ctype)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            if body:
                self.wfile.write(data)

    return Handler


def _listing(folder: Path, url_path: str) -> bytes:
    items = "".join(
        f'<li><a href="{quote(p.name)}{"/" if p.is_dir() else ""}">{html.escape(p.name)}</a></li>'
        for p in sorted(folder.iterdir())
    )
    title = html.escape(posixpath.basename(url_path.rstrip("/")) or "/")
    return (
        f'<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>{title}</title>'
        f"</head><body><main><h1>{title}</h1><ul>{items}</ul></main></body></html>"
    ).encode()


class QuietServer(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request: object, client_address: object) -> None:
        """A browser dropping a kept-alive connection is normal; anything else is loud."""
        import sys

        if not isinstance(sys.exc_info()[1], (ConnectionResetError, BrokenPipeError)):
            super().handle_error(request, client_address)  # type: ignore[arg-type]


@contextmanager
def serve_site(site: Path, prefix: str, not_found: str | None = None) -> Iterator[Served]:
    """Serve ``site`` on a free loopback port under ``prefix`` (``/ipfs/<cid>`` or ``""``);
    a missing file gets the site's ``not_found`` page (e.g. ``404.html``) if given."""
    server = QuietServer(("127.0.0.1", 0), _handler(site, prefix.rstrip("/"), not_found))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        host, port = server.server_address[:2]
        yield Served(f"http://{host}:{port}{prefix.rstrip('/')}/", site)
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)
