"""UnixFS import profiles (IPIP-499): the knobs that decide which CID a file gets."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from sitegen.errors import UsageError


@dataclass(frozen=True, slots=True)
class Profile:
    """Everything that changes the CID of the same bytes between IPFS implementations."""

    name: str
    cid_version: int
    """0: base58 ``Qm…`` dag-pb CIDs; 1: base32 ``bafy…``/``bafk…``."""
    chunk_size: int
    """Fixed-size chunker: bytes per leaf block."""
    max_links: int
    """Children per internal node of the balanced file DAG."""
    raw_leaves: bool
    """Leaves are raw blocks (codec 0x55) instead of UnixFS File nodes."""
    hamt_threshold: int
    """Shard a directory when its size estimate is strictly greater than this."""
    hamt_estimate: Literal["block", "links"]
    """``block``: the exact serialized directory node size; ``links``: Σ(name + CID bytes)."""
    hamt_fanout: int = 256
    """Buckets per HAMT node; 256 means 8 hash bits per level."""


PROFILES: dict[str, Profile] = {
    "unixfs-v1-2025": Profile(
        name="unixfs-v1-2025",
        cid_version=1,
        chunk_size=1024 * 1024,
        max_links=1024,
        raw_leaves=True,
        hamt_threshold=256 * 1024,
        hamt_estimate="block",
    ),
    "unixfs-v0-2015": Profile(
        name="unixfs-v0-2015",
        cid_version=0,
        chunk_size=256 * 1024,
        max_links=174,
        raw_leaves=False,
        hamt_threshold=256 * 1024,
        hamt_estimate="links",
    ),
}
DEFAULT_PROFILE = "unixfs-v1-2025"


def get_profile(name: str | None) -> Profile:
    """The named profile (the default for None); unknown names are usage errors."""
    key = DEFAULT_PROFILE if name is None else name
    if key == "legacy-cid-v0":
        key = "unixfs-v0-2015"
    try:
        return PROFILES[key]
    except KeyError:
        known = ", ".join(sorted(PROFILES))
        raise UsageError(f"unknown CID profile {name!r} (known: {known})") from None
