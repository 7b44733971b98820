"""``sitegen serve`` as a user runs it: a subprocess on a free port, stopped with Ctrl-C."""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
from pathlib import Path

import pytest
from serve_testkit import get

from sitegen.pipeline import BuildOptions, build

URL = re.compile(r"serving at (http://127\.0\.0\.1:(\d+)/\S*)")


def start(*args: str, tmpdir: Path | None = None) -> tuple[subprocess.Popen[str], str, str]:
    env = {**os.environ, "TMPDIR": str(tmpdir)} if tmpdir else None
    proc = subprocess.Popen(
        [sys.executable, "-m", "sitegen", "serve", "--port", "0", *args],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert proc.stdout is not None
    seen = []
    for line in proc.stdout:  # bounded: the process prints the URL or exits
        seen.append(line)
        if match := URL.search(line):
            return proc, match.group(1), f"http://127.0.0.1:{match.group(2)}/"
    proc.wait(5)
    raise AssertionError(f"no URL printed: {seen} {proc.stderr.read() if proc.stderr else ''}")


def interrupt(proc: subprocess.Popen[str], sig: int = signal.SIGINT) -> tuple[int, str]:
    proc.send_signal(sig)
    _out, err = proc.communicate(timeout=10)
    return proc.returncode, err


@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM])
def test_serve_prints_its_url_serves_and_stops_cleanly(
    journal: Path, tmp_path: Path, sig: int
) -> None:
    tmp = tmp_path / "tmp"
    tmp.mkdir()
    proc, site_url, origin = start("-s", str(journal), tmpdir=tmp)
    try:
        assert [p.name[:14] for p in tmp.iterdir()] == ["sitegen-serve-"]
        assert site_url == origin
        page = get(origin, "/")
        assert page.status == 200 and "The Minimal Journal" in page.text
        assert "/__sitegen/events" in page.text
    finally:
        code, err = interrupt(proc, sig)
    assert code == 0, err
    assert "stopping" in err
    assert list(tmp.iterdir()) == []  # temporary builds removed
    assert not (journal / "public").exists()  # never built into the source


def test_serve_gateway_and_car(journal: Path, tmp_path: Path) -> None:
    proc, site_url, origin = start("-s", str(journal), "--gateway")
    try:
        root = re.search(r"/ipfs/(\w+)/$", site_url)
        assert root, site_url
        assert get(origin, "/").headers["location"] == f"/ipfs/{root.group(1)}/"
        assert get(origin, f"/ipfs/{root.group(1)}/").status == 200
    finally:
        assert interrupt(proc)[0] == 0

    car = tmp_path / "site.car"
    result = build(BuildOptions(source=journal, output=tmp_path / "out", car=car))
    proc, site_url, origin = start("--car", str(car))
    try:
        assert site_url == f"{origin}ipfs/{result.root}/"
        assert "The Minimal Journal" in get(origin, f"/ipfs/{result.root}/").text
    finally:
        assert interrupt(proc)[0] == 0


def test_a_busy_port_is_a_usage_error(journal: Path) -> None:
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        proc = subprocess.run(
            [sys.executable, "-m", "sitegen", "serve", "-s", str(journal), "--port", str(port)],
            capture_output=True,
            text=True,
            timeout=20,
        )
    assert proc.returncode == 2
    assert f"cannot listen on 127.0.0.1:{port}" in proc.stderr
