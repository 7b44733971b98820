"""Our latex2mathml feed: the same tokens and the same trees as latex2mathml's own."""

from __future__ import annotations

from collections.abc import Callable
from xml.etree.ElementTree import Element

import pytest
from formula_samples import (
    EDGE_CASES,
    Formula,
    corpus_formulas,
    generated_formulas,
    random_formulas,
)
from latex2mathml.converter import convert
from latex2mathml.tokenizer import tokenize

import sitegen.render.texconvert as texconvert
from sitegen.render.math import _normalise
from sitegen.render.mathml import mathml_forms
from sitegen.render.texconvert import convert_to_element, tex_tokens


@pytest.fixture(scope="module")
def samples() -> list[Formula]:
    edge = [(tex, display, None) for tex in EDGE_CASES for display in (False, True)]
    return corpus_formulas() + generated_formulas(600) + edge + random_formulas(3000)


def html_form(tree: Element) -> str:
    return mathml_forms(tree)[0]


def _outcome(make: Callable[[], object]) -> tuple[str, object]:
    """What ``make`` returns, or the type and message of what it raises."""
    try:
        return "ok", make()
    except Exception as exc:  # latex2mathml raises many types: all must match
        return "raised", (type(exc).__name__, str(exc))


def test_tokens_are_latex2mathml_tokens(samples: list[Formula]) -> None:
    for tex, _, env in samples:
        source = _normalise(tex, env)
        theirs = _outcome(lambda: list(tokenize(source)))  # noqa: B023
        assert _outcome(lambda: list(tex_tokens(source))) == theirs, source  # noqa: B023


def test_trees_write_as_latex2mathml_converts(samples: list[Formula]) -> None:
    raised = 0
    for tex, display, env in samples:
        source = _normalise(tex, env)
        mode = "block" if display else "inline"
        theirs = _outcome(lambda: convert(source, display=mode))  # noqa: B023
        ours = _outcome(lambda: html_form(convert_to_element(source, mode)))  # noqa: B023
        assert ours == theirs, source
        raised += theirs[0] == "raised"
    assert 0 < raised < len(samples) / 2  # errors were compared, and most formulas convert


def test_a_latex2mathml_without_the_internals_is_called_as_is(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(texconvert, "_INTERNALS", False)
    for source in (r"\frac{a}{b} + \text{x}", r"\sum_{i=1}^n x_i"):
        assert html_form(convert_to_element(source, "block")) == convert(source, display="block")
    bad = r"\frac{1}{"
    ours = _outcome(lambda: convert_to_element(bad, "inline"))
    assert ours[0] == "raised" and ours == _outcome(lambda: convert(bad))


def test_verb_without_closing_delimiter_fails_as_in_latex2mathml() -> None:
    with pytest.raises(IndexError, match="tuple index out of range"):
        list(tex_tokens(r"\verbx"))
    assert list(tex_tokens(r"\verb|a b|c")) == list(tokenize(r"\verb|a b|c"))


def test_plain_tokens_pass_rewritten_ones_are_rewritten() -> None:
    source = r"x2.5\alpha\,% note" + "\n" + r"\mathbb{R}\begin {matrix}\operatorname {ab}3 em"
    assert list(tex_tokens(source)) == list(tokenize(source))
    assert "&#x0211D;" in list(tex_tokens(source))  # \mathbb{R}, one token


def test_token_list_is_the_token_stream(samples: list[Formula]) -> None:
    from sitegen.render.texconvert import tex_token_list

    for tex, _, env in samples:
        source = _normalise(tex, env)
        theirs = _outcome(lambda: list(tex_tokens(source)))  # noqa: B023
        assert _outcome(lambda: tex_token_list(source)) == theirs, source  # noqa: B023
