"""Build the boto3 S3 client for a target: the only place boto3 itself is imported.

Non-AWS servers need SigV4, path-style addressing and checksums only "when required"
(botocore >= 1.36 otherwise streams aws-chunked CRC32 trailers that many of them reject;
spec 4.1). Credentials come solely from boto3's chain; nothing here reads or prints them.
"""

from __future__ import annotations

from typing import Any

from sitegen.deploy.config import DeployTarget
from sitegen.deploy.providers import endpoint_for, region_for


def client_config(*, timeout: float = 30.0) -> Any:
    """The botocore ``Config`` every provider gets; botocore retries off (we retry)."""
    from botocore.config import Config

    return Config(
        signature_version="s3v4",
        request_checksum_calculation="when_required",
        response_checksum_validation="when_required",
        s3={"addressing_style": "path"},
        retries={"total_max_attempts": 1, "mode": "standard"},
        connect_timeout=min(timeout, 10.0),
        read_timeout=timeout,
        max_pool_connections=64,
        user_agent_extra="sitegen-deploy",
    )


def make_client(target: DeployTarget) -> Any:
    """An S3 client for ``target`` using the provider preset's endpoint and region."""
    import boto3

    session = (
        boto3.session.Session(profile_name=target.profile)
        if target.profile
        else (boto3.session.Session())
    )
    return session.client(
        "s3",
        endpoint_url=endpoint_for(target),
        region_name=region_for(target),
        config=client_config(),
    )
