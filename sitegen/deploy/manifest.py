"""The local side of a deploy (hashes of every built file) and the manifest object.

The manifest lives in the bucket next to the site (``.sitegen-manifest.json`` under the
prefix) and records, per path, the sha256, size, CID, ETag and headers we published.
It is written last, so it only ever describes objects that are fully up.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

from sitegen.deploy.headers import content_headers
from sitegen.deploy.plan import LocalFile, RemoteObject

MANIFEST_NAME = ".sitegen-manifest.json"
MANIFEST_VERSION = 1
_READ_CHUNK = 1 << 20


@dataclass(frozen=True, slots=True)
class PartPolicy:
    """When to switch to multipart and how big each part is (S3: parts >= 5 MiB)."""

    threshold: int = 64 * 1024 * 1024
    part_size: int = 16 * 1024 * 1024

    def is_multipart(self, size: int) -> bool:
        return size > self.threshold

    def part_count(self, size: int) -> int:
        return max(1, -(-size // self.part_size))


def file_digests(path: Path, policy: PartPolicy) -> tuple[str, str, int]:
    """``(sha256, expected S3 ETag, size)`` of one file, reading it once."""
    size = path.stat().st_size
    sha = hashlib.sha256()
    whole_md5 = hashlib.md5(usedforsecurity=False)
    part_md5s: list[bytes] = []
    multipart = policy.is_multipart(size)
    part = hashlib.md5(usedforsecurity=False)
    in_part = 0
    with path.open("rb") as fh:
        while chunk := fh.read(_READ_CHUNK):
            sha.update(chunk)
            if not multipart:
                whole_md5.update(chunk)
                continue
            view = memoryview(chunk)
            while view:
                take = min(len(view), policy.part_size - in_part)
                part.update(view[:take])
                in_part += take
                view = view[take:]
                if in_part == policy.part_size:
                    part_md5s.append(part.digest())
                    part = hashlib.md5(usedforsecurity=False)
                    in_part = 0
    if not multipart:
        return sha.hexdigest(), whole_md5.hexdigest(), size
    if in_part:
        part_md5s.append(part.digest())
    combined = hashlib.md5(b"".join(part_md5s), usedforsecurity=False).hexdigest()
    return sha.hexdigest(), f"{combined}-{len(part_md5s)}", size


def read_cids(out_dir: Path) -> dict[str, str]:
    """``cids.json`` written by the build ({relpath: CID}); empty when absent or unreadable."""
    try:
        data = json.loads((out_dir / "cids.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    if not isinstance(data, dict):
        return {}
    return {str(k): str(v) for k, v in data.items() if isinstance(v, str)}


def scan_site(out_dir: Path, policy: PartPolicy) -> list[LocalFile]:
    """Every file under ``out_dir`` as a ``LocalFile``, sorted by path."""
    cids = read_cids(out_dir)
    found: list[LocalFile] = []
    for dirpath, dirnames, filenames in os.walk(out_dir):
        dirnames.sort()
        base = Path(dirpath)
        for name in sorted(filenames):
            full = base / name
            if full.is_symlink() or not full.is_file():
                continue
            rel = full.relative_to(out_dir).as_posix()
            sha, etag, size = file_digests(full, policy)
            headers = content_headers(rel)
            found.append(
                LocalFile(
                    path=rel,
                    size=size,
                    sha256=sha,
                    etag=etag,
                    content_type=headers.content_type,
                    cache_control=headers.cache_control,
                    cid=cids.get(rel),
                )
            )
    found.sort(key=lambda f: f.path)
    return found


def encode_manifest(
    files: Iterable[LocalFile],
    root: str | None,
    profile: str,
    server_etags: Mapping[str, str] | None = None,
) -> bytes:
    """The manifest object's bytes (sorted, stable JSON).

    ``server_etags`` holds the ETags the server actually reported (some providers do
    not use MD5); they are what later listings are compared against.
    """
    etags = server_etags or {}
    entries = {
        f.path: {
            "sha256": f.sha256,
            "size": f.size,
            "cid": f.cid,
            "etag": etags.get(f.path, f.etag),
            "content_type": f.content_type,
            "cache_control": f.cache_control,
        }
        for f in sorted(files, key=lambda f: f.path)
    }
    doc = {
        "version": MANIFEST_VERSION,
        "generator": "sitegen",
        "root": root,
        "profile": profile,
        "files": entries,
    }
    return (json.dumps(doc, indent=1, sort_keys=True) + "\n").encode("utf-8")


def decode_manifest(data: bytes) -> dict[str, dict[str, object]] | None:
    """``{path: entry}`` from the manifest bytes, or None when unreadable or foreign."""
    try:
        doc = json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        return None
    if not isinstance(doc, dict) or doc.get("version") != MANIFEST_VERSION:
        return None
    files = doc.get("files")
    if not isinstance(files, dict):
        return None
    good: dict[str, dict[str, object]] = {}
    for path, entry in files.items():
        if isinstance(entry, dict) and isinstance(entry.get("sha256"), str):
            good[str(path)] = entry
    return good


def merge_remote(
    listing: Mapping[str, tuple[int, str | None]],
    manifest: Mapping[str, Mapping[str, object]] | None,
) -> dict[str, RemoteObject]:
    """Join the bucket listing ({path: (size, etag)}) with manifest entries.

    The listing is the truth about what exists; a manifest entry is trusted only
    when its size and ETag still match the listed object, so an object replaced or
    removed behind our back is detected instead of skipped.
    """
    remote: dict[str, RemoteObject] = {}
    for path, (size, etag) in listing.items():
        entry = (manifest or {}).get(path)
        trusted = (
            entry is not None
            and entry.get("size") == size
            and (etag is None or entry.get("etag") == etag)
        )
        if entry is not None and trusted:
            ctype = entry.get("content_type")
            cache = entry.get("cache_control")
            remote[path] = RemoteObject(
                path=path,
                size=size,
                etag=etag,
                sha256=str(entry["sha256"]),
                content_type=ctype if isinstance(ctype, str) else None,
                cache_control=cache if isinstance(cache, str) else None,
            )
        else:
            remote[path] = RemoteObject(path=path, size=size, etag=etag)
    return remote
