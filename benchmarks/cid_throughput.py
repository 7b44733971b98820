"""CID throughput against plain hashlib sha256 over the same file.

Usage: python benchmarks/cid_throughput.py [--mib 512] [--profile unixfs-v1-2025] [--file F]

Both timings read the file from disk in the profile's chunk size, so the ratio shows what the
UnixFS layer (chunking, dag-pb nodes, CIDs) costs on top of hashing. Target: >= 80%.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import tempfile
import time
from pathlib import Path

from sitegen.ipfs.importer import add_path
from sitegen.ipfs.profiles import get_profile


def _make_file(path: Path, mib: int) -> None:
    block = os.urandom(1 << 20)
    with path.open("wb") as fh:
        for i in range(mib):
            fh.write(block[i % 251 :] + block[: i % 251])


def _sha256_file(path: Path, chunk: int) -> str:
    h = hashlib.sha256()
    with path.open("rb") as fh:
        while data := fh.read(chunk):
            h.update(data)
    return h.hexdigest()


def _best(fn, repeat: int) -> float:
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - start)
    return best


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--mib", type=int, default=512, help="size of the generated file")
    ap.add_argument("--profile", default=None)
    ap.add_argument("--file", type=Path, default=None, help="use this file instead")
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()
    profile = get_profile(args.profile)
    with tempfile.TemporaryDirectory() as tmp:
        path = args.file or Path(tmp) / "big.bin"
        if args.file is None:
            _make_file(path, args.mib)
        size = path.stat().st_size
        mb = size / 1e6
        _sha256_file(path, profile.chunk_size)  # warm the page cache
        t_sha = _best(lambda: _sha256_file(path, profile.chunk_size), args.repeat)
        root = add_path(path, profile).root
        t_cid = _best(lambda: add_path(path, profile), args.repeat)
    print(f"file: {size} bytes, profile {profile.name}, root {root}")
    print(f"sha256 : {mb / t_sha:8.1f} MB/s")
    print(f"CID    : {mb / t_cid:8.1f} MB/s")
    print(f"ratio  : {100 * t_sha / t_cid:8.1f} % of hashlib sha256 (target >= 80%)")


if __name__ == "__main__":
    main()
