"""A faster driver for Pygments' regular-expression lexers, token for token the same.

Pygments' ``RegexLexer`` tries a state's rules one by one from Python, about forty
``match`` calls per token for Python source: highlighting one paper's code block cost
more than converting all of its formulas. Two things make it cheap here.

Only the rules that can match at the position are tried. ``firstchar`` tells, per rule,
which characters its match can begin with; at a character the driver takes the state's
rules that may begin there, in order (a rule that cannot match does not change which
one matches first). The choice is kept per state and character, so a token costs one
dictionary look-up; at a letter in Python source four or five rules remain of 54.

Those rules are joined into one alternation, ``(?:rule0)(?P<m0>)|(?:rule1)(?P<m1>)|...``,
that the regular-expression engine tries in C. An alternation takes its first
alternative that matches at the position, which is exactly the rule Pygments would
take, and that alternative matches the same text as its rule alone (nothing follows it
in the pattern to force backtracking but an empty group). ``lastindex`` names the rule:
its empty group closes last. With the rule's text first in its alternative, the engine
can skip an alternative that begins with a literal or a set on its first character.

Rules that cannot be joined exactly (different flags, global inline flags,
back-references that numbering would shift, clashing group names) and rules that cost
more to compile again in each join than a ``match`` call costs (long word lists, large
Unicode sets) keep their own compiled pattern. Rules with a callback get their own match
object, as in Pygments.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from sitegen.render.firstchar import Test, first_chars

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
    if _costly(source):
        return None
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


def _costly(source: str) -> bool:
    """True for a pattern that costs more to compile again inside each alternation it
    joins than its own ``match`` call costs per token: long word lists, and large Unicode
    sets (an identifier's first letter in Python takes ~4 ms to compile)."""
    return len(source) > 256 or not source.isascii()


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
        f"(?:{_scoped(source, flags, base)})(?P<_sgr{i}>)"
        for i, (_, source, flags) in enumerate(rules)
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
        self._tables: dict[Any, dict[str, list[Segment]]] = {}
        """State -> character -> the segments of the rules that may match there."""
        self._tests: dict[Any, list[Test | None]] = {}
        self._firsts: dict[Any, Test | None] = {}
        """A rule's match function -> its first-character test (states share rules)."""
        self._joined: dict[tuple[Any, tuple[int, ...]], list[Segment]] = {}

    def _at(self, key: Any, ch: str) -> list[Segment]:
        """The segments to try in state ``key`` at ``ch`` ("" at the end of the text):
        the state's rules that may match there, in order, joined."""
        rules = self.lexer._tokens[key]
        tests = self._tests.get(key)
        if tests is None:
            firsts = self._firsts
            tests = self._tests[key] = []
            for rule in rules:
                if rule[0] not in firsts:
                    firsts[rule[0]] = first_chars_of(rule[0])
                tests.append(firsts[rule[0]])
        chosen = tuple(i for i, t in enumerate(tests) if t is None or (ch and t(ch)))
        found = self._joined.get((key, chosen))
        if found is None:
            found = self._joined[key, chosen] = segments([rules[i] for i in chosen])
        self._tables.setdefault(key, {})[ch] = found
        return found

    def get_tokens(self, text: str, unfiltered: bool = False) -> Iterator[tuple[Any, str]]:
        from pygments.filter import apply_filters  # type: ignore[import-untyped]

        stream = iter(self.token_list(text, filtered=False))
        if unfiltered:
            return stream
        return iter(apply_filters(stream, self.lexer.filters, self.lexer))

    def token_list(self, text: str, *, filtered: bool = True) -> list[tuple[Any, str]]:
        """``list(get_tokens(text))``, without a generator per token on the way (the
        highlighter's formatter reads the list): ~10% of a Python block's tokenizing."""
        if filtered and self.lexer.filters:
            return list(self.get_tokens(text))
        return self._scan(self.lexer._preprocess_lexer_input(text), at=False)

    def get_tokens_unprocessed(self, text: str) -> Iterator[tuple[int, Any, str]]:
        """As ``RegexLexer.get_tokens_unprocessed`` (worked out whole, not lazily)."""
        return iter(self._scan(text, at=True))

    def _scan(self, text: str, *, at: bool) -> list[Any]:
        """The loop of ``RegexLexer.get_tokens_unprocessed``, one ``match`` per segment:
        its (position, type, text) triples with ``at``, else (type, text) pairs (what
        ``token_list`` gives, made without a triple for each first)."""
        from pygments.token import Error, Whitespace, _TokenType  # type: ignore[import-untyped]

        lexer = self.lexer
        tables = self._tables
        out: list[Any] = []
        append = out.append
        stack: list[Any] = ["root"]
        table = tables.setdefault("root", {})
        """The segments of the state on top of the stack, by character."""
        pos = 0
        end = len(text)
        while True:
            ch = text[pos : pos + 1]
            state = table.get(ch)
            if state is None:
                state = self._at(stack[-1], ch)
            for match, by_group, rule in state:
                m = match(text, pos)
                if not m:
                    continue
                stop = m.end()
                if by_group is None:
                    assert rule is not None
                    own = m
                else:
                    rule = by_group[m.lastindex]
                    own = None
                _, action, new_state = rule
                if action is not None:
                    if type(action) is not _TokenType:
                        # a callback reads the rule's groups: give it the rule's own match
                        made = action(lexer, own if own is not None else rule[0](text, pos))
                        out.extend(made if at else [(t, v) for _, t, v in made])
                    elif at:
                        append((pos, action, text[pos:stop]))
                    else:
                        append((action, text[pos:stop]))
                pos = stop
                if new_state is not None:
                    _transition(stack, new_state)
                    table = tables.setdefault(stack[-1], {})
                break
            else:
                if pos >= end:
                    return out
                if text[pos] == "\n":
                    stack = ["root"]
                    table = tables.setdefault("root", {})
                    append((pos, Whitespace, "\n") if at else (Whitespace, "\n"))
                else:
                    append((pos, Error, text[pos]) if at else (Error, text[pos]))
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


def first_chars_of(rexmatch: Any) -> Test | None:
    """``firstchar.first_chars`` of a rule's compiled pattern; None for anything else."""
    compiled = getattr(rexmatch, "__self__", None)
    if not isinstance(compiled, re.Pattern) or not isinstance(compiled.pattern, str):
        return None
    return first_chars(compiled)


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
