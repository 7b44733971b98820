"""sitegen's own search client in Chromium, under a gateway path (/ipfs/<cid>/).

The site is the minimal fixture journal built normally (for the real search page, header
box and assets/search.js), with its index replaced by one written here by ``write_index``
from docs made for the test (so ranking cases are exact), and a plain page per doc.
"""

from __future__ import annotations

import html
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest
from gateway_imitation import Served, serve_site

from sitegen.pipeline import BuildOptions, build
from sitegen.searchindex import INDEX_DIR, SearchDoc, make_doc, tokenize, write_index
from sitegen.searchindex.text import STOPWORDS

REPO = Path(__file__).resolve().parents[2]
MINIMAL = REPO / "tests" / "fixtures" / "journals" / "minimal"
FAKE_CID = "bafybeigdyrzt5sfp7udm7hu76uh7y26nf3efuylqabf3oclgtqy55fbzdi"
XSS = "<img src=x onerror=alert(1)>"
RESULT = ".search-results > li"
BLOCKING = ("serious", "critical")


def paper(slug: str, title: str, *, authors: tuple[str, ...] = ("A. Author",),
          abstract: str = "", body: str = "", volume: str = "Vol. 1",
          subjects: tuple[str, ...] = ()) -> SearchDoc:  # fmt: skip
    return make_doc(
        url=f"papers/{slug}/",
        title=title,
        authors=authors,
        meta=f"{volume} · 2024-03-01",
        abstract_text=abstract,
        keywords=subjects,
        body_text=body,
        volume=volume,
    )


def search_docs() -> list[SearchDoc]:
    docs = [
        # "archive": exact in the title, exact in the body, and only as a prefix ("archived")
        # filters: "archive" hits are in volumes 1, 2, 2, subjects overlap, authors differ
        paper(
            "archive-title",
            "Archive formats for journals",
            abstract="Formats compared.",
            subjects=("Preservation", "Formats"),
            authors=("Ada Lovelace", "Zoë Ng"),
        ),
        paper(
            "archive-body",
            "Storage notes",
            abstract="Notes.",
            body="We archive once.",
            volume="Vol. 2",
            subjects=("Preservation",),
            authors=("Zoë Ng",),
        ),
        paper(
            "archived-prefix",
            "Archived datasets",
            abstract="Datasets kept.",
            volume="Vol. 2",
            subjects=("Data",),
            authors=("Ada Lovelace",),
        ),
        paper("hello-world", "Hello, World: a first paper", abstract="A first paper."),
        paper(
            "muller",
            "Данные и сети",
            authors=("Jürgen Müller",),
            abstract="Networks of data, studied by Müller.",
        ),
        paper("second-look", "A Second Look", abstract="Looking again."),
        paper("xss", XSS, abstract="An injection attempt in the title."),
    ]
    docs += [
        paper(f"bulk-{i:02d}", f"Bulk paper {i}", abstract="Common ground.", body="common " * i)
        for i in range(25)
    ]
    return sorted(docs, key=lambda d: d.url)


def plain_page(title: str) -> str:
    return (
        '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>paper</title>'
        '<link rel="icon" href="../../assets/favicon.svg" type="image/svg+xml">'
        f"</head><body><main><h1>{html.escape(title)}</h1></main></body></html>"
    )


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    base = tmp_path_factory.mktemp("own-search")
    source = base / "journal"
    shutil.copytree(MINIMAL, source)
    out = base / "public"
    result = build(BuildOptions(source=source, output=out, jobs=1, cache=False))
    assert result.ok, result.errors
    shutil.rmtree(out / INDEX_DIR)  # the build's own index, of the journal's two papers
    files, _ = write_index(search_docs(), None, None)
    for path, data in files.changed.items():
        (out / path).parent.mkdir(parents=True, exist_ok=True)
        (out / path).write_bytes(data)
    for doc in search_docs():
        page = out / doc.url / "index.html"
        if not page.exists():
            page.parent.mkdir(parents=True, exist_ok=True)
            page.write_text(plain_page(doc.title), encoding="utf-8")
    return out


@pytest.fixture(scope="module")
def served(site: Path) -> Iterator[Served]:
    with serve_site(site, f"/ipfs/{FAKE_CID}") as s:
        yield s


class Watched:
    """A page with every request, console error, page error and dialog recorded."""

    def __init__(self, context: Any) -> None:
        self.page = context.new_page()
        self.requests: list[str] = []
        self.errors: list[str] = []
        self.page.on("request", lambda r: self.requests.append(r.url))
        self.page.on(
            "response",
            lambda r: self.errors.append(f"{r.status} {r.url}") if r.status >= 400 else None,
        )
        self.page.on("console", lambda m: self.errors.append(m.text) if m.type == "error" else None)
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))
        self.page.on("dialog", lambda d: (self.errors.append("dialog: " + d.message), d.dismiss()))


@pytest.fixture
def watched(browser: Any, served: Served) -> Iterator[Watched]:
    context = browser.new_context()
    w = Watched(context)
    yield w
    context.close()
    assert not w.errors, w.errors
    origin = served.base.split("/ipfs/")[0] + "/"
    assert all(u.startswith(origin) for u in w.requests), w.requests


def titles(page: Any) -> list[str]:
    return [t.inner_text() for t in page.query_selector_all(f"{RESULT} .search-result-title")]


def wait_status(page: Any, start: str) -> str:
    page.wait_for_function(
        "s => document.querySelector('.search-status').textContent.startsWith(s)", arg=start
    )
    return page.inner_text(".search-status")


def search(page: Any, query: str) -> list[str]:
    page.fill("#search-query", query)
    page.wait_for_function(
        "q => document.querySelector('.search-status').textContent.includes(q)", arg=query.strip()
    )
    return titles(page)


def test_typing_ranks_title_then_body_then_prefix_and_fetches_only_needed_shards(
    watched: Watched, served: Served
) -> None:
    page = watched.page
    page.goto(served.base + "search/index.html", wait_until="load")
    page.wait_for_selector("#search-query", state="visible")  # once meta.json is in
    assert not page.is_visible(".search-fallback")
    assert page.inner_text("label[for=search-query]") == (
        "Search titles, authors, abstracts and full text"
    )
    assert search(page, "archive") == [
        "Archive formats for journals",
        "Storage notes",
        "Archived datasets",
    ]
    assert page.inner_text(".search-status") == "3 results for \u201carchive\u201d"
    shards = {u.rsplit("/", 1)[1] for u in watched.requests if f"/{INDEX_DIR}/t/" in u}
    assert shards == {"archive"[:2].encode().hex() + ".json"}
    # matched words are marked in titles and excerpts, the rest stays plain text
    marks = page.eval_on_selector_all(f"{RESULT} mark", "ms => ms.map(m => m.textContent)")
    assert sorted(set(marks)) == ["Archive", "Archived"]
    # AND across words, and the URL remembers the query
    assert search(page, "archive formats") == ["Archive formats for journals"]
    assert "q=archive+formats" in page.url or "q=archive%20formats" in page.url
    assert search(page, "archive zzzz") == []
    assert page.inner_text(".search-status") == "No results for \u201carchive zzzz\u201d"


def test_result_links_open_the_papers_under_the_gateway_path(
    watched: Watched, served: Served
) -> None:
    page = watched.page
    page.goto(served.base + "search/?q=archive", wait_until="load")
    wait_status(page, "3 results")
    hrefs = page.eval_on_selector_all(f"{RESULT} a", "as => as.map(a => a.getAttribute('href'))")
    assert all(not h.startswith(("/", "http")) for h in hrefs), hrefs
    resolved = page.eval_on_selector_all(f"{RESULT} a", "as => as.map(a => a.href)")
    assert resolved == [
        served.base + f"papers/{s}/index.html"
        for s in ("archive-title", "archive-body", "archived-prefix")
    ]
    page.click(f"{RESULT} a >> nth=0")
    page.wait_for_load_state("load")
    assert page.url == served.base + "papers/archive-title/index.html"
    assert page.inner_text("h1") == "Archive formats for journals"


def test_query_string_and_non_ascii(watched: Watched, served: Served) -> None:
    page = watched.page
    for query in ("muller", "Müller", "MÜLLER", "данные", "Mu\u0308l"):
        page.goto(served.base + "search/index.html?q=" + quote(query), wait_until="load")
        wait_status(page, "1 result")
        assert page.input_value("#search-query") == query
        assert page.input_value("#site-search") == query
        assert titles(page) == ["Данные и сети"], query
    assert page.eval_on_selector_all(f"{RESULT} mark", "ms => ms.map(m => m.textContent)") == [
        "Müller"
    ]


def test_header_box_submits_to_the_search_page(watched: Watched, served: Served) -> None:
    page = watched.page
    page.goto(served.base + "about/index.html", wait_until="load")
    page.fill("#site-search", "second look")
    page.press("#site-search", "Enter")
    page.wait_for_load_state("load")
    assert page.url.startswith(served.base + "search/index.html?q=")
    wait_status(page, "1 result")
    assert titles(page) == ["A Second Look"]


def test_a_title_with_markup_is_shown_as_text(watched: Watched, served: Served) -> None:
    page = watched.page
    page.goto(served.base + "search/index.html?q=injection", wait_until="load")
    wait_status(page, "1 result")
    assert titles(page) == [XSS]
    assert page.query_selector_all(".search-results img") == []


def test_many_results_come_in_pages(watched: Watched, served: Served) -> None:
    page = watched.page
    page.goto(served.base + "search/index.html?q=common", wait_until="load")
    assert wait_status(page, "25 results") == "25 results for \u201ccommon\u201d"
    page.wait_for_function("() => document.querySelectorAll('.search-results > li').length")
    assert len(titles(page)) == 20 and page.is_visible(".search-more")
    # the body repeats "common" i times (capped): more repeats rank higher
    assert titles(page)[0] in {f"Bulk paper {i}" for i in range(10, 25)}
    page.click(".search-more")
    page.wait_for_function("() => document.querySelectorAll('.search-results > li').length == 25")
    assert not page.is_visible(".search-more")
    assert len(set(titles(page))) == 25


def test_client_tokenizer_matches_python(watched: Watched, served: Served) -> None:
    page = watched.page
    page.goto(served.base + "search/index.html", wait_until="load")
    samples = [
        "The Quick-brown fox, 2024 a b IPFS_CID x2",
        "Müller Ångström café Mu\u0308ller İstanbul",
        "ﬁnite ＩＰＦＳ x² Сеть данных 数据 δίκτυο",
        "e.g. naïve résumé — “quoted” (parens) [1] 3.14",
    ]
    got = page.evaluate(
        "([xs, stop]) => xs.map(x => window.sitegenSearch.tokenize(x, new Set(stop)))",
        [samples, sorted(STOPWORDS)],
    )
    assert got == [tokenize(s) for s in samples]


def options(page: Any, facet: str) -> list[str]:
    return page.eval_on_selector_all(f"#search-{facet} option", "os => os.map(o => o.textContent)")


def wait_options(page: Any, facet: str, count: int) -> list[str]:
    """The select's options once it lists ``count`` of them (the author file comes late)."""
    page.wait_for_function(
        "([f, n]) => document.querySelectorAll(`#search-${f} option`).length === n",
        arg=[facet, count],
    )
    return options(page, facet)


def test_filters_list_values_with_counts_and_narrow_the_results(
    watched: Watched, served: Served
) -> None:
    page = watched.page
    page.goto(served.base + "search/index.html?q=archive", wait_until="load")
    wait_status(page, "3 results")
    assert page.is_visible("fieldset.search-filters")
    assert page.inner_text(".search-filters legend") == "Filter"
    assert [page.inner_text(f"label[for=search-{f}]") for f in ("volume", "subject", "author")] == [
        "Volume",
        "Subject",
        "Author",
    ]
    assert options(page, "volume") == ["All", "Vol. 1 (1)", "Vol. 2 (2)"]
    assert options(page, "subject") == ["All", "Data (1)", "Formats (1)", "Preservation (2)"]
    assert wait_options(page, "author", 3) == ["All", "Ada Lovelace (2)", "Zoë Ng (2)"]
    # only values among the results: "Vol. 1" has 31 papers, the search lists one of them
    page.select_option("#search-volume", "Vol. 2")
    assert wait_status(page, "2 results") == "2 results for \u201carchive\u201d in Vol. 2"
    assert titles(page) == ["Storage notes", "Archived datasets"]
    assert "volume=Vol.+2" in page.url
    # other facets count within the filter; a facet's own counts ignore its own choice
    assert options(page, "subject") == ["All", "Data (1)", "Preservation (1)"]
    assert options(page, "volume") == ["All", "Vol. 1 (1)", "Vol. 2 (2)"]
    page.select_option("#search-subject", "Preservation")
    assert wait_status(page, "1 result") == (
        "1 result for \u201carchive\u201d in Vol. 2, on \u201cPreservation\u201d"
    )
    assert titles(page) == ["Storage notes"]
    page.select_option("#search-volume", "")
    assert wait_status(page, "2 results") == (
        "2 results for \u201carchive\u201d on \u201cPreservation\u201d"
    )
    assert titles(page) == ["Archive formats for journals", "Storage notes"]
    assert "volume=" not in page.url and "subject=Preservation" in page.url
    # a new query keeps the filter
    assert search(page, "datasets") == []
    assert page.inner_text(".search-status") == (
        "No results for \u201cdatasets\u201d on \u201cPreservation\u201d"
    )


def test_filters_in_the_url_are_restored(watched: Watched, served: Served) -> None:
    page = watched.page
    url = served.base + "search/index.html?q=archive&volume=Vol.+2&author=Ada%20Lovelace"
    page.goto(url, wait_until="load")
    for _ in range(2):  # a link, then a reload of the same address
        status = wait_status(page, "1 result")
        assert status == "1 result for \u201carchive\u201d in Vol. 2, by Ada Lovelace"
        assert titles(page) == ["Archived datasets"]
        assert page.input_value("#search-volume") == "Vol. 2"
        assert page.input_value("#search-author") == "Ada Lovelace"
        assert page.input_value("#search-subject") == ""
        assert options(page, "subject") == ["All", "Data (1)"]
        assert page.url == url
        page.reload(wait_until="load")
    # a filter chosen on the page lands in the address, which then reloads the same
    page.select_option("#search-subject", "Data")
    wait_status(page, "1 result for \u201carchive\u201d in Vol. 2, on \u201cData\u201d, by")
    assert "subject=Data" in page.url and "author=Ada+Lovelace" in page.url
    page.reload(wait_until="load")
    wait_status(page, "1 result for \u201carchive\u201d in Vol. 2, on \u201cData\u201d, by")
    assert page.input_value("#search-subject") == "Data"


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_search_page_with_results_and_filters_is_accessible(
    watched: Watched, served: Served, axe_source: str, scheme: str
) -> None:
    page = watched.page
    page.emulate_media(color_scheme=scheme)
    page.goto(served.base + "search/index.html?q=archive&volume=Vol.%202", wait_until="load")
    wait_status(page, "2 results")
    assert page.is_visible("fieldset.search-filters")
    wait_options(page, "author", 3)
    page.add_script_tag(content=axe_source)
    violations = page.evaluate(
        "async () => (await axe.run(document, {resultTypes: ['violations']})).violations"
    )
    blocking = [
        f"{v['id']} {v['impact']}: {v['help']} {[n['target'] for n in v['nodes']][:5]}"
        for v in violations
        if v.get("impact") in BLOCKING
    ]
    assert not blocking, "\n".join(blocking)


def test_without_an_index_the_fallback_stays(browser: Any, site: Path, tmp_path: Path) -> None:
    bare = tmp_path / "bare"
    shutil.copytree(site, bare)
    shutil.rmtree(bare / INDEX_DIR)
    context = browser.new_context()
    try:
        page = context.new_page()
        with serve_site(bare, f"/ipfs/{FAKE_CID}") as s:
            page.goto(s.base + "search/index.html?q=archive", wait_until="load")
            wait_status(page, "Search is not available")
            assert page.is_visible(".search-fallback")
            assert not page.is_visible("#search-query")
            links = page.eval_on_selector_all(".search-fallback a", "as => as.map(a => a.href)")
            assert s.base + "papers/index.html" in links
    finally:
        context.close()
