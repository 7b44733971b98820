"""``sitegen deploy TARGET``: publish the build to S3-compatible hosting."""

from __future__ import annotations

import argparse


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("deploy", help="publish the build to a target from sitegen.yaml")
    p.add_argument("target", metavar="TARGET")
    p.add_argument("-s", "--source", default=".", metavar="SRC")
    p.add_argument("--build", action="store_true", help="build first")
    p.add_argument("--dry-run", action="store_true")
    p.add_argument("--prune", action="store_true", help="delete remote files not in the build")
    p.add_argument("--max-deletes", type=int, default=256, metavar="N")
    p.add_argument("--force", action="store_true")
    p.add_argument("--concurrency", type=int, default=8, metavar="N")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    raise NotImplementedError("sitegen deploy")
