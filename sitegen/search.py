"""Full-text search index for the built site (Pagefind), made in the staged output.

Pagefind indexes static HTML into a folder of small compressed chunks plus a tiny
client, so search works offline and from any gateway with no server. It runs on the
staged folder before content addressing, so ``pagefind/`` is part of the site root CID.

Only paper pages are indexed: the paper template marks its article with
``data-pagefind-body`` and its volume, subjects and authors with ``data-pagefind-filter``;
``--glob`` keeps Pagefind from parsing the listing pages at all.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import logging
import os
import shutil
import subprocess
from pathlib import Path

from sitegen import cbor
from sitegen.content.config import JournalConfig
from sitegen.errors import Diagnostic

log = logging.getLogger(__name__)

BUNDLE_DIR = "pagefind"
"""Where the index and client go inside the site (``search/index.html`` loads them)."""
PAPER_GLOB = "papers/*/index.html"
"""Paper pages only; research objects under ``source/`` may hold HTML of their own."""
TIMEOUT_SECONDS = 1800


def find_pagefind() -> Path | None:
    """The Pagefind binary: ``PAGEFIND_BINARY_PATH``, the PyPI wheels, then ``PATH``.

    The ``pagefind[bin]`` extra installs ``pagefind_bin`` with the binary inside the
    wheel, so no download ever happens at build time.
    """
    override = os.environ.get("PAGEFIND_BINARY_PATH")
    if override:
        path = Path(override)
        return path if path.is_file() else None
    for module in ("pagefind_bin_extended", "pagefind_bin"):
        try:
            wheel = __import__(module)
            found = Path(wheel.get_executable())
        except (ImportError, FileNotFoundError):
            continue
        if found.is_file():
            return found
    for name in ("pagefind_extended", "pagefind"):
        which = shutil.which(name)
        if which:
            return Path(which)
    return None


def pagefind_command(binary: Path, site_dir: Path) -> list[str]:
    """The indexing command line; ``--keep-index-url`` so results work from ``file://``."""
    return [
        str(binary),
        "--site",
        str(site_dir),
        "--output-subdir",
        BUNDLE_DIR,
        "--glob",
        PAPER_GLOB,
        "--keep-index-url",
        "--quiet",
    ]


def index_search(site_dir: Path, config: JournalConfig) -> list[Diagnostic]:
    """Index ``site_dir`` in place; a missing or failing Pagefind is a warning, never a failure.

    Search is a convenience on top of the journal: a build without it still publishes
    every paper, so problems here are reported and the build carries on.
    """
    binary = find_pagefind()
    if binary is None:
        return [
            Diagnostic(
                config.path,
                None,
                "search",
                "pagefind is not installed (pip install 'pagefind[bin]'); built without search",
                "warning",
            )
        ]
    try:
        proc = subprocess.run(
            pagefind_command(binary, site_dir),
            cwd=site_dir,
            capture_output=True,
            text=True,
            timeout=TIMEOUT_SECONDS,
            check=False,
        )
    except (OSError, subprocess.TimeoutExpired) as exc:
        _discard_partial(site_dir)
        return [_failure(config, f"could not run {binary}: {exc}")]
    if proc.returncode != 0:
        _discard_partial(site_dir)
        detail = (proc.stderr or proc.stdout).strip().splitlines()[-5:]
        return [_failure(config, f"pagefind exited with {proc.returncode}: {' | '.join(detail)}")]
    if proc.stderr.strip():
        log.info("pagefind: %s", proc.stderr.strip())
    try:
        canonicalize_index(site_dir / BUNDLE_DIR)
    except (OSError, ValueError) as exc:
        _discard_partial(site_dir)
        return [_failure(config, f"unexpected Pagefind index layout: {exc}")]
    return []


def _failure(config: JournalConfig, message: str) -> Diagnostic:
    return Diagnostic(config.path, None, "search", f"{message}; built without search", "warning")


def _discard_partial(site_dir: Path) -> None:
    """A half-written index would be addressed and published; remove it."""
    shutil.rmtree(site_dir / BUNDLE_DIR, ignore_errors=True)


# -- determinism ---------------------------------------------------------------------
# Pagefind 1.x writes each filter's values in hash-map order, which changes from run to
# run, and names the filter and meta files after their content; the site root CID would
# then change with every build. The files are gzip("pagefind_dcd" + CBOR), so we decode
# them, sort filter values, re-encode, and rename by our own content hash, updating the
# references in the meta file and in pagefind-entry.json. The client only looks files up
# by the names it reads, so any consistent naming works.

SIGNATURE = b"pagefind_dcd"


def canonicalize_index(bundle: Path) -> None:
    """Rewrite ``bundle`` (Pagefind's output folder) so equal input gives equal bytes."""
    entry_path = bundle / "pagefind-entry.json"
    entry = json.loads(entry_path.read_text(encoding="utf-8"))
    for lang, info in sorted(entry["languages"].items()):
        meta_path = bundle / f"pagefind.{info['hash']}.pf_meta"
        meta = _read_chunk(meta_path)
        if not isinstance(meta, list) or len(meta) < 4 or not isinstance(meta[3], list):
            raise ValueError(f"{meta_path.name}: not a Pagefind 1.x meta chunk")
        filters = []
        for name, old_hash in meta[3]:
            old = bundle / "filter" / f"{old_hash}.pf_filter"
            data = _read_chunk(old)
            if not isinstance(data, list) or len(data) != 2:
                raise ValueError(f"{old.name}: not a Pagefind 1.x filter chunk")
            values = sorted(
                ([value, sorted(pages)] for value, pages in data[1]), key=lambda v: str(v[0])
            )
            payload = _pack([data[0], values])
            new_hash = f"{lang}_{hashlib.sha256(payload).hexdigest()[:7]}"
            old.unlink()
            _write_chunk(bundle / "filter" / f"{new_hash}.pf_filter", payload)
            filters.append([name, new_hash])
        meta[3] = sorted(filters)
        payload = _pack(meta)
        meta_hash = f"{lang}_{hashlib.sha256(payload).hexdigest()[:10]}"
        meta_path.unlink()
        _write_chunk(bundle / f"pagefind.{meta_hash}.pf_meta", payload)
        info["hash"] = meta_hash
    entry_path.write_text(
        json.dumps(entry, ensure_ascii=False, separators=(",", ":")), encoding="utf-8"
    )


def _read_chunk(path: Path) -> object:
    raw = gzip.decompress(path.read_bytes())
    if not raw.startswith(SIGNATURE):
        raise ValueError(f"{path.name}: missing Pagefind signature")
    value, end = cbor.decode(raw, len(SIGNATURE))
    if end != len(raw):
        raise ValueError(f"{path.name}: trailing bytes after CBOR value")
    return value


def _pack(value: object) -> bytes:
    return SIGNATURE + cbor.encode(value)


def _write_chunk(path: Path, payload: bytes) -> None:
    path.write_bytes(gzip.compress(payload, compresslevel=9, mtime=0))
