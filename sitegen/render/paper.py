"""Render one paper (or static page): the unit of work the process pool runs.

Inputs and outputs are plain picklable data, so the pool sends a Paper in and gets a
PaperRender plus diagnostics back, and nothing else crosses the process boundary.
"""

from __future__ import annotations

import html
import re

from sitegen.content.model import Page, Paper
from sitegen.errors import Diagnostic
from sitegen.render.doc import RenderContext
from sitegen.render.model import PaperRender

SOURCE_PREFIX = "source/"
"""Paper pages link figures and data inside the published research object."""
_TAG = re.compile(r"<[^>]+>")
_MATH = re.compile(r"<math\b.*?</math>", re.S)
_SPACE = re.compile(r"\s+")


def plain_text(fragment: str) -> str:
    """Visible text of an HTML fragment, for meta tags and feeds (math kept as its TeX)."""
    fragment = _MATH.sub(lambda m: _annotation(m.group(0)), fragment)
    return _SPACE.sub(" ", html.unescape(_TAG.sub(" ", fragment))).strip()


def _annotation(math: str) -> str:
    found = re.search(r'<annotation encoding="application/x-tex">(.*?)</annotation>', math, re.S)
    return f" {found.group(1)} " if found else " "


def render_paper(paper: Paper, style: str) -> tuple[PaperRender, list[Diagnostic]]:
    from sitegen.render.bibtex import parse_bibtex
    from sitegen.render.markdown import render_inline, render_markdown

    diags: list[Diagnostic] = []
    bibliography = None
    if paper.bibliography:
        bib_path = paper.dir / paper.bibliography
        if bib_path.is_file():
            display = str(_display(paper, paper.bibliography))
            text = bib_path.read_text(encoding="utf-8", errors="replace")
            bibliography, found = parse_bibtex(text, display)
            diags += found

    def exists(rel: str) -> bool:
        target = (paper.dir / rel).resolve()
        return target.is_file() and paper.dir.resolve() in target.parents

    body = render_markdown(
        paper.body,
        RenderContext(
            path=paper.source_path,
            first_line=paper.body_line,
            bibliography=bibliography,
            citation_style=style,
            file_exists=exists,
            nocite=paper.nocite,
            link_prefix=SOURCE_PREFIX,
        ),
    )
    diags += body.diagnostics
    if paper.abstract:
        abstract = render_markdown(
            paper.abstract,
            RenderContext(
                path=paper.source_path,
                first_line=paper.lines.get("abstract", 1),
                bibliography=bibliography,
                citation_style=style,
                file_exists=exists,
                id_prefix="abstract-",
                link_prefix=SOURCE_PREFIX,
            ),
        )
        diags += abstract.diagnostics
        abstract_html = abstract.html
    else:
        abstract_html = body.first_section_html or ""
    notes = tuple(tuple(render_inline(n) for n in a.notes) for a in paper.authors)
    render = PaperRender(
        slug=paper.slug,
        body=body,
        abstract_html=abstract_html,
        abstract_text=plain_text(abstract_html),
        title_html=render_inline(paper.title),
        author_notes_html=notes,
    )
    return render, diags


def render_page_body(page: Page, style: str) -> tuple[str, list[Diagnostic]]:
    from sitegen.render.markdown import render_markdown

    doc = render_markdown(
        page.body,
        RenderContext(path=page.source_path, first_line=page.body_line, citation_style=style),
    )
    return doc.html, list(doc.diagnostics)


def _display(paper: Paper, rel: str) -> str:
    folder = paper.source_path.rsplit("/", 1)[0] if "/" in paper.source_path else "."
    return f"{folder}/{rel}"
