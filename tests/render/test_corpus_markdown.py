"""Render every real published paper in ../shared/corpus/joss (unmodified input)."""

from __future__ import annotations

import re
from html import unescape
from pathlib import Path

import pytest

from sitegen.content.frontmatter import load_markdown
from sitegen.render.bibtex import parse_bibtex
from sitegen.render.doc import RenderContext, RenderedDoc
from sitegen.render.markdown import render_markdown

CORPUS = Path(__file__).resolve().parents[2].parent / "shared" / "corpus" / "joss"
PAPERS = (
    sorted(p.name for p in CORPUS.iterdir() if (p / "paper.md").is_file())
    if CORPUS.is_dir()
    else []
)


def _render(name: str) -> tuple[RenderedDoc, list[str], int, str]:
    folder = CORPUS / name
    fm, data, _ = load_markdown(folder / "paper.md", f"{name}/paper.md")
    assert fm is not None and data is not None
    bib_text = ""
    bibliography = None
    if data.get("bibliography"):
        bib_text = (folder / str(data["bibliography"])).read_text(encoding="utf-8")
        bibliography, _ = parse_bibtex(bib_text, f"{name}/{data['bibliography']}")
    nocite = tuple(re.findall(r"@([^\s,;]+)", str(data.get("nocite") or "")))
    ctx = RenderContext(
        path=f"{name}/paper.md",
        first_line=fm.body_line,
        bibliography=bibliography,
        citation_style="author-year",
        file_exists=lambda p: (folder / p).is_file(),
        nocite=nocite,
    )
    lines = (folder / "paper.md").read_bytes().decode("utf-8-sig").splitlines()
    return render_markdown(fm.body, ctx), lines, fm.body_line, bib_text


def test_corpus_is_present() -> None:
    assert len(PAPERS) >= 30, f"corpus missing at {CORPUS}"


@pytest.mark.parametrize("name", PAPERS)
def test_paper_renders_cleanly(name: str) -> None:
    doc, lines, body_line, bib_text = _render(name)
    body = "\n".join(lines[body_line - 1 :])
    html = doc.html
    for raw in ("[@", "$$", "\\begin{", "\\autoref", "\\label{", "math-error", "<script"):
        assert raw not in html, f"{name}: raw {raw!r} left in HTML"
    prose = re.sub(r"`[^`\n]*`", "", re.sub(r"^(```|~~~).*?^\1", "", body, flags=re.S | re.M))
    if re.search(r"\$\S|\\begin\{(equation|align|eqnarray)", prose):
        assert "<math" in html and doc.has_math
    assert doc.first_section_title and doc.first_section_html

    # Every error is an unknown citation key that really is absent from the paper's .bib.
    for diag in doc.diagnostics:
        if diag.severity != "error":
            continue
        assert diag.field == "citation", diag.format()
        key = re.search(r"'@([^']+)'", diag.message)
        assert key and not re.search(r"@\w+\s*\{\s*" + re.escape(key.group(1)) + r"\s*,", bib_text)
        assert diag.line is not None and "@" + key.group(1) in lines[diag.line - 1]
    if re.search(r"\[@|\s@\w", body) and bib_text:
        assert doc.references, f"{name}: citations but no references"

    # Images the corpus lacks are warnings that point at the image's paragraph.
    warned = {d.message.split("'")[1]: d for d in doc.diagnostics if d.field == "image"}
    for src in re.findall(r'<img src="([^"]+)"', html):
        target = unescape(src)
        if (CORPUS / name / target).is_file() or re.match(r"\w+:", target):
            continue
        diag = warned[target]
        assert diag.severity == "warning" and diag.path == f"{name}/paper.md"
        assert diag.line is not None
        paragraph = "\n".join(lines[diag.line - 1 : diag.line + 15]).split("\n\n")[0]
        assert target in paragraph, f"{diag.format()} does not point at the image"
