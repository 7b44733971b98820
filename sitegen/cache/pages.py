"""A site renderer that takes unchanged pages from the previous OUT instead of re-rendering.

A page's key hashes everything its template receives: the site-wide inputs (code, config,
theme, navigation, build time) and the papers it shows.

- A paper page: the content key of the paper's folder plus its badges and site-wide keys.
- A listing (``list.html``, ``author.html``): for each paper shown, its *meta digest*
  (``PaperWork.meta_digest``: everything a listing can show of it) plus badges and keys,
  and its CIDs only if the theme's listing templates mention them
  (:func:`templates_mention`). So an edit to one paper's body re-renders its own page,
  not the author, subject and issue pages it is listed on.
- A site-wide page (home, volumes, authors, subjects, search, 404): all of the above for
  every paper, plus the volumes and static pages (``site_digest``).

Feeds and static pages are always rendered (feeds carry the bundle CIDs; pages are few).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any, cast

import jinja2

from sitegen.cache.digests import sha256_hex
from sitegen.ipfs.files import Node
from sitegen.render.model import (
    AuthorEntry,
    IssueEntry,
    PaperEntry,
    Site,
    SubjectEntry,
    VolumeEntry,
)
from sitegen.render.pages import SiteRenderer
from sitegen.render.theme import template_sources

MEMO_TEMPLATES = frozenset({"paper.html", "list.html", "author.html"})
"""Templates whose pages depend only on their own context (never on ``site.*`` lists)."""
SITE_TEMPLATES = frozenset(
    {"index.html", "volumes.html", "volume.html", "authors.html", "subjects.html"}
    | {"search.html", "404.html"}
)
"""Templates whose context is derived from ``site`` alone (keyed by ``site_digest``)."""
CID_FIELDS = ("bundle_cid", "file_cids", "source_nodes", "citation_nodes")
_SCALARS = frozenset(
    {str, int, float, bool, type(None), AuthorEntry, SubjectEntry, IssueEntry, VolumeEntry}
)
"""Types whose ``repr`` is their fingerprint (exact types: ``Markup`` is not ``str``): the
scalars and the site model's entries (dataclasses that are not mappings)."""


class MemoRenderer(SiteRenderer):
    """``render_all`` as usual; a memoised page becomes ``Path(previous OUT / page)``."""

    def __init__(
        self,
        site: Site,
        env: jinja2.Environment,
        body_css: Sequence[str],
        *,
        site_key: str,
        paper_keys: Mapping[str, str],
        meta_digests: Mapping[str, str] | None = None,
        previous: Mapping[str, tuple[str, Any]],
        previous_out: Path | None,
        sink: Path | None = None,
        full_entry: Callable[[PaperEntry], PaperEntry] | None = None,
    ) -> None:
        super().__init__(site, env, body_css, sink=sink, full_entry=full_entry)
        self.site_key = site_key
        self.paper_fp = {
            e.slug: paper_fingerprint(e, paper_keys.get(e.slug, "")) for e in site.papers
        }
        digests = meta_digests or {}
        with_cids = templates_mention(env, sorted(MEMO_TEMPLATES - {"paper.html"} | SITE_TEMPLATES))
        self.listing_fp = {
            e.slug: _listing_fingerprint(e, digests.get(e.slug), with_cids) for e in site.papers
        }
        self.site_digest = sha256_hex(
            site_key,
            repr(site.pages),
            repr(site.volumes),
            *(self.listing_fp[e.slug] for e in site.papers),
        )
        self.previous = previous
        self.previous_out = previous_out
        self.keys: dict[str, str] = {}
        """page path -> key of every memoisable page rendered or reused in this build."""
        self.reused: dict[str, Any] = {}
        """page path -> UnixFS node (from the cache) of pages taken from the previous OUT."""
        self._pending: str | None = None

    def _reuse(self, page_path: str, key: str) -> bool:
        self.keys[page_path] = key
        old = self.previous.get(page_path)
        if old is None or old[0] != key or self.previous_out is None:
            return False
        self.tree[page_path] = self.previous_out / page_path
        self.reused[page_path] = Node(*old[1])
        return True

    def render_paper(self, entry: PaperEntry) -> None:
        page_path = f"{entry.url}index.html"
        key = sha256_hex(self.site_key, "paper.html", page_path, self.paper_fp[entry.slug])
        if self._reuse(page_path, key):
            return
        self._pending = page_path
        super().render_paper(entry)

    def child_report(self) -> object:
        """Its pages' nodes and keys, and the pages it took from the previous OUT."""
        return (self.nodes, self.keys, self.reused)

    def merge_child(self, report: object, order: Sequence[str]) -> None:
        """The other process's pages join this one's; the keys come out in site order,
        as a single-process render makes them."""
        nodes, keys, reused = cast(tuple[dict[str, Node], dict[str, str], dict[str, Any]], report)
        self.nodes.update(nodes)
        if reused:
            assert self.previous_out is not None
            for path, node in reused.items():
                self.reused[path] = node
                self.tree[path] = self.previous_out / path
        known = {**self.keys, **keys}
        self.keys = {path: known[path] for path in order if path in known}

    def _render(self, template: str, page_path: str, **ctx: object) -> None:
        if self._pending == page_path:
            self._pending = None
        elif template in SITE_TEMPLATES:  # all its context comes from ``site``
            key = sha256_hex(self.site_digest, template, page_path, repr(ctx.get("title")))
            if self._reuse(page_path, key):
                return
        elif template in MEMO_TEMPLATES:
            key = sha256_hex(self.site_key, template, page_path, self._fingerprint(ctx))
            if self._reuse(page_path, key):
                return
        super()._render(template, page_path, **ctx)

    def _fingerprint(self, value: object) -> str:
        """Text naming everything in ``value`` that a page can show (hashed into its key).

        A paper stands for its listing fingerprint; mappings are sorted by key. The
        usual types are told by exact type first (``isinstance`` against ``Mapping``
        took a microsecond for each ``None`` of a pager); anything else, subclasses
        included, goes the ``isinstance`` way of :meth:`_fingerprint_any`: same text.
        """
        kind = type(value)
        if kind in _SCALARS:
            return repr(value)
        if kind is PaperEntry:
            return "P" + self.listing_fp[value.slug]  # type: ignore[attr-defined]
        if kind is list or kind is tuple:
            items = cast(Sequence[object], value)
            return "[" + ",".join([self._fingerprint(v) for v in items]) + "]"
        if kind is dict:
            pairs = sorted(cast(dict[str, object], value).items())
            return "{" + ",".join([f"{k!r}:{self._fingerprint(v)}" for k, v in pairs]) + "}"
        return self._fingerprint_any(value)

    def _fingerprint_any(self, value: object) -> str:
        """:meth:`_fingerprint` for values of any type."""
        if isinstance(value, list) and all(isinstance(v, PaperEntry) for v in value):
            fps = self.listing_fp
            return "[" + ",".join("P" + fps[v.slug] for v in value) + "]"
        if isinstance(value, PaperEntry):
            return "P" + self.listing_fp[value.slug]
        if isinstance(value, Mapping):
            inner = ",".join(f"{k!r}:{self._fingerprint(v)}" for k, v in sorted(value.items()))
            return "{" + inner + "}"
        if isinstance(value, list | tuple):
            return "[" + ",".join(self._fingerprint(v) for v in value) + "]"
        if dataclasses.is_dataclass(value) or isinstance(value, str | int | float | bool | None):
            return repr(value)
        raise TypeError(f"cannot fingerprint {type(value).__name__} for the page cache")


def paper_fingerprint(entry: PaperEntry, content_key: str) -> str:
    """The paper's folder key plus what the build adds to it (badges, site-wide keys)."""
    return sha256_hex(
        content_key,
        repr(entry.badges),
        repr(entry.author_keys),
        repr(entry.subject_keys),
        repr(entry.bundle_cid),
    )


def _listing_fingerprint(entry: PaperEntry, meta_digest: str | None, with_cids: bool) -> str:
    """What a listing can show of a paper (see the module docstring)."""
    if not meta_digest:  # no digest (a work from elsewhere): the whole entry, as for its page
        return sha256_hex(repr(entry))
    parts = [meta_digest, repr(entry.badges), repr(entry.author_keys), repr(entry.subject_keys)]
    if with_cids:
        parts += [repr(entry.bundle_cid), repr(sorted(entry.file_cids.items()))]
    return sha256_hex(*parts)


def templates_mention(env: jinja2.Environment, names: Sequence[str]) -> bool:
    """Do ``names``, or templates they extend, include or import, mention a CID field?

    Read from the sources: Jinja can only reach ``entry.bundle_cid`` through that name
    (``attr()`` with a built string aside). A reference that is not a plain string
    literal cannot be followed, so it counts as a mention: never a stale page.
    """
    sources, followed = template_sources(env, names)
    if not followed:
        return True
    return any(field in source for source in sources.values() for field in CID_FIELDS)
