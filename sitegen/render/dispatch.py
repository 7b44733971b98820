"""Rule chains that try only the rules able to match the character at hand.

markdown-it tries every enabled rule, in order, wherever a rule could start: each block
(and each line a paragraph might end at) runs up to thirteen block rules, each inline stop
character up to nineteen inline rules. Nearly every rule gives up at once unless the
text there starts with its own marker (``#`` for a heading, ``[`` for a link), so most
of those calls are wasted: they were two fifths of parsing a paper.

A ``DispatchRuler`` replaces a parser's ruler and hands markdown-it, for each chain, one
rule that looks at the character where a rule would start and runs, in the chain's
order, only the rules that accept it. A rule not listed in ``BLOCK_STARTS`` or
``INLINE_STARTS`` is run everywhere, so an unknown rule only costs time, never output.
The tests check every listed rule refuses every other character.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, TypeVar

from markdown_it import MarkdownIt
from markdown_it.parser_block import RuleFuncBlockType
from markdown_it.parser_inline import RuleFuncInline2Type, RuleFuncInlineType
from markdown_it.ruler import Ruler
from markdown_it.rules_block import StateBlock
from markdown_it.rules_inline import StateInline

from sitegen.render.quickparse import use_quick_parsers

_R = TypeVar("_R")

_DIGITS = "0123456789"

BLOCK_STARTS: Mapping[str, str] = {
    "fence": "`~",
    "blockquote": ">",
    "hr": "*-_",
    "list": "*-+" + _DIGITS,
    "footnote_def": "[",
    "reference": "[",
    "html_block": "<",
    "heading": "#",
}
"""Block rule -> the characters its first line can start with (after indentation).
Others (``table``, ``code``, ``lheading``, ``deflist``, ``paragraph``) decide from
indentation or the next line (see ``BLOCK_NEEDS``)."""


def _first_char(state: StateBlock, line: int) -> str:
    """The line's first character after its indentation ("" or a newline when blank)."""
    pos = state.bMarks[line] + state.tShift[line]
    return state.src[pos : pos + 1]


def _indented(state: StateBlock, start: int, end: int, silent: bool) -> bool:
    return state.sCount[start] - state.blkIndent >= 4


def _underlined(state: StateBlock, start: int, end: int, silent: bool) -> bool:
    nxt = start + 1
    return nxt < end and state.bMarks[nxt] + state.tShift[nxt] < state.eMarks[nxt]


def _delimiter_row_next(state: StateBlock, start: int, end: int, silent: bool) -> bool:
    return start + 2 <= end and _first_char(state, start + 1) in ("|", "-", ":")


def _definition_next(state: StateBlock, start: int, end: int, silent: bool) -> bool:
    if silent:
        return True  # (as a terminator, deflist looks at the line itself)
    nxt = start + 1
    if nxt < end and state.bMarks[nxt] + state.tShift[nxt] >= state.eMarks[nxt]:
        nxt += 1  # one blank line may come between a term and its definition
    return nxt < end and _first_char(state, nxt) in (":", "~")


BLOCK_NEEDS: Mapping[str, Callable[[StateBlock, int, int, bool], bool]] = {
    "code": _indented,
    "lheading": _underlined,
    "table": _delimiter_row_next,
    "deflist": _definition_next,
}
"""Block rule -> a quick test of what it needs (``(state, start, end, silent)``): the
rule is run only where it passes. Each mirrors the rule's own first checks, which
return False without changing anything: an indented code block, a setext heading's
next line not blank, a table's delimiter row next, a definition's marker next. (A
failing ``lheading`` leaves ``state.parentType`` at "paragraph"; every rule that reads
it sets it first, so a skipped call changes no token.)"""

INLINE_STARTS: Mapping[str, str] = {
    "newline": "\n",
    "escape": "\\",
    "backticks": "`",
    "strikethrough": "~",
    "emphasis": "_*",
    "link": "[",
    "image": "!",
    "autolink": "<",
    "html_inline": "<",
    "entity": "&",
    "footnote_inline": "^",
    "footnote_ref": "[",
    # ours (sitegen.render.math, crossref, latex_inline, pandoc_cite)
    "math": "$\\",
    "crossref": "\\",
    "latex_label": "\\",
    "latex_command": "\\",
    "citation": "[",
    "text_citation": "@",
}
"""Inline rule -> the characters it can start at. ``text`` runs exactly where the
parser's terminator characters are not."""


PAIR_RULES = frozenset(("balance_pairs", "strikethrough", "emphasis"))
"""Post-processing (``ruler2``) rules that act only on the delimiter runs (``*``, ``_``,
``~``) inline rules recorded; most inline runs have none, and then they do nothing."""


class DispatchRuler(Ruler[_R]):
    """A ``Ruler`` whose ``getRules`` returns one dispatching rule per chain.

    Rules are added, enabled and disabled as on any ruler; the dispatcher of a chain is
    rebuilt whenever markdown-it recompiles that chain.
    """

    def __init__(self, rules: Ruler[_R], make: Callable[[list[_R], list[str]], _R]) -> None:
        super().__init__()
        self.__rules__ = rules.__rules__
        self._make = make
        self._built: dict[str, list[_R]] = {}
        self._active: tuple[str, ...] = ()

    def getRules(self, chainName: str = "") -> list[_R]:  # noqa: N802, N803 -- markdown-it's names
        # markdown-it asks for a chain at every inline run and paragraph: one lookup here.
        # Changing the rules empties the ruler's own cache, and then ours.
        if self.__cache__ is None:
            self._built = {}
        found = self._built.get(chainName)
        if found is None:
            rules = super().getRules(chainName)
            names = _names_in_order(self.__rules__, rules)
            found = self._built[chainName] = [self._make(rules, names)] if rules else []
            if not chainName:
                self._active = tuple(names)
        return found

    def active(self) -> tuple[str, ...]:
        """Names of the enabled rules, in order."""
        self.getRules("")
        return self._active


def _names_in_order(all_rules: list[Any], chain: list[Any]) -> list[str]:
    """Names of ``chain``'s rules (functions, in order) as the ruler knows them."""
    by_fn: dict[int, str] = {}
    for rule in all_rules:
        by_fn.setdefault(id(rule.fn), rule.name)
    return [by_fn.get(id(fn), "") for fn in chain]


def _block_dispatch(rules: list[RuleFuncBlockType], names: list[str]) -> RuleFuncBlockType:
    """One block rule running the rules of a chain that accept the block's first character."""
    starts = [BLOCK_STARTS.get(name) for name in names]
    needs = [BLOCK_NEEDS.get(name) for name in names]
    Need = Callable[[StateBlock, int, int, bool], bool] | None  # noqa: N806
    table: dict[str, tuple[tuple[RuleFuncBlockType, Need], ...]] = {}

    def accepting(ch: str) -> tuple[tuple[RuleFuncBlockType, Need], ...]:
        found = tuple(
            (fn, need)
            for fn, chars, need in zip(rules, starts, needs, strict=True)
            if chars is None or ch in chars
        )
        table[ch] = found
        return found

    def dispatch(state: StateBlock, start: int, end: int, silent: bool) -> bool:
        pos = state.bMarks[start] + state.tShift[start]
        ch = state.src[pos : pos + 1]
        found = table.get(ch)
        if found is None:
            found = accepting(ch)
        for rule, need in found:
            if need is not None and not need(state, start, end, silent):
                continue
            if rule(state, start, end, silent):
                return True
        return False

    return dispatch


def _inline_dispatch(rules: list[RuleFuncInlineType], names: list[str]) -> RuleFuncInlineType:
    """One inline rule running the rules of a chain that accept the current character."""
    starts = [INLINE_STARTS.get(name) for name in names]
    table: dict[str, tuple[RuleFuncInlineType, ...]] = {}

    def accepting(state: StateInline, ch: str) -> tuple[RuleFuncInlineType, ...]:
        stops = state.md.inline.terminator_re.match(ch) is not None
        found = tuple(
            fn
            for fn, name, chars in zip(rules, names, starts, strict=True)
            if (not stops if name == "text" else chars is None or ch in chars)
        )
        table[ch] = found
        return found

    def dispatch(state: StateInline, silent: bool) -> bool:
        ch = state.src[state.pos]
        found = table.get(ch)
        if found is None:
            found = accepting(state, ch)
        for rule in found:  # noqa: SIM110 -- see _block_dispatch
            if rule(state, silent):
                return True
        return False

    return dispatch


def _pairs_dispatch(rules: list[RuleFuncInline2Type], names: list[str]) -> RuleFuncInline2Type:
    """One post-processing rule running the chain, without ``PAIR_RULES`` when the run
    has no delimiters (neither at its top level nor inside a link or other nesting)."""
    every = tuple(rules)
    plain = tuple(fn for fn, name in zip(rules, names, strict=True) if name not in PAIR_RULES)

    def dispatch(state: StateInline) -> None:
        found = plain
        if state.delimiters:
            found = every
        else:
            for meta in state.tokens_meta:
                if meta and meta.get("delimiters"):
                    found = every
                    break
        for rule in found:
            rule(state)

    return dispatch


CHECKED_WITH = {"markdown_it": "4.", "mdit_py_plugins": "0.7."}
"""Releases (version prefixes) whose rules ``BLOCK_STARTS`` and ``INLINE_STARTS`` were
checked against: ``tests/render/test_dispatch.py`` tries every listed rule at every
character and fails on a wrong listing, but only for the release installed where the
tests run. A user's later release may start a rule at another character, so with any
other release parsing keeps markdown-it's own rulers: slower, never different. (A test
fails when the installed releases are not these, so CI says when to check them again.)"""


def dispatch_checked() -> bool:
    """Whether the installed markdown-it-py and mdit-py-plugins are ``CHECKED_WITH``."""
    import importlib

    return all(
        str(getattr(importlib.import_module(name), "__version__", "")).startswith(prefix)
        for name, prefix in CHECKED_WITH.items()
    )


def use_dispatch(md: MarkdownIt) -> None:
    """Give ``md``'s block and inline parsers dispatching rulers (once its rules are set),
    and make them ``quickparse``'s, when the installed releases are those the rule
    listings were checked against."""
    if not dispatch_checked():
        return
    md.block.ruler = DispatchRuler(md.block.ruler, _block_dispatch)
    md.inline.ruler = DispatchRuler(md.inline.ruler, _inline_dispatch)
    md.inline.ruler2 = DispatchRuler(md.inline.ruler2, _pairs_dispatch)
    use_quick_parsers(md)
