"""Faults over real loopback HTTP: throttling, 5xx, dropped connections, provider CIDs,
CAR mode, and errors that must end in exit 3 with one line and no traceback."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from deploy_testkit import (
    FaultPlan,
    bucket_contents,
    folder_contents,
    make_site,
)

from sitegen.deploy.config import DeployTarget
from sitegen.deploy.headers import content_headers
from sitegen.deploy.manifest import PartPolicy
from sitegen.deploy.publish import CAR_NAME, DeployOptions, deploy_site, site_root
from sitegen.deploy.retry import RetryPolicy
from sitegen.ipfs.car import write_car
from sitegen.ipfs.importer import add_path
from sitegen.ipfs.profiles import get_profile

FAST_RETRY = RetryPolicy(attempts=14, base=0.005, cap=0.1)


def client_for(endpoint: str) -> Any:
    import boto3

    from sitegen.deploy.client import client_config

    return boto3.client(
        "s3", endpoint_url=endpoint, region_name="us-east-1", config=client_config()
    )


def test_deploy_completes_through_injected_faults(
    tmp_path: Path, s3: Any, bucket: str, fault_proxy: Any
) -> None:
    out = make_site(tmp_path, papers=8)
    (out / "papers" / "p0" / "data.bin").write_bytes(bytes(range(256)) * 24000)  # ~5.9 MiB
    plan = FaultPlan(rate=0.3, seed=11)
    endpoint = fault_proxy(plan)
    target = DeployTarget(name="flaky", provider="s3", bucket=bucket, endpoint=endpoint)
    opts = DeployOptions(
        concurrency=4, retry=FAST_RETRY, parts=PartPolicy(threshold=5 << 20, part_size=5 << 20)
    )
    result = deploy_site(target, out, client_for(endpoint), opts)
    assert result.mismatches == ()
    assert all(plan.counts.get(kind, 0) > 0 for kind in ("503", "500", "drop", "drop-after"))
    remote = bucket_contents(s3, bucket)
    local = folder_contents(out)
    assert {k: v[0] for k, v in remote.items()} == local
    assert all(remote[k][1] == content_headers(k).content_type for k in local)
    again = deploy_site(target, out, client_for(endpoint), opts)
    assert again.uploaded == 0 and again.skipped == len(local)


def test_provider_cid_headers_are_compared(
    tmp_path: Path, s3: Any, bucket: str, fault_proxy: Any
) -> None:
    """A proxy plays Filebase: HEAD answers carry x-amz-meta-cid, computed with the
    CIDv0 profile Filebase uses for plain uploads; one of them is wrong."""
    out = make_site(tmp_path, papers=2)
    v0 = add_path(out, get_profile("unixfs-v0-2015"), hidden=True).files
    prefix = f"/{bucket}/"

    def inject(method: str, path: str) -> dict[str, str]:
        rel = path[len(prefix) :] if path.startswith(prefix) else ""
        if method != "HEAD" or rel not in v0:
            return {}
        return {"x-amz-meta-cid": "QmWrongWrongWrong" if rel == "feed.xml" else v0[rel]}

    endpoint = fault_proxy(FaultPlan(inject=inject))
    target = DeployTarget(name="fb", provider="filebase", bucket=bucket, endpoint=endpoint)
    result = deploy_site(target, out, client_for(endpoint), DeployOptions(retry=FAST_RETRY))
    assert [(m.path, m.field, m.expected, m.actual) for m in result.mismatches] == [
        ("feed.xml", "cid", v0["feed.xml"], "QmWrongWrongWrong")
    ]
    assert not result.failed  # a CID disagreement is listed, the bytes are fine


def test_car_mode_uploads_the_site_car_and_checks_the_root(
    tmp_path: Path, s3: Any, bucket: str, fault_proxy: Any
) -> None:
    out = make_site(tmp_path, papers=2)
    root = site_root(out, "unixfs-v1-2025")
    reported = {"cid": root}

    def inject(method: str, path: str) -> dict[str, str]:
        return {"x-amz-meta-cid": reported["cid"]} if path.endswith(f"/{CAR_NAME}") else {}

    endpoint = fault_proxy(FaultPlan(inject=inject))
    target = DeployTarget(
        name="car", provider="filebase", bucket=bucket, endpoint=endpoint, mode="car"
    )
    result = deploy_site(target, out, client_for(endpoint), DeployOptions(retry=FAST_RETRY))
    assert (result.root, result.uploaded, result.mismatches) == (root, 1, ())
    head = s3.head_object(Bucket=bucket, Key=CAR_NAME)
    assert head["Metadata"] == {"import": "car", "sitegen-root": root}
    write_car(out, tmp_path / "ours.car", get_profile("unixfs-v1-2025"), hidden=True)
    body = s3.get_object(Bucket=bucket, Key=CAR_NAME)["Body"].read()
    assert body == (tmp_path / "ours.car").read_bytes()

    again = deploy_site(target, out, client_for(endpoint), DeployOptions(retry=FAST_RETRY))
    assert (again.uploaded, again.skipped) == (0, 1)
    reported["cid"] = "bafybeiotherroot"
    (out / "index.html").write_text("new home")
    changed = deploy_site(target, out, client_for(endpoint), DeployOptions(retry=FAST_RETRY))
    assert changed.failed
    assert [(m.field, m.expected, m.actual) for m in changed.mismatches] == [
        ("root", changed.root, "bafybeiotherroot")
    ]
