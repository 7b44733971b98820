"""One deploy from start to finish: scan, compare, upload, verify, record, prune.

Reads top to bottom as the deploy's table of contents. Nothing here prints: the
command module renders ``DeployResult`` (text or ``--json``) and the progress bar.
"""

from __future__ import annotations

import datetime as dt
import json
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from sitegen.deploy.config import DeployTarget
from sitegen.deploy.manifest import (
    MANIFEST_NAME,
    PartPolicy,
    decode_manifest,
    encode_manifest,
    merge_remote,
    scan_site,
)
from sitegen.deploy.plan import LocalFile, SyncPlan, Upload, plan_sync
from sitegen.deploy.providers import dnslink_record, endpoint_for, gateway_urls, provider_for
from sitegen.deploy.retry import RetryPolicy
from sitegen.deploy.s3 import Mismatch, S3Deployer
from sitegen.errors import UsageError
from sitegen.gitinfo import last_commit

CAR_NAME = "site.car"
"""Object name of the site CAR in ``mode: car`` (stable, so a redeploy replaces the pin)."""
FATAL_FIELDS = ("missing", "size", "etag", "root")
"""Mismatches that mean the bucket does not hold our bytes (exit 1); ``cid`` only warns."""


class ProgressSink(Protocol):
    def start(self, files: int, total_bytes: int) -> None: ...
    def advance(self, sent_bytes: int, files: int) -> None: ...


@dataclass(frozen=True, slots=True)
class DeployOptions:
    dry_run: bool = False
    prune: bool = False
    max_deletes: int = 256
    force: bool = False
    concurrency: int = 8
    profile: str = "unixfs-v1-2025"
    """The site's CID profile (``cid_profile`` in sitegen.yaml)."""
    parts: PartPolicy = field(default_factory=PartPolicy)
    retry: RetryPolicy = field(default_factory=RetryPolicy)
    gateways: tuple[str, ...] = ()
    """Extra gateway hosts (the journal's ``gateways``) for the printed URLs."""


@dataclass(frozen=True, slots=True)
class DeployResult:
    target: str
    root: str | None
    mode: str
    dry_run: bool
    uploaded: int
    skipped: int
    deleted: int
    bytes: int
    seconds: float
    mismatches: tuple[Mismatch, ...] = ()
    urls: tuple[str, ...] = ()
    dnslink: str | None = None
    notes: tuple[str, ...] = ()
    planned: tuple[Upload, ...] = ()
    """What was (or, with --dry-run, would be) uploaded, in order."""
    deletes: tuple[str, ...] = ()
    """What was (or would be) deleted."""
    manifest_found: bool = False

    @property
    def failed(self) -> bool:
        return any(m.field in FATAL_FIELDS for m in self.mismatches)

    def to_json(self) -> dict[str, object]:
        return {
            "target": self.target,
            "root": self.root,
            "uploaded": self.uploaded,
            "skipped": self.skipped,
            "deleted": self.deleted,
            "bytes": self.bytes,
            "mismatches": [m.to_json() for m in self.mismatches],
            "urls": list(self.urls),
            "dnslink": self.dnslink,
            "mode": self.mode,
            "dry_run": self.dry_run,
            "seconds": round(self.seconds, 3),
            "notes": list(self.notes),
        }


def site_root(out_dir: Path, profile: str) -> str:
    """Root CID of the built folder, as the build and ``sitegen cid --hidden`` compute it."""
    from sitegen.ipfs.importer import add_path
    from sitegen.ipfs.profiles import get_profile

    return add_path(out_dir, get_profile(profile), hidden=True).root


def _provider_cids(
    out_dir: Path, files: list[LocalFile], target: DeployTarget, profile: str
) -> dict[str, str]:
    """CIDs as the provider will compute them (its profile where it differs from ours)."""
    provider = provider_for(target)
    if provider.cid_metadata is None:
        return {}
    if provider.cid_profile and provider.cid_profile != profile:
        from sitegen.ipfs.importer import add_path
        from sitegen.ipfs.profiles import get_profile

        return add_path(out_dir, get_profile(provider.cid_profile), hidden=True).files
    return {f.path: f.cid for f in files if f.cid}


def _check_deletes(deletes: tuple[str, ...], opts: DeployOptions) -> None:
    if len(deletes) > opts.max_deletes and not opts.force:
        raise UsageError(
            f"refusing to delete {len(deletes)} objects (more than --max-deletes "
            f"{opts.max_deletes}); nothing was changed. Check the target, then pass --force "
            "or a larger --max-deletes"
        )


def deploy_site(
    target: DeployTarget,
    out_dir: Path,
    client: Any,
    opts: DeployOptions,
    progress: ProgressSink | None = None,
) -> DeployResult:
    """Publish ``out_dir`` to ``target`` (mode files or car) and verify it."""
    started = time.perf_counter()
    deployer = S3Deployer(
        client,
        target.bucket,
        target.prefix,
        endpoint=endpoint_for(target),
        concurrency=opts.concurrency,
        parts=opts.parts,
        retry=opts.retry,
        on_progress=progress.advance if progress else None,
    )
    if target.mode == "car":
        return _deploy_car(target, out_dir, deployer, opts, progress, started)
    local = scan_site(out_dir, opts.parts)
    root = site_root(out_dir, opts.profile)
    deployer.check_bucket()
    listing = deployer.list_remote()
    old_manifest = deployer.read_manifest()
    manifest = decode_manifest(old_manifest) if old_manifest is not None else None
    notes: list[str] = list(provider_for(target).notes)
    if old_manifest is not None and manifest is None:
        notes.append("the manifest in the bucket was unreadable; compared sizes and ETags instead")
    plan = plan_sync(local, merge_remote(listing, manifest))
    deletes = plan.deletes if opts.prune else ()
    _check_deletes(deletes, opts)
    if not opts.prune and plan.deletes:
        notes.append(f"{len(plan.deletes)} remote objects are not in the build (use --prune)")
    if opts.dry_run:
        return _result(
            target, root, opts, plan, 0, started, (), tuple(notes), deletes, manifest is not None
        )
    if progress:
        progress.start(len(plan.uploads), plan.upload_bytes)
    deployer.upload_plan(plan, out_dir)
    uploaded_files = [up.file for up in plan.uploads]
    cids = _provider_cids(out_dir, local, target, opts.profile) if uploaded_files else {}
    mismatches, server_etags = deployer.verify(
        uploaded_files, provider_for(target).cid_metadata, cids
    )
    bad = {m.path for m in mismatches if m.field in FATAL_FIELDS}
    for path in plan.skipped:
        etag = listing[path][1]
        if etag:
            server_etags[path] = etag
    new_manifest = encode_manifest(
        [f for f in local if f.path not in bad], root, opts.profile, server_etags
    )
    if new_manifest != old_manifest:
        deployer.put_bytes(MANIFEST_NAME, new_manifest, "application/json; charset=utf-8")
    deleted = deployer.delete(deletes) if deletes else 0
    return _result(
        target,
        root,
        opts,
        plan,
        deleted,
        started,
        tuple(mismatches),
        tuple(notes),
        deletes,
        manifest is not None,
    )


def _result(
    target: DeployTarget,
    root: str | None,
    opts: DeployOptions,
    plan: SyncPlan,
    deleted: int,
    started: float,
    mismatches: tuple[Mismatch, ...],
    notes: tuple[str, ...],
    deletes: tuple[str, ...],
    manifest_found: bool,
) -> DeployResult:
    return DeployResult(
        target=target.name,
        root=root,
        mode=target.mode,
        dry_run=opts.dry_run,
        uploaded=0 if opts.dry_run else len(plan.uploads),
        skipped=len(plan.skipped),
        deleted=deleted,
        bytes=0 if opts.dry_run else plan.upload_bytes,
        seconds=time.perf_counter() - started,
        mismatches=mismatches,
        urls=tuple(gateway_urls(root, target, opts.gateways)),
        dnslink=dnslink_record(target.domain, root),
        notes=notes,
        planned=plan.uploads,
        deletes=deletes,
        manifest_found=manifest_found,
    )


def _deploy_car(
    target: DeployTarget,
    out_dir: Path,
    deployer: S3Deployer,
    opts: DeployOptions,
    progress: ProgressSink | None,
    started: float,
) -> DeployResult:
    """Upload one CAR with ``import: car`` so the provider pins exactly our root."""
    from sitegen.deploy.headers import IMMUTABLE
    from sitegen.ipfs.car import write_car
    from sitegen.ipfs.profiles import get_profile

    provider = provider_for(target)
    notes = list(provider.notes)
    with tempfile.TemporaryDirectory(prefix="sitegen-car-") as tmp:
        car = Path(tmp) / CAR_NAME
        root = write_car(out_dir, car, get_profile(opts.profile), hidden=True)
        size = car.stat().st_size
        deployer.check_bucket()
        listing = deployer.list_remote()
        current = deployer.head(CAR_NAME) if CAR_NAME in listing else None
        up_to_date = current is not None and current.metadata.get("sitegen-root") == root
        deletes = tuple(sorted(p for p in listing if p != CAR_NAME)) if opts.prune else ()
        _check_deletes(deletes, opts)
        entry = LocalFile(CAR_NAME, size, "", "", "application/vnd.ipld.car", IMMUTABLE)
        plan = SyncPlan(
            () if up_to_date else (Upload(entry, "changed" if current else "new"),),
            (CAR_NAME,) if up_to_date else (),
            (),
        )
        if opts.dry_run:
            return _result(target, root, opts, plan, 0, started, (), tuple(notes), deletes, False)
        mismatches: list[Mismatch] = []
        landed = current
        if not up_to_date:
            if progress:
                progress.start(1, size)
            landed = deployer.put_car(CAR_NAME, car, root)
            if landed.size != size:
                mismatches.append(Mismatch(CAR_NAME, "size", str(size), str(landed.size)))
    reported = landed.metadata.get(provider.cid_metadata or "cid") if landed else None
    if reported and reported != root:
        mismatches.append(Mismatch(CAR_NAME, "root", root, reported))
    elif not reported:
        notes.append("the provider did not report a pinned root CID; the root is unconfirmed")
    deleted = deployer.delete(deletes) if deletes else 0
    return _result(
        target, root, opts, plan, deleted, started, tuple(mismatches), tuple(notes), deletes, False
    )


def git_commit(source: Path) -> str | None:
    """HEAD of the git repository holding ``source``, or None outside git."""
    commit = last_commit(source)
    return commit.sha if commit else None


def append_deploy_log(source: Path, result: DeployResult, now: dt.datetime | None = None) -> Path:
    """Append one JSON line to ``SRC/.sitegen/deploys.jsonl``; returns its path."""
    log_path = source / ".sitegen" / "deploys.jsonl"
    log_path.parent.mkdir(parents=True, exist_ok=True)
    when = (now or dt.datetime.now(dt.UTC)).replace(microsecond=0)
    entry = {
        "time": when.isoformat().replace("+00:00", "Z"),
        "target": result.target,
        "mode": result.mode,
        "root": result.root,
        "commit": git_commit(source),
        "uploaded": result.uploaded,
        "skipped": result.skipped,
        "deleted": result.deleted,
        "bytes": result.bytes,
        "mismatches": len(result.mismatches),
    }
    with log_path.open("a", encoding="utf-8") as fh:
        fh.write(json.dumps(entry, sort_keys=True) + "\n")
    return log_path
