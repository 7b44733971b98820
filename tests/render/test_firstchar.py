"""First-character tests never refuse a character a pattern's match can begin with."""

from __future__ import annotations

import re

import pytest
from pygments.lexers import get_lexer_by_name

from sitegen.render.firstchar import first_chars
from tests.render.test_fastlex import SAMPLES, _fuzz

ALPHABET = "abdksxzABKXZ_\u017f\u212a\u0130\u0131019 \t\n\r\"'`\\#%$@!?.,:;=+-*/<>()[]{}|&^~éλ€∑ü\x00\U0001f600"


def _admits(pattern: str, flags: int = 0) -> str | None:
    test = first_chars(re.compile(pattern, flags))
    return None if test is None else "".join(ch for ch in ALPHABET if test(ch))


def test_literals_sets_and_alternatives() -> None:
    assert _admits("#.*$") == "#"
    assert _admits(r"[0-9]+|\.\d") == "019."
    assert _admits(r"(def)(\s+)") == "d"
    assert _admits(r"x?y*z") == "xz"
    assert _admits(r"(?:a|b)?(?:c|[<>])") == "ab<>"
    assert _admits(r"[^\S\n]+") == " \t\r"


def test_zero_width_parts_are_passed_over() -> None:
    assert _admits(r"(?<!\.)\bself\b") == "s"
    assert _admits(r"^(?=[a-z])(a|b)") == "ab"
    assert _admits(r"(?!x)[xz]") == "xz"  # lookaheads never narrow the set


def test_flags_are_the_engines() -> None:
    # case folding beyond ASCII (Kelvin sign, long s, dotted I) as re folds them
    got = _admits(r"(?i)k|s")
    assert got is not None and set("kK\u212a\u017f") <= set(got)
    assert _admits("K", re.I) == _admits("k", re.I)
    assert _admits(r"\w") == "".join(ch for ch in ALPHABET if re.match(r"\w", ch))
    assert _admits(r"(?a:\w)") == "abdksxzABKXZ_019"
    assert _admits(r"\d", re.A) == "019"
    assert _admits(r"[^a-z]") == "".join(ch for ch in ALPHABET if not "a" <= ch <= "z")


def test_anything_the_analysis_cannot_bound_is_everything() -> None:
    assert _admits(r"x*") is None  # matches empty
    assert _admits(r"$") is None
    assert _admits(r".+") is None
    assert _admits(r"[^x]") is None  # all but one character: not worth telling apart
    assert _admits(r"[^xy]") is not None  # a negated set is told by the engine
    assert _admits(r"(a)?\1") is None  # a back-reference first
    assert _admits(r"(a)?(?(1)b|c)") is None
    assert _admits(r"(a)b\1") == "a"  # one later is never reached


@pytest.mark.parametrize("lang", ["python", "bash", "r", "julia", "rust", "html", "tex", "sql"])
def test_every_match_of_every_rule_begins_where_its_test_allows(lang: str) -> None:
    lexer = get_lexer_by_name(lang)
    patterns = {rule[0].__self__ for rules in lexer._tokens.values() for rule in rules}
    text = "".join(SAMPLES) + "".join(_fuzz(3, count=4))
    checked = 0
    for pattern in patterns:
        test = first_chars(pattern)
        if test is None:
            continue
        assert pattern.match(text, len(text)) is None, pattern.pattern
        for pos, ch in enumerate(text):
            if not test(ch):
                assert pattern.match(text, pos) is None, (pattern.pattern, pos)
                checked += 1
    assert checked > 10000
