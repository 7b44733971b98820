"""``sitegen serve``: live preview with reload, optionally under ``/ipfs/<cid>/``."""

from __future__ import annotations

import argparse


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("serve", help="preview the journal with live reload")
    p.add_argument("-s", "--source", default=".", metavar="SRC")
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=8000)
    p.add_argument("--open", action="store_true", help="open a browser")
    p.add_argument("--gateway", action="store_true", help="serve under /ipfs/<root-cid>/")
    p.add_argument("--car", default=None, metavar="FILE", help="serve a CAR file instead")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    raise NotImplementedError("sitegen serve")
