"""The sanitizer's output for markup of a shape whose HTML parse is known, without ammonia.

A paper without raw HTML reaches the sanitizer as markup our renderer wrote: allowed
tags, double-quoted attributes, every tag closed in order, text escaped by markdown-it.
For such markup the HTML5 parser builds exactly the tree the tags spell out, so
ammonia's (``nh3``) clean-up changes only what its serializer writes differently:
``<img ... />`` loses its slash, ``&quot;``/``&#39;`` in text become plain quotes, a
no-break space becomes ``&nbsp;``, and a relative file link gets the page's prefix.
``clean_known_shape`` checks that a fragment is of that shape and writes those changes,
or returns None (the caller then runs ammonia). On a paper's body that is ~0.12 ms
instead of ammonia's ~0.21 ms (its parse, serialization and attribute callback), and
the output needs no pass for remote images or links that leave the site but http(s) ones.

What the check demands, each for a reason in the HTML5 tree-construction rules:

- characters: no NUL or carriage return (the parser drops or rewrites them), no byte
  order mark first (it drops that too), no lone surrogate (nh3 refuses it), no ``>`` in text, ``&`` only in ``&amp; &lt; &gt; &quot;
  &#39; &#x27;`` (``&amp;`` alone in attribute values, so the rewrites of quotes above
  cannot touch an attribute); other control characters pass through both alike;
- tags: lowercase names from ``html_nesting.BY_USE``, attributes ammonia keeps for the tag, each once
  (the parser keeps the first of two), values double-quoted; ``href`` a fragment, a root
  path or an ``http(s)`` URL with a host the URL parser cannot refuse (a relative file
  link, rare in a paper's text, is left to ammonia); ``src`` a colon-free relative path
  (ammonia calls it relative and the cleaner prefixes it); ``style`` of a form
  ``sanitize._SAFE_STYLE`` accepts; ``/>`` on void tags only;
- nesting (``html_nesting``): every end tag closes the innermost open element and everything is closed
  at the end, so no end tag is ignored or implied; no start tag that closes a paragraph
  while one is open (``<p>``, ``<div>``, ``<table>``, ...), no heading in a heading, no
  formatting element (``<a>``, ``<em>``, ...) inside one of its name (the adoption agency
  and Noah's ark clauses), ``<li>`` only in a list, ``<dd>``/``<dt>`` in ``<dl>``,
  table parts only where the table modes take them, only blank text directly in a table,
  section or row (other text would be foster-parented), and no newline right after
  ``<pre>`` (the parser drops it).

``tests/render/test_sanitize_shape.py`` compares the result with ammonia's over the real
papers, the markdown samples and generated well-formed and hostile markup.
"""

from __future__ import annotations

import functools
import re

from sitegen.render.html_nesting import BY_USE, VOID, nested

_GLOBAL = [
    "class",
    "id",
    "data-secno",
    "title",
    "lang",
    "dir",
    "role",
    "aria-label",
    "aria-hidden",
    "aria-describedby",
    "aria-labelledby",
    "data-label",
    "data-cites",
]
"""Attributes ammonia keeps on every tag (``allowlist.GLOBAL_ATTRS``), the common first."""
_VALUE = r'"[^"<>&]*+(?:&amp;[^"<>&]*+)*+"'
"""An attribute value with ``&`` only as ``&amp;``."""
_LABEL = r"(?![xX][nN]--)[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?"
_URL_CHAR = r'[^"<>&\s\\]'
_URL = (
    rf'"(?:#{_URL_CHAR}*+|/(?![/\\])[^"<>&\s\\:]*+'
    rf"|https?://(?:{_LABEL}\.)*+(?![0-9])(?![xX][nN]--)[A-Za-z][A-Za-z0-9-]*+(?<!-)"
    rf'(?:[/?#]{_URL_CHAR}*+(?:&amp;{_URL_CHAR}*+)*+)?+)"'
)
"""``href`` values ammonia keeps as written: a fragment, a root path (not ``//``), or an
``http(s)`` URL with a plain host name (no port, user, IP address or punycode label,
which the URL parser may refuse) ending in a label that is not a number. A relative
file link is left to ammonia (rare in a paper's text)."""
_SRC = r'"[A-Za-z0-9_.~%+-][^"<>&\s\\:]*+"'
"""``src`` values: a colon-free relative path, which the cleaner prefixes (figures)."""
_STYLE = r'"(?:(?:width|max-width|height|text-align):[0-9a-z.%-]++;?+ ?+)++"'
"""``style`` values that ``sanitize._SAFE_STYLE`` accepts (a strict subset of it)."""

_TAG_ATTRS: dict[str, dict[str, str]] = {
    "a": {"href": _URL, "rel": _VALUE, "hreflang": _VALUE},
    "img": {
        "src": _SRC,
        "alt": _VALUE,
        "style": _STYLE,
        "width": _VALUE,
        "height": _VALUE,
        "loading": _VALUE,
    },
    "td": {"style": _STYLE, "colspan": _VALUE, "rowspan": _VALUE, "align": _VALUE},
    "th": {
        "style": _STYLE,
        "colspan": _VALUE,
        "rowspan": _VALUE,
        "align": _VALUE,
        "scope": _VALUE,
    },
    "col": {"span": _VALUE, "width": _VALUE},
    "ol": {"start": _VALUE, "type": _VALUE, "reversed": _VALUE},
    "li": {"value": _VALUE},
    "time": {"datetime": _VALUE},
    "del": {"datetime": _VALUE},
    "ins": {"datetime": _VALUE},
    "details": {"open": _VALUE},
    "figure": {"style": _STYLE},
}
"""Tags with attributes of their own (besides ``_GLOBAL``) and their values' forms."""
_AFTER_BLANK_ONLY = ["table", "thead", "tbody", "tfoot", "tr", "colgroup", "col"]
"""Start tags after which the parser is in a table mode (``col``: in its colgroup)."""
_END_BLANK_ONLY = ["caption", "thead", "tbody", "tfoot", "tr", "td", "th", "colgroup"]
"""End tags after which it is (back) in a table mode."""


def _start_tags(names: list[str], own: dict[str, str]) -> str:
    """Start tags (without ``<``) of ``names``, which share ``own`` attributes (beside
    the global ones) and the rest of their rules."""
    plain = [*_GLOBAL, *(attr for attr, form in own.items() if form == _VALUE)]
    forms = [f"(?:{'|'.join(plain)})={_VALUE}"]
    forms += [f"{attr}={form}" for attr, form in own.items() if form != _VALUE]
    group = f"at_{names[0]}"
    # each attribute once: no later ' name=' in the tag (one inside a value refuses too)
    one = rf"(?=(?P<{group}>[a-z-]+)=)(?:{'|'.join(forms)})(?![^>]* (?P={group})=)"
    first = names[0]
    slash = "(?: /)?+" if first in VOID else ""
    after = "(?!\\n)" if first == "pre" else ""
    blank = _BLANK if first in _AFTER_BLANK_ONLY else ""
    return f"(?:{'|'.join(names)})(?: {one})*+{slash}>{after}{blank}"


_BLANK = r"[\t\n\f ]*+(?![^<])"
"""Only blank text up to the next tag (or the end)."""


@functools.cache
def _shape() -> re.Pattern[str]:
    """The whole fragment: text (checked apart) and tags as above, no nesting."""
    ends = "|".join(
        f"{n}>{_BLANK}" if n in _END_BLANK_ONLY else f"{n}>" for n in BY_USE if n not in VOID
    )
    # tags alike in their rules share an alternative, in the order of their first use
    groups: dict[tuple[object, ...], list[str]] = {}
    for n in BY_USE:
        own = _TAG_ATTRS.get(n, {})
        key = (n if own else "", n in VOID, n == "pre", n in _AFTER_BLANK_ONLY)
        groups.setdefault(key, []).append(n)
    starts = "|".join(_start_tags(names, _TAG_ATTRS.get(names[0], {})) for names in groups.values())
    return re.compile(rf"(?:[^<]++|</(?:{ends})|<(?:{starts}))*+")


_NAMES = re.compile(r"<(/?[a-z0-9]+)")
_RELATIVE_SRC = re.compile(r'(<img(?: [a-z-]+="[^"]*")*? src=")')
"""An image's source in accepted markup: always a relative file, prefixed."""
_ENTITIES = re.compile(r"&(?!amp;|lt;|gt;)(?:(quot|#39|#x27);)?")
"""A character reference other than those of ``&<>``: empty for one not accepted."""


def clean_known_shape(fragment: str, url_prefix: str = "") -> str | None:
    """What ``nh3`` writes for ``fragment`` under ``sanitize._cleaner(False, url_prefix)``
    (before ``sanitize_html``'s rewrites of external links and images), or None when
    ``fragment`` is not of the shape described above (nor ``url_prefix`` a plain path)."""
    if (
        "\x00" in fragment
        or "\r" in fragment
        or fragment.startswith("\ufeff")
        or (url_prefix and _PLAIN_PREFIX.fullmatch(url_prefix) is None)
        or _shape().fullmatch(fragment) is None
    ):
        return None
    quotes = _ENTITIES.findall(fragment) if "&" in fragment else None
    if quotes and "" in quotes:
        return None
    names = _NAMES.findall(fragment)
    if fragment.count(">") != len(names):
        return None  # a '>' in text
    voids = nested(names)
    if voids is None:
        return None  # tags that do not nest
    if not _encodable(fragment):
        return None
    out = fragment
    if quotes:
        out = out.replace("&quot;", '"').replace("&#39;", "'").replace("&#x27;", "'")
    if "\xa0" in out:
        out = out.replace("\xa0", "&nbsp;")
    if not voids:
        return out
    images = names.count("img") if url_prefix else 0
    written = _voids_written(out, voids, images, url_prefix)
    if written is not None:
        return written
    out = out.replace(" />", ">", voids)
    if images:
        if out.count('<img src="') == images:  # each source first, as markdown-it writes
            out = out.replace('<img src="', f'<img src="{url_prefix}')
        else:
            out = _RELATIVE_SRC.sub(lambda m: m.group(1) + url_prefix, out)
    return out


def _voids_written(out: str, voids: int, images: int, url_prefix: str) -> str | None:
    """``out`` with each void tag's `` />`` dropped and, when ``images``, each image's
    source prefixed, in one pass from one void tag to the next (a ``str.replace`` of
    each made two over the whole fragment); None when an image does not end in `` />``
    (then the caller rewrites the sources apart).

    Only a void tag can end in `` />`` (no text or value holds ``>``), and its start
    is the last ``<`` before that (no value holds ``<``)."""
    pieces: list[str] = []
    at = 0
    for _ in range(voids):
        end = out.find(" />", at)
        if end < 0:
            break
        start = out.rfind("<", at, end)
        tag = out[start:end]
        if images and tag.startswith("<img"):
            images -= 1
            if tag.startswith('<img src="'):  # the source first, as markdown-it writes
                tag = f'<img src="{url_prefix}{tag[10:]}'
            else:
                tag = _RELATIVE_SRC.sub(lambda m: m.group(1) + url_prefix, tag)
        pieces += (out[at:start], tag, ">")
        at = end + 3
    if images:
        return None
    pieces.append(out[at:])
    return "".join(pieces)


def _encodable(text: str) -> bool:
    """False for text with a lone surrogate, which nh3 refuses (UnicodeEncodeError)."""
    if text.isascii():
        return True
    try:
        text.encode()
    except UnicodeEncodeError:
        return False
    return True


_PLAIN_PREFIX = re.compile(r"[A-Za-z0-9_.-]+/")
"""A link prefix that keeps a relative link relative and scheme-free (``source/``)."""


WARM_UP = 200
"""Fragments a process sanitizes with ammonia before ``ShapeGate`` uses the shape check:
compiling its pattern costs ~15 ms, which a rebuild of one edited paper (a handful of
fragments) would not win back; a full build's workers sanitize thousands."""


class ShapeGate:
    """``clean_known_shape`` from a process's ``WARM_UP``-th fragment on (None before)."""

    def __init__(self, warm_up: int = WARM_UP) -> None:
        self._left = warm_up

    def clean(self, fragment: str, url_prefix: str) -> str | None:
        if self._left:
            self._left -= 1
            return None
        return clean_known_shape(fragment, url_prefix)
