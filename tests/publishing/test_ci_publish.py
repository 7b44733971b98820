"""The scaffold's CI files, run step by step in a fresh clone and venv, publish the journal.

A scaffolded journal is committed to a local git repository; the runners in ``ci_runner``
then play GitHub Actions (pull request, then push to main) and GitLab CI (build job, then
deploy job with the build's artifacts) against moto's S3 server on 127.0.0.1. The bucket
must end up byte for byte equal to the build, and the job summary must carry the root CID
that ``sitegen cid public --hidden`` computes.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
from pathlib import Path
from typing import Any

import yaml
from ci_runner import (
    FAKE_KEYS,
    INSTALL_LINE,
    base_env,
    gitlab_rules_pass,
    parse_env_file,
    run_github_job,
    run_gitlab_job,
)

from sitegen import __version__
from sitegen.cli import main
from sitegen.deploy.headers import content_headers

MANIFEST = ".sitegen-manifest.json"
DOMAIN = "journal.example.org"


def scaffold_origin(tmp_path: Path, ci: str, endpoint: str, bucket: str) -> Path:
    """``sitegen new``, the production target pointed at moto, one commit."""
    origin = tmp_path / "origin" / "my-journal"
    assert main(["new", str(origin), "--ci", ci]) == 0
    requirements = (origin / "requirements.txt").read_text().splitlines()
    assert requirements[-1] == f"sitegen=={__version__}"  # what the install step would get
    config = origin / "sitegen.yaml"
    text, n_provider = re.subn(
        r"(?m)^    provider: .*$", f"    provider: s3\n    endpoint: {endpoint}", config.read_text()
    )
    text, n_bucket = re.subn(
        r"(?m)^    bucket: .*$", f"    bucket: {bucket}\n    domain: {DOMAIN}", text
    )
    assert (n_provider, n_bucket) == (1, 1)
    config.write_text(text)
    when = "2024-05-01T12:00:00Z"
    env = {
        **os.environ,
        "GIT_AUTHOR_DATE": when,
        "GIT_COMMITTER_DATE": when,
        "GIT_AUTHOR_NAME": "Editor",
        "GIT_AUTHOR_EMAIL": "editor@example.org",
        "GIT_COMMITTER_NAME": "Editor",
        "GIT_COMMITTER_EMAIL": "editor@example.org",
    }
    for argv in (["init", "-q", "-b", "main"], ["add", "-A"], ["commit", "-q", "-m", "journal"]):
        subprocess.run(["git", *argv], cwd=origin, env=env, check=True, capture_output=True)
    return origin


def venv_sitegen(runner: Path, *argv: str, cwd: Path) -> str:
    """Run the sitegen installed in a job's venv (never the system's editable one)."""
    proc = subprocess.run(
        [str(runner / "python" / "bin" / "sitegen"), *argv],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    return proc.stdout


def assert_installed_from_checkout(runner: Path) -> None:
    where = subprocess.run(
        [
            str(runner / "python" / "bin" / "python"),
            "-c",
            "import sitegen; print(sitegen.__file__)",
        ],
        cwd=runner,  # not the repo: `python -c` imports from its working folder first
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    assert Path(where).is_relative_to(runner / "python"), where


def bucket_objects(s3: Any, bucket: str) -> dict[str, tuple[bytes, str]]:
    found = {}
    for page in s3.get_paginator("list_objects_v2").paginate(Bucket=bucket):
        for obj in page.get("Contents", []):
            got = s3.get_object(Bucket=bucket, Key=obj["Key"])
            found[obj["Key"]] = (got["Body"].read(), got["ContentType"])
    return found


def assert_bucket_is_the_build(s3: Any, bucket: str, public: Path, root: str) -> None:
    remote = bucket_objects(s3, bucket)
    manifest = json.loads(remote.pop(MANIFEST)[0])
    assert manifest["root"] == root
    local = {p.relative_to(public).as_posix(): p for p in public.rglob("*") if p.is_file()}
    assert sorted(remote) == sorted(local)
    for rel, path in local.items():
        data, content_type = remote[rel]
        assert data == path.read_bytes(), rel
        assert content_type == content_headers(rel).content_type, rel


def test_github_workflow_publishes_on_push_to_main(
    tmp_path: Path, moto_endpoint: str, s3: Any
) -> None:
    bucket = "gh-journal"
    s3.create_bucket(Bucket=bucket)
    origin = scaffold_origin(tmp_path, "github", moto_endpoint, bucket)
    workflow = yaml.safe_load((origin / ".github/workflows/publish.yml").read_text())
    install = next(
        s for s in workflow["jobs"]["publish"]["steps"] if "pip install" in s.get("run", "")
    )
    assert install["run"].strip() == INSTALL_LINE
    env = base_env(tmp_path)

    pr = run_github_job(
        workflow,
        origin,
        tmp_path / "pr",
        event="pull_request",
        ref="refs/pull/1/merge",
        secrets=FAKE_KEYS,
        env=env,
    )
    assert pr.skipped == ["Deploy"] and "Build" in pr.ran
    assert pr.outputs["root"] and "Deployed" not in pr.summary
    assert "Contents" not in s3.list_objects_v2(Bucket=bucket)  # a pull request never deploys

    runner = tmp_path / "push"
    push = run_github_job(
        workflow, origin, runner, event="push", ref="refs/heads/main", secrets=FAKE_KEYS, env=env
    )
    assert push.skipped == []
    assert_installed_from_checkout(runner)
    work = push.workspace
    root = venv_sitegen(runner, "cid", "public", "--hidden", cwd=work).strip()
    assert root.startswith("bafy")
    assert push.outputs["root"] == root == pr.outputs["root"]  # same commit, same root
    assert f"Root CID: `{root}`" in push.summary
    deploy_summary = push.summary.split("## Deployed to `production`", 1)[1]
    assert f"Root CID: `{root}`" in deploy_summary
    assert f'_dnslink.{DOMAIN}  TXT  "dnslink=/ipfs/{root}"' in deploy_summary
    assert f"https://dweb.link/ipfs/{root}/" in push.summary

    deployed = json.loads((work / "deploy.json").read_text())
    files = [p for p in (work / "public").rglob("*") if p.is_file()]
    assert deployed["root"] == root and deployed["mismatches"] == []
    assert (deployed["uploaded"], deployed["skipped"]) == (len(files), 0)
    assert_bucket_is_the_build(s3, bucket, work / "public", root)

    assert push.artifacts == {"site": work / "public", "site-car": work / "site.car"}
    verified = json.loads(
        venv_sitegen(runner, "verify", "site.car", "--root", root, "--json", cwd=work)
    )
    assert verified["ok"] is True and verified["root"] == root


def test_gitlab_pipeline_publishes_on_the_default_branch(
    tmp_path: Path, moto_endpoint: str, s3: Any
) -> None:
    bucket = "gl-journal"
    s3.create_bucket(Bucket=bucket)
    origin = scaffold_origin(tmp_path, "gitlab", moto_endpoint, bucket)
    ci = yaml.safe_load((origin / ".gitlab-ci.yml").read_text())
    push = {"CI_PIPELINE_SOURCE": "push", "CI_COMMIT_BRANCH": "main", "CI_DEFAULT_BRANCH": "main"}
    merge_request = {"CI_PIPELINE_SOURCE": "merge_request_event", "CI_DEFAULT_BRANCH": "main"}
    assert gitlab_rules_pass(ci["workflow"]["rules"], push)
    assert gitlab_rules_pass(ci["workflow"]["rules"], merge_request)
    assert gitlab_rules_pass(ci["build"].get("rules"), merge_request)
    assert not gitlab_rules_pass(ci["deploy"]["rules"], merge_request)
    assert gitlab_rules_pass(ci["deploy"]["rules"], push)
    env = base_env(tmp_path)

    build_runner = tmp_path / "build"
    built, _ = run_gitlab_job(ci, "build", origin, build_runner, predefined=push, env=env)
    assert_installed_from_checkout(build_runner)
    root = venv_sitegen(build_runner, "cid", "public", "--hidden", cwd=built).strip()
    dotenv = parse_env_file((built / ci["build"]["artifacts"]["reports"]["dotenv"]).read_text())
    assert dotenv == {"ROOT_CID": root}

    assert ci["deploy"]["needs"] == ["build"]
    restored = {p.rstrip("/"): built / p for p in ci["build"]["artifacts"]["paths"]}
    deploy_env = {**env, **dotenv, **FAKE_KEYS}  # dotenv report + masked CI/CD variables
    work, out = run_gitlab_job(
        ci,
        "deploy",
        origin,
        tmp_path / "deploy",
        predefined=push,
        env=deploy_env,
        restored=restored,
    )
    assert f"deploying root CID {root}" in out and f"root {root}" in out
    assert f'DNSLink: _dnslink.{DOMAIN}  TXT  "dnslink=/ipfs/{root}"' in out
    assert_bucket_is_the_build(s3, bucket, work / "public", root)
    log = [json.loads(line) for line in (work / ".sitegen/deploys.jsonl").read_text().splitlines()]
    head = subprocess.run(
        ["git", "rev-parse", "HEAD"], cwd=origin, capture_output=True, text=True, check=True
    ).stdout.strip()
    assert [(e["target"], e["root"], e["commit"]) for e in log] == [("production", root, head)]
