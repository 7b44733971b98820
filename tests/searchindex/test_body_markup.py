"""The search doc's newer shortcuts against the code they replaced, which must give
the same doc to the byte (terms in the same order, so the same digest):

* the body's terms counted from its markup (``markup_token_counts``,
  ``make_doc(body_html=...)``) against counting the text ``html_to_text`` makes of it;
* ``utf8_token_counts`` (short words and stopwords popped) and ``weigh_counts`` (items
  interleaved by slice assignment) against their former versions, kept here as
  ``former_*``, and the digest against its field-by-field hash.

The inputs are the demo journal's and the 38 JOSS papers' rendered bodies, variants of
each with the cases the one-pass strip argues about spliced in (entities cut short next to
tags, comments, hidden elements, tag names in capitals or with folding characters, stray
``<``), random markup and random text.
"""

from __future__ import annotations

import hashlib
import random
import unicodedata
from collections import Counter
from collections.abc import Iterator
from dataclasses import astuple
from itertools import chain, filterfalse, repeat
from operator import add

from test_fast_paths import _random_markup, _random_text, _real_papers

from sitegen.searchindex import SearchDoc, html_to_text, make_doc, tokenize
from sitegen.searchindex.doc import (
    _CAPPED,
    _ITEM_END,
    _ITEM_END_BY_COUNT,
    FIELD_CAP,
    FIELD_WEIGHTS,
    MAX_WEIGHT,
    weigh_terms,
)
from sitegen.searchindex.text import (
    _ASCII_SEPARATORS,
    _CAPITAL_SIGMA,
    _DROPPED,
    _NON_ASCII_RUN,
    _TOKEN,
    _TOKEN_TAG,
    _strip_marks,
    markup_token_counts,
    utf8_token_counts,
)

_SPLICES = [
    *("&amp", "&amp<p>lt;", "&lt</p>", "&#65<br>", "&#x41<p>", "&ampx<div>y;", "&<p>#65;"),
    *("&eacute<td>", "&e<p>acute;", "&notit<p>", "&" + "a" * 31 + "<p>b;", "&amp;<hr/>"),
    *("<!-- c -->", "<script>x y</script>", "<STYLE>z</STYLE>", "<P>up</P>", "<Div>"),
    *("<d\u0131v>i</d\u0131v>", "<\u017fection>", "<math><mi>x</mi></math>", "<MATH>q</MATH>"),
    *("<math>", "< p>", "<a <p>", "a<b", "H<sub>2</sub>O", "x<p>y", "x<br/>y", "\u03a3<p>\u03a3"),
    *("\u21a9\ufe0e", "M\u00fcller", "\u0130stanbul", "na\u00efve", "\ufb01eld", " the of a "),
]


def former_utf8_token_counts(text: str) -> dict[bytes, int]:
    """``utf8_token_counts`` before the popped stopwords."""
    data = text.encode("utf-8")
    counts = Counter(data.translate(_ASCII_SEPARATORS).split())
    if not data.isascii():
        found = [(piece, counts.pop(piece)) for piece in list(filterfalse(bytes.isascii, counts))]
        for piece, n in found:
            key = piece.decode("utf-8")
            folded = unicodedata.normalize("NFKD", key.lower())
            if _CAPITAL_SIGMA in key or _CAPITAL_SIGMA in folded:
                return Counter(w.encode("utf-8") for w in tokenize(text))
            for word in _TOKEN.findall(_NON_ASCII_RUN.sub(_strip_marks, folded).lower()):
                word_bytes = word.encode("utf-8")
                counts[word_bytes] = counts.get(word_bytes, 0) + n
    for dropped in counts.keys() & _DROPPED:
        counts.pop(dropped)
    return counts


def former_weigh_terms(fields: dict[str, str]) -> str:
    """``weigh_terms`` before the interleaved items (``term + end`` joined)."""
    counts = {name: former_utf8_token_counts(text) for name, text in fields.items() if text}
    if not counts:
        return ""
    big = max(counts, key=lambda name: len(counts[name]))
    big_counts = counts.pop(big)
    others: dict[bytes, int] = {}
    for name, field_counts in counts.items():
        per, cap = FIELD_WEIGHTS[name], FIELD_CAP[name]
        for term, n in field_counts.items():
            others[term] = others.get(term, 0) + per * min(n, cap)
    shared: list[bytes] = []
    for term, w in others.items():
        w += _CAPPED[big][min(big_counts.pop(term, 0), FIELD_CAP[big])]
        shared.append(term + _ITEM_END[min(w, MAX_WEIGHT)])
    ends = map(
        _ITEM_END_BY_COUNT[big].get, big_counts.values(), repeat(_ITEM_END[_CAPPED[big][-1]])
    )
    return b"".join(chain(shared, map(add, big_counts, ends)))[:-1].decode("utf-8")


def test_token_counts_and_weights_equal_the_former_ones_in_order() -> None:
    rng = random.Random(44)
    for _ in range(3000):
        text = _random_text(rng)
        assert list(utf8_token_counts(text).items()) == list(
            former_utf8_token_counts(text).items()
        ), text
        fields = {name: _random_text(rng) * rng.randrange(3) for name in FIELD_WEIGHTS}
        if rng.random() < 0.3:
            fields["body"] = rng.choice(["", "the ab ab", text * 3])
        assert weigh_terms(fields) == former_weigh_terms(fields), fields


def _former_counts(markup: str) -> dict[bytes, int]:
    return former_utf8_token_counts(html_to_text(markup, collapse=False))


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
    former_terms = former_weigh_terms(
        {
            "title": str(fields["title"]),
            "authors": " ".join(fields["authors"]),  # type: ignore[arg-type]
            "keywords": " ".join(fields["keywords"]),  # type: ignore[arg-type]
            "abstract": str(fields["abstract_text"]),
            "body": html_to_text(body_html, collapse=False),
        }
    )
    assert new.terms == former_terms
    assert new.digest == former_digest(new)


def former_digest(doc: SearchDoc) -> str:
    """``SearchDoc.digest`` as it was computed field by field."""
    h = hashlib.blake2b(digest_size=16)
    for part in (doc.url, doc.title, doc.authors, doc.meta, doc.excerpt, doc.terms):
        h.update(part.encode("utf-8", "surrogatepass"))
        h.update(b"\x00")
    h.update(
        b"\x00".join(
            "\x01".join(values).encode("utf-8", "surrogatepass")
            for values in ((doc.volume,), doc.subjects, doc.author_names)
        )
    )
    return h.hexdigest()


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


def test_digest_equals_the_field_by_field_hash() -> None:
    for parts in (("", "", "", "", "", ""), ("u/", "T\ud800", "\udc00a", "m", "é x", "ab:3 cd:60")):
        doc = SearchDoc(*parts, volume="Vol. 1", subjects=("a b",), author_names=("\ud83d",))
        assert doc.digest == former_digest(doc)
