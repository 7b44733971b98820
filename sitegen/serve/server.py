"""The preview HTTP server: a threaded stdlib server over a swappable :class:`ServeState`.

The rebuild thread publishes each finished build into the state; request threads read a
consistent snapshot of it per request, so a page is never assembled from two builds. The
server can be started on any port (0 = a free one) in a background thread and stopped,
which is all that ``sitegen serve`` and the tests need.
"""

from __future__ import annotations

import ipaddress
import json
import logging
import socket
import threading
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

from sitegen.errors import VerificationError
from sitegen.serve.inject import inject, listing_page, placeholder_page
from sitegen.serve.routes import (
    EVENTS_PATH,
    STATUS_PATH,
    Layout,
    Listing,
    Redirect,
    Refuse,
    ServeFile,
    route,
)
from sitegen.serve.sources import SiteSource, content_type

log = logging.getLogger(__name__)

KEEPALIVE_SECONDS = 10.0
"""How often an idle event stream sends a comment, so dead clients are noticed."""


@dataclass(frozen=True, slots=True)
class Snapshot:
    """One consistent view of what is being served."""

    source: SiteSource | None
    layout: Layout
    version: int
    errors: tuple[str, ...] = ()
    previous: frozenset[str] = field(default_factory=frozenset)


class ServeState:
    """The current build, the last build's errors and a version that bumps on every build."""

    def __init__(
        self, source: SiteSource | None = None, *, root: str | None = None, gateway: bool = False
    ) -> None:
        self.gateway = gateway
        self._cond = threading.Condition()
        self._closing = False
        self._snap = Snapshot(source, Layout(root if gateway else None), 0)

    def snapshot(self) -> Snapshot:
        with self._cond:
            return self._snap

    @property
    def closing(self) -> bool:
        with self._cond:
            return self._closing

    def publish(self, source: SiteSource, root: str | None) -> int:
        """A good build: serve it, clear the errors, wake every event stream."""
        with self._cond:
            old = self._snap.layout
            previous = old.previous | ({old.root} if old.root and old.root != root else set())
            layout = Layout(root if self.gateway else None, frozenset(previous))
            self._snap = Snapshot(source, layout, self._snap.version + 1, ())
            self._cond.notify_all()
            return self._snap.version

    def fail(self, errors: Sequence[str]) -> int:
        """A failed build: keep the last good site, remember why, wake every event stream."""
        with self._cond:
            self._snap = replace(self._snap, version=self._snap.version + 1, errors=tuple(errors))
            self._cond.notify_all()
            return self._snap.version

    def wait_change(self, since: int, timeout: float) -> int | None:
        """The version once it differs from ``since`` (or after ``timeout``); None on close."""
        with self._cond:
            self._cond.wait_for(lambda: self._closing or self._snap.version != since, timeout)
            return None if self._closing else self._snap.version

    def close(self) -> None:
        with self._cond:
            self._closing = True
            self._cond.notify_all()


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


class _HTTPServer(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False  # idle keep-alive connections must not hold up a stop

    def __init__(self, address: tuple[str, int], state: ServeState) -> None:
        if ":" in address[0]:
            self.address_family = socket.AF_INET6
        self.state = state
        self.loopback_only = _is_loopback(address[0])
        super().__init__(address, _Handler)


class _Handler(BaseHTTPRequestHandler):
    server: _HTTPServer
    protocol_version = "HTTP/1.1"
    timeout = 60

    def version_string(self) -> str:
        return "sitegen-serve"

    def log_message(self, format: str, *args: object) -> None:
        log.debug("%s %s", self.address_string(), format % args)

    def do_GET(self) -> None:
        self._respond(head=False)

    def do_HEAD(self) -> None:
        self._respond(head=True)

    def _host_ok(self) -> bool:
        """Refuse DNS-rebinding requests: a loopback server answers loopback names only."""
        if not self.server.loopback_only:
            return True
        try:
            name = urlsplit("//" + self.headers.get("Host", "")).hostname
        except ValueError:
            return False
        return name is not None and _is_loopback(name)

    def _respond(self, *, head: bool) -> None:
        if not self._host_ok():
            self._send(403, b"forbidden host\n", "text/plain; charset=utf-8", head=head)
            return
        path = urlsplit(self.path).path
        if path == EVENTS_PATH and not head:
            self._events()
            return
        snap = self.server.state.snapshot()
        if path == STATUS_PATH:
            self._send(200, _status_json(snap), "application/json; charset=utf-8", head=head)
            return
        answer = route(self.path, snap.layout, snap.source)
        if isinstance(answer, Redirect):
            self._send(answer.status, b"", None, head=head, location=answer.location)
        elif isinstance(answer, ServeFile):
            self._serve_file(snap, answer.rel, head=head)
        elif isinstance(answer, Listing):
            assert snap.source is not None
            names = snap.source.listdir(answer.rel)
            prefix = f"{answer.rel}/" if answer.rel else ""
            kinds = [snap.source.stat(prefix + n) == "dir" for n in names]
            body = listing_page(answer.rel, names, kinds)
            self._send_html(200, body, snap, head=head)
        else:
            self._refuse(snap, answer, head=head)

    def _serve_file(self, snap: Snapshot, rel: str, *, head: bool) -> None:
        assert snap.source is not None
        try:
            data = snap.source.read(rel)
        except FileNotFoundError:
            self._refuse(snap, Refuse(404, "not found"), head=head)
            return
        except VerificationError as exc:
            log.error("%s", exc.message)
            self._send(502, f"{exc.message}\n".encode(), "text/plain; charset=utf-8", head=head)
            return
        ctype = content_type(rel)
        if ctype.startswith("text/html"):
            self._send_html(200, data, snap, head=head)
        else:
            self._send(200, data, ctype, head=head)

    def _refuse(self, snap: Snapshot, answer: Refuse, *, head: bool) -> None:
        body = None
        if answer.status == 404 and snap.layout.root is None and snap.source is not None:
            try:
                body = snap.source.read("404.html") if snap.source.stat("404.html") else None
            except (FileNotFoundError, VerificationError):
                body = None
        if body is None:
            body = placeholder_page(f"{answer.status}", answer.reason)
        self._send_html(answer.status, body, snap, head=head)

    def _send_html(self, status: int, body: bytes, snap: Snapshot, *, head: bool) -> None:
        page = inject(body, version=snap.version, errors=snap.errors)
        self._send(status, page, "text/html; charset=utf-8", head=head)

    def _send(
        self,
        status: int,
        body: bytes,
        ctype: str | None,
        *,
        head: bool,
        location: str | None = None,
    ) -> None:
        self.send_response(status)
        if ctype:
            self.send_header("Content-Type", ctype)
        if location:
            self.send_header("Location", location)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-store")
        self.send_header("X-Content-Type-Options", "nosniff")
        self.end_headers()
        if not head:
            self.wfile.write(body)

    def _events(self) -> None:
        """Server-sent events: ``reload`` whenever a build newer than ``since`` finishes."""
        state = self.server.state
        query = parse_qs(urlsplit(self.path).query)
        current = state.snapshot().version
        try:
            since = int(query.get("since", [str(current)])[0])
        except ValueError:
            since = current
        self.close_connection = True
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream; charset=utf-8")
        self.send_header("Cache-Control", "no-store")
        self.send_header("Connection", "close")
        self.end_headers()
        try:
            self.wfile.write(b"retry: 1000\n\n")
            self.wfile.flush()
            while True:
                version = state.wait_change(since, KEEPALIVE_SECONDS)
                if version is None:
                    return
                if version == since:
                    self.wfile.write(b": keep-alive\n\n")
                else:
                    self.wfile.write(f"event: reload\ndata: {version}\n\n".encode())
                    since = version
                self.wfile.flush()
        except OSError:
            return  # the browser went away; nothing to report


def _status_json(snap: Snapshot) -> bytes:
    data = {
        "version": snap.version,
        "ok": not snap.errors,
        "ready": snap.source is not None,
        "root": snap.layout.root,
        "base": snap.layout.base,
        "errors": list(snap.errors),
    }
    return (json.dumps(data, indent=2) + "\n").encode()


class PreviewServer:
    """The HTTP server bound to ``host:port`` (0 picks a free port), run in a thread."""

    def __init__(self, state: ServeState, *, host: str = "127.0.0.1", port: int = 8000) -> None:
        self.state = state
        self._httpd = _HTTPServer((host, port), state)
        self.host = host
        self.port: int = self._httpd.server_address[1]
        self._thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        """The server's origin with a trailing slash, e.g. ``http://127.0.0.1:8000/``."""
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"http://{host}:{self.port}/"

    @property
    def site_url(self) -> str:
        """Where the site's home page is: the origin, or ``/ipfs/<root>/`` under it."""
        return self.url + self.state.snapshot().layout.base.lstrip("/")

    def start(self) -> PreviewServer:
        self._thread = threading.Thread(
            target=self._httpd.serve_forever,
            kwargs={"poll_interval": 0.1},
            name="sitegen-serve-http",
            daemon=True,
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        """Close event streams, stop accepting, release the port."""
        self.state.close()
        if self._thread is not None:
            self._httpd.shutdown()
            self._thread.join(timeout=5)
            self._thread = None
        self._httpd.server_close()

    def __enter__(self) -> PreviewServer:
        return self.start()

    def __exit__(self, *_exc: object) -> None:
        self.stop()
