"""The search doc's shortcuts against plain reference versions of what they compute.

``html_to_text``, ``utf8_token_counts``, ``weigh_terms`` and ``index.shard_items``
take shortcuts for speed (they run for every paper of a cold build); each must give
exactly what the straightforward definition below gives, on real papers and on random
inputs built to hit the cases the shortcuts argue about.
"""

from __future__ import annotations

import html
import random
import re
from collections import Counter
from itertools import groupby
from pathlib import Path

import pytest

from sitegen.searchindex import html_to_text, make_doc, tokenize
from sitegen.searchindex.doc import FIELD_CAP, FIELD_WEIGHTS, MAX_WEIGHT, weigh_terms
from sitegen.searchindex.index import shard_items
from sitegen.searchindex.text import (
    _FOLDS_TO_NAME,
    _exact_tag_strip,
    _fast_tag_strip,
    token_counts,
    utf8_token_counts,
)

REPO = Path(__file__).resolve().parents[2]
JOSS = REPO.parent / "shared" / "corpus" / "joss"

_BLOCK = re.compile(
    r"</?(?:address|article|aside|blockquote|br|caption|dd|div|dl|dt|figcaption|figure|"
    r"footer|h[1-6]|header|hr|li|ol|p|pre|section|table|td|th|tr|ul)\b[^>]*>",
    re.I,
)


def reference_html_to_text(markup: str, *, collapse: bool = True) -> str:
    """The five substitutions ``html_to_text`` is defined by, one after another."""
    text = re.sub(r"<math\b.*?</math>", " ", markup, flags=re.S | re.I)
    text = re.sub(r"<(script|style|template)\b.*?</\1\s*>", " ", text, flags=re.S | re.I)
    text = re.sub(r"<!--.*?-->", " ", text, flags=re.S)
    text = html.unescape(re.sub(r"<[^>]*>", "", _BLOCK.sub(" ", text)))
    return " ".join(text.split()) if collapse else text


def reference_terms(fields: dict[str, str]) -> list[str]:
    """The ``term:weight`` items of ``weigh_terms``, sorted (its own order is unspecified)."""
    weights: dict[str, int] = {}
    for name, text in fields.items():
        per, cap = FIELD_WEIGHTS[name], FIELD_CAP[name]
        for term, n in Counter(tokenize(text)).items():
            weights[term] = weights.get(term, 0) + per * min(n, cap)
    return sorted(f"{t}:{min(w, MAX_WEIGHT)}" for t, w in weights.items())


def items_of(terms: str) -> list[str]:
    """A ``terms`` string's items, sorted; ``[]`` for no terms."""
    return sorted(terms.split(" ")) if terms else []


def reference_shards(terms: str) -> dict[str, set[str]]:
    return {
        key: set(group)
        for key, group in groupby(items_of(terms), lambda item: item.partition(":")[0][:2])
    }


_MARKUP = [
    *("<p>", "</p>", "<P>", "<p class='x'>", "<DIV>", "</Div >", "<d\u0131v>", "<\u017fection>"),
    *("<li>", "</li>", "<td>", "<tdx>", "<h2 id=a>", "<br>", "<Br/>", "<hr/>", "<pre>"),
    *("<span class='k'>", "</span>", "<em>", "</em>", '<a href="#r">', "</a>", "<sub>"),
    *('<img alt="a > b">', "<p title='<'>", "<Span>", "<\u212abd>", "<\u0130>", "<x\u0131>"),
    *("<math><mi>x</mi><mo>=</mo><mn>4</mn></math>", "<MATH display=block><mi>y</mi></Math>"),
    *("<math>", "</math>", "<mathx>", "<script>a b</script>", "<Style>c</STYLE >"),
    *("<template>", "</template>", "<scripts>", "<!-- note -->", "<!--", "-->", "<!x>"),
    *("<", ">", "<<", "< p>", "</", "&amp;", "&lt;p&gt;", "&eacute;", "&#233;", "&not"),
    *("&", ";", "#", "H", "2", "O", " ", "\n", "\t", "word", "M\u00fcller", "\u03a3\u039f\u03a3"),
]
_TEXT = [
    *("ab", "Cd", "x", "7", "the", "of", "42x", "MÜLLER", "na\u00efve", "e\u0301te\u0301"),
    *("\u03a3", "\u03c3", "\u03c2", "\u03f9", "\u0130stanbul", "\u0131", "\u212a", "\u017f"),
    *("\ufb01eld", "x\u00b2", "\uff29\uff30", "\u6570\u636e", "\u2160", "\u00bd", "\u2474"),
    *("\u21a9\ufe0e", "\U0001f600", "\u0301", "\u00a0", "\u2003", "\u0085", "\u3000", "\u2014"),
    *(" ", "  ", "\n", "-", "_", ".", ",", "'", ":", "\x1f", "/", "ab\u00a0cd"),
]


def _random_markup(rng: random.Random) -> str:
    return "".join(rng.choice(_MARKUP + _TEXT) for _ in range(rng.randrange(40)))


def _random_text(rng: random.Random) -> str:
    return "".join(rng.choice(_TEXT) for _ in range(rng.randrange(60)))


def test_html_to_text_equals_the_five_passes_on_random_markup() -> None:
    rng = random.Random(8)
    fast = 0
    for _ in range(6000):
        markup = _random_markup(rng)
        assert html_to_text(markup, collapse=False) == reference_html_to_text(
            markup, collapse=False
        ), markup
        assert html_to_text(markup) == reference_html_to_text(markup), markup
        stripped = _fast_tag_strip(markup)
        assert stripped is None or stripped == _exact_tag_strip(markup), markup
        fast += stripped is not None
    assert fast > 600  # the shortcut is exercised, not always refused


def test_html_to_text_takes_the_shortcut_on_renderer_output_only() -> None:
    body = (
        '<h2 id="a" data-secno="1">Intro</h2>\n<p>We use <em>con</em>tent &amp; '
        '<a href="#r" class="citation">Wang &amp; Park</a> <math display="inline">'
        "<mi>σ</mi><mo>&lt;</mo><mn>2</mn></math>H<sub>2</sub>O.</p>"
        '<pre><code><span class="k">def</span> f</code></pre><sup><a href="#fn1">↩︎</a></sup>'
    )
    assert _fast_tag_strip(body) == _exact_tag_strip(body)
    for odd in ("<P>x</P>", "<d\u0131v>x</d\u0131v>", "<!-- c -->x", "<script>x</script>"):
        assert _fast_tag_strip(body + odd) is None
        assert html_to_text(body + odd) == reference_html_to_text(body + odd)


def test_folds_to_name_is_every_other_character_ignorecase_matches() -> None:
    """``_LOWER_BLOCK_TAG`` is exact only if ``_FOLDS_TO_NAME`` lists every character
    that a lowercase letter or digit of a tag name matches under IGNORECASE."""
    everything = "".join(map(chr, (*range(0xD800), *range(0xE000, 0x110000))))
    folded = set()
    for c in "abcdefghijklmnopqrstuvwxyz0123456789":
        folded.update(re.findall(re.escape(c), everything, re.I))
    listed = set(re.findall(f"[{_FOLDS_TO_NAME}]", everything))
    assert folded - set("abcdefghijklmnopqrstuvwxyz0123456789") == listed


def test_lowercasing_never_makes_an_ascii_separator() -> None:
    """``utf8_token_counts`` splits before it lowercases characters outside ASCII."""
    for code in (*range(0x80, 0xD800), *range(0xE000, 0x110000)):
        lowered = chr(code).lower()
        assert all(c >= "\x80" or c.isalnum() for c in lowered), hex(code)


def test_token_counts_equal_counted_tokens_on_random_text() -> None:
    rng = random.Random(9)
    for _ in range(4000):
        text = _random_text(rng)
        expected = Counter(tokenize(text))
        assert token_counts(text) == expected, text
        assert {t.decode(): n for t, n in utf8_token_counts(text).items()} == expected


def test_weigh_terms_equals_the_plain_sum_on_random_fields() -> None:
    rng = random.Random(10)
    for _ in range(1500):
        fields = {name: _random_text(rng) * rng.randrange(3) for name in FIELD_WEIGHTS}
        if rng.random() < 0.3:  # a body smaller than other fields, or none
            fields["body"] = rng.choice(["", "the ab ab"])
        assert items_of(weigh_terms(fields)) == reference_terms(fields), fields


def test_weigh_terms_is_deterministic_and_in_first_occurrence_order() -> None:
    fields = {"title": "Zebra graphs", "body": "alpha zebra beta alpha", "abstract": "beta"}
    assert weigh_terms(fields) == "zebra:21 graphs:20 beta:4 alpha:2"
    assert weigh_terms(dict(fields)) == weigh_terms(fields)


def test_shard_items_equal_grouped_terms() -> None:
    rng = random.Random(11)
    for _ in range(300):
        fields = {name: _random_text(rng) for name in FIELD_WEIGHTS}
        doc = make_doc(
            url="papers/x/",
            title=fields["title"],
            authors=[fields["authors"]],
            meta="",
            abstract_text=fields["abstract"],
            keywords=[fields["keywords"]],
            body_text=fields["body"],
        )
        assert shard_items(doc.terms) == reference_shards(doc.terms)


def _real_papers() -> list[Path]:
    folders = [p for p in sorted((REPO / "content" / "papers").iterdir()) if p.is_dir()]
    if JOSS.is_dir():
        folders += [p for p in sorted(JOSS.iterdir()) if p.is_dir()]
    return folders


def test_real_papers_give_the_reference_search_doc() -> None:
    """The demo journal and (when present) the 38 JOSS papers: renderer output as the
    search doc sees it, every shortcut against its reference."""
    from sitegen.content.config import load_config
    from sitegen.content.journal import load_paper
    from sitegen.render.paper import render_paper, search_doc

    config, _ = load_config(REPO)
    seen = 0
    for folder in _real_papers():
        paper, _ = load_paper(folder)
        if paper is None:
            continue
        render, _ = render_paper(paper, config.citation_style)
        markup = render.body.html
        assert _fast_tag_strip(markup) == _exact_tag_strip(markup)
        doc = search_doc(paper, render)
        fields = {
            "title": reference_html_to_text(render.title_html),
            "authors": " ".join(a.name for a in paper.authors),
            "keywords": " ".join(paper.keywords),
            "abstract": render.abstract_text,
            "body": reference_html_to_text(markup, collapse=False),
        }
        assert items_of(doc.terms) == reference_terms(fields)
        assert shard_items(doc.terms) == reference_shards(doc.terms)
        seen += 1
    if seen < 6:
        pytest.fail(f"only {seen} real papers rendered")
