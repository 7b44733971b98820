"""The real JOSS/JOSE corpus, unmodified, built as one journal."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from journal_fixtures import CORPUS, corpus_journal

from sitegen.errors import ContentError
from sitegen.pipeline import BuildOptions, build


@pytest.fixture(scope="module")
def corpus_build(tmp_path_factory: pytest.TempPathFactory):
    journal = corpus_journal(tmp_path_factory.mktemp("corpus"))
    result = build(BuildOptions(source=journal))
    return journal, result


def test_every_paper_page_has_title_authors_abstract(corpus_build):
    journal, result = corpus_build
    names = sorted(p.name for p in CORPUS.iterdir() if (p / "paper.md").is_file())
    assert result.papers == len(names) == 38
    for name in names:
        page = (journal / "public" / "papers" / name / "index.html").read_text()
        title = re.search(r'<meta name="citation_title" content="([^"]+)"', page)
        assert title and title.group(1).strip(), name
        assert 'name="citation_author"' in page, name
        assert 'class="abstract"' in page, name
        body = page.split('<div class="paper-body prose">', 1)[1]
        assert "[@" not in body, name
        assert "$$" not in body, name
        assert "\\begin{" not in body, name


def test_math_becomes_mathml(corpus_build):
    journal, _ = corpus_build
    # a "$" that pairs with another on one line, outside code fences, is TeX math
    pair = re.compile(r"\$\$?[^$\n`]+\$\$?")

    def prose(text: str) -> str:
        return re.sub(r"```.*?```", "", text, flags=re.S)

    with_math = [
        p.parent.name
        for p in CORPUS.glob("*/paper.md")
        if pair.search(prose(p.read_text(encoding="utf-8")))
    ]
    assert with_math
    for name in with_math:
        page = (journal / "public" / "papers" / name / "index.html").read_text()
        assert "<math" in page, name


def test_citations_resolve_to_reference_lists(corpus_build):
    journal, _ = corpus_build
    cited = [
        p.parent.name for p in CORPUS.glob("*/paper.md") if "[@" in p.read_text(encoding="utf-8")
    ]
    for name in cited:
        page = (journal / "public" / "papers" / name / "index.html").read_text()
        assert 'id="references-heading"' in page, name
        assert 'href="#ref-' in page, name


def test_missing_images_are_warnings_with_lines(corpus_build):
    _, result = corpus_build
    images = [w for w in result.warnings if w.field == "image"]
    assert images, "the corpus ships no figures, so some images must be reported"
    for w in images:
        assert w.path.endswith("paper.md") and w.line and w.line > 1


def test_strict_turns_missing_images_into_errors(tmp_path: Path):
    journal = corpus_journal(tmp_path / "strict")
    with pytest.raises(ContentError) as exc:
        build(BuildOptions(source=journal, strict=True))
    assert any(d.field == "image" and d.severity == "error" for d in exc.value.diagnostics)
    assert not (journal / "public").exists()


def test_first_section_serving_as_abstract_is_shown_once(corpus_build):
    journal, _ = corpus_build
    for name in ("multivae", "basix", "chempy"):
        page = (journal / "public" / "papers" / name / "index.html").read_text()
        abstract = page.split('<section class="abstract"', 1)[1].split("</section>", 1)[0]
        first_para = re.search(r"<p>(.*?)</p>", abstract, re.S).group(1)
        assert page.count(first_para) == 1, name
