"""A site renderer that takes unchanged pages from the previous OUT instead of re-rendering.

Only paper pages and paginated listings (the pages whose number grows with the journal)
are memoised. Their key hashes everything the template receives: the site-wide inputs
(code, config, theme, navigation, stylesheets) and, for each paper shown, the content key
of its folder plus its attestation badges. The site-wide index pages (authors, subjects,
volumes, home) read the whole ``site`` and are always rendered, as are feeds.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

import jinja2

from sitegen.cache.store import sha256_hex
from sitegen.ipfs.files import Node
from sitegen.render.model import PaperEntry, Site
from sitegen.render.pages import SiteRenderer

MEMO_TEMPLATES = frozenset({"paper.html", "list.html", "author.html"})
"""Templates whose pages depend only on their own context (never on ``site.*`` lists)."""


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
        previous: Mapping[str, tuple[str, Any]],
        previous_out: Path | None,
        sink: Path | None = None,
        full_entry: Callable[[PaperEntry], PaperEntry] | None = None,
    ) -> None:
        super().__init__(site, env, body_css, sink=sink, full_entry=full_entry)
        self.site_key = site_key
        self.paper_fp = {
            e.slug: _paper_fingerprint(e, paper_keys.get(e.slug, "")) for e in site.papers
        }
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

    def _render(self, template: str, page_path: str, **ctx: object) -> None:
        if self._pending == page_path:
            self._pending = None
        elif template in MEMO_TEMPLATES:
            key = sha256_hex(self.site_key, template, page_path, self._fingerprint(ctx))
            if self._reuse(page_path, key):
                return
        super()._render(template, page_path, **ctx)

    def _fingerprint(self, value: object) -> str:
        if isinstance(value, list) and all(isinstance(v, PaperEntry) for v in value):
            fps = self.paper_fp
            return "[" + ",".join("P" + fps[v.slug] for v in value) + "]"
        if isinstance(value, PaperEntry):
            return "P" + self.paper_fp[value.slug]
        if isinstance(value, Mapping):
            inner = ",".join(f"{k!r}:{self._fingerprint(v)}" for k, v in sorted(value.items()))
            return "{" + inner + "}"
        if isinstance(value, list | tuple):
            return "[" + ",".join(self._fingerprint(v) for v in value) + "]"
        if dataclasses.is_dataclass(value) or isinstance(value, str | int | float | bool | None):
            return repr(value)
        raise TypeError(f"cannot fingerprint {type(value).__name__} for the page cache")


def _paper_fingerprint(entry: PaperEntry, content_key: str) -> str:
    """The paper's folder key plus what the build adds to it (badges, site-wide keys)."""
    return sha256_hex(
        content_key,
        repr(entry.badges),
        repr(entry.author_keys),
        repr(entry.subject_keys),
        repr(entry.bundle_cid),
    )
