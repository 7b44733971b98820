"""Helpers for deploy tests: small sites, bucket read-back, a fault-injecting proxy."""

from __future__ import annotations

import http.client
import random
import socket
import socketserver
import threading
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082"
)


def make_site(root: Path, papers: int = 3) -> Path:
    """A small built site: home page, paper pages with figures, CSS, a feed."""
    out = root / "public"
    (out / "css").mkdir(parents=True, exist_ok=True)
    (out / "index.html").write_text("<!doctype html><title>Home</title><a href='papers/'>p</a>\n")
    (out / "css" / "site.4f2a9c1e.css").write_text("body{font-family:serif}\n")
    (out / "feed.xml").write_text("<?xml version='1.0'?><feed></feed>\n")
    for i in range(papers):
        d = out / "papers" / f"p{i}"
        d.mkdir(parents=True, exist_ok=True)
        (d / "index.html").write_text(f"<!doctype html><title>Paper {i}</title>\n")
        (d / "fig1.png").write_bytes(PNG + bytes([i]) * (100 + i))
    return out


def write_config(root: Path, endpoint: str, bucket: str, extra: str = "") -> None:
    (root / "sitegen.yaml").write_text(
        "title: Test journal\n"
        "deploy:\n"
        "  local:\n"
        "    provider: s3\n"
        f"    endpoint: {endpoint}\n"
        f"    bucket: {bucket}\n"
        "    domain: journal.example.org\n" + extra
    )


def bucket_contents(s3: Any, bucket: str, prefix: str = "") -> dict[str, tuple[bytes, str]]:
    """``{key without prefix: (bytes, Content-Type)}`` of every object but the manifest."""
    found: dict[str, tuple[bytes, str]] = {}
    for page in s3.get_paginator("list_objects_v2").paginate(Bucket=bucket, Prefix=prefix):
        for obj in page.get("Contents", []):
            key = obj["Key"][len(prefix) :]
            if key == ".sitegen-manifest.json":
                continue
            got = s3.get_object(Bucket=bucket, Key=obj["Key"])
            found[key] = (got["Body"].read(), got["ContentType"])
    return found


def folder_contents(out: Path) -> dict[str, bytes]:
    return {p.relative_to(out).as_posix(): p.read_bytes() for p in out.rglob("*") if p.is_file()}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


# -- a fault-injecting HTTP proxy ------------------------------------------------------


@dataclass
class FaultPlan:
    """How the proxy misbehaves; decisions come from a seeded RNG."""

    rate: float = 0.0
    """Share of requests that fail."""
    seed: int = 7
    delay: float = 0.0
    """Seconds added to every request (to slow a deploy down)."""
    inject: Callable[[str, str], dict[str, str]] | None = None
    """(method, path) -> extra response headers, e.g. a provider's CID metadata."""
    counts: dict[str, int] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)
    rng: random.Random = field(init=False)

    def __post_init__(self) -> None:
        self.rng = random.Random(self.seed)

    def choose(self) -> str:
        with self.lock:
            if self.rng.random() >= self.rate:
                kind = "pass"
            else:
                kind = self.rng.choice(["503", "500", "drop", "drop-after"])
            self.counts[kind] = self.counts.get(kind, 0) + 1
            return kind


class _Handler(socketserver.StreamRequestHandler):
    server: ProxyServer

    def handle(self) -> None:
        line = self.rfile.readline()
        if not line:
            return
        method, target, _ = line.decode("latin-1").split(" ", 2)
        headers: list[tuple[str, str]] = []
        while (raw := self.rfile.readline()) not in (b"\r\n", b"\n", b""):
            name, _, value = raw.decode("latin-1").partition(":")
            headers.append((name.strip(), value.strip()))
        lower = {k.lower(): v for k, v in headers}
        if lower.get("expect", "").lower() == "100-continue":
            self.wfile.write(b"HTTP/1.1 100 Continue\r\n\r\n")
            self.wfile.flush()
        body = self.rfile.read(int(lower.get("content-length", "0") or 0))
        plan = self.server.plan
        if plan.delay:
            threading.Event().wait(plan.delay)
        kind = plan.choose()
        if kind == "drop":
            self.connection.shutdown(socket.SHUT_RDWR)
            return
        if kind in ("500", "503"):
            code = "SlowDown" if kind == "503" else "InternalError"
            xml = f"<Error><Code>{code}</Code><Message>injected</Message></Error>".encode()
            reason = "Slow Down" if kind == "503" else "Internal Server Error"
            self.wfile.write(
                f"HTTP/1.1 {kind} {reason}\r\nContent-Type: application/xml\r\n"
                f"Content-Length: {len(xml)}\r\nConnection: close\r\n\r\n".encode()
                + xml
            )
            return
        conn = http.client.HTTPConnection(self.server.upstream_host, self.server.upstream_port)
        fwd = {k: v for k, v in headers if k.lower() not in ("expect", "connection")}
        conn.request(method, target, body=body, headers=fwd)
        resp = conn.getresponse()
        data = resp.read()
        conn.close()
        if kind == "drop-after":  # the server applied it, but the answer is lost
            self.connection.shutdown(socket.SHUT_RDWR)
            return
        out = [f"HTTP/1.1 {resp.status} {resp.reason}"]
        for name, value in resp.getheaders():
            skip = ("connection", "transfer-encoding") + (
                () if method == "HEAD" else ("content-length",)
            )
            if name.lower() not in skip:
                out.append(f"{name}: {value}")
        if plan.inject and resp.status < 300:
            out.extend(f"{k}: {v}" for k, v in plan.inject(method, target).items())
        if method != "HEAD":
            out.append(f"Content-Length: {len(data)}")
        out.append("Connection: close")
        self.wfile.write(("\r\n".join(out) + "\r\n\r\n").encode("latin-1") + data)


class ProxyServer(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, upstream: str, plan: FaultPlan) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        host_port = upstream.split("//", 1)[1]
        host, port = host_port.split(":")
        self.upstream_host, self.upstream_port = host, int(port)
        self.plan = plan


def set_moto_auth(endpoint: str, count: str) -> None:
    """Turn moto's IAM checking on ("0") or off ("inf") through its own API."""
    req = urllib.request.Request(
        f"{endpoint}/moto-api/reset-auth",
        data=count.encode(),
        method="POST",
        headers={"Content-Type": "text/plain"},  # a form type would make Flask eat the body
    )
    with urllib.request.urlopen(req, timeout=10) as resp:
        resp.read()
