"""Allow-list HTML sanitizer for rendered markdown.

Papers are untrusted input: raw HTML inside markdown must not be able to run script on
the journal's pages (which share an origin with every other paper on a gateway). Rather
than sanitize each raw-HTML fragment separately, the whole rendered body goes through
this filter once, so no code path of the renderer can smuggle markup past it. The
filter also balances tags, so an unclosed ``<div>`` in a paper cannot swallow the page
template that follows the body.
"""

from __future__ import annotations

import html
import re
from html.parser import HTMLParser

_TEXT_TAGS = frozenset(
    [
        "a",
        "abbr",
        "b",
        "bdi",
        "bdo",
        "blockquote",
        "br",
        "caption",
        "cite",
        "code",
        "col",
        "colgroup",
        "dd",
        "del",
        "details",
        "dfn",
        "div",
        "dl",
        "dt",
        "em",
        "figcaption",
        "figure",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "hr",
        "i",
        "img",
        "ins",
        "kbd",
        "li",
        "mark",
        "ol",
        "p",
        "pre",
        "q",
        "rp",
        "rt",
        "ruby",
        "s",
        "samp",
        "section",
        "small",
        "span",
        "strong",
        "sub",
        "summary",
        "sup",
        "table",
        "tbody",
        "td",
        "tfoot",
        "th",
        "thead",
        "time",
        "tr",
        "u",
        "ul",
        "var",
        "wbr",
        "center",
        "font",
    ]
)
_MATHML_TAGS = frozenset(
    [
        "math",
        "maction",
        "annotation",
        "menclose",
        "merror",
        "mfenced",
        "mfrac",
        "mi",
        "mmultiscripts",
        "mn",
        "mo",
        "mover",
        "mpadded",
        "mphantom",
        "mprescripts",
        "mroot",
        "mrow",
        "ms",
        "mspace",
        "msqrt",
        "mstyle",
        "msub",
        "msubsup",
        "msup",
        "mtable",
        "mtd",
        "mtext",
        "mtr",
        "munder",
        "munderover",
        "none",
        "semantics",
    ]
)
ALLOWED_TAGS = _TEXT_TAGS | _MATHML_TAGS
"""Tags kept as they are; any other tag is dropped (its text content stays)."""

_DROP_CONTENT = frozenset(
    [
        "script",
        "style",
        "iframe",
        "object",
        "embed",
        "template",
        "noscript",
        "textarea",
        "select",
        "title",
        "head",
        "frameset",
        "frame",
        "applet",
        "svg",
        "canvas",
        "audio",
        "video",
        "source",
        "xmp",
        "noembed",
        "plaintext",
    ]
)
"""Tags whose content is dropped too: it is code or markup, not readable text."""

_VOID = frozenset(["br", "col", "hr", "img", "wbr"])

_GLOBAL_ATTRS = frozenset(
    [
        "id",
        "class",
        "title",
        "lang",
        "dir",
        "role",
        "aria-label",
        "aria-hidden",
        "aria-describedby",
        "aria-labelledby",
        "data-secno",
        "data-label",
        "data-cites",
    ]
)
_TAG_ATTRS: dict[str, frozenset[str]] = {
    "a": frozenset({"href", "rel", "hreflang"}),
    "img": frozenset({"src", "alt", "width", "height", "loading", "style"}),
    "td": frozenset({"colspan", "rowspan", "align", "style"}),
    "th": frozenset({"colspan", "rowspan", "align", "scope", "style"}),
    "col": frozenset({"span", "width"}),
    "ol": frozenset({"start", "type", "reversed"}),
    "li": frozenset({"value"}),
    "time": frozenset({"datetime"}),
    "q": frozenset({"cite"}),
    "blockquote": frozenset({"cite"}),
    "del": frozenset({"cite", "datetime"}),
    "ins": frozenset({"cite", "datetime"}),
    "details": frozenset({"open"}),
    "figure": frozenset({"style"}),
    "font": frozenset({"color"}),
}
_MATHML_ATTRS = frozenset(
    [
        "xmlns",
        "display",
        "mathvariant",
        "mathsize",
        "mathcolor",
        "stretchy",
        "fence",
        "form",
        "separator",
        "lspace",
        "rspace",
        "largeop",
        "movablelimits",
        "accent",
        "accentunder",
        "columnalign",
        "columnspacing",
        "columnlines",
        "rowalign",
        "rowspacing",
        "rowlines",
        "frame",
        "displaystyle",
        "scriptlevel",
        "width",
        "height",
        "depth",
        "linebreak",
        "columnspan",
        "rowspan",
        "notation",
        "open",
        "close",
        "separators",
        "encoding",
        "symmetric",
        "minsize",
        "maxsize",
        "align",
        "equalrows",
        "equalcolumns",
        "side",
    ]
)
_URL_ATTRS = frozenset({"href", "src", "cite"})
_SAFE_SCHEMES = frozenset({"http", "https", "mailto", "ftp", "ipfs", "ipns", "doi"})
_REMOTE = re.compile(r"^(?:[a-zA-Z][a-zA-Z0-9+.\-]*:)?//")
_SCHEME = re.compile(r"^([a-zA-Z][a-zA-Z0-9+.\-]*):")
_SAFE_STYLE = re.compile(
    r"^\s*(?:(?:width|max-width|height|text-align)\s*:\s*[0-9a-z.%\s-]+;?\s*)+$", re.IGNORECASE
)
_CONTROL = re.compile(r"[\x00-\x20\x7f]+")


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


def _allowed_attr(tag: str, name: str) -> bool:
    if name.startswith("on"):
        return False
    if tag in _MATHML_TAGS:
        return name in _MATHML_ATTRS or name in _GLOBAL_ATTRS
    return name in _GLOBAL_ATTRS or name in _TAG_ATTRS.get(tag, frozenset())


class _Sanitizer(HTMLParser):
    """Streams allowed markup to ``out``; keeps an open-tag stack to balance tags."""

    def __init__(self, *, drop_ids: bool = False, url_prefix: str = "") -> None:
        super().__init__(convert_charrefs=False)
        self.drop_ids = drop_ids
        self.url_prefix = url_prefix
        self.out: list[str] = []
        self.stack: list[str] = []
        self.skip_depth = 0
        self.skip_tag = ""

    def _attrs(self, tag: str, attrs: list[tuple[str, str | None]]) -> str:
        parts: list[str] = []
        for raw_name, value in attrs:
            name = raw_name.lower()
            if not _allowed_attr(tag, name) or (self.drop_ids and name == "id"):
                continue
            val = "" if value is None else value
            if name in _URL_ATTRS and not safe_url(val, allow_data_image=tag == "img"):
                continue
            if name in _URL_ATTRS and self.url_prefix and _is_relative_file(val):
                val = self.url_prefix + val
            if name == "style" and not _SAFE_STYLE.match(val):
                continue
            parts.append(f' {name}="{html.escape(val, quote=True)}"')
        return "".join(parts)

    def _remote_image(self, tag: str, attrs: list[tuple[str, str | None]]) -> bool:
        """An image on another origin becomes a link: pages must work offline and send
        no request off the site (the markdown stage warns about it with its line)."""
        if tag != "img":
            return False
        src = next((v or "" for n, v in attrs if n.lower() == "src"), "").strip()
        if not _REMOTE.match(src) or not safe_url(src):
            return False
        alt = next((v or "" for n, v in attrs if n.lower() == "alt"), "") or "image"
        self.out.append(
            f'<a class="remote-image" href="{html.escape(src, quote=True)}" '
            f'rel="noopener noreferrer">{html.escape(alt)} (external image)</a>'
        )
        return True

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if self.skip_depth:
            if tag == self.skip_tag:
                self.skip_depth += 1
            return
        if tag in _DROP_CONTENT:
            self.skip_depth, self.skip_tag = 1, tag
            return
        if tag not in ALLOWED_TAGS or self._remote_image(tag, attrs):
            return
        extra = ""
        if tag == "a" and any(n == "href" for n, _ in attrs):
            href = next((v or "" for n, v in attrs if n == "href"), "")
            if _SCHEME.match(href) and safe_url(href):
                extra = ' rel="noopener noreferrer"'
                attrs = [(n, v) for n, v in attrs if n != "rel"]
        self.out.append(f"<{tag}{self._attrs(tag, attrs)}{extra}>")
        if tag not in _VOID:
            self.stack.append(tag)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if self.skip_depth or tag in _DROP_CONTENT or tag not in ALLOWED_TAGS:
            return
        if self._remote_image(tag, attrs):
            return
        if tag in _VOID:
            self.out.append(f"<{tag}{self._attrs(tag, attrs)}>")
        else:
            self.out.append(f"<{tag}{self._attrs(tag, attrs)}></{tag}>")

    def handle_endtag(self, tag: str) -> None:
        if self.skip_depth:
            if tag == self.skip_tag:
                self.skip_depth -= 1
            return
        if tag not in ALLOWED_TAGS or tag in _VOID or tag not in self.stack:
            return  # a stray end tag would close the template's own elements
        while self.stack:
            top = self.stack.pop()
            self.out.append(f"</{top}>")
            if top == tag:
                break

    def handle_data(self, data: str) -> None:
        if not self.skip_depth:
            self.out.append(html.escape(data, quote=False))

    def handle_entityref(self, name: str) -> None:
        if not self.skip_depth:
            self.out.append(html.escape(html.unescape(f"&{name};"), quote=False))

    def handle_charref(self, name: str) -> None:
        if not self.skip_depth:
            self.out.append(html.escape(html.unescape(f"&#{name};"), quote=False))

    def handle_comment(self, data: str) -> None:
        """Comments are dropped: IE conditional comments and template tricks hide in them."""

    def handle_decl(self, decl: str) -> None:
        """Doctypes have no place inside a body."""

    def handle_pi(self, data: str) -> None:
        """Processing instructions are dropped."""

    def unknown_decl(self, data: str) -> None:
        """CDATA and friends are dropped."""

    def close_all(self) -> str:
        self.close()
        while self.stack:
            self.out.append(f"</{self.stack.pop()}>")
        return "".join(self.out)


def _is_relative_file(url: str) -> bool:
    """A link to a file beside the source (``fig.png``), not ``#x``, ``/x``, ``?x`` or ``s:x``."""
    return bool(url) and not url.startswith(("#", "/", "?")) and _SCHEME.match(url) is None


def sanitize_html(fragment: str, *, drop_ids: bool = False, url_prefix: str = "") -> str:
    """Return ``fragment`` with only allow-listed tags, attributes and URLs, tags balanced.

    ``drop_ids`` removes ``id`` attributes, for a copy of markup shown twice on one page.
    ``url_prefix`` is put before relative file links: a paper page links its figures and
    data inside ``source/``, where the research object is published.
    """
    parser = _Sanitizer(drop_ids=drop_ids, url_prefix=url_prefix)
    parser.feed(fragment)
    return parser.close_all()
