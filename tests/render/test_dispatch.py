"""Dispatching rule chains (sitegen.render.dispatch) parse exactly as markdown-it's own.

Two checks: the parser with dispatch gives the same tokens, labels and diagnostics as
one without, over the real papers and a set of tricky constructs; and every rule listed
in ``BLOCK_STARTS``/``INLINE_STARTS`` refuses, at every place of those texts, a
character the list says it cannot start at (the claim dispatch rests on).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from markdown_it import MarkdownIt
from markdown_it.rules_block import StateBlock
from markdown_it.rules_inline import StateInline
from markdown_it.token import Token
from markdown_samples import markdown_sources

from sitegen.render import markdown as md_module
from sitegen.render.dispatch import (
    BLOCK_NEEDS,
    BLOCK_STARTS,
    INLINE_STARTS,
    PAIR_RULES,
    DispatchRuler,
    use_dispatch,
)
from sitegen.render.doc import RenderContext
from sitegen.render.mdstate import ENV_KEY, DocState

TRICKY = [
    "# Title {#sec:t}\n\nSetext\n======\n\nAnother\n---\n\n***\n- - -\n___\n",
    "- a\n- b\n\n  c\n\n1. one\n2) two\n10. ten\n\n+ plus\n* star\n  * nested\n    - deeper\n",
    "> quote\n> - list in quote\n>\n> > nested\n\n> lazy\ncontinuation\n",
    "    indented code\n\n\tTab code\n\n```python\nx = 1\n```\n\n~~~\ntilde\n~~~\n",
    "[ref]: https://example.org 'title'\n\n[ref] and [text][ref] and [^1].\n\n[^1]: A note.\n",
    "<div>\nraw *html*\n</div>\n\n<!-- comment -->\n\n<span>inline</span> & &amp; &#42;\n",
    "a | b\n--|--\n1 | 2\n\n| x |\n|:-:|\n| y |\n\nTable: caption {#tbl:x}\n",
    "Term\n: definition\n\nOther\n~ tilde def\n",
    "*em* **strong** _u_ __uu__ ~~del~~ `code` ``co`de`` \\* \\[ \\$\n",
    "<https://auto.link> <me@example.org> ![img](a.png){ width=50% } [l](b.md)\n",
    "$x$ $$y$$ \\(z\\) \\[w\\] \\begin{equation}a\\label{eq:a}\\end{equation} \\eqref{eq:a}\n",
    "\\autoref{fig:x} \\emph{e} \\url{https://x.org} \\footnote{n} \\pagebreak \\unknown{q}\n",
    "[@a; see @b, p. 3] @c [p. 4] [-@d] ^[inline note] user@mail.org @e.\n",
    "line  \nhard\\\nbreak\nsoft\n\n:colon -dash +plus =eq #hash {brace} %pct ]close >gt\n",
    "1. a\n\n   > b\n   ```\n   c\n   ```\n\n2. d\n   # e\n   <div>f</div>\n",
    "para\n# heading ends para\npara\n> quote ends para\npara\n- list ends para\n",
    "para\n1. ordered one ends\npara\n2. ordered two does not\n\n![fig](x.png)\n\n",
    "[not a ref]\n[^fn]: note\n[^]: empty\n[x]:\n",
    "**a [*b* ~~c~~](d)** [e](f) _g [h](i)_ ~~j~~ *k*l* __m_ [n](o *p*)\n",
    "\\\n*\n-\n`\n~\n$\n@\n[\n!\n<\n&\n^\n_\n#\n>\n",
]


NEEDS_CASES = [
    "term\n: definition\n\nterm\n\n~ after a blank\n\nterm\n\n\n: two blanks\n",
    "a | b\n-|-\n\na\n|\n\na\n:-\n\na\n- b\n\na\n--\n\nT\n===\n\nT\n  ---\n",
    "    code\n\n  - item\n\n        nested code\n\n> quoted\n>     code\n> a\n> ---\n",
    "last line\n:",
    "last line\n|-",
    "x\n ",
]

SOURCES = markdown_sources([*TRICKY, *NEEDS_CASES], "tricky")


def _plain_parser(monkeypatch: pytest.MonkeyPatch) -> MarkdownIt:
    monkeypatch.setattr(md_module, "use_dispatch", lambda md: None)
    return md_module.make_parser.__wrapped__()


def _env() -> dict[str, Any]:
    return {ENV_KEY: DocState(ctx=RenderContext(path="x.md"))}


def _dump(tokens: list[Token]) -> list[dict[str, Any]]:
    return [t.as_dict() for t in tokens]


def test_the_shared_parser_dispatches() -> None:
    md = md_module.make_parser()
    assert isinstance(md.block.ruler, DispatchRuler)
    assert isinstance(md.inline.ruler, DispatchRuler)


@pytest.mark.parametrize(("name", "text"), SOURCES, ids=[s[0] for s in SOURCES])
def test_same_tokens_as_without_dispatch(
    name: str, text: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    plain = _plain_parser(monkeypatch)
    fast = md_module.make_parser()
    env_a, env_b = _env(), _env()
    tokens_a, tokens_b = plain.parse(text, env_a), fast.parse(text, env_b)
    assert _dump(tokens_b) == _dump(tokens_a)
    doc_a, doc_b = env_a[ENV_KEY], env_b[ENV_KEY]
    assert doc_b.diagnostics == doc_a.diagnostics
    assert doc_b.labels == doc_a.labels
    assert plain.renderer.render(tokens_a, plain.options, env_a) == fast.renderer.render(
        tokens_b, fast.options, env_b
    )


def _named_rules(ruler: Any, table: dict[str, str] | Any) -> Iterator[tuple[str, Any]]:
    for rule in ruler.__rules__:
        if rule.enabled and rule.name in table:
            yield rule.name, rule.fn


def test_pair_rules_are_skipped_only_without_delimiters() -> None:
    md = md_module.make_parser.__wrapped__()
    calls: list[str] = []
    for rule in md.inline.ruler2.__rules__:
        if rule.name in PAIR_RULES:
            rule.fn = lambda state, fn=rule.fn, name=rule.name: calls.append(name) or fn(state)
    md.inline.ruler2.__cache__ = None
    md.parse("plain text [a link](x) and $x$", _env())
    assert calls == []
    md.parse("[a *link*](x)", _env())
    assert sorted(calls) == sorted(PAIR_RULES)


def test_every_listed_rule_is_in_the_parser(monkeypatch: pytest.MonkeyPatch) -> None:
    plain = _plain_parser(monkeypatch)
    assert {n for n, _ in _named_rules(plain.block.ruler, BLOCK_STARTS)} == set(BLOCK_STARTS)
    assert {n for n, _ in _named_rules(plain.inline.ruler, INLINE_STARTS)} == set(INLINE_STARTS)


@pytest.mark.parametrize(("name", "text"), SOURCES, ids=[s[0] for s in SOURCES])
def test_block_rules_refuse_other_first_characters(
    name: str, text: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    plain = _plain_parser(monkeypatch)
    rules = list(_named_rules(plain.block.ruler, BLOCK_STARTS))
    state = StateBlock(text, plain, _env(), [])
    checked = 0
    for line in range(state.lineMax):
        pos = state.bMarks[line] + state.tShift[line]
        ch = state.src[pos : pos + 1]
        for rule_name, fn in rules:
            if ch in BLOCK_STARTS[rule_name]:
                continue
            for silent in (True, False):
                before = (state.line, len(state.tokens))
                assert not fn(state, line, state.lineMax, silent), (rule_name, line, ch)
                assert (state.line, len(state.tokens)) == before
                checked += 1
    assert checked


@pytest.mark.parametrize(("name", "text"), SOURCES, ids=[s[0] for s in SOURCES])
def test_block_rules_refuse_where_their_needs_fail(
    name: str, text: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Where a ``BLOCK_NEEDS`` test fails, the rule refuses and changes nothing (but
    ``lheading``'s ``parentType``, see ``BLOCK_NEEDS``), at every line and nesting a
    parse reaches (spied on during a real parse, so lists and quotes are included)."""
    plain = _plain_parser(monkeypatch)
    checked = 0
    for rule in plain.block.ruler.__rules__:
        need = BLOCK_NEEDS.get(rule.name)
        if need is None:
            continue

        def spy(
            state: StateBlock,
            start: int,
            end: int,
            silent: bool,
            *,
            fn: Any = rule.fn,
            need: Any = need,
            rule_name: str = rule.name,
        ) -> bool:
            nonlocal checked
            if not need(state, start, end, silent):
                before = (state.line, len(state.tokens), state.level, state.parentType)
                assert not fn(state, start, end, silent), (rule_name, start, silent)
                after = (state.line, len(state.tokens), state.level, state.parentType)
                if rule_name == "lheading":
                    state.parentType = before[3]
                    after = (*after[:3], before[3])
                assert after == before, rule_name
                checked += 1
                return False
            return bool(fn(state, start, end, silent))

        rule.fn = spy
    plain.block.ruler.__cache__ = None
    plain.parse(text, _env())
    assert checked


def _inline_texts(md: MarkdownIt, text: str) -> list[str]:
    return [t.content for t in md.parse(text, _env()) if t.type == "inline" and t.content]


@pytest.mark.parametrize(("name", "text"), SOURCES, ids=[s[0] for s in SOURCES])
def test_inline_rules_refuse_other_characters(
    name: str, text: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    plain = _plain_parser(monkeypatch)
    rules = list(_named_rules(plain.inline.ruler, INLINE_STARTS))
    stops = plain.inline.terminator_re
    checked = 0
    texts = _inline_texts(plain, text)
    for content in texts:
        state = StateInline(content, plain, _env(), [])
        for pos, ch in enumerate(content):
            if stops.match(ch) is None and pos % 5:
                continue  # every stop character, and a sample of the others
            for rule_name, fn in rules:
                if ch in INLINE_STARTS[rule_name]:
                    continue
                for silent in (True, False):
                    state.pos = pos
                    assert not fn(state, silent), (rule_name, content[pos : pos + 20])
                    assert state.pos == pos and not state.tokens and not state.pending
                    checked += 1
    assert checked or not texts


def _spied(dispatch: bool) -> tuple[MarkdownIt, list[str]]:
    md = MarkdownIt("commonmark")
    seen: list[str] = []

    def spy(state: StateInline, silent: bool) -> bool:
        seen.append(state.src[state.pos])
        return False

    md.inline.ruler.push("spy", spy)
    if dispatch:
        use_dispatch(md)
    return md, seen


def test_an_unlisted_rule_runs_where_it_ran_and_changes_are_seen() -> None:
    (plain, seen_plain), (fast, seen_fast) = _spied(False), _spied(True)
    text = "a *b* [c] <d> & ! :x: \\q `e"
    assert fast.render(text) == plain.render(text)
    assert seen_fast == seen_plain and "[" in seen_fast
    seen_fast.clear()
    fast.inline.ruler.disable("spy")
    fast.parse(text, {})
    assert seen_fast == []
    fast.block.ruler.disable("heading")
    assert fast.render("# not a heading") == "<p># not a heading</p>\n"


def test_dispatch_is_off_with_releases_it_was_not_checked_against(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The installed releases are the checked ones (else CI says: check the listings
    again), and with any other release the parser keeps markdown-it's own rulers."""
    import markdown_it

    from sitegen.render import dispatch

    assert dispatch.dispatch_checked()
    monkeypatch.setattr(markdown_it, "__version__", "5.0.0")
    assert not dispatch.dispatch_checked()
    md = MarkdownIt("commonmark")
    plain = md.block.ruler
    dispatch.use_dispatch(md)
    assert md.block.ruler is plain
    assert not isinstance(md.inline.ruler, dispatch.DispatchRuler)
