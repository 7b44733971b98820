"""How the HTML5 parser nests the tags our renderer writes: the tree-construction clauses
a fragment must not trigger for its tags to mean what they spell (``sanitize_shape``).

The tables name, for every accepted tag, what the parser does on meeting it: which start
tags close an open paragraph, which elements take only certain children (lists, tables),
which formatting elements it reconstructs. :func:`nested` walks a fragment's tag names
once against them.
"""

from __future__ import annotations

BY_USE = [
    "p",
    "a",
    "td",
    "tr",
    "span",
    "th",
    "h2",
    "figure",
    "figcaption",
    "img",
    "li",
    "sup",
    "em",
    "strong",
    "code",
    "h3",
    "h4",
    "ul",
    "ol",
    "pre",
    "table",
    "thead",
    "tbody",
    "caption",
    "hr",
    "section",
    "br",
    "sub",
    "div",
    "blockquote",
    "dl",
    "dt",
    "dd",
    "s",
    "mark",
    "b",
    "i",
    "u",
    "h1",
    "h5",
    "h6",
    "abbr",
    "bdi",
    "bdo",
    "center",
    "cite",
    "colgroup",
    "col",
    "dfn",
    "kbd",
    "q",
    "samp",
    "small",
    "summary",
    "details",
    "tfoot",
    "time",
    "del",
    "ins",
    "var",
    "wbr",
]
"""Every tag accepted, the most frequent first (the pattern tries them in this order)."""

VOID = frozenset({"br", "hr", "img", "wbr", "col"})
_CLOSES_P = frozenset(
    [
        "blockquote",
        "center",
        "details",
        "div",
        "dl",
        "figcaption",
        "figure",
        "ol",
        "p",
        "section",
        "summary",
        "ul",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "pre",
        "table",
        "hr",
        "li",
        "dd",
        "dt",
    ]
)
"""Start tags that close an open ``<p>`` (in button scope: any open one, to be safe)."""
_FORMATTING = frozenset(["a", "b", "code", "em", "i", "s", "small", "strong", "u"])
_HEADINGS = frozenset(["h1", "h2", "h3", "h4", "h5", "h6"])
_PARENT = {
    "li": frozenset({"ol", "ul"}),
    "dd": frozenset({"dl"}),
    "dt": frozenset({"dl"}),
    "caption": frozenset({"table"}),
    "colgroup": frozenset({"table"}),
    "thead": frozenset({"table"}),
    "tbody": frozenset({"table"}),
    "tfoot": frozenset({"table"}),
    "tr": frozenset({"thead", "tbody", "tfoot"}),
    "td": frozenset({"tr"}),
    "th": frozenset({"tr"}),
    "col": frozenset({"colgroup"}),
}
"""Tags accepted only directly inside one of these (elsewhere the parser drops or
closes something)."""
_TABLE_MODES = frozenset({"table", "thead", "tbody", "tfoot", "tr", "colgroup"})
"""Open elements whose children are only the table parts ``_PARENT`` names for them."""

_END, _INLINE, _FORMATTING_KIND, _BLOCK, _HEADING, _CHILD, _VOID_INLINE, _VOID_BLOCK = range(8)
"""What checks a tag needs (``_END`` for every end tag)."""


def _kind(name: str) -> int:
    if name in _PARENT:
        return _CHILD
    if name in _HEADINGS:
        return _HEADING
    if name in _CLOSES_P:
        return _VOID_BLOCK if name in VOID else _BLOCK
    if name in _FORMATTING:
        return _FORMATTING_KIND
    return _VOID_INLINE if name in VOID else _INLINE


_KIND = {name: _kind(name) for name in BY_USE} | {f"/{name}": _END for name in BY_USE}
"""Tag name (``/name`` for an end tag) -> its checks, in one look-up for both."""
_CLOSER = {name: f"/{name}" for name in BY_USE}
"""Start tag name -> its end tag."""
_PARENTS = {name: frozenset(f"/{p}" for p in parents) for name, parents in _PARENT.items()}
"""``_PARENT`` by the end tags (as the open elements are kept)."""
_TABLE_MODES_END = frozenset(f"/{name}" for name in _TABLE_MODES)
_HEADINGS_END = frozenset(f"/{name}" for name in _HEADINGS)


def nested(tags: list[str]) -> int | None:
    """Whether the tag names (``/name`` for an end tag), in order, nest as the HTML5
    parser reads them literally (see the module docstring): None if not, else how many
    void elements they hold (``sanitize_shape.clean_known_shape`` drops their ``/`` only if some).

    One look-up a tag tells its checks (most tags are end tags and inline ones, tried
    first); the open elements are kept as their end tags, so an end tag is compared as
    it comes."""
    stack: list[str] = []  # the end tags of the open elements
    push = stack.append
    pop = stack.pop
    kinds = _KIND
    voids = 0
    for tag in tags:
        kind = kinds[tag]
        if kind == _END:
            if not stack or pop() != tag:
                return None
        elif kind == _INLINE:
            if stack and stack[-1] in _TABLE_MODES_END:
                return None
            push(_CLOSER[tag])
        elif kind == _CHILD:
            if not stack or stack[-1] not in _PARENTS[tag]:
                return None
            if tag == "col":
                voids += 1
            else:
                push(_CLOSER[tag])
        elif not stack:
            if kind in (_VOID_INLINE, _VOID_BLOCK):
                voids += 1
            else:
                push(_CLOSER[tag])
        elif stack[-1] in _TABLE_MODES_END:
            return None
        elif kind == _FORMATTING_KIND:
            end = _CLOSER[tag]
            if end in stack:
                return None
            push(end)
        elif kind == _VOID_INLINE:
            voids += 1
        elif "/p" in stack:  # a block, heading or void block closes a paragraph
            return None
        elif kind == _BLOCK:
            push(_CLOSER[tag])
        elif kind == _HEADING:
            if not _HEADINGS_END.isdisjoint(stack):
                return None
            push(_CLOSER[tag])
        else:  # _VOID_BLOCK
            voids += 1
    return None if stack else voids
