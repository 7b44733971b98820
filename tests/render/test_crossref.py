"""Numbered figures, tables, equations and sections, and references to them."""

from __future__ import annotations

import re

from sitegen.render.doc import RenderContext
from sitegen.render.markdown import render_markdown

TEXT = r"""# Intro {#sec:intro}

See \autoref{fig:b}, \ref{fig:a}, @fig:a, [@fig:b], \eqref{eq:e} and \autoref{tbl:t}.
Also \autoref{sec:intro} and \autoref{fig:none}.

![First \label{fig:a}](a.png){ width=60% }

![Second](b.png){#fig:b width="50%"}

\begin{equation}\label{eq:e}
x = 1
\end{equation}

$$ y = 2 $$ {#eq:y}

| a |
|---|
| 1 |

Table: A table {#tbl:t}
"""


def _doc():  # type: ignore[no-untyped-def]
    return render_markdown(TEXT, RenderContext(path="c.md", first_line=1))


def test_figures_numbered_with_captions_and_widths() -> None:
    html = _doc().html
    figs = re.findall(r'<figure id="([^"]+)".*?</figure>', html, re.S)
    assert figs == ["fig:a", "fig:b"]
    assert 'style="width:60%"' in html and 'style="width:50%"' in html
    assert "Figure 1</span>: First</figcaption>" in html
    assert "\\label" not in html


def test_references_link_to_numbered_targets() -> None:
    html = _doc().html
    assert '<a class="xref" href="#fig:b">Figure 2</a>' in html
    assert '<a class="xref" href="#fig:a">1</a>' in html
    assert '<a class="xref" href="#fig:a">Figure 1</a>' in html
    assert '<a class="xref" href="#eq:e">(1)</a>' in html
    assert '<a class="xref" href="#tbl:t">Table 1</a>' in html
    assert '<a class="xref" href="#sec:intro">Section 1</a>' in html
    assert 'id="eq:e"' in html and 'id="eq:y"' in html and "(2)" in html
    assert re.search(r'<table id="tbl:t">\s*<caption>.*A table</caption>', html)


def test_unknown_label_is_warning_with_line() -> None:
    doc = _doc()
    (diag,) = [d for d in doc.diagnostics if d.field == "crossref"]
    assert diag.severity == "warning" and diag.line == 4 and "fig:none" in diag.message
    assert '<span class="xref xref-unknown">[fig:none]</span>' in doc.html


def test_reference_before_and_after_target() -> None:
    doc = render_markdown(
        "\\autoref{fig:z}\n\n![Z \\label{fig:z}](z.png)\n\n\\autoref{fig:z}\n",
        RenderContext(path="c.md"),
    )
    assert doc.html.count('href="#fig:z"') == 2
