"""Content-Type and Cache-Control for each published file, decided by its path alone.

A fixed table instead of ``mimetypes`` so every machine (and CI image) sends the same
headers for the same build; ``mimetypes`` reads /etc/mime.types and differs per host.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import PurePosixPath

IMMUTABLE = "public, max-age=31536000, immutable"
"""Fingerprinted assets: the name changes when the bytes do, so cache forever."""
SHORT = "public, max-age=300, must-revalidate"
"""Pages, feeds, JSON: they change in place on every publish."""
MEDIUM = "public, max-age=86400"
"""Other assets (figures, PDFs, data) that keep their name across edits."""

_TYPES: dict[str, str] = {
    ".html": "text/html",
    ".htm": "text/html",
    ".css": "text/css",
    ".js": "text/javascript",
    ".mjs": "text/javascript",
    ".json": "application/json",
    ".jsonld": "application/ld+json",
    ".xml": "application/xml",
    ".atom": "application/atom+xml",
    ".rss": "application/rss+xml",
    ".txt": "text/plain",
    ".md": "text/markdown",
    ".bib": "application/x-bibtex",
    ".ris": "application/x-research-info-systems",
    ".csv": "text/csv",
    ".tsv": "text/tab-separated-values",
    ".svg": "image/svg+xml",
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".gif": "image/gif",
    ".webp": "image/webp",
    ".avif": "image/avif",
    ".ico": "image/x-icon",
    ".pdf": "application/pdf",
    ".zip": "application/zip",
    ".gz": "application/gzip",
    ".tar": "application/x-tar",
    ".car": "application/vnd.ipld.car",
    ".woff": "font/woff",
    ".woff2": "font/woff2",
    ".ttf": "font/ttf",
    ".otf": "font/otf",
    ".mp4": "video/mp4",
    ".webm": "video/webm",
    ".mp3": "audio/mpeg",
    ".wasm": "application/wasm",
    ".yaml": "application/yaml",
    ".yml": "application/yaml",
    ".ipynb": "application/x-ipynb+json",
    ".parquet": "application/vnd.apache.parquet",
    ".h5": "application/x-hdf5",
    ".nc": "application/x-netcdf",
    ".webmanifest": "application/manifest+json",
}
_TEXTUAL = re.compile(
    r"^(text/|application/(json|ld\+json|xml|atom\+xml|rss\+xml|javascript|"
    r"yaml|x-bibtex|x-research-info-systems|manifest\+json|x-ipynb\+json))|"
    r"^image/svg\+xml$"
)
_FINGERPRINT = re.compile(r"[.\-_][0-9a-fA-F]{8,64}\.[A-Za-z0-9]+$")
_SPECIAL = {"_redirects": "text/plain", "CNAME": "text/plain"}
_SHORT_TYPES = (
    "text/html",
    "application/json",
    "application/xml",
    "application/atom+xml",
    "application/rss+xml",
    "application/ld+json",
    "text/plain",
    "application/manifest+json",
)


@dataclass(frozen=True, slots=True)
class ContentHeaders:
    content_type: str
    cache_control: str


def content_type_for(path: str) -> str:
    """MIME type with ``charset=utf-8`` for text; ``application/octet-stream`` when unknown."""
    name = PurePosixPath(path).name
    mime = _SPECIAL.get(name) or _TYPES.get(PurePosixPath(name).suffix.lower())
    if mime is None:
        return "application/octet-stream"
    return f"{mime}; charset=utf-8" if _TEXTUAL.match(mime) else mime


def is_fingerprinted(path: str) -> bool:
    """``style.3f9a2c1b.css``-like names: a hex digest of 8+ characters before the suffix."""
    return bool(_FINGERPRINT.search(PurePosixPath(path).name))


def content_headers(path: str) -> ContentHeaders:
    """Headers for the object at site-relative POSIX ``path``."""
    ctype = content_type_for(path)
    base = ctype.split(";", 1)[0]
    if base in _SHORT_TYPES or PurePosixPath(path).name in _SPECIAL:
        cache = SHORT
    elif is_fingerprinted(path):
        cache = IMMUTABLE
    else:
        cache = MEDIUM
    return ContentHeaders(ctype, cache)
