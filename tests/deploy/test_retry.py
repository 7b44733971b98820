"""Backoff with jitter and the classification of provider failures."""

from __future__ import annotations

import random

import pytest
from botocore.exceptions import ClientError, ConnectionClosedError, EndpointConnectionError

from sitegen.deploy.retry import RetryPolicy, is_transient, to_network_error, with_retries


def client_error(status: int, code: str) -> ClientError:
    return ClientError(
        {"Error": {"Code": code, "Message": "m"}, "ResponseMetadata": {"HTTPStatusCode": status}},
        "PutObject",
    )


def test_transient_classification() -> None:
    assert is_transient(client_error(503, "SlowDown"))
    assert is_transient(client_error(500, "InternalError"))
    assert is_transient(client_error(429, "TooManyRequests"))
    assert is_transient(ConnectionClosedError(endpoint_url="http://x"))
    assert not is_transient(client_error(403, "AccessDenied"))
    assert not is_transient(client_error(404, "NoSuchBucket"))


def test_backoff_grows_with_full_jitter_and_gives_up() -> None:
    waits: list[float] = []
    calls = {"n": 0}

    def flaky() -> str:
        calls["n"] += 1
        if calls["n"] < 4:
            raise client_error(503, "SlowDown")
        return "ok"

    policy = RetryPolicy(attempts=5, base=0.1, cap=0.3)
    assert with_retries(flaky, policy, "t", rng=random.Random(1), sleep=waits.append) == "ok"
    assert len(waits) == 3
    assert all(0 <= w <= min(0.3, 0.1 * 2**i) for i, w in enumerate(waits))

    def always() -> None:
        raise client_error(500, "InternalError")

    waits.clear()
    with pytest.raises(ClientError):
        with_retries(always, policy, "t", sleep=waits.append)
    assert len(waits) == 4

    def refused() -> None:
        raise EndpointConnectionError(endpoint_url="http://127.0.0.1:9")

    waits.clear()
    with pytest.raises(EndpointConnectionError):
        with_retries(refused, policy, "t", sleep=waits.append, connect_attempts=2)
    assert len(waits) == 1


def test_network_errors_are_one_line_and_name_the_cause() -> None:
    e = to_network_error(client_error(403, "InvalidAccessKeyId"), bucket="b", endpoint="https://e")
    assert e.exit_code == 3 and "refused the credentials for bucket 'b'" in e.message
    e = to_network_error(client_error(404, "NoSuchBucket"), bucket="b", endpoint=None)
    assert e.message == "bucket 'b' does not exist at AWS S3"
    e = to_network_error(
        EndpointConnectionError(endpoint_url="http://h:1"), bucket="b", endpoint="http://h:1"
    )
    assert e.message.startswith("cannot reach http://h:1") and "\n" not in e.message
