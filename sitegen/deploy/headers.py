"""Content-Type and Cache-Control for each published file, decided by its path alone.

Media types come from ``sitegen.mediatypes`` (shared with the preview server).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import PurePosixPath

from sitegen.mediatypes import content_type_for, is_special_text

IMMUTABLE = "public, max-age=31536000, immutable"
"""Fingerprinted assets: the name changes when the bytes do, so cache forever."""
SHORT = "public, max-age=300, must-revalidate"
"""Pages, feeds, JSON: they change in place on every publish."""
MEDIUM = "public, max-age=86400"
"""Other assets (figures, PDFs, data) that keep their name across edits."""

_FINGERPRINT = re.compile(r"[.\-_][0-9a-fA-F]{8,64}\.[A-Za-z0-9]+$")
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


def is_fingerprinted(path: str) -> bool:
    """``style.3f9a2c1b.css``-like names: a hex digest of 8+ characters before the suffix."""
    return bool(_FINGERPRINT.search(PurePosixPath(path).name))


def content_headers(path: str) -> ContentHeaders:
    """Headers for the object at site-relative POSIX ``path``."""
    ctype = content_type_for(path)
    base = ctype.split(";", 1)[0]
    if base in _SHORT_TYPES or is_special_text(path):
        cache = SHORT
    elif is_fingerprinted(path):
        cache = IMMUTABLE
    else:
        cache = MEDIUM
    return ContentHeaders(ctype, cache)
