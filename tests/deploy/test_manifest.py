"""Local scan, ETag prediction (single and multipart), manifest round trip and merge."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from sitegen.deploy.manifest import (
    PartPolicy,
    decode_manifest,
    encode_manifest,
    file_digests,
    merge_remote,
    scan_site,
)


def test_digests_single_and_multipart(tmp_path: Path) -> None:
    data = bytes(range(256)) * 40  # 10240 bytes
    f = tmp_path / "blob.bin"
    f.write_bytes(data)
    sha, etag, size = file_digests(f, PartPolicy(threshold=1 << 20, part_size=1 << 20))
    assert (sha, etag, size) == (
        hashlib.sha256(data).hexdigest(),
        hashlib.md5(data).hexdigest(),
        10240,
    )
    sha, etag, _ = file_digests(f, PartPolicy(threshold=4000, part_size=4096))
    parts = [data[i : i + 4096] for i in range(0, len(data), 4096)]
    combined = hashlib.md5(b"".join(hashlib.md5(p).digest() for p in parts)).hexdigest()
    assert etag == f"{combined}-3"


def test_scan_reads_cids_and_headers(tmp_path: Path) -> None:
    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "index.html").write_text("<p>x</p>")
    (tmp_path / "cids.json").write_text(json.dumps({"a": "bafydir", "a/index.html": "bafkfile"}))
    files = scan_site(tmp_path, PartPolicy())
    assert [f.path for f in files] == ["a/index.html", "cids.json"]
    assert files[0].cid == "bafkfile" and files[1].cid is None
    assert files[0].content_type == "text/html; charset=utf-8"


def test_manifest_round_trip_and_merge(tmp_path: Path) -> None:
    (tmp_path / "x.png").write_bytes(b"png")
    (tmp_path / "y.png").write_bytes(b"png2")
    files = scan_site(tmp_path, PartPolicy())
    doc = encode_manifest(files, "bafyroot", "unixfs-v1-2025", {"x.png": "server-etag"})
    entries = decode_manifest(doc)
    assert entries is not None and entries["x.png"]["etag"] == "server-etag"
    listing = {"x.png": (3, "server-etag"), "y.png": (4, "replaced-behind-our-back")}
    remote = merge_remote(listing, entries)
    assert remote["x.png"].sha256 == files[0].sha256
    assert remote["y.png"].sha256 is None  # untrusted: the ETag moved
    assert decode_manifest(b"{not json") is None
    assert decode_manifest(b'{"version": 99, "files": {}}') is None
