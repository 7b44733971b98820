"""``sitegen cid PATH``: the IPFS CID of a file or folder, as Kubo would compute it."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from sitegen.errors import UsageError
from sitegen.ipfs.importer import add_path
from sitegen.ipfs.profiles import get_profile


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser("cid", help="compute the UnixFS CID of a file or folder")
    p.add_argument("path", metavar="PATH")
    p.add_argument("--profile", default=None, help="unixfs-v1-2025 (default) | unixfs-v0-2015")
    p.add_argument("--hidden", action="store_true", help="include dot-files")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Print the root CID, or the whole CID map with ``--json``."""
    profile = get_profile(args.profile)
    path = Path(args.path)
    if not path.exists() and not path.is_symlink():
        raise UsageError(f"{args.path}: no such file or folder")
    result = add_path(path, profile, hidden=args.hidden)
    if args.json:
        doc = {
            "root": result.root,
            "profile": profile.name,
            "files": result.files,
            "dirs": result.dirs,
        }
        print(json.dumps(doc, indent=2, ensure_ascii=False))
    else:
        print(result.root)
    return 0
