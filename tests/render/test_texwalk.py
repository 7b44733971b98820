"""Our walker (texwalk) against latex2mathml's: the same nodes, or a decline."""

from __future__ import annotations

import pytest
from formula_samples import (
    EDGE_CASES,
    Formula,
    corpus_formulas,
    generated_formulas,
    random_formulas,
)
from latex2mathml.walker import _walk
from test_mathwrite import SHAPES, mutated_formulas

from sitegen.render.math import _normalise
from sitegen.render.texconvert import tex_tokens
from sitegen.render.texwalk import _plain, walk_nodes

MORE = [
    r"x^2_3 x_1^2 x_1^2^3 x_1^2_3 {x}_a^b _a ^b",
    r"{x^}",
    r"{\hat}",
    r"\frac a",
    r"\frac{a}",
    r"{\frac a}",
    r"\sqrt{}",
    r"\sqrt",
    r"{\sqrt}",
    r"\sqrt[3]{x}",
    r"\left( x",
    r"x \right)",
    r"\left( x \middle| y \right)",
    r"\left",
    r"\left( x \right",
    r"\sum_i^n \prod^n_i {\sum_i} \sum\limits_i \sum\nolimits_i",
    r"\overbrace{x}^n \underbrace{y}_m \overbrace{x}_n",
    r"x'' x^\prime^2 \not\in \not x",
    r"{",
    r"}",
    r"x }",
    r"{{x}",
    r"\overset{a}{b} \stackrel{=}{x} \underset{a}{b} \binom{n}{k}",
    r"\mathbf{x}_1 \mathbb{RR} \mathring{a} \mathop{x}",
    r"\newcommand{\x}{y} \x",
    r"\color{red} x",
    r"\rm x \bf{y}",
]


@pytest.fixture(scope="module")
def samples() -> list[Formula]:
    made = [(tex, display, None) for tex in SHAPES + EDGE_CASES + MORE for display in (False, True)]
    known = corpus_formulas() + generated_formulas(600)
    return known + made + mutated_formulas(known, 6000, seed=8) + random_formulas(6000, seed=7)


def test_nodes_are_latex2mathml_nodes(samples: list[Formula]) -> None:
    walked = 0
    for tex, display, env in samples:
        try:
            tokens = list(tex_tokens(_normalise(tex, env)))
        except Exception:  # convert_forms leaves such formulas to latex2mathml
            continue
        ours = walk_nodes(tokens, display)
        if ours is None:
            continue
        walked += 1
        assert ours == _walk(iter(tokens), block=display, macros={}), tokens
    assert walked > 1000  # the corpora, the shapes and many random formulas


def test_the_corpus_formulas_are_walked_here() -> None:
    formulas = corpus_formulas() + generated_formulas(300)
    tokens = [list(tex_tokens(_normalise(tex, env))) for tex, _, env in formulas]
    walked = sum(
        walk_nodes(t, display) is not None
        for t, (_, display, _) in zip(tokens, formulas, strict=True)
    )
    assert walked >= 0.9 * len(formulas)


def test_declines_what_the_walker_fails_on_or_treats_apart() -> None:
    for source in (r"x_1_2", r"x^1^2", r"\frac{1}{", r"a^", r"{x^}", r"x'", r"\left( x"):
        assert walk_nodes(list(tex_tokens(source)), False) is None, source


def test_plain_tokens_are_asked_of_the_walker() -> None:
    assert _plain("x") and _plain(r"\alpha") and _plain(r"\sum") and _plain("&")
    assert not _plain(r"\text") and not _plain(r"\color") and not _plain(r"\over")
    assert not _plain(r"\not") and not _plain("{") and not _plain(r"\right")
