"""The spare tree: the tree before OUT, kept beside it for the next build to sync.

A rebuild stages its new tree by syncing the spare (``.public.spare``), replacing only
the files whose CID changed, then swaps it in and keeps the old OUT as the next spare.
After a build with nothing to reuse there is no spare, so the first edit would link
every file of OUT into a new tree instead: 121k links and 56k folders at 10k papers,
three times the one-edit bar. So such a build leaves a spare of hard links to OUT:

- ``now`` (``serve``, and any small site): linked before the build returns;
- ``later`` (``sitegen build``): linked by a detached process after the command has
  exited, so the cold build does not wait for it. On this project's ext4 benchmark
  machine the links cost a 10k cold build 5-7 s when made at once; a person editing a
  paper after the build takes longer than the links do. The process holds a lock
  (``spare.lock`` in the cache folder) until the spare is named; the next build that may
  replace OUT waits for it (:func:`wait_for_spare`) rather than link OUT a second time.

A spare is named only when whole, ``cids.json`` linked last, and a build trusts it only
when that file's signature is the one the cache recorded, so a spare made from an OUT
that changed under it is never used. Files are only ever replaced in a spare, never
written in place, so OUT's files, shared through the links, stay as built. The cache
state records the spare as its difference from the last build's manifest
(:func:`spare_changes`), so a rebuild knows which of its files to replace
(:func:`spare_sync`, :func:`spare_manifest`).
"""

from __future__ import annotations

import logging
import os
import shutil
import tempfile
from collections.abc import Collection, Iterable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from sitegen.cache.store import BuildCache
from sitegen.output import spare_dir, take_spare, write_tree_split

if TYPE_CHECKING:
    from sitegen.cache.incremental import Flat

log = logging.getLogger(__name__)

SpareWhen = Literal["never", "now", "later"]

LOCK = "spare.lock"
"""In the cache folder: held by the detached process while it makes the spare."""

LATER_FROM = 4096
"""Files below which ``later`` links at once: a few milliseconds, not worth a process."""

NICE = 10
"""The detached process's niceness: the next build, should it come at once, goes first."""


def make_spare(out: Path, files: Iterable[str]) -> bool:
    """OUT's ``files`` (and ``cids.json``) hard-linked into the spare folder, by two
    processes; ``cids.json`` last, as it names a complete tree (``out_signature``), and
    the folder takes the spare's name only when whole. False (no spare) if the links
    could not be made: the next build then links OUT as before."""
    from sitegen.ipfs.site import CIDS_JSON

    spare = spare_dir(out)
    shutil.rmtree(spare, ignore_errors=True)
    prefix = f".{out.name}.spare-"
    for stale in out.parent.glob(f"{prefix}*"):  # a making that was stopped midway
        shutil.rmtree(stale, ignore_errors=True)
    making = Path(tempfile.mkdtemp(prefix=prefix, dir=out.parent))
    try:
        write_tree_split({path: out / path for path in files}, making, link_from=out)
        os.link(out / CIDS_JSON, making / CIDS_JSON)
        os.replace(making, spare)
    except OSError as exc:
        log.info("no spare tree for the next build: %s", exc)
        shutil.rmtree(making, ignore_errors=True)
        return False
    return True


def leave_spare(when: SpareWhen, out: Path, files: Collection[str], cache: BuildCache) -> bool:
    """After a build with nothing to reuse, the spare as ``when`` asks; whether the cache
    may record one (``remember_build(spare_is_out=...)``). For ``later`` that is before
    it exists: until it is named, the next build finds none and links OUT itself."""
    if when == "never":
        return False
    if when == "later" and len(files) >= LATER_FROM and _detach(out, files, cache.dir):
        return True
    return make_spare(out, files)


def _detach(out: Path, files: Collection[str], lock_dir: Path) -> bool:
    """:func:`make_spare` in a detached grandchild holding the lock; False if it could
    not be started. The grandchild leaves the terminal's session and standard streams
    (a caller reading this process's output to its end must not wait for it)."""
    try:
        import fcntl
    except ImportError:  # not a POSIX system: no fork either
        return False
    if not hasattr(os, "fork"):
        return False
    try:
        lock_dir.mkdir(parents=True, exist_ok=True)
        fd = os.open(lock_dir / LOCK, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o644)
    except OSError:
        return False
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)  # a spare still being made from an earlier build
        pid = os.fork()
        if pid == 0:  # the child: start the grandchild and leave at once
            try:
                if os.fork() == 0:
                    _make_detached(out, files)
            finally:
                os._exit(0)
        os.waitpid(pid, 0)
    except OSError:
        return False
    finally:
        os.close(fd)  # the grandchild holds its own copy, and with it the lock
    return True


def _make_detached(out: Path, files: Collection[str]) -> None:
    """The grandchild's work; it never returns and never runs the parent's cleanup."""
    status = 1
    try:
        os.setsid()
        null = os.open(os.devnull, os.O_RDWR)
        for stream in (0, 1, 2):
            os.dup2(null, stream)
        os.nice(NICE)
        status = 0 if make_spare(out, files) else 1
    finally:
        os._exit(status)


def wait_for_spare(cache: BuildCache) -> None:
    """Wait until no detached process is making a spare for this journal's OUT: the build
    that follows may take that spare, or replace OUT while it is being linked."""
    try:
        import fcntl
    except ImportError:
        return  # no detached process was started (``_detach``)
    try:
        fd = os.open(cache.dir / LOCK, os.O_RDWR | os.O_CLOEXEC)
    except OSError:
        return  # never made one
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
    except OSError:
        pass
    finally:
        os.close(fd)


def take_known_spare(out: Path, cache: BuildCache | None) -> Path | None:
    """The spare tree, if the cache knows exactly what it holds; else it is removed."""
    spare = spare_dir(out)
    if cache is None or not spare.is_dir():
        return None
    from sitegen.cache.incremental import out_signature

    last = cache.last
    if not last.get("spare_diff") or out_signature(spare) != last.get("spare_sig"):
        shutil.rmtree(spare, ignore_errors=True)
        return None
    return take_spare(out)


def spare_changes(
    last: Mapping[str, Any],
) -> tuple[dict[str, Flat], frozenset[str]] | None:
    """Where the spare tree differs from the last build's manifest: the spare's nodes
    of the paths that differ (those it lacks have none), and the paths it lacks.
    None when there is no known spare."""
    diff = last.get("spare_diff")
    if not diff or not last.get("manifest"):
        return None
    differ, absent = diff
    return differ, frozenset(absent)


def spare_manifest(last: Mapping[str, Any]) -> dict[str, Flat] | None:
    """The spare tree's manifest in full, rebuilt from the last manifest and the diff."""
    changes = spare_changes(last)
    if changes is None:
        return None
    differ, absent = changes
    spare = {p: n for p, n in last["manifest"].items() if p not in absent}
    spare.update(differ)
    return spare


def spare_sync(
    last: Mapping[str, Any], manifest: Mapping[str, Flat], changed: set[str]
) -> tuple[list[str], list[str]]:
    """Files to replace in, and to remove from, the spare tree to make it ``manifest``.

    The spare differs from the last build only where ``spare_changes`` says, and the new
    tree from the last build only at ``changed``: only those paths are looked at.
    """
    known = spare_changes(last)
    if known is None:  # take_known_spare checked it is there
        raise RuntimeError("the spare tree's manifest is missing")
    differ, absent = known
    old: Mapping[str, Flat] = last["manifest"]
    todo, gone = [], []
    for path in sorted(set(differ) | absent | changed):
        had = differ[path] if path in differ else None if path in absent else old.get(path)
        now = manifest.get(path)
        if now is None:
            if had is not None:
                gone.append(path)
        elif now != had:
            todo.append(path)
    return todo, gone
