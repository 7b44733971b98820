"""Command line: parse arguments, run one command, turn errors into exit codes.

Exit codes (DESIGN section 2): 0 success, 1 content or verification errors, 2 usage
errors, 3 network/provider errors. Each subcommand lives in ``sitegen/commands/`` and
exposes ``register(subparsers)``; the stages below never print or exit.
"""

from __future__ import annotations

import argparse
import importlib
import logging
import os
import sys
import threading
from collections.abc import Sequence
from typing import NoReturn

from sitegen import __version__
from sitegen.errors import SitegenError

COMMANDS = ("new", "build", "serve", "check", "cid", "car", "verify", "attest", "deploy")


class _Parser(argparse.ArgumentParser):
    """argparse exits with 2 on usage errors already; keep its message short."""


def make_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="sitegen", description="Static journals with content IDs.")
    parser.add_argument("--version", action="version", version=f"sitegen {__version__}")
    parser.add_argument("-v", "--verbose", action="store_true", help="log progress to stderr")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    for name in COMMANDS:
        module = importlib.import_module(f"sitegen.commands.{name}")
        module.register(sub)
    return parser


def main(argv: Sequence[str] | None = None, *, hold: list[object] | None = None) -> int:
    """Run one command. ``hold``: where a command may leave the memory it would
    otherwise free as it returns (``pipeline.build_and_hold``), for a caller that
    exits without freeing it (:func:`run`)."""
    parser = make_parser()
    args = parser.parse_args(argv)
    args.hold = hold
    logging.basicConfig(
        level=logging.INFO if args.verbose else logging.WARNING,
        format="%(message)s",
        stream=sys.stderr,
    )
    try:
        return int(args.func(args) or 0)
    except SitegenError as exc:
        for diag in exc.diagnostics:
            print(diag.format(), file=sys.stderr)
        if exc.message:
            print(f"sitegen: {exc.message}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        print("sitegen: interrupted", file=sys.stderr)
        return 130


def run() -> NoReturn:
    """The ``sitegen`` executable: :func:`main`, then leave without tearing Python down.

    A build holds millions of objects to its end (a 10k-paper journal's works, site
    model and UnixFS nodes), and the interpreter's exit freed them one by one after
    everything was written: a second of a 10k build, a twentieth of a 1k one. Every file
    a command writes is closed when it returns, so once the logs and standard streams
    are flushed nothing is left to do, unless a thread or child process still runs: then
    the exit is the usual one. Tests call ``main`` and keep the usual exit.
    """
    held: list[object] = []  # a build's memory, never freed: see main and build_and_hold
    code = main(hold=held)
    logging.shutdown()
    try:
        sys.stdout.flush()
        sys.stderr.flush()
    except (OSError, ValueError):  # a closed pipe: what Python's own exit reports
        code = code or 120
    if threading.active_count() > 1 or _live_children():
        sys.exit(code)
    os._exit(code)


def _live_children() -> bool:
    """Whether a multiprocessing child is still running (only if the module was used)."""
    multiprocessing = sys.modules.get("multiprocessing")
    return multiprocessing is not None and bool(multiprocessing.active_children())
