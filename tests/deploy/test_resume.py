"""The command as users run it (a subprocess): killed midway then rerun, and the
failures that must exit 3 with a one-line reason and no traceback."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
from deploy_testkit import (
    FaultPlan,
    bucket_contents,
    folder_contents,
    free_port,
    make_site,
    set_moto_auth,
    write_config,
)


def sitegen(src: Path, *args: str, env: dict[str, str]) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "sitegen", "deploy", "local", "-s", str(src), *args],
        env={**os.environ, **env},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def test_killed_deploy_reruns_to_a_complete_consistent_bucket(
    tmp_path: Path, s3: Any, bucket: str, fault_proxy: Any, fake_aws_env: dict[str, str]
) -> None:
    out = make_site(tmp_path, papers=40)
    slow = fault_proxy(FaultPlan(delay=0.03))
    write_config(tmp_path, slow, bucket)
    proc = sitegen(tmp_path, "--concurrency", "2", env=fake_aws_env)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if s3.list_objects_v2(Bucket=bucket).get("KeyCount", 0) >= 15:
            break
        time.sleep(0.02)
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=10)
    assert proc.returncode == -signal.SIGKILL
    time.sleep(0.3)  # requests already inside the proxy still reach the server
    partial = bucket_contents(s3, bucket)
    local = folder_contents(out)
    assert 15 <= len(partial) < len(local)
    assert "index.html" not in partial  # the home page goes up last
    for key, (data, _) in partial.items():
        assert data == local[key]  # nothing half-written
    with pytest.raises(s3.exceptions.NoSuchKey):
        s3.get_object(Bucket=bucket, Key=".sitegen-manifest.json")

    write_config(tmp_path, s3.meta.endpoint_url, bucket)
    rerun = sitegen(tmp_path, "--json", env=fake_aws_env)
    stdout, stderr = rerun.communicate(timeout=60)
    assert rerun.returncode == 0, stderr
    report = json.loads(stdout)
    assert report["uploaded"] == len(local) - len(partial)
    assert report["skipped"] == len(partial)
    assert {k: v[0] for k, v in bucket_contents(s3, bucket).items()} == local


def run_failing(src: Path, env: dict[str, str]) -> str:
    proc = sitegen(src, env=env)
    stdout, stderr = proc.communicate(timeout=60)
    assert proc.returncode == 3, (stdout, stderr)
    assert "Traceback" not in stderr
    lines = stderr.strip().splitlines()
    assert len(lines) == 1, stderr
    assert "testing-secret" not in stderr and "testing-secret" not in stdout
    return lines[0]


def test_missing_bucket_exits_3(
    tmp_path: Path, moto_endpoint: str, fake_aws_env: dict[str, str]
) -> None:
    make_site(tmp_path, papers=1)
    write_config(tmp_path, moto_endpoint, "no-such-bucket-here")
    line = run_failing(tmp_path, fake_aws_env)
    assert line == f"sitegen: bucket 'no-such-bucket-here' does not exist at {moto_endpoint}"


def test_unreachable_endpoint_exits_3(tmp_path: Path, fake_aws_env: dict[str, str]) -> None:
    make_site(tmp_path, papers=1)
    endpoint = f"http://127.0.0.1:{free_port()}"
    write_config(tmp_path, endpoint, "b1")
    line = run_failing(tmp_path, fake_aws_env)
    assert line.startswith(f"sitegen: cannot reach {endpoint}")


def test_bad_credentials_exit_3(
    tmp_path: Path, moto_endpoint: str, bucket: str, fake_aws_env: dict[str, str]
) -> None:
    make_site(tmp_path, papers=1)
    write_config(tmp_path, moto_endpoint, bucket)
    set_moto_auth(moto_endpoint, "0")  # moto now checks keys against its IAM: ours are unknown
    try:
        line = run_failing(tmp_path, fake_aws_env)
    finally:
        set_moto_auth(moto_endpoint, "inf")
    assert line.startswith(
        f"sitegen: {moto_endpoint} refused the credentials for bucket '{bucket}'"
    )
