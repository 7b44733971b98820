"""Atomic output: build the whole site beside OUT, then swap it in.

A failed build must leave the previous OUT untouched (DESIGN section 4), so nothing is
ever written into OUT itself: files go to a sibling staging folder, and only a complete
tree replaces OUT, with two renames. Staging beside OUT keeps the renames on one
filesystem, where ``os.replace`` is atomic.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Mapping
from pathlib import Path, PurePosixPath

OutputTree = Mapping[str, "bytes | Path"]
"""Site-relative POSIX path -> file content, or a source file to copy byte-for-byte."""


def stage_dir(out: Path) -> Path:
    """A fresh, empty staging folder beside ``out`` (same filesystem)."""
    out.parent.mkdir(parents=True, exist_ok=True)
    return Path(tempfile.mkdtemp(prefix=f".{out.name}.staging-", dir=out.parent))


def write_tree(tree: OutputTree, dest: Path, *, link_from: Path | None = None) -> int:
    """Write every entry of ``tree`` under ``dest``; return the number of files.

    A ``Path`` entry inside ``link_from`` (the previous OUT, which sitegen never modifies
    in place: it only replaces it whole) is hard-linked instead of copied, so a rebuild
    stages unchanged files for the price of a link. Anything else is copied: a link to a
    source file would let later edits of that file leak into OUT.
    """
    made: set[Path] = set()
    prefix = f"{link_from}{os.sep}" if link_from is not None else None
    for rel in sorted(tree):
        target = dest / _safe_rel(rel)
        parent = target.parent
        if parent not in made:
            parent.mkdir(parents=True, exist_ok=True)
            made.add(parent)
        content = tree[rel]
        if isinstance(content, Path):
            if prefix is not None and str(content).startswith(prefix):
                _link_file(content, target)
            else:
                _copy_file(content, target)
        else:
            target.write_bytes(content)
    return len(tree)


def _copy_file(src: Path, dst: Path) -> None:
    """Copy bytes; a hard link would be cheaper but lets edits to the source leak into OUT."""
    shutil.copyfile(src, dst)


def _link_file(src: Path, dst: Path) -> None:
    try:
        os.link(src, dst)
    except OSError:
        shutil.copyfile(src, dst)


def _safe_rel(rel: str) -> PurePosixPath:
    p = PurePosixPath(rel)
    if p.is_absolute() or ".." in p.parts or not p.parts:
        raise ValueError(f"refusing to write outside the output folder: {rel!r}")
    return p


def swap_in(staged: Path, out: Path) -> None:
    """Replace ``out`` with ``staged``; the old tree is removed only after the swap."""
    old: Path | None = None
    if out.exists():
        old = out.with_name(f".{out.name}.old-{os.getpid()}")
        if old.exists():
            shutil.rmtree(old)
        os.replace(out, old)
    try:
        os.replace(staged, out)
    except OSError:
        if old is not None:
            os.replace(old, out)
        raise
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)


def discard(staged: Path) -> None:
    shutil.rmtree(staged, ignore_errors=True)
