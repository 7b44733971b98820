"""render_markdown: citations, footnotes, figures, links, diagnostics, abstract fallback."""

from __future__ import annotations

import re
from dataclasses import replace
from pathlib import Path

from sitegen.render.bibtex import parse_bibtex
from sitegen.render.doc import RenderContext
from sitegen.render.markdown import (
    finish_markdown,
    make_parser,
    parse_markdown,
    render_inline,
    render_markdown,
)

BIB = """
@article{smith2020, author={Smith, John and Doe, Jane}, title={A thing}, journal={J},
  year={2020}, doi={10.1000/xyz}}
@book{lee:2021, author={Lee, Kim}, title={Book}, year=2021, publisher={P}}
@misc{unused, author={Nobody, N}, title={Unused}, year=2019}
"""


def _ctx(tmp_path: Path, **kw: object) -> RenderContext:
    bib, diags = parse_bibtex(BIB, "paper.bib")
    assert not [d for d in diags if d.severity == "error"]
    base: dict[str, object] = {
        "path": "paper.md",
        "first_line": 10,
        "bibliography": bib,
        "citation_style": "numeric",
        "file_exists": lambda p: (tmp_path / p).exists(),
    }
    base.update(kw)
    return RenderContext(**base)  # type: ignore[arg-type]


def test_citation_forms_resolve_in_document_order(tmp_path: Path) -> None:
    text = (
        "First [@lee:2021]. Then [see @smith2020, p. 3; -@lee:2021].\n"
        "Loose [@smith2020, @lee:2021] and [@lee:2021 ;@smith2020], [e.g., @smith2020].\n"
        "In text @smith2020 says so; mail me at a.b@smith2020.org.\n"
    )
    doc = render_markdown(text, _ctx(tmp_path))
    assert not doc.diagnostics
    assert "[@" not in doc.html and "@smith2020 " not in doc.html
    assert [r.key for r in doc.references] == ["lee:2021", "smith2020"]
    assert [r.label for r in doc.references] == ["1", "2"]
    assert 'href="#ref-lee:2021"' in doc.html and 'href="#ref-smith2020"' in doc.html
    assert "see" in doc.html and "p. 3" in doc.html
    assert "a.b@smith2020.org" in doc.html


def test_unknown_key_is_error_with_line(tmp_path: Path) -> None:
    doc = render_markdown("Intro.\n\nText [@nope] here.\n", _ctx(tmp_path))
    errors = [d for d in doc.diagnostics if d.severity == "error"]
    assert len(errors) == 1
    assert errors[0].line == 12 and errors[0].field == "citation"
    assert "nope" in errors[0].message
    assert 'class="citation-unknown"' in doc.html


def test_nocite_adds_references(tmp_path: Path) -> None:
    doc = render_markdown("No cites.\n", _ctx(tmp_path, nocite=("unused",)))
    assert [r.key for r in doc.references] == ["unused"]
    doc = render_markdown("No cites.\n", _ctx(tmp_path, nocite=("*",)))
    assert len(doc.references) == 3


def test_citations_in_captions_and_table_cells(tmp_path: Path) -> None:
    (tmp_path / "f.png").write_bytes(b"png")
    text = "![Made with [@smith2020].](f.png)\n\n| a |\n|---|\n| [@lee:2021] |\n"
    doc = render_markdown(text, _ctx(tmp_path))
    assert not doc.diagnostics
    fig = re.search(r"<figcaption>.*?</figcaption>", doc.html, re.S)
    assert fig and 'href="#ref-smith2020"' in fig.group(0)
    assert re.search(r'<td>.*href="#ref-lee:2021".*</td>', doc.html)
    assert doc.local_links == ("f.png",)


def test_footnotes_both_kinds_link_both_ways(tmp_path: Path) -> None:
    text = "A[^n] and B^[inline *note*] and C\\footnote{latex note}.\n\n[^n]: Named note.\n"
    doc = render_markdown(text, _ctx(tmp_path, bibliography=None))
    for n in (1, 2, 3):
        assert f'href="#fn{n}"' in doc.html and f'id="fnref{n}"' in doc.html
        assert f'id="fn{n}"' in doc.html and f'href="#fnref{n}"' in doc.html
    assert "<em>note</em>" in doc.html and "latex note" in doc.html


def test_id_prefix_applies_to_headings_and_footnotes(tmp_path: Path) -> None:
    doc = render_markdown("# A\n\nx[^1]\n\n[^1]: y\n", _ctx(tmp_path, id_prefix="abs-"))
    assert 'id="abs-a"' in doc.html
    assert 'href="#fn-abs-1"' in doc.html


def test_missing_image_and_link_are_warnings_with_lines(tmp_path: Path) -> None:
    (tmp_path / "data.csv").write_text("x\n")
    text = "Intro\n\n![Cap](missing.png)\n\nSee [data](data.csv), [gone](gone.pdf#p2), [web](https://x.org).\n"
    doc = render_markdown(text, _ctx(tmp_path))
    found = {(d.field, d.line, d.severity) for d in doc.diagnostics}
    assert found == {("image", 12, "warning"), ("link", 14, "warning")}
    assert set(doc.local_links) == {"missing.png", "data.csv", "gone.pdf"}


def test_crlf_input(tmp_path: Path) -> None:
    doc = render_markdown("# T\r\n\r\nline one\r\nline $x$ two [@smith2020]\r\n", _ctx(tmp_path))
    assert "\r" not in doc.html
    assert "<math" in doc.html and not doc.diagnostics


def test_first_section_and_toc(tmp_path: Path) -> None:
    text = (
        "# Summary\n\nThe *abstract* $x$.\n\n## Detail\n\nMore.\n\n# Statement of need\n\nNeed.\n"
    )
    doc = render_markdown(text, _ctx(tmp_path))
    assert doc.first_section_title == "Summary"
    assert doc.first_section_html is not None
    assert "<em>abstract</em>" in doc.first_section_html and "More." in doc.first_section_html
    assert "Need." not in doc.first_section_html
    assert "id=" not in doc.first_section_html
    assert "<h2" not in doc.first_section_html.split("Detail")[0]
    assert [(t.level, t.id) for t in doc.toc] == [
        (2, "summary"),
        (3, "detail"),
        (2, "statement-of-need"),
    ]
    assert doc.has_math


def test_code_is_highlighted_with_classes(tmp_path: Path) -> None:
    doc = render_markdown("```python\nimport os\n```\n\n```nosuchlang\n<b>\n```\n", _ctx(tmp_path))
    assert '<span class="kn">import</span>' in doc.html
    assert "style=" not in doc.html
    assert "&lt;b&gt;" in doc.html


def test_documents_do_not_share_state(tmp_path: Path) -> None:
    text = "# Intro\n\n![a \\label{fig:a}](a.png)\n\n\\autoref{fig:a} [@smith2020]\n"
    first = render_markdown(text, _ctx(tmp_path))
    second = render_markdown(text, _ctx(tmp_path))
    assert first.html == second.html
    assert make_parser() is make_parser()


def test_render_inline_has_no_paragraph_and_is_sanitized() -> None:
    out = render_inline("A *title* with $x^2$ <script>alert(1)</script><b onclick=x>b</b>")
    assert not out.startswith("<p>")
    assert "<em>title</em>" in out and "<math" in out
    assert "script" not in out and "onclick" not in out and "<b>b</b>" in out


def test_raw_html_targets_are_checked(tmp_path: Path) -> None:
    text = 'Intro\n\n<img src="raw.png" alt="r">\n\nSee <a href="../outside.txt">x</a>.\n'
    doc = render_markdown(text, _ctx(tmp_path))
    found = {(d.field, d.line) for d in doc.diagnostics}
    assert found == {("image", 12), ("link", 14)}
    assert doc.local_links == ("raw.png",)


def test_in_text_citation_takes_a_pandoc_locator():
    from sitegen.render.bibtex import parse_bibtex

    bib, _ = parse_bibtex(
        "@article{smith04, author={Smith, John}, title={T}, year={2004}}", "x.bib"
    )
    ctx = RenderContext(path="p.md", bibliography=bib, citation_style="author-year")
    doc = render_markdown("As @smith04 [p. 33] shows; @smith04 [link](x.html).", ctx)
    text = re.sub(r"<[^>]+>", "", doc.html)
    assert "Smith (2004, p. 33) shows" in text
    assert "Smith (2004) link" in text and 'href="x.html"' in doc.html


SAME_YEAR_BIB = """
@article{kim2020x, author={Kim, Ann}, title={Xylem}, journal={J}, year=2020}
@article{kim2020y, author={Kim, Ann}, title={Yarrow}, journal={J}, year=2020}
"""


def test_year_suffixes_follow_what_the_page_cites(tmp_path: Path) -> None:
    bib, _ = parse_bibtex(SAME_YEAR_BIB, "paper.bib")
    ctx = _ctx(tmp_path, bibliography=bib, citation_style="author-year")
    alone = render_markdown("See [@kim2020y].\n", ctx)
    assert "Kim, 2020<" in alone.html
    assert [r.label for r in alone.references] == ["Kim 2020"]
    both = render_markdown("See [@kim2020y]. Also [@kim2020x].\n", ctx)
    assert "Kim, 2020b<" in both.html and "Kim, 2020a<" in both.html
    nocited = render_markdown("See [@kim2020y].\n", replace(ctx, nocite=("kim2020x",)))
    assert [r.label for r in nocited.references] == ["Kim 2020a", "Kim 2020b"]
    # an abstract and its body disambiguate together, each knowing what the other cites
    body = parse_markdown("Body [@kim2020x].\n", ctx)
    abstract = parse_markdown("Abstract [@kim2020y].\n", replace(ctx, id_prefix="abstract-"))
    assert body.cited == {"kim2020x"} and abstract.cited == {"kim2020y"}
    assert "Kim, 2020a<" in finish_markdown(body, abstract.cited).html
    assert "Kim, 2020b<" in finish_markdown(abstract, body.cited).html
    # a figure label cited like a key is a cross reference, not a citation
    xref = parse_markdown("![Cap](f.png){#fig:a}\n\nSee @fig:a and [@kim2020x].\n", ctx)
    assert xref.cited == {"kim2020x"}


def test_cited_keys_are_those_the_renderer_formats(tmp_path: Path) -> None:
    text = (
        "# Intro [@head] {#sec:intro}\n\n"
        "![Caption citing [@figcap].](f.png){#fig:a}\n\n"
        "Text ![alt [@inalt]](g.png) [link @inlink](h.md) [@fig:a; @mixed] [@sec:intro]\n"
        "and^[a note @note] more[^1].\n\n"
        "[^1]: Defined note [@defnote].\n"
    )
    parsed = parse_markdown(text, _ctx(tmp_path))
    assert parsed.cited == {"head", "figcap", "inlink", "fig:a", "mixed", "note", "defnote"}


def test_may_hold_html_is_the_regular_expression_it_replaced() -> None:
    import random

    from markdown_samples import markdown_sources

    from sitegen.render.markdown import _may_hold_html

    reference = re.compile(r"<[A-Za-z/!?]")
    texts = [text for _, text in markdown_sources([], "x")]
    rng = random.Random(3)
    alphabet = "<<a Z/!?1 -é\u0130\u212a\n"  # (\u0130, \u212a: letters, not ASCII)
    texts += ["".join(rng.choice(alphabet) for _ in range(rng.randint(0, 6))) for _ in range(5000)]
    for text in texts:
        assert _may_hold_html(text) == (reference.search(text) is not None), text


def test_section_marker_is_one_the_text_cannot_hold() -> None:
    from sitegen.render.first_section import PLAIN_MARKER as _PLAIN_MARKER
    from sitegen.render.first_section import section_marker as _section_marker

    assert _section_marker("# A\n\ntext") == _PLAIN_MARKER
    for text in (f"# A\n\n{_PLAIN_MARKER}\n", "# A \ue000"):
        marker = _section_marker(text)
        assert marker != _PLAIN_MARKER and marker not in text
        assert marker.startswith("<!--sitegen-section-") and len(marker) == len(_PLAIN_MARKER)


def test_a_text_holding_the_marker_renders_as_any_other() -> None:
    from sitegen.render.first_section import PLAIN_MARKER as _PLAIN_MARKER

    ctx = RenderContext(path="paper.md")
    plain = render_markdown("# Summary\n\nA.\n\n# Next\n\nB `x`.\n", ctx)
    crafted = render_markdown(f"# Summary\n\nA.\n\n# Next\n\nB `{_PLAIN_MARKER}`.\n", ctx)
    assert plain.first_section_html == crafted.first_section_html == "<p>A.</p>"
    assert crafted.html.count("sitegen-section") == 1  # the code span's, escaped


def test_text_join_is_markdown_its() -> None:
    """Our ``text_join`` core rule against markdown-it's, over the samples and escapes."""
    from markdown_it.rules_core.text_join import text_join
    from markdown_samples import markdown_sources

    from sitegen.render.mdstate import ENV_KEY, DocState

    ours = make_parser.__wrapped__()
    theirs = make_parser.__wrapped__()
    theirs.core.ruler.at("text_join", text_join)
    cases = [
        "\\*a\\* &amp; b\\_c &copy;\\\\ ![x \\* &lt; y](z.png) \\[1\\] `q` \\",
        "plain",
        "a\\\nb &#35;&#35;&#35; \\*\\*\\*\\*",
        "",
    ]
    for _, text in markdown_sources(cases, "join"):
        env_a = {ENV_KEY: DocState(ctx=RenderContext(path="x.md"))}
        env_b = {ENV_KEY: DocState(ctx=RenderContext(path="x.md"))}
        tokens_a, tokens_b = ours.parse(text, env_a), theirs.parse(text, env_b)
        assert [t.as_dict() for t in tokens_a] == [t.as_dict() for t in tokens_b]
