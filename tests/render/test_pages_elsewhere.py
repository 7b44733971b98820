"""Pages another process renders (``render_split``): listed by the parent, skipped early.

A listing page that is the other process's gets no context made; the parent's tree
still lists it, and the forked half (``lists_sink`` off) lists nothing at all, while
the pages it does render are written and addressed as before.
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
    source = copy_demo(tmp_path_factory.mktemp("elsewhere") / "journal")
    prepared = prepare(BuildOptions(source=source))
    pages = {p: d for p, d in prepared.tree.items() if isinstance(d, bytes)}
    return prepared, pages


def renderer(prepared: object, sink: Path) -> SiteRenderer:
    site = prepared.site  # type: ignore[attr-defined]
    theme = resolve_theme(site.config.root, site.config.theme, site.config.path)
    css = [p for p in static_files(theme) if p.endswith(".css")]
    return SiteRenderer(site, theme_environment(theme, None), css, sink=sink)


def theirs(page: str) -> bool:
    return page.startswith("authors/") or "/page/" in page or page == "papers/index.html"


@pytest.mark.parametrize("lists_sink", [True, False])
def test_other_pages_are_listed_by_the_parent_only(
    demo: tuple[object, dict[str, bytes]], tmp_path: Path, lists_sink: bool
) -> None:
    prepared, whole = demo
    made = renderer(prepared, tmp_path)
    made.others = theirs
    made.lists_sink = lists_sink
    asked: list[str] = []
    render = made._render

    def spy(template: str, page_path: str, **ctx: object) -> None:
        asked.append(page_path)
        render(template, page_path, **ctx)

    made._render = spy  # type: ignore[method-assign]
    site = prepared.site  # type: ignore[attr-defined]
    tree = made.render_all({p.slug: "<p>page</p>" for p in site.pages})
    html = {p for p in whole if p.endswith(".html")}
    mine = {p for p in html if not theirs(p)}
    author_pages = {p for p in html if p.startswith("authors/") and p != "authors/index.html"}
    assert author_pages and not author_pages & set(asked)  # skipped before _render
    assert {p for p in made.nodes if p.endswith(".html")} == mine  # written, addressed
    static = {f"{p.slug}/index.html" for p in site.pages}  # bodies given here, not built
    for page in mine - static:
        assert (tmp_path / page).read_bytes() == whole[page], page
    listed = {p for p in tree if p.endswith(".html")}
    assert listed == (html if lists_sink else set())
