"""Markdown texts for differential tests: given cases, the fixture file, the 38 real papers."""

from __future__ import annotations

from pathlib import Path

CORPUS = Path(__file__).resolve().parents[2].parent / "shared" / "corpus" / "joss"
FIXTURE = Path(__file__).parent / "fixtures" / "markdown.md"


def markdown_sources(cases: list[str], prefix: str) -> list[tuple[str, str]]:
    """``(name, text)`` for each case (named ``prefix`` + its index), the fixture and the
    corpus papers (by folder name), for ``pytest.mark.parametrize``."""
    found = [(f"{prefix}{i}", text) for i, text in enumerate(cases)]
    found.append(("fixture", FIXTURE.read_text(encoding="utf-8")))
    if CORPUS.is_dir():
        found += [
            (p.parent.name, p.read_text(encoding="utf-8"))
            for p in sorted(CORPUS.glob("*/paper.md"))
        ]
    return found
