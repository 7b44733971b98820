"""Markdown cases in markdown-it's fixture format (title / . / input / . / expected / .)."""

from __future__ import annotations

from pathlib import Path

import pytest

from sitegen.render.doc import RenderContext
from sitegen.render.markdown import render_markdown

FIXTURES = Path(__file__).parent / "fixtures"


def read_fixtures(path: Path) -> list[tuple[str, str, str]]:
    """Parse a fixture file into (title, input, expected) triples."""
    lines = path.read_text(encoding="utf-8").split("\n")
    cases, i = [], 0
    while i < len(lines):
        if lines[i].strip() == "" or lines[i] == ".":
            i += 1
            continue
        title = lines[i]
        assert lines[i + 1] == ".", f"{path}:{i + 2}: expected '.'"
        j = i + 2
        parts: list[list[str]] = [[], []]
        for part in parts:
            while lines[j] != ".":
                part.append(lines[j])
                j += 1
            j += 1
        cases.append((title, "\n".join(parts[0]) + "\n", "\n".join(parts[1]) + "\n"))
        i = j
    return cases


CASES = read_fixtures(FIXTURES / "markdown.md")


@pytest.mark.parametrize(("title", "source", "expected"), CASES, ids=[c[0] for c in CASES])
def test_fixture(title: str, source: str, expected: str) -> None:
    doc = render_markdown(source, RenderContext(path="case.md"))
    assert doc.html.strip() == expected.strip(), title
    assert not doc.diagnostics
