"""End to end over loopback HTTP: sitegen deploy -> boto3 -> moto's S3 server."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from deploy_testkit import bucket_contents, folder_contents, make_site, write_config

from sitegen.cli import main
from sitegen.deploy.config import DeployTarget
from sitegen.deploy.headers import content_headers
from sitegen.deploy.manifest import PartPolicy
from sitegen.deploy.publish import DeployOptions, deploy_site


def deploy_json(src: Path, *extra: str, capsys: pytest.CaptureFixture[str]) -> dict[str, Any]:
    code = main(["deploy", "local", "-s", str(src), "--json", *extra])
    out = capsys.readouterr().out
    assert code == 0, out
    return json.loads(out)


def assert_bucket_equals_folder(s3: Any, bucket: str, out: Path, prefix: str = "") -> None:
    remote = bucket_contents(s3, bucket, prefix)
    local = folder_contents(out)
    assert sorted(remote) == sorted(local)
    for path, data in local.items():
        assert remote[path][0] == data, path
        assert remote[path][1] == content_headers(path).content_type, path


def test_first_second_edit_prune_cycle(
    tmp_path: Path, moto_endpoint: str, s3: Any, bucket: str, capsys: pytest.CaptureFixture[str]
) -> None:
    out = make_site(tmp_path)
    write_config(tmp_path, moto_endpoint, bucket)

    first = deploy_json(tmp_path, capsys=capsys)
    files = folder_contents(out)
    assert first["uploaded"] == len(files) and first["skipped"] == 0
    assert first["bytes"] == sum(len(b) for b in files.values())
    assert first["mismatches"] == [] and first["target"] == "local"
    assert first["root"].startswith("bafy")
    assert f"https://dweb.link/ipfs/{first['root']}/" in first["urls"]
    assert_bucket_equals_folder(s3, bucket, out)
    head = s3.head_object(Bucket=bucket, Key="css/site.4f2a9c1e.css")
    assert head["CacheControl"] == "public, max-age=31536000, immutable"
    assert s3.head_object(Bucket=bucket, Key="index.html")["CacheControl"].startswith(
        "public, max-age=300"
    )
    manifest = json.loads(s3.get_object(Bucket=bucket, Key=".sitegen-manifest.json")["Body"].read())
    assert sorted(manifest["files"]) == sorted(files) and manifest["root"] == first["root"]

    second = deploy_json(tmp_path, capsys=capsys)
    assert (second["uploaded"], second["skipped"], second["bytes"]) == (0, len(files), 0)
    assert second["root"] == first["root"]

    (out / "papers" / "p1" / "index.html").write_text("<!doctype html><title>Paper 1, v2</title>\n")
    third = deploy_json(tmp_path, capsys=capsys)
    assert third["uploaded"] == 1 and third["skipped"] == len(files) - 1
    assert third["root"] != first["root"]
    assert_bucket_equals_folder(s3, bucket, out)

    (out / "papers" / "p2" / "index.html").unlink()
    (out / "papers" / "p2" / "fig1.png").unlink()
    without_prune = deploy_json(tmp_path, capsys=capsys)
    assert without_prune["deleted"] == 0
    assert "papers/p2/fig1.png" in bucket_contents(s3, bucket)
    pruned = deploy_json(tmp_path, "--prune", capsys=capsys)
    assert pruned["deleted"] == 2 and pruned["uploaded"] == 0
    assert_bucket_equals_folder(s3, bucket, out)

    log = [
        json.loads(line)
        for line in (tmp_path / ".sitegen" / "deploys.jsonl").read_text().splitlines()
    ]
    assert [e["uploaded"] for e in log] == [len(files), 0, 1, 0, 0]
    assert (
        log[-1]["deleted"] == 2
        and log[-1]["root"] == pruned["root"]
        and log[-1]["target"] == "local"
    )


def test_text_output_summary_and_dnslink(
    tmp_path: Path, moto_endpoint: str, bucket: str, capsys: pytest.CaptureFixture[str]
) -> None:
    make_site(tmp_path, papers=1)
    write_config(tmp_path, moto_endpoint, bucket)
    assert main(["deploy", "local", "-s", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    root = next(line.split()[1] for line in out.splitlines() if line.startswith("root "))
    assert f'_dnslink.journal.example.org  TXT  "dnslink=/ipfs/{root}"' in out
    assert "local: uploaded 5, skipped 0, deleted 0" in out
    assert main(["deploy", "local", "-s", str(tmp_path)]) == 0
    assert "uploaded 0, skipped 5" in capsys.readouterr().out


def test_dry_run_writes_nothing(
    tmp_path: Path, moto_endpoint: str, s3: Any, bucket: str, capsys: pytest.CaptureFixture[str]
) -> None:
    make_site(tmp_path)
    write_config(tmp_path, moto_endpoint, bucket)
    assert main(["deploy", "local", "-s", str(tmp_path), "--dry-run"]) == 0
    out = capsys.readouterr().out
    assert "would upload index.html (new" in out
    assert s3.list_objects_v2(Bucket=bucket).get("KeyCount") == 0
    assert not (tmp_path / ".sitegen" / "deploys.jsonl").exists()


def test_max_deletes_refusal_changes_nothing(
    tmp_path: Path, moto_endpoint: str, s3: Any, bucket: str, capsys: pytest.CaptureFixture[str]
) -> None:
    out = make_site(tmp_path, papers=3)
    write_config(tmp_path, moto_endpoint, bucket)
    deploy_json(tmp_path, capsys=capsys)
    before = bucket_contents(s3, bucket)
    for i in (0, 1):
        for f in (out / "papers" / f"p{i}").iterdir():
            f.unlink()
    (out / "index.html").write_text("changed home")
    code = main(["deploy", "local", "-s", str(tmp_path), "--prune", "--max-deletes", "3"])
    err = capsys.readouterr().err
    assert code == 2
    assert "refusing to delete 4 objects (more than --max-deletes 3)" in err
    assert bucket_contents(s3, bucket) == before
    forced = deploy_json(tmp_path, "--prune", "--max-deletes", "3", "--force", capsys=capsys)
    assert forced["deleted"] == 4 and forced["uploaded"] == 1


def test_prefix_multipart_and_fallback_without_manifest(
    tmp_path: Path, moto_endpoint: str, s3: Any, bucket: str
) -> None:
    out = make_site(tmp_path, papers=1)
    big = (b"0123456789abcdef" * 65536) * 6 + b"tail"  # 6 MiB + 4 bytes: two parts
    (out / "papers" / "p0" / "data.bin").write_bytes(big)
    target = DeployTarget(
        name="t", provider="s3", bucket=bucket, endpoint=moto_endpoint, prefix="journal/"
    )
    opts = DeployOptions(parts=PartPolicy(threshold=5 * 1024 * 1024, part_size=5 * 1024 * 1024))
    client = s3
    first = deploy_site(target, out, client, opts)
    assert first.uploaded == 6 and first.mismatches == ()
    head = s3.head_object(Bucket=bucket, Key="journal/papers/p0/data.bin")
    assert head["ETag"].strip('"').endswith("-2") and head["ContentLength"] == len(big)
    assert_bucket_equals_folder(s3, bucket, out, prefix="journal/")

    s3.put_object(Bucket=bucket, Key="journal/.sitegen-manifest.json", Body=b"garbage")
    second = deploy_site(target, out, client, opts)
    assert second.uploaded == 0 and second.skipped == 6  # sizes + ETags matched
    assert any("unreadable" in n for n in second.notes)
    s3.delete_object(Bucket=bucket, Key="journal/.sitegen-manifest.json")
    third = deploy_site(target, out, client, opts)
    assert third.uploaded == 0 and not third.manifest_found
    # An object changed behind our back (same size) is caught through its ETag.
    s3.put_object(
        Bucket=bucket, Key="journal/index.html", Body=b"X" * (out / "index.html").stat().st_size
    )
    fourth = deploy_site(target, out, client, opts)
    assert [u.file.path for u in fourth.planned] == ["index.html"]
    assert_bucket_equals_folder(s3, bucket, out, prefix="journal/")


def test_build_flag_builds_then_deploys_the_real_site(
    tmp_path: Path,
    moto_endpoint: str,
    s3: Any,
    bucket: str,
    repo_root: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    import shutil

    from sitegen.deploy.publish import site_root

    src = tmp_path / "journal"
    shutil.copytree(repo_root / "tests" / "fixtures" / "journals" / "minimal", src)
    with (src / "sitegen.yaml").open("a") as fh:
        fh.write(
            f"deploy:\n  local:\n    provider: s3\n    endpoint: {moto_endpoint}\n"
            f"    bucket: {bucket}\n    prefix: site\n"
        )
    report = deploy_json(src, "--build", capsys=capsys)
    out = src / "public"
    assert (out / "cids.json").is_file()
    assert report["root"] == site_root(out, "unixfs-v1-2025")
    assert report["uploaded"] == len(folder_contents(out)) > 3
    assert_bucket_equals_folder(s3, bucket, out, prefix="site/")


def test_unknown_target_is_a_usage_error_with_a_hint(
    tmp_path: Path, moto_endpoint: str, bucket: str, capsys: pytest.CaptureFixture[str]
) -> None:
    make_site(tmp_path, papers=1)
    write_config(tmp_path, moto_endpoint, bucket)
    assert main(["deploy", "lcoal", "-s", str(tmp_path)]) == 2
    assert "unknown deploy target 'lcoal' (did you mean 'local'?)" in capsys.readouterr().err


def test_url_target_deploys_with_endpoint_from_environment(
    tmp_path: Path,
    moto_endpoint: str,
    s3: Any,
    bucket: str,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    out = make_site(tmp_path, papers=1)
    (tmp_path / "sitegen.yaml").write_text("title: No targets\n")
    monkeypatch.setenv("AWS_ENDPOINT_URL", moto_endpoint)
    code = main(["deploy", f"s3://{bucket}/pre", "-s", str(tmp_path), "--json"])
    assert code == 0
    assert json.loads(capsys.readouterr().out)["uploaded"] == 5
    assert_bucket_equals_folder(s3, bucket, out, prefix="pre/")
