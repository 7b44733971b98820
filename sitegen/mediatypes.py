"""Media types of published files, decided by name alone, for deploy and preview alike.

A fixed table instead of ``mimetypes`` so every machine (and CI image) sends the same
headers for the same build; ``mimetypes`` reads /etc/mime.types and differs per host.
"""

from __future__ import annotations

import re
from pathlib import PurePosixPath

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
_SPECIAL = {"_redirects": "text/plain", "CNAME": "text/plain"}


def content_type_for(path: str) -> str:
    """MIME type with ``charset=utf-8`` for text; ``application/octet-stream`` when unknown."""
    name = PurePosixPath(path).name
    mime = _SPECIAL.get(name) or _TYPES.get(PurePosixPath(name).suffix.lower())
    if mime is None:
        return "application/octet-stream"
    return f"{mime}; charset=utf-8" if _TEXTUAL.match(mime) else mime


def is_special_text(path: str) -> bool:
    """Gateway control files (``_redirects``, ``CNAME``) that are plain text without a suffix."""
    return PurePosixPath(path).name in _SPECIAL
