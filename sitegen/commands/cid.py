"""``sitegen cid PATH``: the IPFS CID of a file or folder, as Kubo would compute it."""

from __future__ import annotations

import argparse


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("cid", help="compute the UnixFS CID of a file or folder")
    p.add_argument("path", metavar="PATH")
    p.add_argument("--profile", default=None, help="unixfs-v1-2025 (default) | unixfs-v0-2015")
    p.add_argument("--hidden", action="store_true", help="include dot-files")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    raise NotImplementedError("sitegen cid")
