"""Write latex2mathml's element tree as text, in the two forms a formula needs.

latex2mathml returns ``unescape(ElementTree.tostring(tree))``: its element texts hold
character references (``&#x02211;``) meant to reach the HTML as references, so it
escapes the tree and unescapes the whole string again. ElementTree's serializer is
generic (it first walks the tree collecting namespaces) and was a tenth of the cost of
converting a formula; ``html_form`` writes the same string in one walk.

``sanitized_form`` writes the formula as ``sanitize_html`` (ammonia) would rewrite that
string, straight from the tree: references decoded, text escaped the html5ever way,
empty elements closed with an end tag. It only answers for trees whose HTML parse is
certain to give back the same tree (MathML tags and attributes ammonia keeps, plain
attribute values, text with nothing but characters and numeric references that decode
to ordinary characters); anything else answers None and the caller asks ammonia. Its
equality with ammonia is checked formula by formula in the tests over every formula of
the benchmark and the real-paper corpora.
"""

from __future__ import annotations

import re
from xml.etree.ElementTree import Element, tostring
from xml.sax.saxutils import unescape

from sitegen.render.sanitize import MATHML_ATTRS, MATHML_TAGS

_ATTR_ESCAPES = str.maketrans({'"': "&quot;", "\r": "&#13;", "\n": "&#10;", "\t": "&#09;"})
"""What survives of ElementTree's attribute escaping after latex2mathml unescapes
``&amp;``, ``&lt;`` and ``&gt;`` again (element text keeps none of its escaping)."""

_PLAIN_VALUE = re.compile(r"[-0-9A-Za-z .,:;#%+()/]*")
"""Attribute values the HTML parser reads back as written and ammonia writes unchanged."""

_ODD_CHARS = "\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff\ufdd0-\ufdef\ufffe\uffff"
_ODD_CHAR = re.compile(f"[{_ODD_CHARS}]")
"""Characters the HTML parser replaces, normalises or flags: not handled here."""

_ODD_TEXT = re.compile(f"[<>\xa0{_ODD_CHARS}]|&(?!#[xX][0-9A-Fa-f]+;|#[0-9]+;)")
"""Text that is not only plain characters and numeric references."""

_REFERENCE = re.compile(r"&#[xX]([0-9A-Fa-f]+);|&#([0-9]+);")
_SELF_CLOSING = re.compile(r"<(\w+)([^<>]*) />")
"""An empty element as ElementTree writes it; ammonia writes an end tag instead."""

_TEXT_ESCAPES = {"&": "&amp;", "<": "&lt;", ">": "&gt;", "\xa0": "&nbsp;"}
"""How html5ever escapes text."""

_TEXT_POINTS = frozenset({"mi", "mo", "mn", "ms", "mtext"})
"""MathML text integration points: a child tag in one is parsed as HTML, not MathML."""


class _UnsureError(Exception):
    """Raised inside a walk when the tree has something the fast path does not decide."""


def html_form(root: Element) -> str:
    """``root`` as latex2mathml's ``convert`` writes it (``unescape(tostring(root))``)."""
    parts: list[str] = []
    try:
        _write_html(root, parts)
    except _UnsureError:  # namespaces, tails, non-text values: latex2mathml makes none today
        return unescape(tostring(root, encoding="unicode"))
    return "".join(parts)


def _write_html(elem: Element, parts: list[str]) -> None:
    tag = elem.tag
    if not isinstance(tag, str) or "{" in tag or elem.tail:
        raise _UnsureError
    start = "<" + tag
    for name, value in elem.attrib.items():
        if not isinstance(name, str) or not isinstance(value, str) or "{" in name:
            raise _UnsureError
        start += f' {name}="{value.translate(_ATTR_ESCAPES)}"'
    text = elem.text
    if text is not None and not isinstance(text, str):
        raise _UnsureError
    if not text and not len(elem):
        parts.append(start + " />")
        return
    parts.append(start + ">")
    if text:
        parts.append(text)
    for child in elem:
        _write_html(child, parts)
    parts.append(f"</{tag}>")


def sanitized_form(root: Element, html: str) -> str | None:
    """``html`` (``html_form(root)``) as ammonia cleans it, or None when not certain.

    The tree is checked, and ``html`` rewritten with two substitutions: no text may
    hold ``<`` or ``>``, so every ``<`` in ``html`` starts a tag, and every ``&`` starts
    a numeric reference, which can only be in text (attribute values are plain).
    """
    for elem in root.iter():
        tag = elem.tag
        if tag not in MATHML_TAGS or elem.tail or (tag in _TEXT_POINTS and len(elem)):
            return None
        attrib = elem.attrib
        if attrib:
            for name, value in attrib.items():
                if name not in MATHML_ATTRS or not _PLAIN_VALUE.fullmatch(value):
                    return None
    if _ODD_TEXT.search(" ".join(root.itertext())):
        return None
    if " />" in html:
        html = _SELF_CLOSING.sub(r"<\1\2></\1>", html)
    if "&" in html:
        try:
            html = _REFERENCE.sub(_decoded, html)
        except _UnsureError:
            return None
    return html


def _decoded(m: re.Match[str]) -> str:
    """A numeric character reference as html5ever decodes it and writes it again."""
    hexa = m.group(1)
    code = int(hexa, 16) if hexa is not None else int(m.group(2))
    if code > 0x10FFFF or _ODD_CHAR.match(char := chr(code)):
        raise _UnsureError
    return _TEXT_ESCAPES.get(char, char)
