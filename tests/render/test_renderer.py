"""``Renderer`` writes what markdown-it's ``RendererHTML`` writes, byte for byte."""

from __future__ import annotations

from typing import Any

import pytest
from markdown_it import MarkdownIt
from markdown_it.renderer import RendererHTML
from markdown_it.token import Token
from markdown_samples import markdown_sources

from sitegen.render import markdown as md_module
from sitegen.render.doc import RenderContext
from sitegen.render.mdstate import ENV_KEY, DocState
from sitegen.render.renderer import Renderer

CASES = [
    "- tight\n- list\n  > quote after a hidden paragraph\n- item\n\n  loose\n",
    "1. a\n   - b\n     ```\n     code\n     ```\n2. c\n\n- \n- empty item\n",
    '> q\n\n***\n\n    indented\n\n<div a="b">\nraw\n</div>\n\nline  \nbreak\\\nhard\n',
    "# H *em* {#id .cls}\n\nSetext\n---\n\n| a | b |\n|:--|--:|\n| `c` | <d> |\n",
    '[l & "q"](http://x.org/?a=1&b="2" "t <i>") ![alt *em* `c`](p.png "ti&tle")\n',
    "text with & and < and > and \" and ' quotes, ~~del~~ **b** _i_\n",
    "Term\n: def\n\n[^1]\n\n[^1]: note\n\nauto <https://a.b/c?d&e> &amp; &copy; &#35;\n",
    "![Figure](f.png){ width=50% .wide #fig:x }\n\nTable: cap\n\n| x |\n|---|\n| 1 |\n",
]


TEXTS = markdown_sources(CASES, "case")


def _env() -> dict[str, Any]:
    return {ENV_KEY: DocState(ctx=RenderContext(path="x.md"))}


@pytest.mark.parametrize(("name", "text"), TEXTS, ids=[t[0] for t in TEXTS])
def test_paper_parser_renders_as_markdown_it(name: str, text: str) -> None:
    md = md_module.make_parser()
    assert isinstance(md.renderer, Renderer)
    env = _env()
    tokens = md.parse(text, env)
    reference = RendererHTML(md)
    for name, rule in md.renderer.rules.items():  # ours and the plugins', bound anew
        fn = rule.__func__
        if fn not in (getattr(RendererHTML, name, None), getattr(Renderer, name, None)):
            reference.rules[name] = fn.__get__(reference)
    assert reference.rules["text"].__func__ is RendererHTML.text
    assert md.renderer.render(tokens, md.options, env) == reference.render(tokens, md.options, env)


@pytest.mark.parametrize("xhtml", [False, True])
@pytest.mark.parametrize(("name", "text"), TEXTS, ids=[t[0] for t in TEXTS])
def test_plain_commonmark_renders_as_markdown_it(name: str, text: str, xhtml: bool) -> None:
    options = {"xhtmlOut": xhtml, "html": True}
    ours = MarkdownIt("commonmark", options, renderer_cls=Renderer).enable("table")
    theirs = MarkdownIt("commonmark", options).enable("table")
    assert ours.render(text) == theirs.render(text)


def test_attributes_and_self_closing_tags() -> None:
    md = MarkdownIt("commonmark", {"xhtmlOut": True}, renderer_cls=Renderer)
    hr = Token("hr", "hr", 0, block=True, attrs={"data-x": 'a&"<b>', "n": 3})
    span = Token("span_open", "span", 1, attrs={"class": "c"})
    close = Token("span_close", "span", -1)
    html = md.renderer.render([hr, span, close], md.options, {})
    assert html == '<hr data-x="a&amp;&quot;&lt;b&gt;" n="3" />\n<span class="c"></span>'
    assert html == RendererHTML(md).render([hr, span, close], md.options, {})


def test_a_text_rule_added_later_is_used() -> None:
    md = MarkdownIt("commonmark", renderer_cls=Renderer)
    md.add_render_rule("text", lambda self, tokens, idx, options, env: tokens[idx].content.upper())
    assert md.render("some *text* & more") == "<p>SOME <em>TEXT</em> & MORE</p>\n"


def _block(kind: str, tag: str, nesting: int, **kw: Any) -> Token:
    return Token(kind, tag, nesting, block=True, **kw)  # type: ignore[arg-type]


def test_block_tags_written_in_the_loop_match_render_token() -> None:
    """Every shape the loop writes itself: attributes on opening and closing tags, a tag
    after a hidden paragraph, a tag before its own closing tag, the last token, one-text
    and several-token inline runs, plain and needing escapes."""
    text = Token("text", "", 0, content='a & "b"')
    plain = Token("text", "", 0, content="plain")
    tokens = [
        _block("div_open", "div", 1, attrs={"id": "x", "data-n": 2}),
        _block("paragraph_open", "p", 1, hidden=True),
        _block("inline", "", 0, children=[text]),
        _block("paragraph_close", "p", -1, hidden=True),
        _block("bullet_list_open", "ul", 1),
        _block("bullet_list_close", "ul", -1),
        _block("section_open", "section", 1, attrs={"class": 'q"<'}),
        _block("inline", "", 0, children=[plain, Token("softbreak", "br", 0), text]),
        _block("inline", "", 0, children=[]),
        _block("section_close", "section", -1, attrs={"data-end": "1"}),
        _block("aside_open", "aside", 1),
    ]
    md = MarkdownIt("commonmark", renderer_cls=Renderer)
    html = md.renderer.render(tokens, md.options, {})
    assert html == RendererHTML(md).render(tokens, md.options, {})
    assert '<div id="x" data-n="2">a &amp; &quot;b&quot;\n<ul></ul>\n<section class' in html
    assert html.endswith('</section data-end="1">\n<aside>\n')


def test_text_is_plain_exactly_when_escaping_leaves_it() -> None:
    from markdown_it.common.utils import escapeHtml

    from sitegen.render.renderer import _plain

    for text in ["", "plain words", "a & b", "<", ">", '"', "'", "\u00e9 \u2014", "x" * 500 + "&"]:
        assert _plain(text) == (escapeHtml(text) == text), text
