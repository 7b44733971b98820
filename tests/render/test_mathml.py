"""MathML written from latex2mathml's tree: as latex2mathml writes it, as ammonia cleans it."""

from __future__ import annotations

from xml.etree.ElementTree import Element, SubElement, tostring
from xml.sax.saxutils import unescape

import pytest
from formula_samples import (
    EDGE_CASES,
    Formula,
    corpus_formulas,
    generated_formulas,
    random_formulas,
)
from latex2mathml.converter import convert_to_element

from sitegen.render.math import _normalise
from sitegen.render.mathml import mathml_forms
from sitegen.render.sanitize import sanitize_html


def _trees(formulas: list[Formula]) -> list[Element]:
    trees = []
    for tex, display, env in formulas:
        try:
            trees.append(
                convert_to_element(_normalise(tex, env), display="block" if display else "inline")
            )
        except Exception:  # a formula latex2mathml rejects has no tree to write
            continue
    return trees


@pytest.fixture(scope="module")
def real_trees() -> list[Element]:
    """Trees of the formulas papers hold: the real corpus, the demo, the generator's."""
    return _trees(corpus_formulas() + generated_formulas(600))


@pytest.fixture(scope="module")
def odd_trees() -> list[Element]:
    edge = [(tex, display, None) for tex in EDGE_CASES for display in (False, True)]
    return _trees(edge + random_formulas(3000, seed=2))


def html_form(tree: Element) -> str:
    return mathml_forms(tree)[0]


def sanitized_form(tree: Element) -> str | None:
    return mathml_forms(tree)[1]


def _reference(tree: Element) -> str:
    """What latex2mathml's ``convert`` returns for ``tree``."""
    return unescape(tostring(tree, encoding="unicode"))


def test_html_form_is_latex2mathml_output(
    real_trees: list[Element], odd_trees: list[Element]
) -> None:
    for tree in real_trees + odd_trees:
        assert html_form(tree) == _reference(tree)


def test_sanitized_form_is_what_ammonia_writes_or_none(
    real_trees: list[Element], odd_trees: list[Element]
) -> None:
    unsure = 0
    for tree in odd_trees:
        html = html_form(tree)
        got = sanitized_form(tree)
        unsure += got is None
        assert got is None or got == sanitize_html(html), html
    assert 0 < unsure < len(odd_trees)
    for tree in real_trees:  # every formula of real papers takes the fast path
        html = html_form(tree)
        assert sanitized_form(tree) == sanitize_html(html), html


@pytest.mark.parametrize(
    ("tex", "cleaned"),
    [
        (r"\hspace{1em}", '<mspace width="1em"></mspace>'),
        (r"a < b", "<mi>a</mi><mo>&lt;</mo><mi>b</mi>"),
        (r"\sum \&", "<mo>∑</mo><mi>&amp;</mi>"),
        (r"\text{a b}", "<mtext>a&nbsp;b</mtext>"),
    ],
)
def test_sanitized_form_decodes_references_and_closes_empty_elements(
    tex: str, cleaned: str
) -> None:
    tree = convert_to_element(tex)
    got = sanitized_form(tree)
    assert got is not None and f"<mrow>{cleaned}</mrow>" in got
    assert got == sanitize_html(html_form(tree))


@pytest.mark.parametrize(
    "tex",
    [
        r"\text{a<b}",  # a tag in the HTML: ammonia drops it and what follows
        r"\text{a > b}",  # raw '>' in text
        r"\text{&amp;}",  # a named reference
        r"\text{&#128;}",  # a reference HTML maps to another character
        r"\text{&#x0;}",
        "\\text{a\x0cb}",
    ],
)
def test_sanitized_form_leaves_uncertain_text_to_ammonia(tex: str) -> None:
    tree = convert_to_element(tex)
    assert sanitized_form(tree) is None


def test_sanitized_form_leaves_unknown_tags_attributes_and_values_to_ammonia() -> None:
    for tag, attrib in (("svg", {}), ("mi", {"onclick": "x"}), ("mi", {"mathcolor": 'a"b'})):
        tree = Element("math")
        SubElement(tree, tag, attrib).text = "x"
        assert sanitized_form(tree) is None
    tree = Element("math")
    SubElement(SubElement(tree, "mtext"), "mi").text = "x"  # HTML parses the mi as HTML
    assert sanitized_form(tree) is None


def test_html_form_hands_trees_latex2mathml_does_not_build_to_elementtree() -> None:
    tree = Element("math", {"display": 'a"b\n'})
    child = SubElement(tree, "{http://example.org/ns}x")
    child.text, child.tail = "<&>", "after"
    assert html_form(tree) == _reference(tree)
    plain = Element("math", {"display": 'a"b\n\t\r<&>'})
    SubElement(plain, "mi").text = "<&lt;>"
    assert html_form(plain) == _reference(plain)


def test_a_value_that_is_not_text_is_elementtree_s_to_refuse() -> None:
    tree = Element("math")
    SubElement(tree, "mn").text = 5  # type: ignore[assignment]
    with pytest.raises(TypeError):
        html_form(tree)
    with pytest.raises(TypeError):
        _reference(tree)
