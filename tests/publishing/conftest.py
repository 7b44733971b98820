"""Fixtures for the publishing tests: moto's S3 server on loopback and a boto3 client to it."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from typing import Any

import pytest
from ci_runner import FAKE_KEYS


@pytest.fixture(scope="module")
def moto_endpoint() -> Iterator[str]:
    """moto's S3 server on a free 127.0.0.1 port, standing in for the provider."""
    from moto.server import ThreadedMotoServer

    logging.getLogger("werkzeug").setLevel(logging.WARNING)
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    yield f"http://{host}:{port}"
    server.stop()


@pytest.fixture(scope="module")
def s3(moto_endpoint: str) -> Any:
    """A boto3 client straight to moto, for creating buckets and reading them back."""
    import boto3

    from sitegen.deploy.client import client_config

    return boto3.client(
        "s3",
        endpoint_url=moto_endpoint,
        region_name="us-east-1",
        aws_access_key_id=FAKE_KEYS["AWS_ACCESS_KEY_ID"],
        aws_secret_access_key=FAKE_KEYS["AWS_SECRET_ACCESS_KEY"],
        config=client_config(),
    )
