"""``sitegen verify DIR|FILE.car``: recompute and check CIDs."""

from __future__ import annotations

import argparse


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("verify", help="verify a built folder or a CAR file")
    p.add_argument("target", metavar="DIR|FILE.car")
    p.add_argument("--root", default=None, metavar="CID")
    p.add_argument("--profile", default=None)
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    raise NotImplementedError("sitegen verify")
