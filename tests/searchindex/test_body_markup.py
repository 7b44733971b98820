"""The body's search terms counted from its markup (``markup_token_counts``,
``make_doc(body_html=...)``) against the former way, counting the text ``html_to_text``
makes of it: the same counts, in the same order, so the same doc to the byte.

The inputs are the demo journal's and the 38 JOSS papers' rendered bodies, variants of
each with the cases the one-pass strip argues about spliced in (entities cut short next to
tags, comments, hidden elements, tag names in capitals or with folding characters, stray
``<``), and random markup.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from dataclasses import astuple

from test_fast_paths import _random_markup, _real_papers

from sitegen.searchindex import SearchDoc, html_to_text, make_doc
from sitegen.searchindex.text import _TOKEN_TAG, markup_token_counts, utf8_token_counts

_SPLICES = [
    *("&amp", "&amp<p>lt;", "&lt</p>", "&#65<br>", "&#x41<p>", "&ampx<div>y;", "&<p>#65;"),
    *("&eacute<td>", "&e<p>acute;", "&notit<p>", "&" + "a" * 31 + "<p>b;", "&amp;<hr/>"),
    *("<!-- c -->", "<script>x y</script>", "<STYLE>z</STYLE>", "<P>up</P>", "<Div>"),
    *("<d\u0131v>i</d\u0131v>", "<\u017fection>", "<math><mi>x</mi></math>", "<MATH>q</MATH>"),
    *("<math>", "< p>", "<a <p>", "a<b", "H<sub>2</sub>O", "x<p>y", "x<br/>y", "\u03a3<p>\u03a3"),
    *("\u21a9\ufe0e", "M\u00fcller", "\u0130stanbul", "na\u00efve", "\ufb01eld", " the of a "),
]


def _former_counts(markup: str) -> dict[bytes, int]:
    return utf8_token_counts(html_to_text(markup, collapse=False))


def _assert_same_counts(markup: str) -> None:
    got, expected = markup_token_counts(markup), _former_counts(markup)
    assert list(got.items()) == list(expected.items()), markup


def _former_doc(fields: dict[str, object], body_html: str) -> SearchDoc:
    return make_doc(**fields, body_text=html_to_text(body_html, collapse=False))  # type: ignore[arg-type]


def _assert_same_doc(fields: dict[str, object], body_html: str) -> None:
    new = make_doc(**fields, body_html=body_html)  # type: ignore[arg-type]
    old = _former_doc(fields, body_html)
    assert astuple(new) == astuple(old)
    assert (new.digest, new.facet_sum) == (old.digest, old.facet_sum)


def _rendered() -> Iterator[tuple[dict[str, object], str]]:
    """Per real paper: ``make_doc``'s fields but the body, and the body's markup."""
    from sitegen.content.config import load_config
    from sitegen.content.journal import load_paper
    from sitegen.render.paper import render_paper

    config, _ = load_config(_real_papers()[0].parents[2])
    for folder in _real_papers():
        paper, _ = load_paper(folder)
        if paper is None:
            continue
        render, _ = render_paper(paper, config.citation_style)
        fields: dict[str, object] = {
            "url": f"papers/{paper.slug}/",
            "title": html_to_text(render.title_html),
            "authors": [a.name for a in paper.authors],
            "meta": "m",
            "abstract_text": render.abstract_text,
            "keywords": paper.keywords,
            "volume": "Vol. 1",
        }
        yield fields, render.body.html


def _variants(markup: str, rng: random.Random) -> Iterator[str]:
    """``markup`` with splices at tag boundaries and inside text."""
    cuts = [i for i, c in enumerate(markup) if c in "<> "] or [0]
    for _ in range(12):
        at = rng.choice(cuts)
        yield markup[:at] + rng.choice(_SPLICES) + markup[at:]
    yield markup.replace("<p>", "<p>&amp", 3)
    yield markup.replace("</p>", "&lt</p>", 3)


def test_real_bodies_and_their_variants_give_the_former_counts_and_doc() -> None:
    rng = random.Random(42)
    seen = shortcut = 0
    for fields, markup in _rendered():
        seen += 1
        shortcut += "<" not in _TOKEN_TAG.sub("", markup)
        _assert_same_counts(markup)
        _assert_same_doc(fields, markup)
        _assert_same_doc({**fields, "abstract_text": ""}, markup)  # the excerpt from the body
        for variant in _variants(markup, rng):
            _assert_same_counts(variant)
            _assert_same_doc(fields, variant)
    assert seen >= 6
    assert shortcut == seen  # renderer output takes the one pass


def test_random_markup_gives_the_former_counts() -> None:
    rng = random.Random(43)
    shortcut = 0
    for _ in range(6000):
        markup = _random_markup(rng)
        if rng.random() < 0.5:
            markup = "".join(rng.choice(_SPLICES) if rng.random() < 0.3 else c for c in markup)
        _assert_same_counts(markup)
        shortcut += "<" not in _TOKEN_TAG.sub("", markup)
    assert shortcut > 600


def test_docs_without_a_body_or_with_an_empty_one() -> None:
    fields: dict[str, object] = {
        "url": "papers/x/",
        "title": "Reef graphs",
        "authors": ["A. One"],
        "meta": "",
        "abstract_text": "",
        "keywords": ["ecology"],
    }
    for markup in ("", "<p></p>", "<p>a of</p>", "<math><mi>x</mi></math>", "<p>reef reef</p>"):
        _assert_same_doc(fields, markup)
        _assert_same_doc({**fields, "title": "", "authors": [], "keywords": []}, markup)
    doc = make_doc(**fields, body_html="<p>reef</p>")  # type: ignore[arg-type]
    assert doc.term_weights() == {"reef": 21, "graphs": 20, "one": 12, "ecology": 12}
