"""``sitegen deploy TARGET``: publish the build to S3-compatible hosting.

boto3 is imported only inside ``run`` (via ``sitegen.deploy.publish``) so ``build`` and
``serve`` work without it. Progress goes to stderr and only on a terminal; ``--json``
prints one document on stdout and nothing else there.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path
from typing import Any

from sitegen.errors import ContentError, Diagnostic, UsageError, VerificationError, errors_in


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser("deploy", help="publish the build to a target from sitegen.yaml")
    p.add_argument("target", metavar="TARGET")
    p.add_argument("-s", "--source", default=".", metavar="SRC")
    p.add_argument("--build", action="store_true", help="build first")
    p.add_argument("--dry-run", action="store_true", help="show what would change; write nothing")
    p.add_argument("--prune", action="store_true", help="delete remote files not in the build")
    p.add_argument("--max-deletes", type=int, default=256, metavar="N")
    p.add_argument("--force", action="store_true", help="allow more than --max-deletes deletions")
    p.add_argument("--concurrency", type=int, default=8, metavar="N")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=run)


class _TTYProgress:
    """A one-line progress bar on stderr, only when stderr is a terminal."""

    def __init__(self) -> None:
        self.files = 0
        self.total_files = 0
        self.bytes = 0
        self.total_bytes = 0
        self.last = 0.0

    def start(self, files: int, total_bytes: int) -> None:
        self.total_files, self.total_bytes = files, total_bytes

    def advance(self, sent_bytes: int, files: int) -> None:
        self.files += files
        self.bytes += sent_bytes
        now = time.monotonic()
        if now - self.last < 0.1 and self.files < self.total_files:
            return
        self.last = now
        share = self.bytes / self.total_bytes if self.total_bytes else 1.0
        bar = "#" * int(share * 30)
        sys.stderr.write(f"\r[{bar:<30}] {self.files}/{self.total_files} files {_size(self.bytes)}")
        if self.files >= self.total_files:
            sys.stderr.write("\n")
        sys.stderr.flush()


def _size(n: int) -> str:
    value = float(n)
    for unit in ("B", "KiB", "MiB", "GiB"):
        if value < 1024 or unit == "GiB":
            return f"{value:.0f} {unit}" if unit == "B" else f"{value:.1f} {unit}"
        value /= 1024
    return f"{n} B"  # pragma: no cover


def _load_targets(source: Path) -> tuple[dict[str, Any], str, tuple[str, ...]]:
    """``(targets, cid_profile, gateways)`` from ``sitegen.yaml``; config errors raise."""
    from sitegen.content.config import load_config

    config, diags = load_config(source)
    deploy_diags = [d for d in diags if (d.field or "").startswith("deploy")]
    errors = errors_in(diags)
    if config is None or errors:
        # Only deploy-related problems (and unreadable files) stop a deploy of a built site.
        blocking = errors if config is None else errors_in(deploy_diags)
        if blocking:
            raise ContentError(f"{len(blocking)} problem(s) in sitegen.yaml", blocking)
    assert config is not None
    return dict(config.deploy), config.cid_profile, tuple(config.gateways)


def _output_dir(source: Path) -> Path:
    """OUT of the last build: ``.sitegen/build.json`` says, else ``SRC/public``."""
    info = source / ".sitegen" / "build.json"
    try:
        data = json.loads(info.read_text(encoding="utf-8"))
        out = data.get("out") if isinstance(data, dict) else None
        if isinstance(out, str) and out:
            path = Path(out)
            return path if path.is_absolute() else (source / path)
    except (OSError, ValueError):
        pass
    return source / "public"


def _pick_target(targets: dict[str, Any], name: str) -> Any:
    from sitegen.deploy.config import did_you_mean, target_from_url

    if name in targets:
        return targets[name]
    adhoc = target_from_url(name)
    if adhoc is not None:
        return adhoc
    known = sorted(targets)
    hint = did_you_mean(name, known)
    listing = f"; targets: {', '.join(known)}" if known else "; sitegen.yaml has no deploy: section"
    raise UsageError(
        f"unknown deploy target '{name}'{hint}{listing} (or give PROVIDER://bucket/prefix)"
    )


def run(args: argparse.Namespace) -> int:
    source = Path(args.source)
    if not source.is_dir():
        raise UsageError(f"source folder {source} does not exist")
    if args.concurrency < 1 or args.max_deletes < 0:
        raise UsageError("--concurrency must be >= 1 and --max-deletes >= 0")
    targets, profile, gateways = _load_targets(source)
    target = _pick_target(targets, args.target)
    if args.build:
        from sitegen.pipeline import BuildOptions, build

        build(BuildOptions(source=source, output=None))
    out_dir = _output_dir(source)
    if not out_dir.is_dir():
        raise UsageError(f"no build at {out_dir}; run `sitegen build` first or pass --build")

    from botocore.exceptions import BotoCoreError

    from sitegen.deploy.client import make_client
    from sitegen.deploy.providers import endpoint_for
    from sitegen.deploy.publish import DeployOptions, append_deploy_log, deploy_site
    from sitegen.deploy.retry import to_network_error

    opts = DeployOptions(
        dry_run=args.dry_run,
        prune=args.prune,
        max_deletes=args.max_deletes,
        force=args.force,
        concurrency=args.concurrency,
        profile=profile,
        gateways=gateways,
    )
    progress = _TTYProgress() if sys.stderr.isatty() and not args.json else None
    try:
        client = make_client(target)
        result = deploy_site(target, out_dir, client, opts, progress)
    except BotoCoreError as exc:
        raise to_network_error(exc, bucket=target.bucket, endpoint=endpoint_for(target)) from None
    if not opts.dry_run:
        append_deploy_log(source, result)
    _report(result, args.json)
    if result.failed:
        raise VerificationError(
            f"{len(result.mismatches)} object(s) in '{target.bucket}' differ from the build",
            [
                Diagnostic(m.path, None, m.field, f"expected {m.expected}, provider has {m.actual}")
                for m in result.mismatches
            ],
        )
    return 0


def _report(result: Any, as_json: bool) -> None:
    if as_json:
        print(json.dumps(result.to_json(), indent=2, sort_keys=True))
        return
    if result.dry_run:
        for up in result.planned:
            print(f"would upload {up.file.path} ({up.reason}, {_size(up.file.size)})")
        for path in result.deletes:
            print(f"would delete {path}")
    for m in result.mismatches:
        print(
            f"mismatch {m.path}: {m.field} expected {m.expected}, provider has {m.actual}",
            file=sys.stderr,
        )
    for note in result.notes:
        print(f"note: {note}", file=sys.stderr)
    if result.root:
        print(f"root {result.root}")
    for url in result.urls:
        print(f"  {url}")
    if result.dnslink:
        print(f"DNSLink: {result.dnslink}")
    verb = "would upload" if result.dry_run else "uploaded"
    deleted = len(result.deletes) if result.dry_run else result.deleted
    print(
        f"{result.target}: {verb} {len(result.planned) if result.dry_run else result.uploaded}, "
        f"skipped {result.skipped}, {'would delete' if result.dry_run else 'deleted'} {deleted}, "
        f"{_size(result.bytes if not result.dry_run else sum(u.file.size for u in result.planned))}"
        f" in {result.seconds:.1f}s"
        + (" (nothing to upload)" if not result.planned and not result.dry_run else "")
    )
