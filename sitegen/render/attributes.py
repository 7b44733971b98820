"""Pandoc attribute blocks: ``{#id .class key=value key="quoted value"}``.

Real papers write them after images (``{ width=60% }``), headings and table captions, with
spaces inside the braces, which markdown-it's attrs plugin does not accept; so they are
parsed here and the callers strip them from the text they trail.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

_TRAILING = re.compile(r"\s*\{([^{}]*)\}\s*$")
_PART = re.compile(
    r"""\s*(?:#([^\s#.{}=]+)|\.([^\s#.{}=]+)|([\w-]+)=("[^"]*"|'[^']*'|[^\s"'{}]+))"""
)
_SIZE = re.compile(r"^\d+(?:\.\d+)?(?:%|px|em|rem|cm|mm|in|pt|vw)?$")


@dataclass(frozen=True, slots=True)
class Attributes:
    id: str | None = None
    classes: tuple[str, ...] = ()
    pairs: dict[str, str] = field(default_factory=dict)


def parse_attributes(inner: str) -> Attributes | None:
    """Parse the text between the braces; None when it is not an attribute block."""
    pos, ident, classes, pairs = 0, None, [], {}
    inner = inner.strip()
    if not inner:
        return None
    while pos < len(inner):
        m = _PART.match(inner, pos)
        if m is None or m.end() == pos:
            return None
        if m.group(1):
            ident = m.group(1)
        elif m.group(2):
            classes.append(m.group(2))
        else:
            value = m.group(4)
            if value[:1] in "\"'":
                value = value[1:-1]
            pairs[m.group(3)] = value
        pos = m.end()
        while pos < len(inner) and inner[pos].isspace():
            pos += 1
    return Attributes(ident, tuple(classes), pairs)


def split_trailing(text: str) -> tuple[str, Attributes | None]:
    """``"Title {#x}"`` -> ``("Title", Attributes(id="x"))``; text unchanged when none."""
    if "}" not in text:  # (most headings and captions: no search through them)
        return text, None
    m = _TRAILING.search(text)
    if m is None:
        return text, None
    attrs = parse_attributes(m.group(1))
    if attrs is None:
        return text, None
    return text[: m.start()], attrs


def size_style(attrs: Attributes) -> str | None:
    """A safe ``style`` for ``width``/``height`` attributes, or None."""
    rules = []
    for key in ("width", "height"):
        value = attrs.pairs.get(key, "").strip()
        if value and _SIZE.match(value):
            unit = "" if not value[-1].isdigit() else "px"
            rules.append(f"{key}:{value}{unit}")
    return ";".join(rules) or None
