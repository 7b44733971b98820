"""A faster driver for Pygments' regular-expression lexers, token for token the same.

Pygments' ``RegexLexer`` tries a state's rules one by one from Python, about forty
``match`` calls per token for Python source: highlighting one paper's code block cost
more than converting all of its formulas. Here each state's rules are joined into one
alternation, ``(?P<r0>rule0)|(?P<r1>rule1)|...``, that the regular-expression engine
tries in C. An alternation takes its first alternative that matches at the position,
which is exactly the rule Pygments would take, and that alternative matches the same
text as its rule alone (nothing follows it in the pattern to force backtracking).
``lastindex`` names the rule: its group closes after every group inside it.

A state whose rules cannot be joined exactly (different flags, global inline flags,
back-references that numbering would shift, clashing group names) keeps Pygments'
one-by-one loop. Rules with a callback get their own match object, as in Pygments.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

_GLOBAL_FLAGS = re.compile(r"\(\?[aiLmsux]+\)")
_LEADING_FLAGS = re.compile(r"\(\?([imsx]+)\)")
_BACKREF = re.compile(r"\\[1-9]|\(\?P=|\(\?\(")
_SCOPED = {"i": re.I, "m": re.M, "s": re.S}
"""Flags an alternative can set or clear for itself, ``(?s-m:...)``."""

Rule = tuple[Any, Any, Any]
"""A processed Pygments rule: (match function, action, new state)."""
Segment = tuple[Any, dict[int, Rule] | None, Rule | None]
"""A run of rules tried as one: (match function, group number -> rule, None) for a
joined run, (the rule's own match function, None, the rule) for a rule kept alone."""


def _alternative(rexmatch: Any) -> tuple[str, int] | None:
    """A rule's pattern text with its leading flags made local, and its other flags;
    None for a rule that cannot sit inside an alternation."""
    compiled = getattr(rexmatch, "__self__", None)
    if not isinstance(compiled, re.Pattern) or not isinstance(compiled.pattern, str):
        return None
    source, flags = compiled.pattern, compiled.flags
    leading = _LEADING_FLAGS.match(source)
    if leading is not None:
        if "x" in leading.group(1):
            return None  # a trailing comment would swallow the closing parenthesis
        for letter in leading.group(1):
            flags &= ~_SCOPED[letter]
        source = f"(?{leading.group(1)}:{source[leading.end() :]})"
    if flags & re.X or _GLOBAL_FLAGS.search(source) or _BACKREF.search(source):
        return None
    return source, flags


def _scoped(source: str, flags: int, base: int) -> str:
    """``source`` (compiled alone with ``flags``) as it reads inside a ``base`` pattern."""
    on = "".join(k for k, bit in _SCOPED.items() if flags & bit and not base & bit)
    off = "".join(k for k, bit in _SCOPED.items() if base & bit and not flags & bit)
    return f"(?{on}-{off}:{source})" if off else f"(?{on}:{source})" if on else source


def _join(rules: list[tuple[Rule, str, int]]) -> Segment | None:
    """One alternation for ``rules`` (each with its pattern text and flags), or None."""
    base = rules[0][2]
    if any((flags ^ base) & ~(re.I | re.M | re.S) for _, _, flags in rules):
        return None
    alternatives = "|".join(
        f"(?P<_sgr{i}>{_scoped(source, flags, base)})" for i, (_, source, flags) in enumerate(rules)
    )
    try:
        joined = re.compile(alternatives, base)
    except (re.error, RecursionError, OverflowError):
        return None
    by_group = {joined.groupindex[f"_sgr{i}"]: rule for i, (rule, _, _) in enumerate(rules)}
    return joined.match, by_group, None


def segments(rules: list[Rule]) -> list[Segment]:
    """A state's rules as segments tried in order: runs of joinable rules as one each."""
    out: list[Segment] = []
    run: list[tuple[Rule, str, int]] = []

    def close_run() -> None:
        if len(run) > 1 and (joined := _join(run)) is not None:
            out.append(joined)
        else:
            out.extend((rule[0], None, rule) for rule, _, _ in run)
        run.clear()

    for rule in rules:
        alternative = _alternative(rule[0])
        if alternative is None:
            close_run()
            out.append((rule[0], None, rule))
        else:
            run.append((rule, *alternative))
    close_run()
    return out


class FastRegexLexer:
    """Wraps a ``RegexLexer`` instance: ``get_tokens`` as Pygments', faster.

    Only for lexers that use ``RegexLexer.get_tokens_unprocessed`` unchanged (see
    ``wrap``); callbacks still receive the wrapped lexer, as they would in Pygments.
    """

    joined = True
    """Marks a wrapped lexer (``highlight.Highlighter`` wraps each lexer once)."""

    def __init__(self, lexer: Any) -> None:
        self.lexer = lexer
        self._states: dict[Any, list[Segment]] = {}

    def get_tokens(self, text: str, unfiltered: bool = False) -> Iterator[tuple[Any, str]]:
        from pygments.filter import apply_filters  # type: ignore[import-untyped]

        text = self.lexer._preprocess_lexer_input(text)
        stream = ((t, v) for _, t, v in self.get_tokens_unprocessed(text))
        if unfiltered:
            return stream
        return iter(apply_filters(stream, self.lexer.filters, self.lexer))

    def get_tokens_unprocessed(self, text: str) -> Iterator[tuple[int, Any, str]]:
        """The loop of ``RegexLexer.get_tokens_unprocessed``, one ``match`` per segment."""
        from pygments.token import Error, Whitespace, _TokenType  # type: ignore[import-untyped]

        lexer = self.lexer
        states = self._states
        stack: list[Any] = ["root"]
        pos = 0
        end = len(text)
        while True:
            key = stack[-1]
            state = states.get(key)
            if state is None:
                state = states[key] = segments(lexer._tokens[key])
            for match, by_group, rule in state:
                m = match(text, pos)
                if not m:
                    continue
                if by_group is None:
                    assert rule is not None
                    value, stop, own = m.group(), m.end(), m
                else:
                    group = m.lastindex
                    rule = by_group[group]
                    value, stop, own = m.group(group), m.end(group), None
                _, action, new_state = rule
                if action is not None:
                    if type(action) is _TokenType:
                        yield pos, action, value
                    else:
                        # a callback reads the rule's groups: give it the rule's own match
                        yield from action(lexer, own if own is not None else rule[0](text, pos))
                pos = stop
                if new_state is not None:
                    _transition(stack, new_state)
                break
            else:
                if pos >= end:
                    return
                if text[pos] == "\n":
                    stack = ["root"]
                    yield pos, Whitespace, "\n"
                else:
                    yield pos, Error, text[pos]
                pos += 1


def _transition(stack: list[Any], new_state: Any) -> None:
    """Apply a rule's state change to ``stack`` as Pygments does."""
    if isinstance(new_state, tuple):
        for state in new_state:
            if state == "#pop":
                if len(stack) > 1:
                    stack.pop()
            elif state == "#push":
                stack.append(stack[-1])
            else:
                stack.append(state)
    elif isinstance(new_state, int):
        if abs(new_state) >= len(stack):
            del stack[1:]
        else:
            del stack[new_state:]
    elif new_state == "#push":
        stack.append(stack[-1])
    else:
        raise AssertionError(f"wrong state def: {new_state!r}")


def wrap(lexer: Any) -> Any:
    """``lexer`` driven by ``FastRegexLexer`` when it is a plain ``RegexLexer``, else itself."""
    from pygments.lexer import RegexLexer  # type: ignore[import-untyped]

    if (
        isinstance(lexer, RegexLexer)
        and type(lexer).get_tokens_unprocessed is RegexLexer.get_tokens_unprocessed
        and type(lexer).get_tokens is RegexLexer.get_tokens
    ):
        return FastRegexLexer(lexer)
    return lexer
