"""Reading pandoc citations: the quick path for bare keys reads them as the full reader."""

from __future__ import annotations

import html
import re
from pathlib import Path
from typing import Any

import pytest

from sitegen.render.doc import CiteItem
from sitegen.render.mdstate import doc_state
from sitegen.render.pandoc_cite import _read_items, _render_xref, parse_citation

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
        _bare_items,
        _matching_bracket,
        parse_citation,
    )

    rng = random.Random(7)
    alphabet = ["@a", "@b1", "@x.y", "@\u00e9", "@a-", ";", ";", " ", "-", ".", ":", "@", "\\"]
    alphabet += ["[", "]", "{x}", "a", "\u2003", "\n", "p. 3", ",", "_", "/", "^", "\x1f", "\t"]
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
        assert _bare_items(bare.group(1)) == items, text
    assert matched > 500


def _former_render_citation(token_meta: dict[str, Any], raw: str, env: dict[str, Any]) -> str:
    """``render_citation`` before its quick path for all-reference citations."""
    doc = doc_state(env)
    items: list[CiteItem] = token_meta["items"]
    if all(i.key in doc.labels for i in items):
        return "; ".join(_render_xref(doc, i) for i in items)
    processor = doc.processor
    if processor is None or doc.inline_only:
        return html.escape(raw)
    if token_meta["in_text"] and doc.ctx.bibliography is None:
        return html.escape(raw)
    known = [i for i in items if processor.has(i.key)]
    missing = [i for i in items if not processor.has(i.key) and i.key not in doc.labels]
    for item in missing:
        where = "no bibliography is given" if doc.ctx.bibliography is None else "not in the"
        doc.error(token_meta["line"], "citation", f"unknown '@{item.key}' ({where})")
    parts = [processor.cite(known, in_text=token_meta["in_text"])] if known else []
    parts.extend(_render_xref(doc, i) for i in items if i.key in doc.labels)
    parts.extend(f"<mark>@{html.escape(i.key)}</mark>" for i in missing)
    return "; ".join(parts)


@pytest.mark.parametrize("style", ["numeric", "author-year"])
@pytest.mark.parametrize("figure", ["", "![Cap](f.png){#fig:a}\n\n"])
@pytest.mark.parametrize("bibliography", [True, False])
def test_render_citation_as_before(
    style: str, figure: str, bibliography: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Every mix of references, labels, case-only mismatches and unknown keys, bracketed
    # and in text, renders as the former render_citation renders it (the unknown-key
    # marks and messages differ on purpose: only where they come is compared).
    import random

    import sitegen.render.markdown as md
    from sitegen.render.bibtex import parse_bibtex
    from sitegen.render.doc import RenderContext

    bib = "@misc{smith, author={Smith, J.}, year=2020}\n@misc{Doe, author={Doe, A. & B.}}\n"
    bib += "@misc{fig:a, title={A key that is a label, too}}\n"
    ctx = RenderContext(
        path="paper.md",
        bibliography=parse_bibtex(bib, "paper.bib")[0] if bibliography else None,
        citation_style=style,
    )
    rng = random.Random(3)
    keys = ["@smith", "@SMITH", "@doe", "@fig:a", "@none", "-@smith", "see @smith, p. 3"]
    lines = [figure]
    for _ in range(300):
        picked = [rng.choice(keys) for _ in range(rng.randint(1, 3))]
        lines.append(f"[{'; '.join(picked)}] and {rng.choice(keys).lstrip('-')} [p. 4].\n")
    text = "\n".join(lines)

    def rendered() -> tuple[str, list[tuple[int | None, str]]]:
        doc = md.render_markdown(text, ctx)
        marks = re.sub(r'<mark class="citation-unknown"[^>]*>', "<mark>", doc.html)
        return marks, [(d.line, d.field or "") for d in doc.diagnostics]

    now = rendered()
    monkeypatch.setattr(md, "render_citation", _former_render_citation)
    assert now == rendered()
