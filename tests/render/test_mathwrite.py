"""The node writer (mathwrite) against latex2mathml's converter and our tree writer."""

from __future__ import annotations

import random
import re
from collections.abc import Callable

import pytest
from formula_samples import (
    EDGE_CASES,
    Formula,
    corpus_formulas,
    generated_formulas,
    random_formulas,
)
from latex2mathml.converter import convert
from latex2mathml.walker import _walk

from sitegen.render.math import _normalise
from sitegen.render.mathml import mathml_forms
from sitegen.render.mathwrite import write_forms
from sitegen.render.texconvert import convert_forms, convert_to_element, tex_tokens

SHAPES = [
    r"x_i + y^2 - z_{i}^{2} = \frac{a}{b}",
    r"\hat{\theta} \bar{x} \tilde{y} \dot{z} \vec{v} \overline{ab} \underline{c} \widehat{xy}",
    r"\mathbf{x} \mathrm{d}x \boldsymbol{\beta} \mathbb{R}^n \mathcal{L} \mathbf{\alpha_1}",
    r"\rm abc + \bf x",
    r"{\rm d} x {\bf y}_2 {}_a^b {} x",
    r"\left( \frac{1}{2} \right) \left. x \right| \left\{ a \middle| b \right\}",
    r"\sum_{i=1}^{N} \prod_i^n \int_0^\infty \lim_{x \to 0} \max_x \gcd_a^b",
    r"\sum\limits_{i}^{n} \int\nolimits_a^b x",
    r"f'(x) + g''_1 + h^{\prime} x'^2 x_1' x^2'",
    r"\sqrt{x^2 + 1} \sqrt[3]{y} \frac12 \frac{\partial u}{\partial t}",
    r"\operatorname{arg}\max_\theta \lVert x \rVert_2 \mid a \, b \; c \quad d \qquad e",
    r"\mathcal{N}(0, \sigma^2 I) \mathbb{E}[x \mid y] p < 0.05 N = 12\,345",
    r"a \over b",
    r"\hat{} x^{} _ {}",
    r"\text{a} x \mathrm{\text{b}}",
    r"\overbrace{x}^{n} \underbrace{y}_{m}",
    r"\begin{align} a &= b \\ c &= d \end{align}",
    r"\mathbf{\rm x} \mathsf{ab} \mathtt{c}",
    r"\lt \gt \& \% \# \{ \} \| |x|",
]


_INSERTS = [
    *("^", "_", "{", "}", "'", "x", "2", "&", "[", "]", "\\\\", r"\text{a~b}", r"\left("),
    *(r"\right)", r"\frac", r"\sqrt", r"\hat", r"\mathbf", r"\rm", r"\sum", r"\limits"),
    *(r"\,", r"\mid", r"\over", r"\not"),
]
"""Pieces ``mutated_formulas`` inserts: structure, and commands the walker treats apart."""


def mutated_formulas(formulas: list[Formula], count: int, seed: int = 3) -> list[Formula]:
    """``count`` formulas made from ``formulas`` by dropping, inserting or repeating a
    few of their pieces: near-misses of the shapes papers write."""
    rng = random.Random(seed)
    found: list[Formula] = []
    for _ in range(count):
        tex, _, env = rng.choice(formulas)
        pieces = [p for p in re.split(r"(\\[A-Za-z]+|\s+|.)", tex) if p]
        for _ in range(rng.randint(1, 3)):
            at = rng.randrange(len(pieces) + 1)
            roll = rng.random()
            if roll < 0.4 and pieces:
                pieces.pop(min(at, len(pieces) - 1))
            elif roll < 0.8:
                pieces.insert(at, rng.choice(_INSERTS))
            elif pieces:
                pieces.insert(at, pieces[min(at, len(pieces) - 1)])
        found.append(("".join(pieces), rng.random() < 0.5, env))
    return found


@pytest.fixture(scope="module")
def samples() -> list[Formula]:
    shapes = [(tex, display, None) for tex in SHAPES + EDGE_CASES for display in (False, True)]
    known = corpus_formulas() + generated_formulas(600)
    return known + shapes + mutated_formulas(known, 6000) + random_formulas(6000)


def _outcome(make: Callable[[], object]) -> tuple[str, object]:
    try:
        return "ok", make()
    except Exception as exc:  # latex2mathml raises many types: all must match
        return "raised", (type(exc).__name__, str(exc))


def test_forms_equal_the_tree_path(samples: list[Formula]) -> None:
    written = converted = 0
    for tex, display, env in samples:
        source = _normalise(tex, env)
        mode = "block" if display else "inline"
        theirs = _outcome(lambda: mathml_forms(convert_to_element(source, mode)))  # noqa: B023
        assert _outcome(lambda: convert_forms(source, mode)) == theirs, source  # noqa: B023
        if theirs[0] == "ok":
            converted += 1
            nodes = _walk(tex_tokens(source), block=display, macros={})
            written += write_forms(nodes, mode) is not None
    assert written > converted / 3  # the writer took a good share, not only fallbacks


def test_the_writer_takes_the_corpus_formulas() -> None:
    formulas = corpus_formulas() + generated_formulas(300)
    written = 0
    for tex, display, env in formulas:
        nodes = _walk(tex_tokens(_normalise(tex, env)), block=display, macros={})
        result = write_forms(nodes, "block" if display else "inline")
        written += result is not None
    assert written >= 0.95 * len(formulas)


@pytest.mark.parametrize("source", SHAPES)
@pytest.mark.parametrize("mode", ["inline", "block"])
def test_shapes_write_as_latex2mathml_converts(source: str, mode: str) -> None:
    theirs = _outcome(lambda: convert(source, display=mode))
    ours = _outcome(lambda: convert_forms(source, mode)[0])
    assert ours == theirs


def test_declines_shapes_it_does_not_write() -> None:
    for source in (r"\begin{pmatrix} a \end{pmatrix}", r"\color{red} x", r"\displaystyle x"):
        nodes = _walk(tex_tokens(source), block=False, macros={})
        assert write_forms(nodes, "inline") is None
    nodes = _walk(tex_tokens(r"\hat{x}_2"), block=False, macros={})
    assert write_forms(nodes, "inline") is not None


def test_clean_form_is_none_exactly_when_the_tree_path_says_so() -> None:
    for source in (r"\text{a<b} x_1", r"x_{\text{&#x0;}}", r"\frac{\text{&lt}}{2}", r"x^{y}"):
        assert convert_forms(source, "block") == mathml_forms(convert_to_element(source, "block"))
    assert convert_forms(r"x^{y}", "inline")[1] is not None
