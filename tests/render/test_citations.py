"""Citation rendering in both styles, reference lists and their formatting."""

from __future__ import annotations

import html
import re
from dataclasses import replace
from pathlib import Path

import pytest

from sitegen.render.bibtex import BibEntry, Bibliography, parse_bibtex
from sitegen.render.citations import CitationProcessor
from sitegen.render.doc import CiteItem
from sitegen.render.names import PersonName
from sitegen.render.refformat import cite_names, escape, normalize_doi, safe_url
from tests.render.test_refformat import sample_entries

BIB = r"""
@article{smith2020,
  author = {Smith, John and Doe, Anne and Roe, Richard},
  title = {Deep things},
  journal = {Journal of Stuff},
  volume = {12}, number = {3}, pages = {45--67},
  year = {2020},
  doi = {https://doi.org/10.1000/abc.123},
}
@book{doe2019,
  author = {Doe, Anne},
  title = {A Book},
  publisher = {Big Press},
  year = 2019,
  url = {https://example.org/book},
}
@article{alpha2018a, author = {Alpha, A. and Beta, B.}, title = {Zeta paper}, journal = {J}, year = 2018,
  doi = {doi:10.1234/z}}
@article{alpha2018b, author = {Alpha, A. and Beta, B.}, title = {Another paper}, journal = {J}, year = 2018}
@misc{godel, author = {G{\"o}del, Kurt}, title = {{\"U}ber formal unentscheidbare S{\"a}tze}, year = 1931}
@misc{xss, author = {<script>alert(1)</script>}, title = {<img src=x onerror=alert(1)> & "q"},
  url = {javascript:alert(1)}, year = 2021}
@misc{nodate, author = {{World Health Organization}}, title = {Report}}
"""


@pytest.fixture
def bib() -> Bibliography:
    bibliography, diags = parse_bibtex(BIB, "paper.bib")
    assert diags == []
    return bibliography


def strip_tags(text: str) -> str:
    """The text a reader sees."""
    return html.unescape(re.sub(r"<[^>]+>", "", text))


def test_unknown_style_is_rejected(bib: Bibliography) -> None:
    with pytest.raises(ValueError):
        CitationProcessor(bib, "harvard-ish")


def test_has_and_case_fallback(bib: Bibliography) -> None:
    proc = CitationProcessor(bib, "numeric")
    assert proc.has("smith2020")
    assert proc.has("Smith2020")
    assert not proc.has("missing")
    assert not CitationProcessor(None, "numeric").has("smith2020")


def test_numeric_numbers_in_order_of_first_citation_and_ranges(bib: Bibliography) -> None:
    proc = CitationProcessor(bib, "numeric")
    assert strip_tags(proc.cite([CiteItem("doe2019")])) == "[1]"
    assert strip_tags(proc.cite([CiteItem("smith2020"), CiteItem("doe2019")])) == "[1, 2]"
    many = [CiteItem(k) for k in ("godel", "alpha2018a", "alpha2018b", "doe2019", "nodate")]
    out = proc.cite(many)
    assert strip_tags(out) == "[1, 3–6]"
    assert '<a href="#ref-doe2019" class="citation">1</a>' in out
    assert 'href="#ref-godel"' in out
    assert 'href="#ref-nodate"' in out
    assert (
        strip_tags(proc.cite([CiteItem("smith2020", prefix="see", locator="p. 3")]))
        == "[see 2, p. 3]"
    )
    assert strip_tags(proc.cite([CiteItem("smith2020")], in_text=True)) == "Smith et al. [2]"
    assert strip_tags(proc.cite([CiteItem("alpha2018a")], in_text=True)) == "Alpha and Beta [4]"
    refs = proc.references()
    assert [r.key for r in refs] == [
        "doe2019",
        "smith2020",
        "godel",
        "alpha2018a",
        "alpha2018b",
        "nodate",
    ]
    assert [r.label for r in refs] == ["1", "2", "3", "4", "5", "6"]


def test_author_year_cites(bib: Bibliography) -> None:
    proc = CitationProcessor(bib, "author-year")
    out = proc.cite([CiteItem("smith2020"), CiteItem("doe2019", locator="p. 3")])
    assert strip_tags(out) == "(Smith et al., 2020; Doe, 2019, p. 3)"
    assert '<a href="#ref-smith2020" class="citation">Smith et al., 2020</a>' in out
    assert strip_tags(proc.cite([CiteItem("smith2020")], in_text=True)) == "Smith et al. (2020)"
    assert strip_tags(proc.cite([CiteItem("doe2019", suppress_author=True)])) == "(2019)"
    assert strip_tags(proc.cite([CiteItem("doe2019", prefix="see ", locator=", ch. 2")])) == (
        "(see Doe, 2019, ch. 2)"
    )
    assert strip_tags(proc.cite([CiteItem("godel")])) == "(Gödel, 1931)"
    assert strip_tags(proc.cite([CiteItem("nodate")])) == "(World Health Organization, n.d.)"


def test_author_year_disambiguation_and_order(bib: Bibliography) -> None:
    proc = CitationProcessor(bib, "author-year")
    assert strip_tags(proc.cite([CiteItem("alpha2018a")])) == "(Alpha & Beta, 2018b)"
    assert strip_tags(proc.cite([CiteItem("alpha2018b")])) == "(Alpha & Beta, 2018a)"
    proc.cite([CiteItem("smith2020")])
    proc.nocite(["doe2019", "@godel", "missing"])
    refs = proc.references()
    assert [r.key for r in refs] == ["alpha2018b", "alpha2018a", "doe2019", "godel", "smith2020"]
    assert refs[0].label == "Alpha & Beta 2018a"
    assert "(2018a)" in refs[0].text


def test_nocite_star_adds_everything(bib: Bibliography) -> None:
    proc = CitationProcessor(bib, "numeric")
    proc.cite([CiteItem("godel")])
    proc.nocite(["*"])
    refs = proc.references()
    assert len(refs) == len(bib.entries)
    assert refs[0].key == "godel"


def test_unknown_key_is_marked_not_linked(bib: Bibliography) -> None:
    for style in ("numeric", "author-year"):
        proc = CitationProcessor(bib, style)
        out = proc.cite([CiteItem("nope<b>"), CiteItem("doe2019")])
        assert "?nope&lt;b&gt;" in out
        assert "#ref-nope" not in out
        assert [r.key for r in proc.references()] == ["doe2019"]


def test_reference_formatting_author_year(bib: Bibliography) -> None:
    proc = CitationProcessor(bib, "author-year")
    proc.nocite(["*"])
    refs = {r.key: r for r in proc.references()}
    smith = refs["smith2020"]
    assert smith.text == (
        "Smith, J., Doe, A., & Roe, R. (2020). Deep things. Journal of Stuff, 12(3), 45–67. "
        "https://doi.org/10.1000/abc.123"
    )
    assert smith.doi == "10.1000/abc.123"
    assert '<a href="https://doi.org/10.1000/abc.123">' in smith.html
    assert "<em>Journal of Stuff</em>" in smith.html
    book = refs["doe2019"]
    assert book.text == "Doe, A. (2019). A Book. Big Press. https://example.org/book"
    assert '<a href="https://example.org/book">' in book.html
    assert refs["alpha2018a"].doi == "10.1234/z"
    assert refs["godel"].text.startswith("Gödel, K. (1931). Über formal unentscheidbare Sätze.")


def test_reference_formatting_numeric(bib: Bibliography) -> None:
    proc = CitationProcessor(bib, "numeric")
    proc.cite([CiteItem("smith2020")])
    (ref,) = proc.references()
    assert ref.text == (
        "J. Smith, A. Doe, and R. Roe, “Deep things,” Journal of Stuff, vol. 12, no. 3, "
        "pp. 45–67, 2020. https://doi.org/10.1000/abc.123"
    )


@pytest.mark.parametrize("style", ["numeric", "author-year"])
def test_untrusted_bibtex_stays_escaped(bib: Bibliography, style: str) -> None:
    proc = CitationProcessor(bib, style)
    cite = proc.cite([CiteItem("xss")], in_text=True) + proc.cite([CiteItem("xss")])
    (ref,) = proc.references()
    for out in (cite, ref.html):
        assert "<script" not in out
        assert "<img" not in out
    assert "&lt;img src=x onerror=alert(1)&gt; &amp; &quot;q&quot;" in ref.html
    assert 'href="javascript' not in ref.html
    assert ref.url is None


def test_doi_and_url_normalisation() -> None:
    assert normalize_doi("https://doi.org/10.1000/X.1") == "10.1000/X.1"
    assert normalize_doi("http://dx.doi.org/10.1000/x") == "10.1000/x"
    assert normalize_doi("doi:10.1000/x.") == "10.1000/x"
    assert normalize_doi("DOI: 10.1000/x") == "10.1000/x"
    assert normalize_doi("not a doi") is None
    assert safe_url("https://x.org/a?b=c") == "https://x.org/a?b=c"
    assert safe_url("javascript:alert(1)") is None
    assert safe_url('https://x.org/"><script>') is None


CORPUS = Path(__file__).resolve().parents[2].parent / "shared/corpus/joss"


@pytest.mark.parametrize("style", ["numeric", "author-year"])
def test_whole_corpus_formats(style: str) -> None:
    """Every entry of every corpus file formats, with no LaTeX or raw markup left."""
    count = 0
    for path in sorted(CORPUS.glob("*/*.bib")):
        bib, _ = parse_bibtex(path.read_text(encoding="utf-8"), str(path))
        proc = CitationProcessor(bib, style)
        keys = list(bib.entries)
        assert proc.cite([CiteItem(k) for k in keys])
        for ref in proc.references():
            count += 1
            assert ref.text and ref.label
            assert "{" not in ref.text and "}" not in ref.text, (path, ref.key)
            literal_backslash = "textbackslash" in "".join(bib.entries[ref.key].raw.values())
            assert "\\" not in ref.text or literal_backslash, (path, ref.key)
    assert count > 800


def test_year_suffixes_are_decided_among_cited_entries(bib: Bibliography) -> None:
    """citeproc's rule: two same-author, same-year entries differ only if both are cited."""
    alone = CitationProcessor(bib, "author-year", cited=["alpha2018a", "smith2020"])
    assert strip_tags(alone.cite([CiteItem("alpha2018a")])) == "(Alpha & Beta, 2018)"
    assert [r.label for r in alone.references()] == ["Alpha & Beta 2018"]
    both = CitationProcessor(bib, "author-year", cited=["alpha2018a", "ALPHA2018B"])
    assert strip_tags(both.cite([CiteItem("alpha2018a")])) == "(Alpha & Beta, 2018b)"
    nocited = CitationProcessor(bib, "author-year", cited=["alpha2018a", "@alpha2018b"])
    assert strip_tags(nocited.cite([CiteItem("alpha2018a")])) == "(Alpha & Beta, 2018b)"
    star = CitationProcessor(bib, "author-year", cited=["alpha2018a", "*"])
    assert strip_tags(star.cite([CiteItem("alpha2018a")])) == "(Alpha & Beta, 2018b)"


def test_in_text_names_as_cite_names_gives_them() -> None:
    """An author-year label takes its in-text names from the bracketed ones unless those
    join two names by " & ": every corpus and generated entry, and names holding "&"."""
    entries = {f"k{i}": entry for i, entry in enumerate(sample_entries())}
    proc = CitationProcessor(Bibliography("x.bib", entries), "author-year", cited=list(entries))
    two_names = 0
    for key in entries:
        proc.cite([CiteItem(key)], in_text=True)
        narrative = proc._labels[key][3]
        assert narrative == escape(cite_names(proc._ref(key), narrative=True)), key
        two_names += " and " in narrative
    assert two_names > 100
    for names in [("A & B",), ("Lee", "Kim"), ("Roe & Co", "Big & Small"), ("A & B", "C")]:
        bib = Bibliography("x.bib", {"k": BibEntry("k", "misc", {}, 1)})
        one = CitationProcessor(bib, "author-year")
        data = one._data["k"] = replace(one._ref("k"), authors=tuple(map(PersonName, names)))
        one.cite([CiteItem("k")])
        assert one._labels["k"][3] == escape(cite_names(data, narrative=True)), names
