"""The joined-alternation lexer driver gives Pygments' tokens exactly."""

from __future__ import annotations

import pytest
from pygments.lexers import get_lexer_by_name

from sitegen.render.fastlex import FastRegexLexer, segments, wrap

SAMPLES = [
    "",
    "\n",
    "x",
    'import numpy as np\n\n\ndef f(a, b=0.5):\n    """Doc."""\n    return rb"x" + f"{a!r}"\n',
    "s = 'unterminated\nnext = 1\r\n\tz = 2 # comment\n",
    'cat <<-EOF\nhello $USER\nEOF\nfor i in $(seq 3); do echo "$i"; done\n',
    "x <- c(1, 2)\nlibrary(ggplot2)\nfunction(a) { a %>% head }\n",
    "using LinearAlgebra\nf(x::Float64) = x^2 # ü ∑\n",
    "€ ünïcode \x00 @@@ ```\n",
]


@pytest.mark.parametrize(
    "lang", ["python", "bash", "r", "julia", "rust", "javascript", "toml", "html"]
)
def test_same_tokens_as_pygments(lang: str) -> None:
    lexer = get_lexer_by_name(lang, stripnl=False, ensurenl=False)
    fast = wrap(lexer)
    assert isinstance(fast, FastRegexLexer)
    for text in SAMPLES:
        assert list(fast.get_tokens(text)) == list(lexer.get_tokens(text))
        assert list(fast.get_tokens_unprocessed(text)) == list(lexer.get_tokens_unprocessed(text))


def test_rules_are_joined_into_few_segments() -> None:
    lexer = get_lexer_by_name("python")
    rules = lexer._tokens["root"]
    assert len(rules) > 20
    # leading (?i) flags and empty default rules join; only the state's rules remain
    assert len(segments(rules)) == 1


def test_back_references_keep_their_rule_alone() -> None:
    lexer = get_lexer_by_name("bash")
    parts = segments(lexer._tokens["root"])
    alone = [rule for _, by_group, rule in parts if by_group is None]
    assert any(rule is not None and "\\2" in rule[0].__self__.pattern for rule in alone)
    assert len(parts) < len(lexer._tokens["root"])


def test_non_regex_lexer_is_left_alone() -> None:
    lexer = get_lexer_by_name("pycon")  # a lexer with its own token loop
    assert wrap(lexer) is lexer


def test_highlighter_joins_a_lexer_from_its_second_block() -> None:
    from sitegen.render.highlight import Highlighter

    highlighter = Highlighter()
    code = SAMPLES[3]
    first = highlighter(code, "python")
    assert not isinstance(highlighter._lexers["python"], FastRegexLexer)
    second = highlighter(code, "python")
    assert isinstance(highlighter._lexers["python"], FastRegexLexer)
    assert first == second == highlighter(code, "python")
    assert '<span class="kn">import</span>' in first
