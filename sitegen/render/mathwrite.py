"""Write latex2mathml's node tree straight to the two MathML strings a formula needs.

latex2mathml's converter turns the walker's nodes into an ElementTree (deep-copying a
table entry for every command, one ``SubElement`` per piece), which ``mathml.mathml_forms``
then writes out: together a little under half of the cost of a conversion. Formulas are
mostly a few shapes (symbols, braces, sub- and superscripts, fractions, accents, fonts,
``\\left..\\right``), so ``write_forms`` writes those shapes directly, and declines
(None) any tree holding another: the caller then converts it the usual way.

A leaf (a symbol, a space, an operator name; whatever the converter makes of a node
without children) is converted by latex2mathml itself and written by ``mathml_forms``,
once per process for each token, delimiter and font (``_leaf``): its output is a pure
function of those, so the shapes written here only join pieces latex2mathml made. The
joins follow the converter's ``_convert_group`` and ``_convert_command`` for these shapes;
the tests compare both paths on every formula of the corpora and on random TeX.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable
from typing import Any
from xml.etree.ElementTree import Element

import latex2mathml.converter as l2m_converter
from latex2mathml import commands
from latex2mathml.symbols_parser import convert_symbol
from latex2mathml.walker import Node

from sitegen.render.allowlist import MATHML_ATTRS, MATHML_TAGS
from sitegen.render.mathml import _ATTR_ESCAPES, _PLAIN_VALUE, mathml_forms

_Node = Any
"""latex2mathml's ``walker.Node`` (a named tuple; the walker has no type stubs)."""

_SCRIPTS = {
    commands.SUBSCRIPT: "msub",
    commands.SUPERSCRIPT: "msup",
    commands.SUBSUP: "msubsup",
}
_OVER = (
    commands.ACUTE,
    commands.BAR,
    commands.BREVE,
    commands.CHECK,
    commands.DOT,
    commands.DDOT,
    commands.GRAVE,
    commands.HAT,
    commands.TILDE,
    commands.VEC,
    commands.WIDEHAT,
    commands.WIDETILDE,
    commands.OVERLINE,
    commands.UNDERLINE,
)
"""Accents: the argument then a fixed ``<mo>`` in the command's element."""
_WRAPPED = frozenset((*_SCRIPTS, commands.FRAC, commands.SQRT, *_OVER))
"""Commands with children written here (any other declines)."""
_DECLINED = frozenset((*commands.MSTYLE_SIZES, *commands.STYLES, commands.UNICODE, commands.RULE))
"""Nodes the converter treats apart from their children (styles take their siblings)."""
_NUMBER = re.compile(r"[0-9]+(?:\.[0-9]+)?")
"""A number token: the converter writes it ``<mn>`` as it is (without a font)."""
_XMLNS = l2m_converter.Converter().xmlns
_COMMANDS = frozenset((*commands.CONVERSION_MAP, commands.MOD, commands.PMOD, commands.POD))


class _DeclineError(Exception):
    """The tree holds a shape not written here."""


def write_forms(nodes: Iterable[_Node], display: str) -> tuple[str, str | None] | None:
    """What ``mathml_forms`` makes of the ``<math>`` tree latex2mathml converts
    ``nodes`` (the walker's) into, or None when the tree holds a shape not written here."""
    html: list[str] = []
    clean: list[str] = []
    start, keep = _start("math", (("xmlns", _XMLNS), ("display", display)))
    try:
        ok = _group(nodes, None, html, clean) and keep
    except _DeclineError:
        return None
    if not html:
        written = start + "><mrow /></math>"
        return written, (start + "><mrow></mrow></math>" if ok else None)
    written = start + "><mrow>" + "".join(html) + "</mrow></math>"
    # the pieces' references are decoded already (``mathml_forms`` wrote them)
    return written, (start + "><mrow>" + "".join(clean) + "</mrow></math>" if ok else None)


def _group(nodes: Iterable[_Node], font: str | None, html: list[str], clean: list[str]) -> bool:
    """Append ``nodes`` as the converter's ``_convert_group`` would make them under
    ``font`` (the command that set it); False when the clean form is not certain."""
    ok = True
    for node in nodes:
        children = node.children
        if children is None:
            piece = _leaf_node(node, font) if node.attributes is None else _leaf_of(node, font)
            if piece is None:
                font = node.token  # a font command: the rest of this group is in it
                continue
            html.append(piece[0])
            ok = _add(piece[1], clean) and ok
            continue
        token = node.token
        if token in _DECLINED:
            raise _DeclineError
        if node.attributes is not None or node.text is not None:
            raise _DeclineError
        if token in _COMMANDS:
            if token == commands.LEFT:
                ok = _left(node, font, html, clean) and ok
            elif token in _WRAPPED and node.delimiter is None and node.alignment is None:
                ok = _command(node, font, html, clean) and ok
            else:
                raise _DeclineError
        elif token in commands.LOCAL_FONTS:
            ok = _group(children, token, html, clean) and ok
        elif token == commands.BRACES:
            ok = _wrap("mrow", (), children, font, html, clean) and ok
        else:
            raise _DeclineError
    return ok


def _command(node: _Node, font: str | None, html: list[str], clean: list[str]) -> bool:
    token = node.token
    modifier = node.modifier
    tag, attributes = commands.CONVERSION_MAP[token]
    if token == commands.SUBSUP and node.children[0].token == commands.GCD:
        tag = "munderover"
    elif modifier is not None:
        if token == commands.SUPERSCRIPT and modifier in (commands.LIMITS, commands.OVERBRACE):
            tag = "mover"
        elif token == commands.SUBSCRIPT and modifier in (commands.LIMITS, commands.UNDERBRACE):
            tag = "munder"
        elif token == commands.SUBSUP and modifier in (
            commands.LIMITS,
            commands.OVERBRACE,
            commands.UNDERBRACE,
        ):
            tag = "munderover"
    accent = commands.DIACRITICS.get(token)
    after = None
    if accent is not None:
        text, accent_attributes = accent
        after = _leaf_element("mo", tuple(accent_attributes.items()), text)
    return _wrap(tag, tuple(attributes.items()), node.children, font, html, clean, after=after)


def _left(node: _Node, font: str | None, html: list[str], clean: list[str]) -> bool:
    """``\\left``: a row of the opening ``<mo>`` and the children (``\\right`` last)."""
    delimiter = node.delimiter
    text = None
    if delimiter != ".":
        symbol = convert_symbol(delimiter)
        text = delimiter if symbol is None else f"&#x{symbol};"
    tag, attributes = commands.CONVERSION_MAP[commands.LEFT]
    opening = _leaf_element(tag, tuple(attributes.items()), text)
    return _wrap("mrow", (), node.children, font, html, clean, before=opening)


def _wrap(
    tag: str,
    attributes: tuple[tuple[str, str], ...],
    children: Iterable[_Node],
    font: str | None,
    html: list[str],
    clean: list[str],
    before: tuple[str, str | None] | None = None,
    after: tuple[str, str | None] | None = None,
) -> bool:
    """``<tag>`` holding ``before``, ``children`` in ``font`` and ``after``."""
    start, ok = _start(tag, attributes)
    inner: list[str] = []
    inner_clean: list[str] = []
    if before is not None:
        inner.append(before[0])
        ok = _add(before[1], inner_clean) and ok
    ok = _group(children, font, inner, inner_clean) and ok
    if after is not None:
        inner.append(after[0])
        ok = _add(after[1], inner_clean) and ok
    if inner:
        html.append(start + ">" + "".join(inner) + f"</{tag}>")
        clean.append(start + ">" + "".join(inner_clean) + f"</{tag}>")
    else:
        html.append(start + " />")
        clean.append(start + f"></{tag}>")
    return ok


def _add(piece: str | None, clean: list[str]) -> bool:
    """Append a piece's clean form; False when it has none."""
    if piece is None:
        return False
    clean.append(piece)
    return True


@functools.cache
def _start(tag: str, attributes: tuple[tuple[str, str], ...]) -> tuple[str, bool]:
    """The start tag without its ``>`` (both forms share it), and whether the
    sanitizer keeps the element as it is (``mathml._write``'s rule)."""
    start = "<" + tag
    keep = tag in MATHML_TAGS
    for name, value in attributes:
        start += f' {name}="{value.translate(_ATTR_ESCAPES)}"'
        if name not in MATHML_ATTRS or _PLAIN_VALUE.fullmatch(value) is None:
            keep = False
    return start, keep


@functools.cache
def _leaf_element(
    tag: str, attributes: tuple[tuple[str, str], ...], text: str | None
) -> tuple[str, str | None]:
    """One childless element, in both forms (the clean one None if not certain)."""
    element = Element(tag, dict(attributes))
    element.text = text
    return mathml_forms(element)


@functools.lru_cache(maxsize=8192)
def _leaf_node(node: _Node, font: str | None) -> tuple[str, str | None] | None:
    """``_leaf_of`` memoised (a node without attributes is a tuple of strings)."""
    return _leaf_of(node, font)


def _leaf_of(node: _Node, font: str | None) -> tuple[str, str | None] | None:
    """A childless node in both forms, or None for a font command (it sets the font of
    the nodes after it in its group)."""
    token = node.token
    if token in _DECLINED:
        raise _DeclineError
    if token in commands.GLOBAL_FONTS and token not in _COMMANDS:
        return None
    if node.alignment is not None or node.modifier is not None:
        raise _DeclineError  # the walker makes neither without children
    given = node.attributes
    if font is None and given is None and _NUMBER.fullmatch(token) is not None:
        number = "<mn>" + token + "</mn>"  # one of many: not worth an entry in _leaf
        return number, number
    attributes = None if given is None else tuple(given.items())
    return _leaf(token, node.delimiter, node.text, attributes, font)


@functools.cache
def _leaf(
    token: str,
    delimiter: str | None,
    text: str | None,
    attributes: tuple[tuple[str, str], ...] | None,
    font: str | None,
) -> tuple[str, str | None]:
    """What the converter makes of a childless node, in both forms (memoised: a pure
    function of these, but for ``\\hbox``, whose text may use the formula's macros: it
    declines). Declines what the converter fails on too: the caller's usual path then
    raises as latex2mathml does."""
    if token == commands.HBOX:
        raise _DeclineError
    converter = l2m_converter.Converter()
    holder = Element("holder")
    fonts = None
    if font in commands.LOCAL_FONTS:
        fonts = commands.LOCAL_FONTS[font]
    elif font is not None:
        fonts = commands.GLOBAL_FONTS[font]
    try:
        node = Node(
            token=token,
            delimiter=delimiter,
            text=text,
            attributes=None if attributes is None else dict(attributes),
        )
        converter._convert_group(iter([node]), holder, fonts)
    except Exception as exc:  # latex2mathml raises many types
        raise _DeclineError from exc
    html: list[str] = []
    clean: list[str] | None = []
    for child in holder:
        piece_html, piece_clean = mathml_forms(child)
        html.append(piece_html)
        if piece_clean is None or clean is None:
            clean = None
        else:
            clean.append(piece_clean)
    return "".join(html), None if clean is None else "".join(clean)
