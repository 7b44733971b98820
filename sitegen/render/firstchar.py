"""Which characters a regular expression's match can begin with, told conservatively.

``fastlex`` tries a lexer state's rules as one alternation. Most rules cannot match at a
given position at all because of the character there (a keyword rule at a space, a
string rule at a digit), yet the regular-expression engine still enters each of them
in turn. Knowing each rule's possible first characters lets the driver try, at a
position, only the rules that can match there: dropping a rule that cannot match does
not change which rule matches first.

The analysis reads the pattern's parse tree from the standard library's own parser
(``re._parser``, the same one ``re.compile`` uses), so it sees the pattern exactly as
the engine does. It over-approximates: lookarounds and anchors are passed over, a part
that can match empty lets the next part's characters in, and anything it does not model
(back-references, conditionals) makes the rule possible everywhere. Sets and literals are
not interpreted here: each is rebuilt as a one-character pattern with the flags in force
at that point and handed to ``re`` itself, so case folding, ``\\w`` and the ``ASCII``
flag mean what they mean to the engine.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Callable
from re import _constants as sre  # type: ignore[attr-defined]
from re import _parser  # type: ignore[attr-defined]
from typing import Any

_CATEGORIES = {
    sre.CATEGORY_DIGIT: r"\d",
    sre.CATEGORY_NOT_DIGIT: r"\D",
    sre.CATEGORY_SPACE: r"\s",
    sre.CATEGORY_NOT_SPACE: r"\S",
    sre.CATEGORY_WORD: r"\w",
    sre.CATEGORY_NOT_WORD: r"\W",
}
"""Set members the parser leaves as categories, as the escapes that name them."""

_CHAR_FLAGS = re.I | re.S | re.A | re.U
"""The flags that decide whether one character matches one set, ``.`` or literal."""

_REPEATS = (sre.MAX_REPEAT, sre.MIN_REPEAT, sre.POSSESSIVE_REPEAT)
_ZERO_WIDTH = (sre.AT, sre.ASSERT, sre.ASSERT_NOT)

Test = Callable[[str], bool]
"""True for a character a rule's match may begin with."""


class _UnknownError(Exception):
    """A construct the analysis does not model: the rule may begin anywhere."""


def _char(code: int) -> str:
    """``code`` as an escape that means that one character inside or outside a set."""
    return f"\\U{code:08x}"


def _member(op: Any, av: Any) -> str:
    """A set member as pattern text (for the engine to test)."""
    if op is sre.LITERAL:
        return _char(av)
    if op is sre.RANGE:
        return f"{_char(av[0])}-{_char(av[1])}"
    if op is sre.CATEGORY and av in _CATEGORIES:
        return _CATEGORIES[av]
    raise _UnknownError(op)


class _Firsts:
    """What a pattern's match may begin with, gathered while walking its parse tree.

    Code points and ranges from literals and plain sets are kept as numbers (a large
    Unicode set such as an identifier's first letter would cost milliseconds to compile
    again); everything whose meaning depends on flags or categories (case folding, ``\\w``,
    negated sets) becomes a one-character pattern that ``re`` itself tests.
    """

    def __init__(self) -> None:
        self.ranges: list[tuple[int, int]] = []
        self.patterns: dict[int, list[str]] = {}
        """Flags -> one-character patterns compiled with them."""

    def add(self, op: Any, av: Any, flags: int) -> None:
        """Add one consuming item: a literal, a set, or anything-but-one-character."""
        if op is sre.ANY or op is sre.NOT_LITERAL:
            raise _UnknownError(op)  # nearly every character: not worth telling apart
        members = [(op, av)] if op is sre.LITERAL else list(av)
        negate = bool(members) and members[0][0] is sre.NEGATE
        plain = all(o is sre.LITERAL or o is sre.RANGE for o, _ in members)
        if plain and not flags & re.I:
            self.ranges.extend((a, a) if o is sre.LITERAL else a for o, a in members)
            return
        body = "".join(_member(o, a) for o, a in (members[1:] if negate else members))
        if body or negate:
            source = f"[{'^' if negate else ''}{body}]"
            flags &= _CHAR_FLAGS
            if flags & re.A:  # a scoped (?a:...) inside a str pattern, which has re.U
                flags &= ~re.U
            self.patterns.setdefault(flags, []).append(source)

    def test(self) -> Test:
        """The gathered characters as one test."""
        starts: list[int] = []
        ends: list[int] = []
        for low, high in sorted(self.ranges):
            if ends and low <= ends[-1] + 1:
                ends[-1] = max(ends[-1], high)
            else:
                starts.append(low)
                ends.append(high)
        engine = [re.compile("|".join(s), f).match for f, s in self.patterns.items()]

        def may_begin(ch: str) -> bool:
            code = ord(ch)
            i = bisect.bisect_right(starts, code) - 1
            if i >= 0 and code <= ends[i]:
                return True
            return any(match(ch) is not None for match in engine)

        return may_begin


def _first(items: Any, flags: int, out: _Firsts) -> bool:
    """Add what ``items`` (a parsed sequence) may begin with to ``out``; True if the
    sequence can match the empty string (so what follows it may begin the match too)."""
    return all(_item(op, av, flags, out) for op, av in items)


def _item(op: Any, av: Any, flags: int, out: _Firsts) -> bool:
    """``_first`` for one parsed item; True if it can match empty."""
    if op in _CONSUMING:
        out.add(op, av, flags)
        return False
    if op in _ZERO_WIDTH:
        return True
    if op is sre.SUBPATTERN:
        _group, add, remove, sub = av
        return _first(sub, (flags | add) & ~remove, out)
    if op is sre.BRANCH:
        empty = False
        for alternative in av[1]:
            empty = _first(alternative, flags, out) or empty
        return empty
    if op in _REPEATS:
        low, _high, sub = av
        return _first(sub, flags, out) or low == 0
    if op is sre.ATOMIC_GROUP:
        return _first(av, flags, out)
    raise _UnknownError(op)


_CONSUMING = (sre.LITERAL, sre.NOT_LITERAL, sre.ANY, sre.IN)
"""Items that match exactly one character."""


def first_chars(pattern: re.Pattern[str]) -> Test | None:
    """A test for the characters a match of ``pattern`` may begin with, never refusing
    one it can begin with; None when it may begin with anything (or match empty)."""
    try:
        tree = _parser.parse(pattern.pattern, pattern.flags)
        out = _Firsts()
        if _first(tree, pattern.flags, out):
            return None
        return out.test()
    except (_UnknownError, re.error, ValueError, RecursionError, OverflowError):
        return None
