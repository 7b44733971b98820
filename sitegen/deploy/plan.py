"""What to upload, skip and delete: a pure comparison of the build with the bucket.

No I/O here. The S3 edge turns the bucket (listing + manifest object) into
``RemoteObject`` values and then executes the ``SyncPlan`` in its stages, so the
ordering rules (assets before the pages that reference them, the home page after the
other pages, the manifest last) are decided and tested in one place.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import PurePosixPath

STAGE_ASSETS = 0
"""Figures, styles, data: everything a page may reference."""
STAGE_PAGES = 1
"""HTML pages, feeds, sitemaps, ``cids.json``, ``_redirects``."""
STAGE_HOME = 2
"""The root ``index.html``: the entry point a reader hits first."""

_PAGE_SUFFIXES = (".html", ".htm", ".xml", ".atom", ".rss")
_PAGE_NAMES = ("cids.json", "_redirects", "404.html", "ipfs-404.html")


@dataclass(frozen=True, slots=True)
class LocalFile:
    """One file of the build, with everything needed to decide and verify its upload."""

    path: str
    """Site-relative POSIX path (no prefix)."""
    size: int
    sha256: str
    """Hex digest of the bytes; the manifest's identity of a file."""
    etag: str
    """The ETag an S3 server computes for our upload: MD5, or MD5-of-parts ``-N``."""
    content_type: str
    cache_control: str
    cid: str | None = None
    """CID from ``cids.json`` (site profile), if known."""


@dataclass(frozen=True, slots=True)
class RemoteObject:
    """What the bucket says about one key (prefix stripped)."""

    path: str
    size: int
    etag: str | None = None
    """ETag from the listing, quotes removed."""
    sha256: str | None = None
    """From the manifest, and only when the manifest's ETag matches the listing's."""
    content_type: str | None = None
    cache_control: str | None = None


@dataclass(frozen=True, slots=True)
class Upload:
    file: LocalFile
    reason: str
    """``new`` | ``changed`` | ``headers`` (same bytes, different Content-Type/Cache-Control)."""


@dataclass(frozen=True, slots=True)
class SyncPlan:
    uploads: tuple[Upload, ...]
    """In upload order: stage, then path."""
    skipped: tuple[str, ...]
    """Paths already up to date."""
    deletes: tuple[str, ...]
    """Remote paths absent from the build (acted on only with ``--prune``)."""

    def stages(self) -> list[tuple[Upload, ...]]:
        """Uploads grouped by stage; each group must finish before the next starts."""
        groups: dict[int, list[Upload]] = {}
        for up in self.uploads:
            groups.setdefault(upload_stage(up.file.path), []).append(up)
        return [tuple(groups[k]) for k in sorted(groups)]

    @property
    def upload_bytes(self) -> int:
        return sum(up.file.size for up in self.uploads)


def upload_stage(path: str) -> int:
    """Stage of ``path``: assets/data, then pages and feeds, then the home page."""
    if path == "index.html":
        return STAGE_HOME
    name = PurePosixPath(path).name
    if name in _PAGE_NAMES or name.lower().endswith(_PAGE_SUFFIXES):
        return STAGE_PAGES
    return STAGE_ASSETS


def _unchanged(local: LocalFile, remote: RemoteObject) -> str | None:
    """None when ``remote`` already holds ``local``; else why it must be uploaded."""
    if remote.size != local.size:
        return "changed"
    if remote.sha256 is not None:
        if remote.sha256 != local.sha256:
            return "changed"
    elif remote.etag is None or remote.etag != local.etag:
        return "changed"
    if remote.content_type is not None and remote.content_type != local.content_type:
        return "headers"
    if remote.cache_control is not None and remote.cache_control != local.cache_control:
        return "headers"
    return None


def plan_sync(
    local: Iterable[LocalFile], remote: Mapping[str, RemoteObject] | Iterable[RemoteObject]
) -> SyncPlan:
    """Compare the build with the bucket.

    A remote object counts as current when its size matches and either its manifest
    sha256 equals ours or, lacking a trusted manifest entry, its ETag equals the one
    we would produce. Content headers recorded in the manifest are compared too, so a
    changed Content-Type rule republishes the file.
    """
    remote_map = dict(remote) if isinstance(remote, Mapping) else {r.path: r for r in remote}
    uploads: list[Upload] = []
    skipped: list[str] = []
    local_paths: set[str] = set()
    for item in local:
        local_paths.add(item.path)
        have = remote_map.get(item.path)
        reason = "new" if have is None else _unchanged(item, have)
        if reason is None:
            skipped.append(item.path)
        else:
            uploads.append(Upload(item, reason))
    uploads.sort(key=lambda u: (upload_stage(u.file.path), u.file.path))
    deletes = sorted(p for p in remote_map if p not in local_paths)
    return SyncPlan(tuple(uploads), tuple(sorted(skipped)), tuple(deletes))
