"""``sitegen build``: the whole pipeline, written atomically to OUT."""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TextIO

from sitegen.errors import ContentError, UsageError


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
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
    from sitegen.pipeline import BuildOptions, build_and_hold, output_dir

    options = BuildOptions(
        source=Path(args.source),
        output=Path(args.output) if args.output else None,
        strict=args.strict,
        jobs=args.jobs,
        car=Path(args.car).resolve() if args.car else None,
        online=args.online,
        progress=progress_bar(sys.stderr),
        spare_after_cold="later",  # linked after this command exits: sitegen.cache.spare
    )
    if args.jobs is not None and args.jobs < 1:
        raise UsageError("--jobs must be at least 1")
    try:
        try:
            result, held = build_and_hold(options)
            if getattr(args, "hold", None) is not None:  # the process exits next: cli.run
                args.hold.append(held)
        finally:
            if options.progress is not None:
                options.progress(-1, 0)  # clear the bar before anything else is printed
    except ContentError as exc:
        if args.json:
            failed = {
                "ok": False,
                "papers": 0,
                "pages": 0,
                "files": 0,
                "root": None,
                "out": str(output_dir(options)),
                "seconds": 0.0,
                "warnings": [d.to_json() for d in exc.diagnostics if d.severity == "warning"],
                "errors": [d.to_json() for d in exc.diagnostics if d.severity == "error"],
            }
            print(json.dumps(failed, indent=2))
        raise
    for diag in result.warnings:
        print(diag.format(), file=sys.stderr)
    if args.json:
        print(json.dumps(result.to_json(), indent=2))
        return 0
    summary = (
        f"built {result.papers} papers, {result.pages} pages, {result.files} files "
        f"in {result.seconds:.2f}s -> {display_path(Path(result.out))}"
    )
    if result.warnings:
        summary += f" ({len(result.warnings)} warnings)"
    print(summary)
    if args.car:
        print(f"CAR: {args.car}")
    print(f"root CID: {result.root}")
    return 0


PROGRESS_MIN_PAPERS = 200
"""Smaller builds finish before a bar would be worth drawing (DESIGN section 2)."""


def progress_bar(stream: TextIO) -> Callable[[int, int], None] | None:
    """A one-line bar for papers rendered, drawn on ``stream`` when it is a terminal.

    None (no bar) when ``stream`` is not a terminal or ``CI`` is set, so logs stay clean.
    ``bar(-1, 0)`` erases the line if anything was drawn.
    """
    if os.environ.get("CI") or not stream.isatty():
        return None
    drawn = [False]

    def bar(done: int, total: int) -> None:
        if done < 0:
            if drawn[0]:
                stream.write("\r\x1b[K")
                stream.flush()
            return
        if total < PROGRESS_MIN_PAPERS:
            return
        width = 30
        filled = width * done // total
        stream.write(f"\rrendering papers [{'#' * filled}{'.' * (width - filled)}] {done}/{total}")
        stream.flush()
        drawn[0] = True

    return bar


def display_path(path: Path) -> str:
    """Relative to the cwd when under it, as a user would type it."""
    try:
        return path.resolve().relative_to(Path.cwd().resolve()).as_posix() or "."
    except ValueError:
        return str(path)
