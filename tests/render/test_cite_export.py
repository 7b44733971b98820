"""The paper's own citation files: BibTeX, RIS and CSL-JSON, and the formatted citation."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import re
from pathlib import Path

import pytest

from sitegen.content.config import JournalConfig
from sitegen.content.model import Author, Paper
from sitegen.render.bibtex import parse_bibtex
from sitegen.render.cite_export import (
    bib_escape,
    formatted_citation,
    paper_citation_files,
    plain_abstract,
)
from sitegen.render.names import parse_bibtex_names

TRICKY_TITLE = "Gödel & <script>alert(1)</script>: 50% of $x_1$ -- {a} ~b ^c \\d #e ``f''"


@pytest.fixture
def config(tmp_path: Path) -> JournalConfig:
    return JournalConfig(
        root=tmp_path,
        path="sitegen.yaml",
        title="Journal of Open Things",
        publisher="Open Press",
        issn="1234-5678",
        citation_style="author-year",
    )


@pytest.fixture
def paper(tmp_path: Path) -> Paper:
    return Paper(
        slug="goedel",
        dir=tmp_path,
        source_path="content/papers/goedel/paper.md",
        title=TRICKY_TITLE,
        authors=(
            Author(name="Jane van der Berg"),
            Author(name="Plato"),
            Author(name="Doe, John"),
            Author(name="Kurt Gödel", given="Kurt", family="Gödel"),
            Author(name="Barnes, and Noble"),
        ),
        body="# Summary\n\nThe *summary* cites [@smith2020].\n\nSecond\nparagraph.\n\n# Next\n\nNot it.\n",
        body_line=12,
        date=dt.date(2021, 3, 7),
        keywords=("logic", "proofs"),
        doi="https://doi.org/10.21105/joss.01234",
        volume=6,
        issue=59,
    )


URL = "https://journal.example/papers/goedel/"


def test_files_are_deterministic(paper: Paper, config: JournalConfig) -> None:
    first = paper_citation_files(paper, config, url=URL)
    assert set(first) == {"cite.bib", "cite.ris", "cite.json"}
    assert first == paper_citation_files(paper, config, url=URL)
    assert all(isinstance(v, bytes) for v in first.values())


def test_csl_json(paper: Paper, config: JournalConfig) -> None:
    data = json.loads(paper_citation_files(paper, config, url=URL)["cite.json"])
    assert isinstance(data, list) and len(data) == 1
    item = data[0]
    assert item["type"] == "article-journal"
    assert item["title"] == TRICKY_TITLE
    assert item["author"] == [
        {"family": "van der Berg", "given": "Jane"},
        {"literal": "Plato"},
        {"family": "Doe", "given": "John"},
        {"family": "Gödel", "given": "Kurt"},
        {"family": "Barnes", "given": "and Noble"},
    ]
    assert item["container-title"] == "Journal of Open Things"
    assert item["issued"] == {"date-parts": [[2021, 3, 7]]}
    assert item["DOI"] == "10.21105/joss.01234"
    assert item["URL"] == URL
    assert item["ISSN"] == "1234-5678"
    assert item["publisher"] == "Open Press"
    assert (item["volume"], item["issue"]) == ("6", "59")
    assert item["keyword"] == "logic, proofs"
    assert item["abstract"] == "The summary cites.\n\nSecond paragraph."
    assert item["license"] == "CC-BY-4.0"
    assert "status" not in item


def test_ris_line_format(paper: Paper, config: JournalConfig) -> None:
    text = paper_citation_files(paper, config, url=URL)["cite.ris"].decode("utf-8")
    assert text.endswith("ER  - \r\n")
    lines = text.split("\r\n")[:-1]
    assert all(re.fullmatch(r"[A-Z][A-Z0-9]  - .*", line) for line in lines), lines
    assert lines[0] == "TY  - JOUR"
    tags = [(line[:2], line[6:]) for line in lines]
    assert ("AU", "van der Berg, Jane") in tags
    assert ("AU", "Plato") in tags
    assert ("DA", "2021/03/07/") in tags
    assert ("DO", "10.21105/joss.01234") in tags
    assert ("KW", "logic") in tags and ("KW", "proofs") in tags
    assert ("AB", "The summary cites. Second paragraph.") in tags
    assert ("TI", TRICKY_TITLE) in tags


def test_bibtex_round_trips_through_our_parser(paper: Paper, config: JournalConfig) -> None:
    text = paper_citation_files(paper, config, url=URL)["cite.bib"].decode("utf-8")
    bib, diags = parse_bibtex(text, "cite.bib")
    assert diags == []
    (entry,) = bib.entries.values()
    assert entry.type == "article"
    assert entry.key == "vanderBerg2021"
    f = entry.fields
    assert f["title"] == TRICKY_TITLE
    assert f["journal"] == "Journal of Open Things"
    assert (f["year"], f["month"], f["volume"], f["number"]) == ("2021", "March", "6", "59")
    assert f["doi"] == "10.21105/joss.01234"
    assert f["url"] == URL
    assert f["issn"] == "1234-5678"
    names = parse_bibtex_names(entry.raw["author"])
    assert [(n.given, n.family) for n in names] == [
        ("Jane", "van der Berg"),
        (None, "Plato"),
        ("John", "Doe"),
        ("Kurt", "Gödel"),
        ("and Noble", "Barnes"),
    ]


@pytest.mark.parametrize(
    "text", ["plain", "a & b 100% $5 #1 x_y {z} ~ ^ \\ -- ``q'' end", "Ünïcödé — ok"]
)
def test_bib_escape_round_trip(text: str) -> None:
    bib, diags = parse_bibtex(f"@misc{{k, title = {{{bib_escape(text)}}}}}", "x.bib")
    assert diags == []
    assert bib.entries["k"].fields["title"] == text


def test_abstract_prefers_front_matter(paper: Paper) -> None:
    with_abstract = dataclasses.replace(paper, abstract="Given *abstract* \\label{x}.")
    assert plain_abstract(with_abstract) == "Given abstract."
    assert plain_abstract(dataclasses.replace(paper, body="No headings here.")) is None


def test_formatted_citation_styles(paper: Paper, config: JournalConfig) -> None:
    html_ay = formatted_citation(paper, config, url=URL)
    assert "<script>" not in html_ay
    assert "&lt;script&gt;" in html_ay
    assert "(2021)." in html_ay
    assert "<em>Journal of Open Things</em>, <em>6</em>(59)" in html_ay
    assert '<a href="https://doi.org/10.21105/joss.01234">' in html_ay
    assert html_ay.startswith("van der Berg, J., Plato, Doe, J., Gödel, K., &amp; Barnes")
    numeric = dataclasses.replace(config, citation_style="numeric")
    html_num = formatted_citation(paper, numeric, url=URL)
    assert html_num.startswith("J. van der Berg, Plato, J. Doe, K. Gödel, and a. N. Barnes")
    assert "vol. 6, no. 59, 2021." in html_num


def test_preprint_without_doi_links_url(paper: Paper, config: JournalConfig) -> None:
    preprint = dataclasses.replace(paper, status="preprint", doi=None, date=None)
    html_out = formatted_citation(preprint, config, url=URL)
    assert f'<a href="{URL}">' in html_out
    assert "(n.d.)" in html_out
    assert "Preprint." in html_out
    item = json.loads(paper_citation_files(preprint, config, url=None)["cite.json"])[0]
    assert item["type"] == "article"
    assert item["status"] == "preprint"
    assert "issued" not in item and "URL" not in item and "DOI" not in item


def _random_lines(seed: int, count: int, specials: str) -> list[str]:
    """Prose-like lines, with ``specials`` (what CommonMark might read) among the letters."""
    import random

    rng = random.Random(seed)
    alphabet = "abcXYZé ß 09 \t\u00a0\u2003.,;:%-'\"()/|?" + specials
    lines = []
    for _ in range(count):
        first = rng.choice("aZé1 -*#>[\t")
        lines.append(first + "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 30))))
    return lines


def test_plain_line_fast_path_reads_as_commonmark_does() -> None:
    # The one-line fast path of ``plain_abstract`` against the parser it stands in for.
    from sitegen.render.abstract_text import _is_plain_line, _paragraph_texts

    lines = _random_lines(8, 5000, "!#$&*+<=>@[\\]^_`{}~\r\n\x00")
    lines += _random_lines(9, 5000, "-:%!")
    lines += ["Plain prose: 50% of non-linear cases.  ", "A\u2003", "Über-fast"]
    plain = [line for line in lines if _is_plain_line(line)]
    assert len(plain) > 1000
    for line in plain:
        assert _paragraph_texts(line) == [line.strip()], repr(line)
    for bad in ("1. A list", "- item", "Some *emphasis*", "A\nB", "a [@key] b", "x &amp; y"):
        assert not _is_plain_line(bad)


def test_plain_abstract_of_one_line(paper: Paper) -> None:
    one = dataclasses.replace(paper, abstract="We measure things : carefully , twice.")
    assert plain_abstract(one) == "We measure things: carefully, twice."


def test_abstract_files_take_the_one_line_abstract_as_split_and_joined(
    paper: Paper, config: JournalConfig
) -> None:
    # ``_Shared.abstract_line`` (paragraphs joined by a space) stands in for
    # ``" ".join(abstract.split())`` in cite.bib and cite.ris; the space before punctuation
    # is dropped by a pattern for single spaces, as the old ``\s+`` one did.
    import random

    from sitegen.render.cite_export import _Shared

    old_punct = re.compile(r"\s+([.,;:])")
    rng = random.Random(4)
    words = [
        "a",
        "b.",
        ",",
        " ;",
        "x :",
        "\u00e9t\u00e9",
        "50%",
        "--",
        "{c}",
        "\\d",
        "\t",
        "\u2003",
    ]
    abstracts = [
        " ".join(rng.choice(words) for _ in range(rng.randint(1, 12)))
        + rng.choice(["", "\n\n", "\n\nSecond , para .\n", "\n  \n# Head\n\nThird"])
        for _ in range(300)
    ]
    abstracts += ["One line.", "Two\n\nparagraphs here .", "Spaced  out ,  words"]
    for text in abstracts:
        one = dataclasses.replace(paper, abstract=text)
        plain = plain_abstract(one)
        if plain is None:
            continue
        shared = _Shared(one, plain)
        assert shared.abstract_line == " ".join(plain.split()), repr(text)
        for para in plain.split("\n\n"):
            assert para == old_punct.sub(r"\1", para) == " ".join(para.split()), repr(text)
        files = paper_citation_files(one, config, url=URL)
        ris_ab = [ln for ln in files["cite.ris"].decode().split("\r\n") if ln.startswith("AB")]
        assert ris_ab == [f"AB  - {shared.abstract_line}"]
        assert f"  abstract  = {{{bib_escape(plain)}}}," in files["cite.bib"].decode()


def test_plain_line_abstract_as_the_paragraph_steps_give_it(paper: Paper) -> None:
    # A one-line abstract skips the steps that cannot change it; each must come out as
    # those steps (reference and citation removal, split and join, punctuation) give it.
    from sitegen.render.abstract_text import _CITATION_RE, _LATEX_REF_RE, _is_plain_line

    lines = _random_lines(10, 8000, "-:%;,.  ")
    lines += ["Plain prose : 50% of cases .  ", "A\u2003b", "Tab\there", "x ,y"]
    plain = [line for line in lines if _is_plain_line(line)]
    assert len(plain) > 1000
    for line in plain:
        steps = " ".join(_CITATION_RE.sub("", _LATEX_REF_RE.sub("", line)).split())
        steps = re.sub(r"\s+([.,;:])", r"\1", steps)
        assert plain_abstract(dataclasses.replace(paper, abstract=line)) == steps, repr(line)
