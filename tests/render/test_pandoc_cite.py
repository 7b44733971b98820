"""Reading pandoc citations: the quick path for bare keys reads them as the full reader."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from sitegen.render.doc import CiteItem
from sitegen.render.pandoc_cite import _read_items, parse_citation

CORPUS = Path(__file__).resolve().parents[2].parent / "shared" / "corpus" / "joss"

MADE = [
    "@a",
    "@a; @b",
    "@a;@b",
    " @a ;\n @b ",
    "@{weird key}",
    "@{a}; @b.c",
    "@a-b_c:d/e.f",
    "@a.",
    "@a;",
    "@a;; @b",
    "-@a; @b",
    "@a; -@b",
    "@a, p. 3",
    "see @a; @b",
    "@a, @b",
    "@a @b",
    "AIA; @a",
    "@a; and more",
    "@@a",
    "@a?",
    "@a~",
    "email a@b.org; @c",
]


def _contents() -> list[str]:
    found = list(MADE)
    for paper in sorted(CORPUS.glob("*/paper.md")) if CORPUS.is_dir() else []:
        found += re.findall(r"\[([^\[\]]*@[^\[\]]*)\]", paper.read_text(encoding="utf-8"))
    return found


CONTENTS = _contents()


def test_there_are_real_citations() -> None:
    assert len(CONTENTS) > 200 or not CORPUS.is_dir()


@pytest.mark.parametrize("content", CONTENTS)
def test_quick_path_reads_as_the_full_reader(content: str) -> None:
    items = parse_citation(content)
    if items is not None:
        assert items == _read_items(content)


def test_bare_keys() -> None:
    assert parse_citation("@a;@{b:c}; @d.e") == [CiteItem("a"), CiteItem("b:c"), CiteItem("d.e")]
    assert parse_citation("no key here") is None
    assert parse_citation("-@a; @b") == [CiteItem("a", suppress_author=True), CiteItem("b")]
    assert parse_citation("see @a, p. 3") == [CiteItem("a", prefix="see", locator="p. 3")]


def test_bare_bracket_shortcut_reads_as_the_general_path() -> None:
    # ``[@a; @b]`` takes one pattern (``_BARE_BRACKET``) in ``bracket_citation_rule``: where
    # it matches, the closing bracket and the items must be the general path's.
    import random

    from sitegen.render.doc import CiteItem
    from sitegen.render.pandoc_cite import (
        _BARE_BRACKET,
        _PLAIN_KEY_RE,
        _matching_bracket,
        parse_citation,
    )

    rng = random.Random(7)
    alphabet = ["@a", "@b1", "@x.y", "@\u00e9", "@a-", ";", ";", " ", "-", ".", ":", "@", "\\"]
    alphabet += ["[", "]", "{x}", "a", "\u2003", "\n", "p. 3", ",", "_", "/", "^"]
    texts = ["[@a]", "[@a; @b]", "[ @a.b ;@c-d ]", "[@a.]", "[@{a]b}]", "[@a;]", "[-@a]"]
    for _ in range(30000):
        inner = "".join(rng.choice(alphabet) for _ in range(rng.randint(1, 6)))
        texts.append("[" + inner + rng.choice(["]", "]", "] x", "](u)"]))
    matched = 0
    for text in texts:
        bare = _BARE_BRACKET.match(text)
        if bare is None:
            continue
        matched += 1
        close = _matching_bracket(text, 0, len(text))
        assert close == bare.end() - 1, text
        items = [CiteItem(key=key) for key in _PLAIN_KEY_RE.findall(bare.group(1))]
        assert parse_citation(text[1:close]) == items, text
    assert matched > 500
