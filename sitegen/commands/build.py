"""``sitegen build``: the whole pipeline, written atomically to OUT."""

from __future__ import annotations

import argparse


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("build", help="build the journal into OUT (default: public/)")
    p.add_argument("-s", "--source", default=".", metavar="SRC")
    p.add_argument("-o", "--output", default=None, metavar="OUT")
    p.add_argument("--strict", action="store_true", help="treat warnings as errors")
    p.add_argument("--jobs", type=int, default=None, metavar="N")
    p.add_argument("--car", default=None, metavar="FILE", help="also write a CARv1 of the site")
    p.add_argument("--online", action="store_true", help="check on-chain attestations via RPC")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    raise NotImplementedError("sitegen build")
