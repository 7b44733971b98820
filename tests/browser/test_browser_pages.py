"""The built journals in headless Chromium under a gateway path: crawl, accessibility, looks.

One browser for the session and one context per journal keep the whole module fast; axe
runs on one page of each type, light and dark.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from gateway_imitation import Served
from site_crawler import crawl

BLOCKING = ("serious", "critical")


@pytest.fixture(scope="module")
def demo_context(browser: Any) -> Iterator[Any]:
    context = browser.new_context(viewport={"width": 1200, "height": 900})
    yield context
    context.close()


def test_demo_journal_crawls_clean(demo_context: Any, demo_gateway: Served) -> None:
    report = crawl(demo_context, demo_gateway.base)
    assert not report.problems, "\n".join(report.problems)
    pages = {p[len(demo_gateway.base) :] for p in report.pages}
    for must in ("index.html", "search/index.html", "papers/index.html", "issues/index.html"):
        assert must in pages
    assert sum(p.startswith("papers/") and p.count("/") == 2 for p in pages) == 6
    # citation downloads and the research object were fetched and answered 200
    assert any(a.endswith("/cite.bib") for a in report.assets)
    assert any(a.endswith("/source/") for a in report.assets)


def test_corpus_journal_crawls_clean(
    browser: Any, corpus_gateway: Served, corpus_build: Any
) -> None:
    context = browser.new_context(viewport={"width": 1000, "height": 800})
    try:
        report = crawl(context, corpus_gateway.base, warned_missing=corpus_build.missing)
    finally:
        context.close()
    assert not report.problems, "\n".join(report.problems[:60])
    papers = [p for p in report.pages if p.endswith("/index.html") and "/papers/" in p]
    assert len(papers) > 30
    assert len(report.pages) > 300
    # the only tolerated 404s are figures the corpus leaves out, as the build warned
    assert report.tolerated <= corpus_build.missing


def page_types(site: Path) -> dict[str, str]:
    """One page of each type, site-relative, found in the built demo journal."""

    def first(pattern: str) -> str:
        found = sorted(p.relative_to(site).as_posix() for p in site.glob(pattern))
        assert found, pattern
        return found[0]

    return {
        "home": "index.html",
        "paper": "papers/content-addressed-archives/index.html",
        "list": "papers/index.html",
        "authors": "authors/index.html",
        "author": first("authors/*/index.html"),
        "subjects": "subjects/index.html",
        "subject": first("subjects/*/index.html"),
        "volumes": "issues/index.html",
        "volume": first("issues/*/index.html"),
        "issue": first("issues/*/*/index.html"),
        "static": "about/index.html",
        "search": "search/index.html?q=archive",
        "404": "404.html",
    }


def axe_violations(page: Any, axe_source: str) -> list[dict[str, Any]]:
    page.add_script_tag(content=axe_source)
    result = page.evaluate(
        "async () => { const r = await axe.run(document, {resultTypes: ['violations']});"
        " return r.violations; }"
    )
    return [v for v in result if v.get("impact") in BLOCKING]


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_accessibility_of_every_page_type(
    demo_context: Any,
    demo_gateway: Served,
    demo_build: Any,
    axe_source: str,
    scheme: str,
) -> None:
    page = demo_context.new_page()
    page.emulate_media(color_scheme=scheme)
    problems = []
    try:
        for kind, rel in page_types(demo_build.site).items():
            page.goto(demo_gateway.base + rel, wait_until="load")
            if kind == "search":
                page.wait_for_selector(".search-results .search-result", timeout=10_000)
            for v in axe_violations(page, axe_source):
                targets = [n["target"] for n in v["nodes"]][:5]
                problems.append(
                    f"{kind} ({rel}) [{scheme}]: {v['id']} {v['impact']}: {v['help']} {targets}"
                )
    finally:
        page.close()
    assert not problems, "\n".join(problems)


def test_accessibility_of_a_real_paper(
    browser: Any, corpus_gateway: Served, corpus_build: Any, axe_source: str
) -> None:
    """The corpus paper with the most math, tables and code: real content, both schemes."""
    site = corpus_build.site
    rel = heaviest_paper(site).relative_to(site).as_posix()
    context = browser.new_context()
    problems = []
    try:
        page = context.new_page()
        for scheme in ("light", "dark"):
            page.emulate_media(color_scheme=scheme)
            page.goto(corpus_gateway.base + rel, wait_until="load")
            for v in axe_violations(page, axe_source):
                targets = [n["target"] for n in v["nodes"]][:5]
                problems.append(f"{rel} [{scheme}]: {v['id']} {v['impact']}: {v['help']} {targets}")
    finally:
        context.close()
    assert not problems, "\n".join(problems)


def heaviest_paper(site: Path) -> Path:
    def weight(path: Path) -> int:
        text = path.read_text(encoding="utf-8")
        return text.count("<math") + 5 * text.count("<table") + 2 * text.count("<pre")

    return max(sorted(site.glob("papers/*/index.html")), key=weight)


def most_math(site: Path) -> Path:
    return max(
        sorted(site.glob("papers/*/index.html")),
        key=lambda p: p.read_text(encoding="utf-8").count("<math"),
    )


def test_screenshots(
    browser: Any,
    demo_gateway: Served,
    corpus_gateway: Served,
    corpus_build: Any,
    screenshots: Path,
) -> None:
    context = browser.new_context(viewport={"width": 1200, "height": 900})
    math_paper = most_math(corpus_build.site).relative_to(corpus_build.site).as_posix()
    shots: dict[str, Path] = {}
    try:
        page = context.new_page()
        page.goto(demo_gateway.base + "index.html", wait_until="load")
        shots["home"] = screenshots / "home.png"
        page.screenshot(path=shots["home"], full_page=True)
        for scheme in ("light", "dark"):
            page.emulate_media(color_scheme=scheme, media="screen")
            page.goto(corpus_gateway.base + math_paper, wait_until="load")
            shots[f"paper-{scheme}"] = screenshots / f"math-paper-{scheme}.png"
            page.screenshot(path=shots[f"paper-{scheme}"], full_page=True)
        page.emulate_media(color_scheme="light", media="print")
        shots["paper-print"] = screenshots / "math-paper-print.png"
        page.screenshot(path=shots["paper-print"], full_page=True)
        # print media hides the site chrome
        assert not page.locator(".site-header").is_visible()
        assert page.locator("article.paper").is_visible()
        page.emulate_media(media="screen")
        page.goto(demo_gateway.base + "search/index.html?q=gateway", wait_until="load")
        page.wait_for_selector(".search-results .search-result", timeout=10_000)
        shots["search"] = screenshots / "search.png"
        page.screenshot(path=shots["search"], full_page=True)
    finally:
        context.close()
    (screenshots / "index.json").write_text(
        json.dumps({k: v.name for k, v in shots.items()}, indent=1), encoding="utf-8"
    )
    for path in shots.values():
        assert path.stat().st_size > 10_000, path
