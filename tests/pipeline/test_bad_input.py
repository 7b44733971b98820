"""Bad input through the CLI: a `path:line: field: message` line, exit 1, old public/ intact."""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

import pytest

from sitegen.cli import main

PAPER = "content/papers/open-peer-review-ledger/paper.md"


def _digest(folder: Path) -> dict[str, str]:
    return {
        p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


CASES = {
    # case: (file, old, new, field expected in the message, extra CLI args)
    "broken-yaml": (PAPER, 'title: "A year', 'title: [ "A year', "yaml", ()),
    "wrong-type": (
        PAPER,
        "    affiliation: 3\n",
        "    affiliation: {x: 1}\n",
        "authors[2].affiliation",
        (),
    ),
    "bad-orcid": (PAPER, "0000-0002-1825-0126", "0000-0002-1825-0127", "authors[0].orcid", ()),
    "bad-doi": (PAPER, "doi: 10.5555/", "doi: 11.5555/", "doi", ()),
    "bad-date": (PAPER, "date: 2024-03-15", "date: 2024-02-31", "date", ()),
    "unknown-citation": (PAPER, "[@eip712]", "[@no-such-key]", "citation", ()),
    "missing-figure": (PAPER, "figures/reports.png", "figures/missing.png", "image", ("--strict",)),
    "unknown-config-key": ("sitegen.yaml", "title:", "titel: x\ntitle:", "titel", ()),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_bad_input_is_reported_and_loses_nothing(case: str, demo: Path, capsys, monkeypatch):
    monkeypatch.chdir(demo)
    assert main(["build"]) == 0
    before = _digest(demo / "public")
    capsys.readouterr()
    rel, old, new, field, extra = CASES[case]
    _edit(demo / rel, old, new)
    assert main(["build", *extra]) == 1
    err = capsys.readouterr().err
    pattern = rf"^{re.escape(rel)}:\d+: {re.escape(field)}: .+$"
    assert re.search(pattern, err, flags=re.M), err
    assert _digest(demo / "public") == before
    assert main(["check", *extra]) == 1
