"""Our span formatter writes exactly what Pygments' ``HtmlFormatter(nowrap=True)`` writes."""

from __future__ import annotations

import random

import pytest
from pygments import format as pygments_format
from pygments.formatters import HtmlFormatter
from pygments.lexers import get_lexer_by_name
from pygments.token import STANDARD_TYPES, Token

from sitegen.render.htmlspans import SpanFormatter, css_classes
from tests.render.test_fastlex import LANGUAGES, _corpus

REFERENCE = HtmlFormatter(nowrap=True)

TYPES = [
    Token,
    Token.Text,
    Token.Text.Whitespace,
    Token.Keyword,
    Token.Name.Builtin.Pseudo,
    Token.Literal.String.Double,
    Token.Error,
    Token.Text.Custom,  # outside the standard list, under a class-less type
    Token.Name.Custom.Deeper,
    Token.Keyword.Type.Extra,
    Token.Brand.New,
    Token.Comment.Single,
]


def _reference(tokens: list[tuple[object, str]]) -> str:
    return str(pygments_format(tokens, REFERENCE))


def test_css_classes_are_pygments() -> None:
    for ttype in [*STANDARD_TYPES, *TYPES]:
        assert css_classes(ttype) == REFERENCE._get_css_classes(ttype), ttype
    assert css_classes(Token.Name.Custom.Deeper) == "n n-Custom n-Custom-Deeper"
    assert css_classes(Token.Text.Custom) == " -Custom"


def test_hand_picked_streams() -> None:
    streams: list[list[tuple[object, str]]] = [
        [],
        [(Token.Text, "")],
        [(Token.Keyword, "def")],  # no final newline: Pygments adds one
        [(Token.Keyword, "a\n\nb"), (Token.Keyword, "c\n")],
        [(Token.Text, "x"), (Token.Keyword, "\n"), (Token.Keyword, ""), (Token.Name, "y\n")],
        [(Token.Keyword, "k"), (Token.Keyword, "k"), (Token.Name, "\n"), (Token.Name, "n")],
        [(Token.String, "'<&>\"'\n"), (Token.Text.Custom, "a\nb"), (Token.Error, "\n")],
        [(Token.Text, "\n\n"), (Token.Comment, "# c\n"), (Token.Text, "  "), (Token.Text, "\n")],
    ]
    ours = SpanFormatter()
    for tokens in streams:
        assert ours.format(tokens) == _reference(tokens), tokens


def test_random_streams() -> None:
    """Random types, empty values, runs of one type and newlines anywhere in a value."""
    rng = random.Random(8)
    ours = SpanFormatter()
    pieces = ["", "\n", "\n\n", "a", "b c", "<&>", "'\"", "x\ny", "\nz", "w\n", " ", "λ€"]
    pieces += ["\0", "&amp;", "&lt;\0&"]  # NUL: the texts are escaped one by one
    for _ in range(6000):
        tokens = [
            (rng.choice(TYPES), "".join(rng.choices(pieces, k=rng.randint(1, 3))))
            for _ in range(rng.randint(0, 12))
        ]
        assert ours.format(tokens) == _reference(tokens), tokens
        assert ours.format(iter(tokens)) == _reference(tokens), tokens  # not a list


def test_escapes_in_bulk_as_one_by_one() -> None:
    """``_escaped`` escapes each text as escaping it alone would, whether the texts need
    no escape (the same texts back), hold NUL (one by one) or are empty strings."""
    from sitegen.render.htmlspans import _escape, _escaped

    escapes = [("&", "&amp;"), ("<", "&lt;"), (">", "&gt;"), ('"', "&quot;"), ("'", "&#39;")]
    cases: list[tuple[str, ...]] = [
        ("",),
        ("", ""),
        ("plain", " ", "words"),
        ("a&b", "<c>", "", "'q'", '"'),
        ("x\0y", "&"),
        ("\0", "\0\0", ""),
        ("&amp;", "&#39;"),
    ]
    for texts in cases:
        expected = [_escape(text, escapes) for text in texts]
        assert list(_escaped(texts, escapes)) == expected, texts
        for text, want in zip(texts, expected, strict=True):
            assert want == text.replace("&", "&amp;").replace("<", "&lt;").replace(
                ">", "&gt;"
            ).replace('"', "&quot;").replace("'", "&#39;")
    plain = ("a", "b")
    assert _escaped(plain, escapes) is plain


@pytest.mark.parametrize("lang", LANGUAGES)
def test_real_token_streams(lang: str) -> None:
    lexer = get_lexer_by_name(lang, stripnl=False, ensurenl=False)
    ours = SpanFormatter()
    for text in _corpus():
        tokens = list(lexer.get_tokens(text))
        assert ours.format(tokens) == _reference(tokens)
