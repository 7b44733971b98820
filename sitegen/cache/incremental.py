"""The decisions a cached build makes: is anything changed, what the previous OUT offers.

``build`` asks, in order: has any input changed since the last build into this OUT
(:func:`build_fingerprint`, compared by :func:`unchanged_result`)? If not, the last
result stands. If so, which previous OUT can unchanged files be hard-linked from
(:func:`previous_output`)? After a successful swap, :func:`remember_build` records the
new state.
"""

from __future__ import annotations

import logging
import os
import time
from collections.abc import Mapping
from dataclasses import dataclass
from operator import attrgetter
from pathlib import Path
from typing import TYPE_CHECKING, Any

import sitegen
from sitegen.cache.digests import sha256_hex, tree_signature
from sitegen.cache.store import BuildCache, code_fingerprint
from sitegen.cache.walk import SignatureWalk
from sitegen.gitinfo import last_commit

if TYPE_CHECKING:
    from sitegen.ipfs.files import Node

Flat = tuple[bytes, int, int]
"""A UnixFS node as the cache stores it: ``(cid, tsize, size)``."""

CIDS_JSON = "cids.json"
"""Written last by every build (``sitegen.ipfs.site.CIDS_JSON``)."""
PAPERS_DIR = Path("content") / "papers"
"""Where ``sitegen.content.discover`` finds paper folders, relative to the journal."""

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Fingerprint:
    """Stat signatures of a build's inputs (see :func:`build_fingerprint`)."""

    whole: str
    """Every input: equal to the last build's means nothing changed."""
    frame: str
    """Every input but the paper folders (``content/papers/``): a body-only rebuild
    (``sitegen.cache.delta``) needs it unchanged."""
    papers: dict[str, str]
    """Entry of ``content/papers/`` -> its signature: which paper folders changed."""


def build_fingerprint(source: Path, out: Path, options: Mapping[str, object]) -> Fingerprint:
    """Stat signature of every input: code, built-in themes, the journal folder, the clock.

    The clock enters only as the build timestamp sources (``SOURCE_DATE_EPOCH``, the
    last git commit), exactly what ``build_time`` reads.
    """
    return PendingFingerprint(source, out, options).finish()


class PendingFingerprint:
    """:func:`build_fingerprint`, begun now: the paper folders' walk starts in a forked
    helper (``sitegen.cache.walk``), so the caller can load the cache meanwhile."""

    def __init__(self, source: Path, out: Path, options: Mapping[str, object]) -> None:
        skip = {str(out), str(source / ".sitegen"), str(source / ".git")}
        skip |= {
            str(p) for p in out.parent.glob(f".{out.name}.*") if p.name.startswith(f".{out.name}.")
        }
        self._source, self._skip, self._options = source, skip, options
        self._papers = SignatureWalk(source / PAPERS_DIR, skip)

    def finish(self) -> Fingerprint:
        source, skip = self._source, self._skip
        frame = sha256_hex(
            code_fingerprint(),
            tree_signature(_builtin_themes(), set()),
            tree_signature(source, skip | {str(source / PAPERS_DIR)}),
            os.getcwd(),
            repr(sorted(self._options.items())),
            os.environ.get("SOURCE_DATE_EPOCH", ""),
            _git_head(source),
        )
        signatures = self._papers.finish()
        whole = sha256_hex(frame, *(f"{name}/{sig}" for name, sig in signatures.items()))
        return Fingerprint(whole, frame, signatures)


def _builtin_themes() -> Path:
    """Where ``render.theme.builtin_themes_dir`` looks, without importing Jinja for it."""
    package = Path(sitegen.__file__).resolve().parent
    for candidate in (package / "themes", package.parent / "themes"):
        if candidate.is_dir():
            return candidate
    return package / "themes"


def _git_head(source: Path) -> str:
    commit = last_commit(source)
    return f"{commit.sha} {commit.time}" if commit else ""


def out_signature(out: Path) -> tuple[int, int, int] | None:
    """Stat of ``OUT/cids.json``: written last, replaced on every build, so it names a build."""
    try:
        st = os.stat(out / CIDS_JSON)
    except OSError:
        return None
    return (st.st_ino, st.st_size, st.st_mtime_ns)


def unchanged_result(cache: BuildCache, fingerprint: str, out: Path) -> Any:
    """The last build's BuildResult when nothing changed and OUT is still what it wrote.

    Never after an ``--online`` build: on-chain state (revocations) can change between two
    builds of the same input, so those always re-check. Offline badges are judged at the
    build's timestamp, which is part of the fingerprint.
    """
    last = cache.last
    if not last or last.get("fingerprint") != fingerprint or last.get("out") != str(out):
        return None
    if last.get("online") or out_signature(out) != last.get("out_sig"):
        return None
    return last.get("result")


def previous_output(cache: BuildCache | None) -> Path | None:
    """The previous OUT, if it is still exactly what the last build wrote."""
    if cache is None or not cache.last:
        return None
    out = Path(cache.last["out"])
    if out_signature(out) != cache.last.get("out_sig"):
        cache.forget_output()
        return None
    return out


@dataclass(frozen=True, slots=True)
class BuildRecord:
    """What a finished build leaves for the next one to start from (:func:`remember_build`).

    ``manifest`` maps every file to its node, or to the node's ``(cid, tsize, size)``
    (the stored form). ``frame``, ``papers`` (the paper folders' signatures,
    ``Fingerprint``) and ``delta`` are what the next body-only rebuild starts from
    (``sitegen.cache.delta``).
    """

    fingerprint: str
    out: Path
    paper_keys: dict[str, str]
    page_keys: Mapping[str, str]
    manifest: Mapping[str, Node] | Mapping[str, Flat]
    search_state: object
    online: bool
    frame: str = ""
    papers: Mapping[str, str] | None = None
    delta: object = None


def remember_build(
    cache: BuildCache,
    record: BuildRecord,
    *,
    result: object,
    changed: set[str] | None = None,
    spare_is_out: bool = False,
) -> None:
    """Record the new state; a cache that cannot be written only costs speed next time.

    The previous OUT became the spare tree (``swap_in(keep=...)``), so its manifest (as
    its difference from the new one, see ``spare.spare_manifest``) and signature move to
    ``spare_*`` for the next build to sync from. A body-only rebuild also says which
    paths ``changed`` since the last build (so the spare's difference is found among
    those alone). ``spare_is_out``: the spare is OUT itself, as links
    (``sitegen.cache.spare``, after a build with nothing to reuse).
    """
    out = record.out
    old = cache.last
    spare_ok = old.get("out") == str(out) and bool(old.get("manifest"))
    flat = _flat(record.manifest)
    out_sig = out_signature(out)
    spare_diff: tuple[dict[str, Flat], tuple[str, ...]] | None = None
    spare_sig = None
    if spare_is_out:
        spare_diff, spare_sig = _spare_is_out(out_sig)
    elif spare_ok:
        spare_diff, spare_sig = _spare_diff(old["manifest"], flat, changed), old.get("out_sig")
    memo = cache.address_memo()
    last = _state_of(record, flat)
    last |= {
        "out_sig": out_sig,
        "address": (memo.profile, memo.folders),
        "spare_diff": spare_diff,
        "spare_sig": spare_sig,
        "result": result,
        "time": time.time(),
    }
    try:
        cache.save(record.paper_keys, _pages(record.page_keys, flat), last)
    except (OSError, ValueError) as exc:  # ValueError: a value marshal cannot write
        log.warning("could not write the build cache: %s", exc)


PENDING_SIG = ("pending",)
"""The output signature of a state written before its build ended (:class:`EarlySave`):
none that ``out_signature`` gives, so until its tail says otherwise no OUT matches it."""


class EarlySave:
    """:func:`remember_build` for a build with nothing to reuse, begun before the site
    is addressed, in a forked process (``sitegen.forked``).

    At 10k papers writing the state costs ~0.6 s, and addressing keeps only one core
    busy for about as long (its merge and ``cids.json``), so the state is written beside
    it. Only what the addressing and the swap decide waits: the folder memo, OUT's
    signature and the result, written as the state's *tail* (``BuildCache.save_tail``).
    No previous state can be lost that the build could still use: it had nothing to
    reuse. Should the helper fail, :meth:`finish` says so and the caller saves in full.
    """

    def __init__(self, cache: BuildCache, record: BuildRecord, *, profile: str) -> None:
        from sitegen.forked import Forked

        self._cache = cache
        self._token = os.urandom(8).hex()

        def record_state() -> tuple[dict[str, Any], dict[str, Any]]:
            """The pages' entries and the state, made in the helper, off the parent's
            way (the manifest's 121k nodes flattened, at 10k papers)."""
            flat = _flat(record.manifest)
            last = _state_of(record, flat)
            last |= {
                "out_sig": PENDING_SIG,
                "address": (profile, {}),
                "spare_diff": None,
                "spare_sig": None,
                "result": None,
                "time": time.time(),
            }
            return _pages(record.page_keys, flat), last

        self._job = Forked(lambda: self._save(record.paper_keys, *record_state()))

    def _save(
        self, paper_keys: dict[str, str], pages: dict[str, Any], last: dict[str, Any]
    ) -> bool:
        self._cache.save(paper_keys, pages, last, tail=self._token)
        return True

    def finish(self, out: Path, result: object, *, spare_is_out: bool = False) -> bool:
        """Write the tail once OUT is swapped in; False if the state was not written.
        ``spare_is_out`` as for :func:`remember_build`."""
        if not self._job.result():
            return False
        out_sig = out_signature(out)
        last = {"out_sig": out_sig, "result": result, "time": time.time()}
        if spare_is_out:
            last["spare_diff"], last["spare_sig"] = _spare_is_out(out_sig)
        try:
            self._cache.save_tail(self._token, last)
        except (OSError, ValueError) as exc:
            log.warning("could not write the build cache: %s", exc)
        return True

    def abandon(self) -> None:
        """The build failed: wait for the helper (its state names no OUT)."""
        self._job.result()


def _spare_is_out(out_sig: object) -> tuple[tuple[dict[str, Flat], tuple[str, ...]], object]:
    """The spare's record when the spare is OUT itself, as links: no difference from the
    manifest, and OUT's signature (its ``cids.json`` is OUT's, linked)."""
    return ({}, ()), out_sig


def _flat(manifest: Mapping[str, Node] | Mapping[str, Flat]) -> dict[str, Flat]:
    as_flat = attrgetter("cid", "tsize", "size")
    return {path: n if isinstance(n, tuple) else as_flat(n) for path, n in manifest.items()}


def _pages(page_keys: Mapping[str, str], flat: Mapping[str, Flat]) -> dict[str, Any]:
    return {path: (key, flat[path]) for path, key in page_keys.items() if path in flat}


def _state_of(record: BuildRecord, flat: dict[str, Flat]) -> dict[str, Any]:
    """The last build's state, but for what only its end knows (``remember_build``)."""
    return {
        "fingerprint": record.fingerprint,
        "out": str(record.out),
        "manifest": flat,
        "search_state": record.search_state,
        "frame": record.frame,
        "paper_signatures": dict(record.papers or {}),
        "delta": record.delta,
        "online": record.online,
    }


def _spare_diff(
    spare: Mapping[str, Flat], manifest: Mapping[str, Flat], changed: set[str] | None = None
) -> tuple[dict[str, Flat], tuple[str, ...]]:
    """The spare tree's manifest as its difference from ``manifest``: the nodes it has
    that differ, and the paths it lacks. Two builds apart, the trees are mostly equal;
    storing both in full doubled the biggest part of the cache state. ``changed``, when
    known, holds every path where the two differ: only those are compared."""
    if changed is not None:
        paths = sorted(changed)
        differ = {p: spare[p] for p in paths if p in spare and manifest.get(p) != spare[p]}
        return differ, tuple(p for p in paths if p in manifest and p not in spare)
    differ = {p: n for p, n in spare.items() if manifest.get(p) != n}
    return differ, tuple(p for p in manifest if p not in spare)
