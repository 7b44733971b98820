"""Paper cards rendered once and filled in per page (``sitegen.render.cards``) print
what a direct call of the card prints, on every kind of page, for the default theme's
card and for cards that use their links in ways a marker cannot follow."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import jinja2
import pytest

from sitegen.render.cards import CHECKS, CardMemo
from sitegen.render.reuse import LinkMemo, PageLinks
from sitegen.render.theme import make_environment, resolve_theme

PAGES = [
    "index.html",
    "papers/index.html",
    "papers/page/2/index.html",
    "authors/a/index.html",
    "authors/b/index.html",
    "authors/a/page/2/index.html",
    "subjects/s/index.html",
    "issues/1/2/index.html",
    "issues/1/2/page/3/index.html",
    "x&y/index.html",
    "odd/./../p/index.html",
]


@dataclass(frozen=True)
class Item:
    slug: str
    title: str

    @property
    def url(self) -> str:
        return f"papers/{self.slug}/"


ITEMS = [Item("a", "A & <b>"), Item("b-2", "B\x00"), Item("c&d", "C"), Item("é", "É")]


def _render_all(env: jinja2.Environment, card: str, memo: CardMemo) -> None:
    """Every item on every page (twice over), cached against a direct call of ``card``."""
    macro = env.get_template("cards.html").module.card  # type: ignore[attr-defined]
    cached = env.from_string("{% for e in items %}{{ cached_card(card, e, rel) }}{% endfor %}")
    direct = env.from_string("{% for e in items %}{{ card(e, rel) }}{% endfor %}")
    links = LinkMemo()
    for page in PAGES * 2:
        got = cached.render(items=ITEMS, card=macro, rel=PageLinks(page, links, memo))
        want = direct.render(items=ITEMS, card=macro, rel=PageLinks(page))
        assert got == want, (card, page)


def _env(tmp_path: Path, card: str) -> jinja2.Environment:
    (tmp_path / "templates").mkdir(exist_ok=True)
    (tmp_path / "templates" / "cards.html").write_text(card, "utf-8")
    return make_environment(resolve_theme(tmp_path, "default", "sitegen.yaml"))


CARDS = {
    "plain": "{% macro card(e, rel) %}<a href='{{ rel(e.url) }}'>{{ e.title }}</a>{% endmacro %}",
    "two links, one twice": (
        "{% macro card(e, rel) %}{% set u = rel(e.url) %}<a href='{{ u }}'>{{ e.title }}</a>"
        "<a href='{{ rel('authors/' ~ e.slug ~ '/') }}'>{{ u }}</a>{% endmacro %}"
    ),
    "safe": "{% macro card(e, rel) %}{{ rel(e.url) | safe }}{% endmacro %}",
    "no link": "{% macro card(e, rel) %}{{ e.title }}{% endmacro %}",
    "asked, not printed": "{% macro card(e, rel) %}{% set u = rel(e.url) %}{{ e.title }}{% endmacro %}",
    "urlencoded": "{% macro card(e, rel) %}{{ rel(e.url) | urlencode }}{% endmacro %}",
    "length": "{% macro card(e, rel) %}{{ rel(e.url) }}:{{ rel(e.url) | length }}{% endmacro %}",
    "branches": (
        "{% macro card(e, rel) %}{% if rel(e.url).startswith('..') %}up {% endif %}"
        "{{ rel(e.url) }}{% endmacro %}"
    ),
    "upper": "{% macro card(e, rel) %}{{ rel(e.url) | upper }}{% endmacro %}",
    "uses rel's own methods": (
        "{% macro card(e, rel) %}{{ rel.answers((e.url,)) | join }}{% endmacro %}"
    ),
}


@pytest.mark.parametrize("name", sorted(CARDS))
def test_filled_cards_equal_direct_calls(tmp_path: Path, name: str) -> None:
    env = _env(tmp_path, CARDS[name])
    _render_all(env, CARDS[name], CardMemo())


def test_the_default_card_is_rendered_once_per_paper(tmp_path: Path) -> None:
    env = make_environment(resolve_theme(tmp_path, "default", "sitegen.yaml"))
    macros = env.get_template("macros.html").module
    card = macros.paper_card  # type: ignore[attr-defined]
    calls: list[object] = []

    def counted(entry: object, rel: object) -> object:
        calls.append(entry)
        return card(entry, rel)

    import datetime as dt

    from sitegen.content.model import Author, Paper
    from sitegen.render.doc import RenderedDoc
    from sitegen.render.model import PaperEntry, PaperRender

    entries = []
    for n in range(30):
        paper = Paper(
            slug=f"p{n}",
            dir=Path("."),
            source_path=f"content/papers/p{n}/paper.md",
            title=f"Paper {n}",
            authors=(Author(name=f"Author {n}"), Author(name="B & C")),
            body="",
            body_line=1,
            date=dt.date(2024, 1, 1 + n % 28),
            volume=1,
            issue=n % 3 or None,
            doi=f"10.1/{n}" if n % 2 else None,
            status="preprint" if n % 5 == 0 else "published",
        )
        render = PaperRender(paper.slug, RenderedDoc(""), "", "", f"Paper <em>{n}</em>")
        entries.append(PaperEntry(paper=paper, render=render))
    memo, links = CardMemo(), LinkMemo()
    for page in PAGES:
        rel = PageLinks(page, links, memo)
        for entry in entries:
            assert str(memo.card(counted, entry, rel)) == str(card(entry, PageLinks(page)))
    kinds = len({len(PageLinks(p)("papers/x/")) for p in PAGES})
    # one marked render a paper and the direct ones of the checks
    assert len(calls) == len(entries) + CHECKS * kinds
    assert len(calls) < len(entries) * len(PAGES) / 3


def test_a_card_found_to_differ_is_rendered_for_each_answer_from_then_on(tmp_path: Path) -> None:
    """A card that branches on its link's length: the checks find it out on the kind of
    page where it differs, and every later page renders it."""
    card = (
        "{% macro card(e, rel) %}{% set u = rel(e.url) %}{{ u }}{% if u | length > 25 %} deep"
        "{% endif %}{% endmacro %}"
    )
    env = _env(tmp_path, card)
    memo = CardMemo()
    _render_all(env, card, memo)
    assert memo._unfit
