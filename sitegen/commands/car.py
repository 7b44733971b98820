"""``sitegen car PATH -o FILE``: pack a file or folder as a CARv1."""

from __future__ import annotations

import argparse


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("car", help="write a CARv1 of a file or folder")
    p.add_argument("path", metavar="PATH")
    p.add_argument("-o", "--output", required=True, metavar="FILE")
    p.add_argument("--profile", default=None)
    p.add_argument("--hidden", action="store_true")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    raise NotImplementedError("sitegen car")
