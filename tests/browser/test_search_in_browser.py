"""Search in Chromium over the demo journal as ``sitegen build`` makes it (index and client):
a word only one paper's abstract has finds that paper, at the domain root and under the
gateway path, typed into the page or submitted from the header box. The client's own
ranking, paging and escaping are tested in test_own_search.py. The filters offer the
demo's volumes, subjects and authors, and a subject lists the papers its page lists."""

from __future__ import annotations

import html
import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

RESULT_LINK = ".search-results .search-result-title a"
QUERY = "#search-query"


def distinctive_word(site: Path) -> tuple[str, str]:
    """(word, paper url) where the word is in one paper's abstract and no other paper page."""
    pages = {
        p.parent.relative_to(site).as_posix(): p.read_text(encoding="utf-8").lower()
        for p in sorted(site.glob("papers/*/index.html"))
    }
    for url, text in pages.items():
        abstract = re.search(r'<section class="abstract".*?</section>', text, re.S)
        assert abstract, url
        words = re.findall(r"[a-z]{8,}", re.sub(r"<[^>]+>", " ", abstract.group(0)))
        for word in sorted(set(words)):
            if all(word not in other for key, other in pages.items() if key != url):
                return word, url + "/index.html"
    raise AssertionError("no paper has a word of its own in its abstract")


@pytest.fixture(scope="module")
def page(browser: Any) -> Iterator[Any]:
    context = browser.new_context()
    page = context.new_page()
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    yield page
    context.close()
    assert not errors, errors


def result_pages(page: Any) -> set[str]:
    """The pages listed."""
    page.wait_for_selector(RESULT_LINK, timeout=10_000)
    hrefs = [page.evaluate("a => a.href", a) for a in page.query_selector_all(RESULT_LINK)]
    return {h.split("#", 1)[0] for h in hrefs}


@pytest.mark.parametrize("where", ["gateway", "root"])
def test_typing_a_word_from_an_abstract_finds_the_paper(
    page: Any, demo_build: Any, demo_gateway: Any, demo_at_root: Any, where: str
) -> None:
    served = demo_gateway if where == "gateway" else demo_at_root
    word, url = distinctive_word(demo_build.site)
    page.goto(served.base + "search/index.html", wait_until="load")
    page.wait_for_selector(QUERY, state="visible", timeout=10_000)
    page.fill(QUERY, word)
    found = result_pages(page)
    assert found == {served.base + url}, (word, found)
    # the result link opens the paper under the same base
    page.click(RESULT_LINK)
    page.wait_for_load_state("load")
    assert page.url == served.base + url


def test_header_box_submits_to_the_search_page(
    page: Any, demo_build: Any, demo_gateway: Any
) -> None:
    word, url = distinctive_word(demo_build.site)
    page.goto(demo_gateway.base + "about/index.html", wait_until="load")
    page.fill("#site-search", word)
    page.press("#site-search", "Enter")
    page.wait_for_load_state("load")
    assert page.url.startswith(demo_gateway.base + "search/index.html?q=")
    page.wait_for_selector(QUERY, state="visible", timeout=10_000)
    assert page.input_value(QUERY) == word
    assert result_pages(page) == {demo_gateway.base + url}


def test_an_author_name_finds_their_papers(page: Any, demo_build: Any, demo_gateway: Any) -> None:
    """Authors are indexed too (weighted above body text): a surname lists that author's papers."""
    author_pages = sorted(demo_build.site.glob("authors/*/index.html"))
    assert author_pages
    text = author_pages[0].read_text(encoding="utf-8")
    name = re.search(r"<h1>(.*?)</h1>", text).group(1)
    surname = name.split()[-1]
    listed = set(re.findall(r'href="\.\./\.\./(papers/[^/"]+/)index\.html"', text))
    page.goto(demo_gateway.base + f"search/index.html?q={surname}", wait_until="load")
    found = result_pages(page)
    assert {demo_gateway.base + url + "index.html" for url in listed} <= found, (surname, found)


def listed_papers(page_file: Path) -> set[str]:
    """Site-relative urls (``papers/<slug>/``) of the papers a list page links to."""
    text = page_file.read_text(encoding="utf-8")
    return set(re.findall(r'href="(?:\.\./)+(papers/[^/"]+/)index\.html"', text))


def heading(page_file: Path) -> str:
    found = re.search(r"<h1>(.*?)</h1>", page_file.read_text(encoding="utf-8"))
    assert found, page_file
    return html.unescape(found.group(1))


def word_in_every_paper(site: Path) -> str:
    """A term the demo's index has for every paper, so a search for it lists them all."""
    index = site / "search" / "index"
    docs = json.loads((index / "meta.json").read_text(encoding="utf-8"))["docs"]
    for shard in sorted((index / "t").glob("*.json")):
        for term, postings in sorted(json.loads(shard.read_text(encoding="utf-8")).items()):
            if len(postings) == docs and term.isalpha() and len(term) > 3:
                return term
    raise AssertionError("no word is in every paper")


def shown_options(page: Any, facet: str) -> dict[str, str]:
    """value -> label of a filter's options, once the select lists more than All."""
    page.wait_for_function(
        "f => document.querySelectorAll(`#search-${f} option`).length > 1", arg=facet
    )
    pairs = page.eval_on_selector_all(
        f"#search-{facet} option", "os => os.map(o => [o.value, o.textContent])"
    )
    return dict(pairs)


def test_filters_offer_the_demos_volumes_subjects_and_authors(
    page: Any, demo_build: Any, demo_gateway: Any
) -> None:
    site = demo_build.site
    word = word_in_every_paper(site)
    page.goto(demo_gateway.base + f"search/index.html?q={word}", wait_until="load")
    n_papers = len(list(site.glob("papers/*/index.html")))
    page.wait_for_function(
        "n => document.querySelector('.search-status').textContent.startsWith(n + ' results')",
        arg=n_papers,
    )
    # every subject and author page, and every volume, with the number of papers it lists
    expected = {
        "subject": {
            heading(p).removeprefix("Subject: "): len(listed_papers(p))
            for p in site.glob("subjects/*/index.html")
        },
        "author": {heading(p): len(listed_papers(p)) for p in site.glob("authors/*/index.html")},
        "volume": {
            f"Vol. {p.parent.name}": len(listed_papers(p)) for p in site.glob("issues/*/index.html")
        },
    }
    assert all(expected.values()) and all(all(v.values()) for v in expected.values())
    for facet, values in expected.items():
        got = shown_options(page, facet)
        assert got.pop("") == "All"
        assert got == {v: f"{v} ({n})" for v, n in values.items()}, facet


def test_choosing_a_subject_lists_exactly_the_papers_of_its_page(
    page: Any, demo_build: Any, demo_gateway: Any
) -> None:
    site = demo_build.site
    word = word_in_every_paper(site)
    base = demo_gateway.base
    page.goto(base + f"search/index.html?q={word}", wait_until="load")
    shown_options(page, "subject")
    subject_pages = sorted(site.glob("subjects/*/index.html"))
    assert len(subject_pages) > 3
    for subject_page in subject_pages:
        name = heading(subject_page).removeprefix("Subject: ")
        page.select_option("#search-subject", name)
        papers = listed_papers(subject_page)
        page.wait_for_function(
            "t => document.querySelector('.search-status').textContent.endsWith(t)",
            arg=f"on \u201c{name}\u201d",
        )
        assert page.inner_text(".search-status").startswith(
            f"{len(papers)} result{'s' if len(papers) > 1 else ''} for"
        )
        found = {
            page.evaluate("a => a.href", a).removeprefix(base).removesuffix("index.html")
            for a in page.query_selector_all(RESULT_LINK)
        }
        assert found == papers, name
        assert "subject=" in page.url
