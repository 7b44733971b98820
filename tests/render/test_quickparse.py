"""The quick parsers (sitegen.render.quickparse) make markdown-it's tokens exactly.

The paper parser with them is compared with one without (and without dispatch, which
installs them) in ``test_dispatch.test_same_tokens_as_without_dispatch``; here each
part is compared with the markdown-it code it stands for, over the same texts.
"""

from __future__ import annotations

import dataclasses
import random
from typing import Any

import pytest
from markdown_it import MarkdownIt
from markdown_it.parser_block import ParserBlock
from markdown_it.parser_inline import ParserInline
from markdown_it.rules_block import StateBlock
from markdown_it.rules_inline import StateInline
from markdown_it.token import Token
from markdown_samples import markdown_sources
from test_dispatch import TRICKY

from sitegen.render import markdown as md_module
from sitegen.render.doc import RenderContext
from sitegen.render.mdstate import ENV_KEY, DocState
from sitegen.render.quickparse import (
    _LONE_STARTS,
    LONE_LINE_REFUSED,
    QuickParserBlock,
    QuickParserInline,
    QuickStateBlock,
    _first_char,
    new_token,
    tokens_fit,
    use_quick_parsers,
)

LINES = [
    "",
    "\n",
    "a",
    "a\n",
    "a\n\n",
    "  ",
    "  \n",
    "a\n  ",
    "a\n \t",
    "a\n \tb",
    "\t\tcode\n  \t x\n\n    y\n",
    " \t \tz",
    "a\n\n\n  \n\t\nb",
    "x\n   ",
    "x\n   \n",
    "[" * 30 + "a *b* $c$" + "](d)" * 30 + " **" * 25 + "e" + "** " * 25,
    "![a ![b ![c](d)](e)](f) [^n] ^[inline *note*] [@key] \\ref{x} `code` &amp;",
]

SOURCES = markdown_sources([*TRICKY, *LINES], "case")


def _env() -> dict[str, Any]:
    return {ENV_KEY: DocState(ctx=RenderContext(path="x.md"))}


def _dump(tokens: list[Token]) -> list[dict[str, Any]]:
    return [t.as_dict() for t in tokens]


def test_new_token_is_a_default_token() -> None:
    assert tokens_fit()
    made, reference = new_token("th_open", "th", 1), Token("th_open", "th", 1)
    assert dataclasses.asdict(made) == dataclasses.asdict(reference)
    assert made == reference
    other = new_token("x", "", 0)
    assert made.attrs is not other.attrs and made.meta is not other.meta


def test_the_paper_parser_is_quick() -> None:
    md = md_module.make_parser()
    assert isinstance(md.block, QuickParserBlock)
    assert isinstance(md.inline, QuickParserInline)


@pytest.mark.parametrize(("name", "text"), SOURCES, ids=[s[0] for s in SOURCES])
def test_block_state_marks_lines_as_markdown_it(name: str, text: str) -> None:
    md = md_module.make_parser()
    quick, plain = QuickStateBlock(text, md, _env(), []), StateBlock(text, md, _env(), [])
    assert vars(quick).keys() == vars(plain).keys()
    for key, value in vars(plain).items():
        if key not in ("env", "md"):
            assert getattr(quick, key) == value, key


@pytest.mark.parametrize(("name", "text"), SOURCES, ids=[s[0] for s in SOURCES])
def test_block_and_inline_parse_as_markdown_it(name: str, text: str) -> None:
    md = md_module.make_parser()
    quick = md.block.parse(text, md, _env(), []) or []
    plain = ParserBlock.parse(md.block, text, md, _env(), []) or []
    assert _dump(quick) == _dump(plain)
    reference = ParserInline.__new__(ParserInline)  # markdown-it's, with the same rules
    reference.__dict__.update(vars(md.inline))
    runs = [t.content for t in quick if t.type == "inline"]
    runs += ["plain words, digits 1.5 (and) 'quotes' / slashes", "", " x ", "a\nb"]
    for run in runs:
        quick = md.inline.parse(run, md, _env(), [])
        plain = reference.parse(run, md, _env(), [])
        assert _dump(quick) == _dump(plain)
        assert [type(t) for t in quick] == [Token] * len(quick)


def test_inline_state_pushes_as_markdown_it() -> None:
    md = MarkdownIt("commonmark")
    use_quick_parsers(md)
    text = 'a **b [c](d "e") _f_** `g` <h> &amp; ![i *j*](k)\\\nl'
    assert _dump(md.parse(text)) == _dump(MarkdownIt("commonmark").parse(text))
    assert isinstance(md.inline, QuickParserInline)
    assert isinstance(md.inline.ruler, type(MarkdownIt().inline.ruler))


def test_plain_runs_take_no_short_cut_when_rules_could_differ() -> None:
    md = MarkdownIt("commonmark")
    use_quick_parsers(md)

    def shout(state: StateInline) -> None:
        for token in state.tokens:
            token.content = token.content.upper()

    assert md.inline.parse("plain", md, {}, [])[0].content == "plain"
    md.inline.ruler2.push("shout", shout)
    assert md.inline.parse("plain", md, {}, [])[0].content == "PLAIN"
    md.inline.ruler2.disable("shout")
    assert md.inline.parse("plain", md, {}, [])[0].content == "plain"
    md.inline.ruler.disable("text")
    found = md.inline.parse("ab", md, {}, [])
    assert [(t.type, t.content) for t in found] == [("text", "ab")]


def test_nothing_changes_when_tokens_have_other_fields(monkeypatch: pytest.MonkeyPatch) -> None:
    from sitegen.render import quickparse

    monkeypatch.setattr(quickparse, "TOKEN_FIELDS", (*quickparse.TOKEN_FIELDS, "extra"))
    assert not tokens_fit()
    md = MarkdownIt("commonmark")
    block, inline = md.block, md.inline
    use_quick_parsers(md)
    assert md.block is block and md.inline is inline


LONE_PIECES = [
    *("Words here", "Plain line.", "x", "Term", "Word | cell", "Setext", "A $x$ [@k]"),
    *("", "", "", "  ", ": definition", "~ tilde", "| a |", "|--|", "---", "===", ":--"),
    *("    indented", "  two", "\tTab", "# head", "- item", "1. one", "> quote", "[^1]: n"),
    *("[ref]: /url", "```", "~~~", "$$", "<div>", "***", "![img](x.png)", "9 nine", "é"),
    *("$x$ and", "\\begin{equation}", "\\ref{a}", "@key says", "(aside)", '"quoted"', "'q'"),
    *("!not an image", "$$ x $$", "![a](b){#fig:c}", "_u_", "+ plus", "=equal", "|x"),
]


def _generated(count: int, seed: int) -> list[str]:
    rng = random.Random(seed)
    texts = []
    for _ in range(count):
        lines = [rng.choice(LONE_PIECES) for _ in range(rng.randint(1, 9))]
        texts.append("\n".join(lines) + rng.choice(("", "\n", "\n\n", "\n  ")))
    return texts


def _lone_lines(state: StateBlock) -> list[int]:
    """The lines ``_tokenize_top`` takes as paragraphs at once (at the top level)."""
    found = []
    end = state.lineMax
    for line in range(end):
        after = line + 1
        start = state.bMarks[line]
        if (
            state.tShift[line] == 0
            and start < state.eMarks[line]
            and state.src[start] in _LONE_STARTS
            and (after == end or state.isEmpty(after))
            and (after + 1 >= end or _first_char(state, after + 1) not in (":", "~"))
        ):
            found.append(line)
    return found


@pytest.mark.parametrize(("name", "text"), SOURCES, ids=[s[0] for s in SOURCES])
def test_rules_refuse_lone_lines(name: str, text: str) -> None:
    """Every rule but ``paragraph`` refuses each line the quick path takes, changing
    nothing (the claim ``LONE_LINE_REFUSED`` makes), whatever the rules ran before."""
    md = md_module.make_parser()
    rules = {r.name: r.fn for r in md.block.ruler.__rules__ if r.enabled}
    assert set(rules) - {"paragraph"} <= LONE_LINE_REFUSED
    texts = [text] if name != "case0" else [text, *_generated(1500, 7)]
    tried = 0
    for source in texts:
        state = QuickStateBlock(source, md, _env(), [])
        for line in _lone_lines(state):
            tried += 1
            for rule_name, rule in rules.items():
                if rule_name == "paragraph":
                    continue
                for parent in ("root", "paragraph", "list"):
                    state.parentType, state.line = parent, line
                    assert not rule(state, line, state.lineMax, False), (rule_name, source)
                    assert state.tokens == [] and state.line == line
    assert tried > 300 or name != "case0"


def test_lone_lines_parse_as_markdown_it() -> None:
    md = md_module.make_parser()
    assert md.block._lone_lines_quick()
    for text in _generated(3000, 11):
        quick = md.block.parse(text, md, _env(), []) or []
        plain = ParserBlock.parse(md.block, text, md, _env(), []) or []
        assert _dump(quick) == _dump(plain), text


def test_lone_lines_take_the_rules_when_another_rule_could_take_them() -> None:
    md = MarkdownIt("commonmark")
    use_quick_parsers(md)
    assert isinstance(md.block, QuickParserBlock) and md.block._lone_lines_quick()

    def shout(state: StateBlock, start: int, end: int, silent: bool) -> bool:
        if silent:
            return False
        token = state.push("shout", "", 0)
        token.content = state.src[state.bMarks[start] : state.eMarks[start]].upper()
        state.line = start + 1
        return True

    md.block.ruler.before("paragraph", "shout", shout)
    assert not md.block._lone_lines_quick()
    assert [t.content for t in md.parse("loud\n\nwords")] == ["LOUD", "WORDS"]
    md.block.ruler.disable("shout")
    assert md.block._lone_lines_quick()
    assert [t.type for t in md.parse("quiet")] == ["paragraph_open", "inline", "paragraph_close"]


def test_the_text_before_a_run_s_first_terminator_is_taken_only_as_text_would() -> None:
    """``parse`` takes a run's text up to its first terminator itself only where
    ``text`` is the first rule and may run (nesting allowed)."""
    md = MarkdownIt("commonmark")
    use_quick_parsers(md)
    run = "plain words *then* more"
    reference = MarkdownIt("commonmark")
    assert _dump(md.inline.parse(run, md, {}, [])) == _dump(
        reference.inline.parse(run, reference, {}, [])
    )

    def words(state: StateInline, silent: bool) -> bool:
        if state.src[state.pos] != "p":
            return False
        if not silent:
            token = state.push("word", "", 0)
            token.content = "p"
        state.pos += 1
        return True

    for parser in (md, reference):
        parser.inline.ruler.before("text", "words", words)
    found = md.inline.parse(run, md, {}, [])
    assert [t.type for t in found][:2] == ["word", "text"]
    assert _dump(found) == _dump(reference.inline.parse(run, reference, {}, []))
    for parser in (md, reference):
        parser.inline.ruler.disable("words")
        parser.options["maxNesting"] = 0
    assert _dump(md.inline.parse(run, md, {}, [])) == _dump(
        reference.inline.parse(run, reference, {}, [])
    )
