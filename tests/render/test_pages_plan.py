"""SiteRenderer.pages: every page in site order, rendered only when asked.

Listing the pages renders nothing and makes no listing's context, and rendering any
subset of them (as each process of ``render_split`` does) writes exactly those pages,
with the bytes a whole render gives them.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from sitegen.pipeline import BuildOptions, prepare, theme_environment
from sitegen.render.pages import SiteRenderer
from sitegen.render.theme import resolve_theme, static_files

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO / "tests" / "pipeline"))
from journal_fixtures import copy_demo  # noqa: E402


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> tuple[object, dict[str, bytes]]:
    source = copy_demo(tmp_path_factory.mktemp("plan") / "journal")
    prepared = prepare(BuildOptions(source=source))
    pages = {p: d for p, d in prepared.tree.items() if isinstance(d, bytes)}
    return prepared, pages


def renderer(prepared: object, sink: Path | None) -> SiteRenderer:
    site = prepared.site  # type: ignore[attr-defined]
    theme = resolve_theme(site.config.root, site.config.theme, site.config.path)
    css = [p for p in static_files(theme) if p.endswith(".css")]
    return SiteRenderer(site, theme_environment(theme, None), css, sink=sink)


def test_pages_lists_every_page_in_tree_order_without_rendering(
    demo: tuple[object, dict[str, bytes]],
) -> None:
    prepared, whole = demo
    made = renderer(prepared, None)
    bodies = {p.slug: "<p>page</p>" for p in prepared.site.pages}  # type: ignore[attr-defined]
    listed = [path for path, _ in made.pages(bodies)]
    assert not made.tree and not made._templates  # nothing rendered, nothing loaded
    in_tree = [p for p in prepared.tree if p.endswith(".html") and p in whole]  # type: ignore[attr-defined]
    assert listed == in_tree
    assert len(set(listed)) == len(listed)


def test_rendering_a_share_writes_that_share(
    demo: tuple[object, dict[str, bytes]], tmp_path: Path
) -> None:
    prepared, whole = demo
    site = prepared.site  # type: ignore[attr-defined]
    made = renderer(prepared, tmp_path)
    made.lists_sink = False
    plan = list(made.pages({p.slug: "<p>page</p>" for p in site.pages}))
    static = {f"{p.slug}/index.html" for p in site.pages}  # bodies given here, not built
    share = [(path, render) for i, (path, render) in enumerate(reversed(plan)) if i % 3 == 0]
    for _path, render in share:
        render()
    mine = {path for path, _ in share}
    assert set(made.nodes) == mine and not made.tree
    for page in mine - static:
        assert (tmp_path / page).read_bytes() == whole[page], page
    written = {p.relative_to(tmp_path).as_posix() for p in tmp_path.rglob("*") if p.is_file()}
    assert written == mine


def test_the_templates_loaded_before_a_fork_are_those_pages_use(
    demo: tuple[object, dict[str, bytes]],
) -> None:
    from sitegen.render.pages import TEMPLATES

    prepared, _ = demo
    made = renderer(prepared, None)
    made.render_all({p.slug: "<p>page</p>" for p in prepared.site.pages})  # type: ignore[attr-defined]
    assert set(made._templates) == set(TEMPLATES)


def test_load_templates_compiles_what_pages_name_and_leaves_errors_to_pages(
    tmp_path: Path,
) -> None:
    import jinja2

    from sitegen.render.theme import load_templates, template_sources

    (tmp_path / "a.html").write_text(
        '{% extends "b.html" %}{% from "c.html" import m %}{% include "gone.html" %}'
    )
    (tmp_path / "b.html").write_text("{% block x %}{% endblock %}{% include 'd.html' %}")
    (tmp_path / "c.html").write_text("{{ oops( }}")
    (tmp_path / "d.html").write_text("d")
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(str(tmp_path)))
    sources, followed = template_sources(env, ["a.html"])
    assert set(sources) == {"a.html", "b.html", "c.html", "d.html"} and followed
    load_templates(env, ["a.html"])
    loaded = {name for _, name in env.cache} if env.cache is not None else set()
    assert loaded == {"a.html", "b.html", "d.html"}
    (tmp_path / "e.html").write_text("{% include name %}")
    assert template_sources(env, ["e.html"])[1] is False  # not a literal: not followed


def test_every_listing_with_cards_follows_the_paper_pages(
    demo: tuple[object, dict[str, bytes]],
) -> None:
    """A split render's child takes the back of this order: the listings (all papers',
    issues', authors', subjects') are its own, so each paper's card is rendered by it
    alone; the parent's front holds the home page (a few cards) and paper pages."""
    prepared, _ = demo
    site = prepared.site  # type: ignore[attr-defined]
    made = renderer(prepared, None)
    listed = [path for path, _ in made.pages({p.slug: "" for p in site.pages})]
    paper_pages = {f"{e.url}index.html" for e in site.papers}
    last_paper = max(i for i, p in enumerate(listed) if p in paper_pages)
    listings = [
        i
        for i, p in enumerate(listed)
        if p.startswith(("papers/", "issues/", "authors/", "subjects/"))
        and p not in paper_pages
        and p not in {"issues/index.html", "authors/index.html", "subjects/index.html"}
    ]
    assert listings and min(listings) > last_paper
    assert listed[0] == "index.html" and "papers/index.html" in listed
