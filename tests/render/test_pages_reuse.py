"""Work a build reuses across pages (``sitegen.render.reuse``) gives the bytes it would
have given without reuse: links, paper cards (the theme's own too) and memo blocks."""

from __future__ import annotations

import itertools
import posixpath
import random
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jinja2
import pytest
from markupsafe import Markup

from sitegen.render.reuse import FragmentMemo, LinkMemo, PageLinks
from sitegen.render.theme import make_environment, resolve_theme


def test_shared_links_equal_posixpath_relpath_from_every_page() -> None:
    segments = ["a", "b", "papers", "x", ".", "..", "", "index.html"]
    paths = {"/".join(c) for n in range(5) for c in itertools.product(segments, repeat=n)}
    paths = sorted(p for p in paths if not p.startswith("/"))
    shared = LinkMemo()
    rng = random.Random(8)
    pages = [p for p in paths if p]
    rng.shuffle(pages)
    for page in pages[:1500]:
        rel, base = PageLinks(page, shared), posixpath.dirname(page)
        for target in rng.sample(paths, 100):
            full = target + "index.html" if target.endswith("/") or not target else target
            assert rel(target) == (posixpath.relpath(full, base) if base else full), (page, target)


@dataclass(frozen=True)
class Item:
    slug: str
    title: str

    @property
    def url(self) -> str:
        return f"papers/{self.slug}/"


CARD = (
    "{% macro card(e, rel) %}<a href='{{ rel(e.url) }}'>{{ e.title }}</a>"
    "<a href='{{ rel('authors/' ~ e.slug ~ '/') }}'>{{ count() }}</a>{% endmacro %}"
)
PAGES = [
    "index.html",
    "papers/index.html",
    "papers/page/2/index.html",
    "authors/a/index.html",
    "authors/b/index.html",
    "authors/a/page/2/index.html",
    "authors/c/index.html",
    "subjects/s/index.html",
    "subjects/t/index.html",
    "issues/1/2/index.html",
]


def _env(tmp_path: Path, calls: list[int]) -> jinja2.Environment:
    """The theme's environment with ``cards.html`` (``card``) in the journal's templates."""
    (tmp_path / "templates").mkdir(exist_ok=True)
    (tmp_path / "templates" / "cards.html").write_text(CARD, "utf-8")
    env = make_environment(resolve_theme(tmp_path, "default", "sitegen.yaml"))
    env.globals["count"] = lambda: calls.append(1) or ""
    return env


IMPORT = '{% from "cards.html" import card %}'


def test_cached_cards_equal_direct_calls_and_render_once_per_answer(tmp_path: Path) -> None:
    """The second link points into the author section: pages there see other answers."""
    calls: list[int] = []
    env = _env(tmp_path, calls)
    cached = env.from_string(
        IMPORT + "{% for e in items %}{{ cached_card(card, e, rel) }}{% endfor %}"
    )
    direct = env.from_string(IMPORT + "{% for e in items %}{{ card(e, rel) }}{% endfor %}")
    items = [Item("a", "A & <b>"), Item("b", "B")]
    links, memo = LinkMemo(), FragmentMemo()
    for page in PAGES * 2:
        want = direct.render(items=items, rel=PageLinks(page))
        got = cached.render(items=items, rel=PageLinks(page, links, memo))
        assert got == want, page
        assert "A &amp; &lt;b&gt;" in got
    calls.clear()
    for page in PAGES:
        cached.render(items=items, rel=PageLinks(page, links, memo))
    assert calls == []  # all reused
    # one render per distinct set of link answers, not per page
    answers = {
        (page, e.slug): tuple(PageLinks(page)(t) for t in (e.url, f"authors/{e.slug}/"))
        for page in PAGES
        for e in items
    }
    calls.clear()
    fresh = FragmentMemo()
    for page in PAGES:
        cached.render(items=items, rel=PageLinks(page, links, fresh))
    assert len(calls) == len({(slug, a) for (_, slug), a in answers.items()}) < len(answers)


def test_a_changed_paper_gets_a_new_card(tmp_path: Path) -> None:
    env = _env(tmp_path, [])
    cached = env.from_string(IMPORT + "{{ cached_card(card, e, rel) }}")
    links, memo = LinkMemo(), FragmentMemo()
    before = cached.render(e=Item("a", "Old title"), rel=PageLinks(PAGES[3], links, memo))
    after = cached.render(e=Item("a", "New title"), rel=PageLinks(PAGES[4], links, memo))
    assert "Old title" in before and "New title" in after and "Old title" not in after


def test_a_theme_card_imported_with_context_is_never_reused(tmp_path: Path) -> None:
    """Such a macro sees the page (here ``page_path``): it is a new object on every page."""
    templates = tmp_path / "templates"
    templates.mkdir()
    (templates / "cards.html").write_text(
        "{% macro card(e, rel) %}{{ e.title }} on {{ page_path }}{% endmacro %}", "utf-8"
    )
    env = make_environment(resolve_theme(tmp_path, "default", "sitegen.yaml"))
    page = env.from_string(
        '{% from "cards.html" import card with context %}{{ cached_card(card, e, rel) }}'
    )
    links, memo, item = LinkMemo(), FragmentMemo(), Item("a", "A")
    for path in PAGES:
        out = page.render(e=item, rel=PageLinks(path, links, memo), page_path=path)
        assert out == f"A on {path}"


def _build(source: Path, out: Path) -> dict[str, bytes]:
    from sitegen.pipeline import BuildOptions, build

    build(BuildOptions(source=source, output=out, cache=False, jobs=1))
    return {p.relative_to(out).as_posix(): p.read_bytes() for p in out.rglob("*.html")}


def test_a_theme_overriding_the_card_keeps_working(tmp_path: Path) -> None:
    """A journal's own macros.html with its own card (linking into the author section,
    whose pages see other answers): the cached cards equal calling the card directly."""
    from sitegen.render.theme import builtin_themes_dir

    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "pipeline"))
    from journal_fixtures import copy_demo

    original = (builtin_themes_dir() / "default" / "templates" / "macros.html").read_text()
    call = "cached_card(paper_card, entry, rel)"
    assert call in original
    own = original.replace(
        '<article class="paper-card">',
        "<article class=\"house-card\"><a href=\"{{ rel('authors/' ~ entry.author_keys[0] ~ '/')"
        ' }}">first author</a>',
    )
    source = copy_demo(tmp_path / "journal")
    (source / "templates").mkdir()
    (source / "templates" / "macros.html").write_text(own, "utf-8")
    cached = _build(source, tmp_path / "cached")
    (source / "templates" / "macros.html").write_text(
        own.replace(call, "paper_card(entry, rel)"), "utf-8"
    )
    direct = _build(source, tmp_path / "direct")
    assert cached == direct
    listings = [p for p in cached if p.startswith(("authors/", "subjects/", "issues/"))]
    assert listings and all(
        cached[p].count(b"house-card") == cached[p].count(b"<li><article") for p in listings
    )
    assert sum(cached[p].count(b"house-card") for p in listings) > len(listings)


def test_memo_blocks_reuse_by_key_and_link_answers(tmp_path: Path) -> None:
    calls: list[int] = []
    env = _env(tmp_path, calls)
    page = env.from_string(
        "{% call memo(rel, section) %}<a href='{{ rel('papers/') }}'>{{ section }}</a>"
        "{% call memo(rel) %}<a href='{{ rel('feed.xml') }}'>{{ count() }}</a>{% endcall %}"
        "{% endcall %}|{% call memo(rel) %}{{ count() }}{{ rel('search/') }}{% endcall %}"
    )
    links, memo = LinkMemo(), FragmentMemo()
    for path in PAGES * 2:
        rel = PageLinks(path, links, memo)
        section = path.split("/")[0]
        got = page.render(rel=rel, section=section)
        want = page.render(rel=PageLinks(path), section=section)
        assert got == want, path
    calls.clear()
    for path in PAGES:
        page.render(rel=PageLinks(path, links, memo), section=path.split("/")[0])
    assert calls == []
    # a fresh memo renders each counting block once per folder depth, not once per page
    depths = len({PageLinks(p)("feed.xml") for p in PAGES})
    fresh = FragmentMemo()
    for path in PAGES:
        page.render(rel=PageLinks(path, links, fresh), section=path.split("/")[0])
    assert len(calls) == 2 * depths < 2 * len(PAGES)


def test_markup_output_is_unchanged(tmp_path: Path) -> None:
    """Our templates print plain strings where Jinja prints Markup: same text."""

    class Html:
        def __html__(self) -> str:
            return "<i>ok</i>"

    source = (
        "{{ s }}|{{ m }}|{{ n }}|{{ none }}|{{ h }}|{{ s | safe }}|{{ 'a' ~ s }}|"
        "{% set x %}{{ s }}{% endset %}{{ x }}|{% macro f() %}{{ s }}{% endmacro %}{{ f() }}"
    )
    values = {"s": "<a href='x'>&\"", "m": Markup("<b>"), "n": 3.5, "none": None, "h": Html()}
    ours = make_environment(resolve_theme(tmp_path, "default", "sitegen.yaml"))
    plain = jinja2.Environment(autoescape=True)
    assert ours.from_string(source).render(values) == plain.from_string(source).render(values)


def test_a_typo_still_fails_the_render(tmp_path: Path) -> None:
    import pytest

    env = make_environment(resolve_theme(tmp_path, "default", "sitegen.yaml"))
    with pytest.raises(jinja2.UndefinedError):
        env.from_string("{{ nope }}").render()


def test_the_demo_site_is_the_same_with_every_memo_turned_off(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The default templates' memo keys name everything their blocks read: rendering
    every fragment and card afresh on every page gives the same site, byte for byte."""
    import shutil

    from sitegen.pipeline import BuildOptions, build
    from sitegen.render.reuse import FragmentMemo

    repo = Path(__file__).resolve().parents[2]
    source = tmp_path / "demo"
    source.mkdir()
    shutil.copy(repo / "sitegen.yaml", source / "sitegen.yaml")
    shutil.copytree(repo / "content", source / "content")
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    memoised = build(BuildOptions(source=source, output=tmp_path / "a", cache=False))

    def afresh(self: FragmentMemo, key: object, rel: object, render: Any) -> Any:
        return render()

    monkeypatch.setattr(FragmentMemo, "fragment", afresh)
    plain = build(BuildOptions(source=source, output=tmp_path / "b", cache=False))
    assert memoised.root == plain.root
    a = {p.relative_to(tmp_path / "a"): p.read_bytes() for p in (tmp_path / "a").rglob("*.html")}
    b = {p.relative_to(tmp_path / "b"): p.read_bytes() for p in (tmp_path / "b").rglob("*.html")}
    assert a == b and len(a) > 40
