"""``sitegen verify DIR|FILE.car``: recompute and check CIDs."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from sitegen.errors import Diagnostic, UsageError, VerificationError
from sitegen.ipfs.car import verify_car
from sitegen.ipfs.profiles import get_profile
from sitegen.ipfs.verify import guess_profile_name, verify_dir


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser("verify", help="verify a built folder or a CAR file")
    p.add_argument("target", metavar="DIR|FILE.car")
    p.add_argument("--root", default=None, metavar="CID")
    p.add_argument("--profile", default=None)
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Verify a CAR (blocks, completeness, root) or a folder (against its cids.json).

    A folder's profile defaults to the one its ``cids.json`` was made with (``Qm…`` CIDs mean
    unixfs-v0-2015), else the default profile; ``--profile`` overrides. Exit 1 on any error.
    """
    target = Path(args.target)
    if target.is_dir():
        name = args.profile or guess_profile_name(target)
        report = verify_dir(target, root=args.root, profile=get_profile(name))
    elif target.is_file():
        report = verify_car(target, root=args.root)
    else:
        raise UsageError(f"{args.target}: no such folder or CAR file")
    if args.json:
        print(json.dumps(report.to_json(), indent=2))
        return 0 if report.ok else 1
    if not report.ok:
        diags = [Diagnostic(args.target, None, None, err) for err in report.errors]
        raise VerificationError(f"{args.target}: verification failed", diags)
    print(f"ok {report.root} ({report.blocks} blocks)")
    return 0
