"""Request path -> what to answer: a file, a redirect, a folder listing or a refusal.

Pure functions over a :class:`~sitegen.serve.sources.SiteSource`, so the gateway rules
(``/ipfs/<root>/`` prefix, trailing-slash redirects, ``index.html`` for folders) and the
traversal checks are tested without sockets. Anything odd in a path segment -- ``..``,
``.``, encoded or double-encoded slashes, backslashes, NUL -- is refused with 403 before
the source is touched.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import quote, unquote, urlsplit

from sitegen.serve.sources import SiteSource

EVENTS_PATH = "/__sitegen/events"
STATUS_PATH = "/__sitegen/status"


@dataclass(frozen=True, slots=True)
class Layout:
    """How the site is mounted: at ``/``, or under ``/ipfs/<root>/`` like a path gateway."""

    root: str | None = None
    """The site root CID in gateway mode; None serves the site at ``/``."""
    previous: frozenset[str] = frozenset()
    """Roots of earlier builds this session; open pages under them are sent to the new one."""

    @property
    def base(self) -> str:
        return f"/ipfs/{self.root}/" if self.root else "/"


@dataclass(frozen=True, slots=True)
class ServeFile:
    rel: str


@dataclass(frozen=True, slots=True)
class Redirect:
    location: str
    status: int


@dataclass(frozen=True, slots=True)
class Listing:
    """A folder without ``index.html`` in gateway mode: gateways list it, so we do too."""

    rel: str


@dataclass(frozen=True, slots=True)
class Refuse:
    status: int
    reason: str


Route = ServeFile | Redirect | Listing | Refuse


def _bad_segment(decoded: str) -> bool:
    twice = unquote(decoded)
    return any(s in (".", "..") or "/" in s or "\\" in s or "\x00" in s for s in (decoded, twice))


def split_target(target: str) -> tuple[list[str], bool, str] | Refuse:
    """Decoded path segments, whether the path ends in ``/``, and the raw query."""
    parts = urlsplit(target)
    path = parts.path
    if not path.startswith("/"):
        return Refuse(400, "the request path must start with /")
    segments: list[str] = []
    for raw in path.split("/")[1:]:
        decoded = unquote(raw, errors="strict") if "%" in raw else raw
        if _bad_segment(decoded):
            return Refuse(403, "path escapes the served root")
        if decoded:
            segments.append(decoded)
    return segments, path.endswith("/"), parts.query


def route(target: str, layout: Layout, source: SiteSource | None) -> Route:
    """Decide the answer for one GET/HEAD request target (path plus optional query)."""
    try:
        split = split_target(target)
    except UnicodeDecodeError:
        return Refuse(400, "the path is not valid UTF-8")
    if isinstance(split, Refuse):
        return split
    segments, trailing, query = split
    suffix = f"?{query}" if query else ""
    if layout.root is not None:
        if not segments:
            return Redirect(layout.base, 302)
        if segments[0] != "ipfs" or len(segments) < 2:
            return Refuse(404, f"outside /ipfs/{layout.root}/ (an absolute link?)")
        if segments[1] != layout.root:
            if segments[1] in layout.previous:
                rest = "/".join(quote(s) for s in segments[2:])
                rest += "/" if trailing and segments[2:] else ""
                return Redirect(layout.base + rest + suffix, 302)
            return Refuse(404, f"not the served root {layout.root}")
        rest_segments = segments[2:]
        if not rest_segments and not trailing:
            return Redirect(layout.base + suffix, 301)
    else:
        rest_segments = segments
    if source is None:
        return Refuse(503, "no successful build yet")
    rel = "/".join(rest_segments)
    kind = source.stat(rel)
    if kind is None:
        return Refuse(404, "not found")
    if kind == "file":
        if trailing and rest_segments:
            return Refuse(404, "not a folder")
        return ServeFile(rel)
    if not trailing:
        return Redirect("/" + "/".join(quote(s) for s in segments) + "/" + suffix, 301)
    index = f"{rel}/index.html" if rel else "index.html"
    if source.stat(index) == "file":
        return ServeFile(index)
    if layout.root is not None:
        return Listing(rel)
    return Refuse(404, "folder without index.html")
