"""Write latex2mathml's element tree as text, in the two forms a formula needs.

latex2mathml returns ``unescape(ElementTree.tostring(tree))``: its element texts hold
character references (``&#x02211;``) meant to reach the HTML as references, so it
escapes the tree and unescapes the whole string again. ElementTree's serializer is
generic (it first walks the tree collecting namespaces) and was a tenth of the cost of
converting a formula; ``mathml_forms`` writes the same string in one walk.

The same walk writes the formula as ``sanitize_html`` (ammonia) would rewrite that
string: references decoded, text escaped the html5ever way, empty elements closed with
an end tag. It does so only for trees whose HTML parse is certain to give back the same
tree; for any other it answers None and the caller asks ammonia, which otherwise parsed
every formula again (a tenth of the cost too). Its equality with ammonia is tested on
every formula of the benchmark and real-paper corpora, edge cases and random TeX.
"""

from __future__ import annotations

import re
from xml.etree.ElementTree import Element, tostring
from xml.sax.saxutils import unescape

from sitegen.render.allowlist import MATHML_ATTRS, MATHML_TAGS

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

_TEXT_ESCAPES = {"&": "&amp;", "<": "&lt;", ">": "&gt;", "\xa0": "&nbsp;"}
"""How html5ever escapes text."""

_TEXT_POINTS = frozenset({"mi", "mo", "mn", "ms", "mtext"})
"""MathML text integration points: a child tag in one is parsed as HTML, not MathML."""


class _UnsureError(Exception):
    """Raised inside a walk when the tree has something the fast path does not decide."""


def mathml_forms(root: Element) -> tuple[str, str | None]:
    """``root`` as latex2mathml's ``convert`` writes it (``unescape(tostring(root))``),
    and that string as ammonia cleans it, or None when the latter is not certain.

    One walk writes both: they differ only in empty elements (``<x />`` against
    ``<x></x>``) and in references, which ammonia decodes. The clean form is only
    written for a tree of MathML tags and attributes ammonia keeps, with plain attribute
    values, and with text of plain characters and numeric references: then every ``<``
    in the string starts a tag and every ``&`` a reference, so the HTML parser reads
    the tree back as it is.
    """
    parts: list[str] = []
    empty: list[tuple[int, str]] = []
    try:
        keep = _write(root, parts, empty)
        html = "".join(parts)
    except (_UnsureError, TypeError, AttributeError):
        # namespaces, tails, values that are not text: latex2mathml makes none today
        return unescape(tostring(root, encoding="unicode")), None
    if not keep or _ODD_TEXT.search(" ".join(root.itertext())):
        return html, None
    for index, tag in empty:
        parts[index] = parts[index][:-3] + f"></{tag}>"
    clean = "".join(parts) if empty else html
    if "&" in clean:
        try:
            clean = _REFERENCE.sub(_decoded, clean)
        except _UnsureError:
            return html, None
    return html, clean


def _write(elem: Element, parts: list[str], empty: list[tuple[int, str]]) -> bool:
    """Append ``elem`` as latex2mathml writes it; True if ammonia keeps it as it is
    (text aside). ``empty`` gets the index and tag of each element written ``<x />``."""
    tag = elem.tag
    if "{" in tag or elem.tail:
        raise _UnsureError
    keep = tag in MATHML_TAGS
    start = "<" + tag
    attrib = elem.attrib
    if attrib:
        for name, value in attrib.items():
            if "{" in name:
                raise _UnsureError
            start += f' {name}="{value.translate(_ATTR_ESCAPES)}"'
            if keep and (name not in MATHML_ATTRS or _PLAIN_VALUE.fullmatch(value) is None):
                keep = False
    text = elem.text
    if len(elem):
        parts.append(start + ">" + text if text else start + ">")
        if tag in _TEXT_POINTS:
            keep = False
        for child in elem:
            if not _write(child, parts, empty):
                keep = False
        parts.append(f"</{tag}>")
    elif text:
        parts.append(start + ">" + text + "</" + tag + ">")  # TypeError unless text
    else:
        empty.append((len(parts), tag))
        parts.append(start + " />")
    return keep


def _decoded(m: re.Match[str]) -> str:
    """A numeric character reference as html5ever decodes it and writes it again."""
    hexa = m.group(1)
    code = int(hexa, 16) if hexa is not None else int(m.group(2))
    if code > 0x10FFFF or _ODD_CHAR.match(char := chr(code)):
        raise _UnsureError
    return _TEXT_ESCAPES.get(char, char)
