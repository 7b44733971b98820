"""``sitegen new DIR``: scaffold a small, complete journal."""

from __future__ import annotations

import argparse


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("new", help="scaffold a journal (config, demo paper, CI, netlify.toml)")
    p.add_argument("dir", metavar="DIR")
    p.add_argument("--ci", choices=("github", "gitlab", "none"), default="github")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    raise NotImplementedError("sitegen new")
