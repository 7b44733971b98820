"""``sitegen car PATH -o FILE``: pack a file or folder as a CARv1."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from sitegen.errors import UsageError
from sitegen.ipfs.car import write_car
from sitegen.ipfs.profiles import get_profile


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser("car", help="write a CARv1 of a file or folder")
    p.add_argument("path", metavar="PATH")
    p.add_argument("-o", "--output", required=True, metavar="FILE")
    p.add_argument("--profile", default=None)
    p.add_argument("--hidden", action="store_true")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Write the CAR and print its root CID (the block count goes to stderr)."""
    profile = get_profile(args.profile)
    path = Path(args.path)
    if not path.exists():
        raise UsageError(f"{args.path}: no such file or folder")
    out = Path(args.output)
    if not out.parent.is_dir():
        raise UsageError(f"{args.output}: folder {out.parent} does not exist")
    root = write_car(path, out, profile, hidden=args.hidden)
    print(f"wrote {out}", file=sys.stderr)
    print(root)
    return 0
