"""Allow-list HTML sanitizer for rendered markdown.

Papers are untrusted input: raw HTML inside markdown must not be able to run script on
the journal's pages (which share an origin with every other paper on a gateway). Rather
than sanitize each raw-HTML fragment separately, the whole rendered body goes through
this filter once, so no code path of the renderer can smuggle markup past it. The
filter also balances tags, so an unclosed ``<div>`` in a paper cannot swallow the page
template that follows the body.

The work is done by ammonia (the ``nh3`` binding): it parses with html5ever exactly as a
browser does (so balancing, entities and mXSS tricks are settled by the HTML5 algorithm,
not by our guesses) and is about five times faster than the ``html.parser`` filter it
replaced (0.39 s -> 0.08 s for 150 synthetic papers), which had been the largest cost of
rendering a paper. The few rules ammonia cannot state
(data: images, the style and cite checks) run in its attribute callback; the two rewrites of whole elements (``rel``
on outgoing links, remote images into links) run on ammonia's output, whose serialization
is canonical: double-quoted attributes with ``"``, ``<`` and ``>`` escaped. Markup of
the shape our renderer writes (a paper without raw HTML) skips ammonia: for it
``sanitize_shape`` writes ammonia's output itself, in about half the time.
"""

from __future__ import annotations

import functools
import html
import re
from collections.abc import Callable

import nh3

from sitegen.render.allowlist import (
    ALLOWED_TAGS,
    DROP_CONTENT,
    GLOBAL_ATTRS,
    MATHML_ATTRS,
    MATHML_TAGS,
    TAG_ATTRS,
    TEXT_TAGS,
)
from sitegen.render.sanitize_shape import ShapeGate

_URL_ATTRS = frozenset({"href", "src", "cite"})
_SAFE_SCHEMES = frozenset({"http", "https", "mailto", "ftp", "ipfs", "ipns", "doi"})
_SCHEME = re.compile(r"^([a-zA-Z][a-zA-Z0-9+.\-]*):")
_SAFE_STYLE = re.compile(
    r"^\s*(?:(?:width|max-width|height|text-align)\s*:\s*[0-9a-z.%\s-]+;?\s*)+$", re.IGNORECASE
)
_CONTROL = re.compile(r"[\x00-\x20\x7f]+")
_OUT_ATTR = r' [a-z-]+="[^"]*"'
_EXTERNAL_LINK = re.compile(
    rf'<a((?:{_OUT_ATTR})*?) href="((?:[a-zA-Z][a-zA-Z0-9+.\-]*:|//)[^"]*)"((?:{_OUT_ATTR})*)>'
)
"""An ``<a>`` leaving the site, as ammonia serializes it (double quotes, ``"`` escaped)."""
_LEAVING = re.compile(r'href="(?:[a-zA-Z][a-zA-Z0-9+.\-]*:|//)')
"""What every match of ``_EXTERNAL_LINK`` holds: searched first, as most documents
link within the site only (citations, footnotes, cross references)."""
_REL_ATTR = re.compile(r' rel="[^"]*"')
_IMG = re.compile(rf"<img((?:{_OUT_ATTR})*)>")
_OUT_ATTR_PARTS = re.compile(r' ([a-z-]+)="([^"]*)"')
_EXTERNAL_REL = ' rel="noopener noreferrer"'


def safe_url(url: str, *, allow_data_image: bool = False) -> bool:
    """True for relative URLs and the few schemes a paper may link to.

    Browsers ignore whitespace and control characters inside a scheme
    (``java\\tscript:``), so those are stripped before looking at it.
    """
    cleaned = _CONTROL.sub("", html.unescape(url))
    m = _SCHEME.match(cleaned)
    if m is None:
        return True
    scheme = m.group(1).lower()
    if scheme in _SAFE_SCHEMES:
        return True
    return (
        allow_data_image
        and cleaned.lower().startswith("data:image/")
        and "svg" not in (cleaned[:40].lower())
    )


def _is_relative_file(url: str) -> bool:
    """A link to a file beside the source (``fig.png``), not ``#x``, ``/x``, ``?x`` or ``s:x``."""
    return bool(url) and not url.startswith(("#", "/", "?")) and _SCHEME.match(url) is None


def _is_remote(src: str) -> bool:
    """True if a browser would fetch ``src`` from a host of its own choosing.

    Any scheme but ``data:`` names its host (``http:evil.org/x`` too, on an https page),
    and so do two leading slashes or backslashes, which browsers read alike.
    """
    cleaned = _CONTROL.sub("", src)
    if _SCHEME.match(cleaned):
        return not cleaned.lower().startswith("data:")
    return cleaned[:2].replace("\\", "/") == "//"


def _attributes(*, drop_ids: bool) -> dict[str, set[str]]:
    """Ammonia's per-tag allow-list."""
    allowed: dict[str, set[str]] = {tag: set(TAG_ATTRS.get(tag, ())) for tag in TEXT_TAGS}
    allowed.update({tag: set(MATHML_ATTRS) for tag in MATHML_TAGS})
    allowed["*"] = set(GLOBAL_ATTRS - {"id"} if drop_ids else GLOBAL_ATTRS)
    return allowed


def _check_attribute(url_prefix: str) -> Callable[[str, str, str], str | None]:
    """Ammonia's attribute callback, for what its options cannot say.

    It sees every allowed attribute after ammonia's own scheme check of href/src, so it
    only has to refuse data: URLs outside ``<img src>``, check ``cite`` (which ammonia
    does not treat as a URL) and ``style``. Calling it for every attribute costs about a
    tenth of the sanitizer's time; choosing a callback-free cleaner per fragment by
    scanning for "style"/"cite" cost as much (every paper has a table with styled cells).
    """

    def check(tag: str, name: str, value: str) -> str | None:
        if name in _URL_ATTRS:
            if not safe_url(value, allow_data_image=tag == "img" and name == "src"):
                return None
            # ammonia rewrites relative href/src itself (url_relative), but not cite
            if name == "cite" and url_prefix and _is_relative_file(value):
                return url_prefix + value
            return value
        if name == "style" and not _SAFE_STYLE.match(value):
            return None
        return value

    return check


@functools.lru_cache(maxsize=32)
def _cleaner(drop_ids: bool, url_prefix: str) -> nh3.Cleaner:
    """One configured ammonia per option set (a build uses two or three prefixes)."""

    def prefix(url: str) -> str:
        return url_prefix + url if _is_relative_file(url) else url

    return nh3.Cleaner(
        tags=set(ALLOWED_TAGS),
        clean_content_tags=set(DROP_CONTENT),
        attributes=_attributes(drop_ids=drop_ids),
        attribute_filter=_check_attribute(url_prefix),
        strip_comments=True,
        link_rel=None,  # only links that leave the site get rel (see _external_rel)
        url_schemes=set(_SAFE_SCHEMES | {"data"}),  # data: kept by the callback on img only
        url_relative=prefix if url_prefix else None,
    )


@functools.cache
def _shape_gate() -> ShapeGate:
    """The process's shortcut past ammonia for markup of a known shape (``sanitize_shape``):
    kept like the cleaners, as it counts the fragments before it starts."""
    return ShapeGate()


def _external_rel(m: re.Match[str]) -> str:
    """``rel="noopener noreferrer"`` on a link off the site, replacing the author's."""
    before, href, after = m.groups()
    return f'<a{_REL_ATTR.sub("", before)} href="{href}"{_REL_ATTR.sub("", after)}{_EXTERNAL_REL}>'


def _remote_image(m: re.Match[str]) -> str:
    """An image on another origin becomes a link: pages must work offline and send
    no request off the site (the markdown stage warns about it with its line)."""
    attrs = dict(_OUT_ATTR_PARTS.findall(m.group(1)))
    src = html.unescape(attrs.get("src", ""))
    if not _is_remote(src):
        return m.group(0)
    alt = html.unescape(attrs.get("alt", "")) or "image"
    return (
        f'<a class="remote-image" href="{html.escape(src.strip(), quote=True)}"'
        f"{_EXTERNAL_REL}>{html.escape(alt)} (external image)</a>"
    )


def sanitize_html(fragment: str, *, drop_ids: bool = False, url_prefix: str = "") -> str:
    """Return ``fragment`` with only allow-listed tags, attributes and URLs, tags balanced.

    ``drop_ids`` removes ``id`` attributes, for a copy of markup shown twice on one page.
    ``url_prefix`` is put before relative file links: a paper page links its figures and
    data inside ``source/``, where the research object is published.
    """
    out = None if drop_ids else _shape_gate().clean(fragment, url_prefix)
    if out is not None:
        # no image in it is remote, and only http(s) links can leave the site
        if 'href="http' in out:
            out = _EXTERNAL_LINK.sub(_external_rel, out)
        return out
    out = _cleaner(drop_ids, url_prefix).clean(fragment)
    if "<a " in out and _LEAVING.search(out):
        out = _EXTERNAL_LINK.sub(_external_rel, out)
    if "<img" in out:
        out = _IMG.sub(_remote_image, out)
    return out


_CONTEXT_BOUND = re.compile(r"\s(?:href|src|cite|id|style)\s*=|<(?:a|img)\b", re.IGNORECASE)
"""What makes a fragment's sanitized form depend on the options or on the post-pass."""


def presanitize(fragment: str, cleaned: str | None = None) -> str | None:
    """``fragment`` as ``sanitize_html`` writes it wherever it sits, or None if unsure.

    For a well-formed fragment our own code made (a formula's MathML, a highlighted
    code block): sanitized alone, it reads exactly as inside any document without raw
    HTML, so such a document can be sanitized with the fragment parked and put back
    afterwards (``markdown._sanitize_parked``). None when the fragment holds an attribute
    the cleaner rewrites by its options (URLs, ids) or a tag the post-pass rewrites.
    ``cleaned`` is ``sanitize_html(fragment)`` when the caller already knows it without
    parsing (``mathml.mathml_forms`` writes a formula's from its tree): the same
    checks then cost no second parse.
    """
    if _CONTEXT_BOUND.search(fragment):
        return None
    out = sanitize_html(fragment) if cleaned is None else cleaned
    return None if _CONTEXT_BOUND.search(out) else out
