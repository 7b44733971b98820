"""``sitegen check``: validate everything a build would, write nothing."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser("check", help="validate the journal without writing anything")
    p.add_argument("-s", "--source", default=".", metavar="SRC")
    p.add_argument("--strict", action="store_true")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from sitegen.pipeline import BuildOptions, check

    diags = check(BuildOptions(source=Path(args.source), strict=args.strict))
    errors = [d for d in diags if d.severity == "error"]
    warnings = [d for d in diags if d.severity == "warning"]
    if args.json:
        doc = {
            "ok": not errors,
            "errors": [d.to_json() for d in errors],
            "warnings": [d.to_json() for d in warnings],
        }
        print(json.dumps(doc, indent=2))
    else:
        for diag in diags:
            print(diag.format(), file=sys.stderr)
        print(f"{len(errors)} errors, {len(warnings)} warnings")
    return 1 if errors else 0
