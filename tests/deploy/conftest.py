"""Fixtures for deploy tests: moto's S3 server on loopback, small sites, a fault proxy.

Everything talks real HTTP on 127.0.0.1: boto3 -> (optional proxy) -> moto.
"""

from __future__ import annotations

import itertools
import logging
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from deploy_testkit import FaultPlan, ProxyServer

from sitegen.deploy.client import client_config

FAKE_ENV = {
    "AWS_ACCESS_KEY_ID": "testing-key",
    "AWS_SECRET_ACCESS_KEY": "testing-secret",
    "AWS_DEFAULT_REGION": "us-east-1",
}


@pytest.fixture(scope="session")
def moto_endpoint() -> Iterator[str]:
    """moto's S3 server on a free loopback port for the whole session."""
    from moto.server import ThreadedMotoServer

    logging.getLogger("werkzeug").setLevel(logging.WARNING)
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    yield f"http://{host}:{port}"
    server.stop()


@pytest.fixture(autouse=True)
def fake_aws_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> dict[str, str]:
    """Fake credentials in the environment; no real AWS config files are read."""
    for key in ("AWS_PROFILE", "AWS_SESSION_TOKEN", "AWS_ENDPOINT_URL", "AWS_ENDPOINT_URL_S3"):
        monkeypatch.delenv(key, raising=False)
    env = dict(FAKE_ENV)
    env["AWS_CONFIG_FILE"] = str(tmp_path / "no-aws-config")
    env["AWS_SHARED_CREDENTIALS_FILE"] = str(tmp_path / "no-aws-credentials")
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    return env


_bucket_numbers = itertools.count(1)


@pytest.fixture
def s3(moto_endpoint: str) -> Any:
    """A boto3 client straight to moto, for setting up and reading back."""
    import boto3

    return boto3.client(
        "s3", endpoint_url=moto_endpoint, region_name="us-east-1", config=client_config()
    )


@pytest.fixture
def bucket(s3: Any, request: pytest.FixtureRequest) -> str:
    """A fresh bucket per test (moto's state lives for the whole session)."""
    name = f"t{next(_bucket_numbers)}-{request.node.name[:30]}".lower()
    name = "".join(c if c.isalnum() or c == "-" else "-" for c in name).strip("-")
    s3.create_bucket(Bucket=name)
    return name


@pytest.fixture
def fault_proxy(moto_endpoint: str) -> Iterator[Callable[[FaultPlan], str]]:
    """Start proxies in front of moto; returns their endpoint URLs."""
    servers: list[ProxyServer] = []

    def start(plan: FaultPlan) -> str:
        server = ProxyServer(moto_endpoint, plan)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        servers.append(server)
        return f"http://127.0.0.1:{server.server_address[1]}"

    yield start
    for server in servers:
        server.shutdown()
        server.server_close()
