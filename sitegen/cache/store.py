"""The on-disk cache state: file digests, per-paper work, page keys and the last build.

Layout of ``SRC/.sitegen/cache/``: ``state.pickle`` (digests, keys, the last build's
manifest, folder nodes and search state: ~6 MB at 1k papers), ``tail.pickle`` (what a
cold build knew only once its state was written), ``journal.pickle`` (what
body-only rebuilds changed since, ``sitegen.cache.journal``), ``papers.<n>.pack`` (one
:class:`PaperWork` per content key, see ``sitegen.cache.pack``), ``fragments/`` (TeX ->
MathML and highlighted code in shard files, read only by builds that render a paper, see
``sitegen.cache.fragments``; also kept per user, :func:`user_cache_dir`) and ``jinja/``
(compiled templates).
Entries are keyed by content, so a stale entry is never wrong, only unused; ``save``
prunes those. A cache that cannot be read is treated as empty, never as an error.
"""

from __future__ import annotations

import functools
import logging
import marshal
import os
import pickle
import shutil
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

import sitegen
from sitegen.cache.digests import FileDigests, sha256_hex
from sitegen.cache.fragments import FOLDER as FRAGMENTS
from sitegen.cache.fragments import FragmentStore
from sitegen.cache.journal import Loaded, apply_journal, next_journal, remember_loaded, state_dicts
from sitegen.cache.pack import LIGHT, PaperPack, StoredWork

if TYPE_CHECKING:
    from sitegen.cache.address import AddressMemo
    from sitegen.render.work import PackedWork, PaperWork

log = logging.getLogger(__name__)

FORMAT = 9
"""Bump when the pickled shapes change."""
CACHE_DIR = Path(".sitegen") / "cache"
BULK_LAST = frozenset({"manifest", "address", "spare_diff", "paper_signatures"})
"""Parts of the last build's record that hold only str/bytes/int/tuple/dict: with the
digests, keys and page keys they are written with ``marshal``, 3-5x faster than pickle
for these shapes (measured on the 10k-paper state), which a rebuild pays on every save."""
TAIL = "tail.pickle"
"""What a cold build learns after its state was written (``BuildCache.save_tail``)."""
JOURNAL = "journal.pickle"
"""What rebuilds changed since ``state.pickle`` was written (``sitegen.cache.journal``)."""


def cache_dir(source: Path) -> Path:
    return source / CACHE_DIR


RENDER_DEPENDENCIES = (
    "jinja2",
    "markupsafe",
    "markdown_it",
    "mdit_py_plugins",
    "latex2mathml",
    "pygments",
    "nh3",
    "yaml",
)
"""Libraries whose output ends up in cached products (HTML, MathML, parsed YAML)."""


@functools.lru_cache(maxsize=1)
def code_fingerprint() -> str:
    """sitegen's version, the size/mtime of its modules and packaged files, and of the
    entry file of every library in ``RENDER_DEPENDENCIES``.

    A change to the code (or an upgrade of a renderer) must invalidate every cached
    product, or a cached build could differ from a fresh one. Dependencies are found
    with ``find_spec`` (no import) and stat-ed: an upgrade rewrites those files.

    Computed once per process (a build asked for it four times, ~30 ms each): a process
    runs the code it loaded, so the files as they were at the first call stand for it.
    """
    import importlib.util

    package = Path(sitegen.__file__).parent
    parts: list[str] = [sitegen.__version__, sys.version, str(FORMAT)]
    for name in RENDER_DEPENDENCIES:
        spec = importlib.util.find_spec(name)
        origin = spec.origin if spec is not None else None
        if origin and os.path.exists(origin):
            st = os.stat(origin)
            parts.append(f"{name}:{origin}:{st.st_size}:{st.st_mtime_ns}")
        else:
            parts.append(f"{name}:missing")
    for dirpath, dirnames, filenames in os.walk(package):
        dirnames[:] = sorted(d for d in dirnames if d != "__pycache__")
        for name in sorted(filenames):
            if name.endswith((".pyc", ".pyo")):
                continue
            st = os.stat(os.path.join(dirpath, name))
            parts.append(f"{dirpath}/{name}:{st.st_size}:{st.st_mtime_ns}")
    return sha256_hex(*parts)


class BuildCache:
    """Read once at the start of a build, written once after a successful swap."""

    def __init__(self, source: Path) -> None:
        self.dir = cache_dir(source)
        self.files = FileDigests()
        self.paper_keys: dict[str, str] = {}
        """slug -> content key of the last successful build."""
        self.pages: dict[str, tuple[str, Any]] = {}
        """site path -> (page key, UnixFS node) of the page in the previous OUT."""
        self.last: dict[str, Any] = {}
        """The last build: fingerprint, OUT, its cids.json stat, the BuildResult JSON."""
        self.pack = PaperPack(self.dir)
        self._memo: AddressMemo | None = None
        self._math: FragmentStore | None = None
        self._shared_math = False
        """The math cache came from the user's cache, which ``save`` then updates."""
        self._loaded: Loaded | None = None
        """The state as loaded, when it can take a journal (``sitegen.cache.journal``)."""
        self._load()

    def _load(self) -> None:
        path = self.dir / "state.pickle"
        if not path.exists():
            return
        state = _read_pickle(path)
        if state is None:
            log.warning("ignoring unreadable build cache %s", path)
            return
        if not isinstance(state, dict) or state.get("format") != FORMAT:
            return
        if state.get("python") != sys.version:  # marshal's format is the interpreter's
            return
        try:
            bulk = marshal.loads(state["bulk"])
            memo, keys, pages, last = bulk["files"], bulk["paper_keys"], bulk["pages"], bulk["last"]
            generation, index = bulk["pack"]
            last = {**state["last"], **last}
        except (ValueError, EOFError, TypeError, KeyError) as exc:
            log.warning("ignoring unreadable build cache %s: %s", path, exc)
            return
        token = state.get("token")
        if state.get("tail"):  # written before its build was addressed: see save_tail
            _apply_tail(_read_pickle(self.dir / TAIL), token, last)
        dicts = state_dicts(memo, keys, pages, index, last)
        if isinstance(token, str) and dicts is not None:
            try:
                applied = apply_journal(_read_pickle(self.dir / JOURNAL), token, dicts, last)
            except (KeyError, TypeError, ValueError, AttributeError, IndexError) as exc:
                log.warning("ignoring unreadable build cache %s: %s", path, exc)
                return  # the journal was half applied: the state is unknown
            self._loaded = remember_loaded(token, generation, dicts, last, applied)
        self.files.memo, self.paper_keys, self.pages, self.last = memo, keys, pages, last
        self.pack.generation, self.pack.index = generation, index

    def address_memo(self) -> AddressMemo:
        """The folder memo of the last build, shared by this build's addressing.

        CID strings are not kept between builds: writing all of a 10k-paper site's
        (178k) afresh costs about what reading them back did (``cids_to_str``).
        """
        from sitegen.cache.address import AddressMemo

        if self._memo is None:
            profile, folders = self.last.get("address") or ("", {})
            self._memo = AddressMemo(folders=folders, profile=profile)
        return self._memo

    def forget_output(self) -> None:
        """The previous OUT is unknown or gone: nothing may be reused from it."""
        self.pages = {}
        self.last = {}

    def math_cache(self) -> FragmentStore:
        """The formulas and code blocks earlier builds rendered; add to it, ``save``
        writes the shards that grew (``sitegen.cache.fragments``).

        Keyed by the source alone (``math.math_key``): the code fingerprint is checked at
        load, so a new latex2mathml or sitegen never reuses an old conversion. Read from
        the journal's cache, or when that has none (a cold build: no ``.sitegen/``) from
        the user's (:func:`user_cache_dir`), so a machine that built before still finds
        its formulas; ``save`` then writes both. A journal with its own cache (most
        rebuilds) neither reads nor writes the user's.
        """
        if self._math is None:
            self._math = FragmentStore(self.dir / FRAGMENTS, code_fingerprint())
            shared = user_cache_dir()
            if not self._math.exists() and shared is not None:
                self._math = FragmentStore(shared / FRAGMENTS, code_fingerprint())
                self._shared_math = True
        return self._math

    def get_paper(self, key: str) -> PaperWork | None:
        """The whole work: its light work and the rest (``pack_work``'s entry) together."""
        from sitegen.render.work import whole_work

        parts = self.pack.get_parts(key)
        return None if parts is None else whole_work(*parts)

    def get_paper_more(self, key: str) -> Any:
        """What ``light_work`` left out of the work stored under ``key`` (``whole_parts``
        puts it back), read and unpickled without the light work before it in the entry:
        for a paper page, whose build holds that light work already. None if the pack
        cannot give it."""
        return self.pack.get_more(key, key + LIGHT)

    def get_light_paper(self, key: str) -> PaperWork | None:
        """The work without its body (``light_work``): a fifth of the bytes to read back."""
        from sitegen.render.work import PaperWork

        work = self.pack.get(key + LIGHT)
        if work is None:  # the whole entry's first pickle is the light work too
            work = self.pack.get(key)
        return work if isinstance(work, PaperWork) else None

    def put_packed(self, key: str, packed: PackedWork) -> PaperWork:
        """Store a work the pool already pickled (see ``pack_work``); return its light form."""
        offset, _ = self.pack.add_entry(key, packed.entry)
        self.pack.add_located(key + LIGHT, (offset, packed.light_length))
        return packed.light

    def put_stored(self, key: str, stored: StoredWork) -> PaperWork:
        """Index a work a pool worker appended to the pack itself; return its light form."""
        self.pack.add_located(key, stored.whole)
        self.pack.add_located(key + LIGHT, stored.light_at)
        return stored.light

    def put_paper(self, key: str, work: PaperWork) -> PaperWork:
        """Store ``work`` at once (so its page can read it back); return its light form."""
        from sitegen.render.work import light_work, pack_work

        return self.put_packed(key, pack_work(key, work, light_work(work)))

    def save(
        self,
        paper_keys: dict[str, str],
        pages: dict[str, tuple[str, Any]],
        last: dict[str, Any],
        *,
        tail: str | None = None,
    ) -> None:
        """Write the new state; drop paper entries no current paper uses.

        With ``tail`` (a token), the state is written whole under that token and marked
        as awaiting its tail (:meth:`save_tail`): what only the build's addressing and
        swap know. ``last`` then holds placeholders for those (``incremental.EarlySave``).
        """
        self.dir.mkdir(parents=True, exist_ok=True)
        ignore = self.dir.parent / ".gitignore"
        if not ignore.exists():
            ignore.write_text("*\n", encoding="utf-8")
        self.pack.save({k + suffix for k in paper_keys.values() for suffix in ("", LIGHT)})
        if self._math is not None and self._math.changed:
            shared = self._math.folder if self._shared_math else None
            self._math.save(self.dir / FRAGMENTS, every=self._shared_math, also=shared)
        (self.dir / "math.pickle").unlink(missing_ok=True)  # the store before fragments/
        memo = self.files.memo
        if self.files.complete:
            memo = {p: v for p, v in memo.items() if p in self.files.seen}
        dicts = state_dicts(memo, paper_keys, pages, self.pack.index, last)
        if tail is None and self._loaded is not None and dicts is not None:
            journal = next_journal(self._loaded, self.pack.generation, dicts, last)
            if journal is not None:
                _atomic_write(self.dir / JOURNAL, pickle.dumps(journal, pickle.HIGHEST_PROTOCOL))
                self.pack.prune()
                return
        rest = {k: v for k, v in last.items() if k not in BULK_LAST}
        bulk = {
            "files": memo,
            "paper_keys": paper_keys,
            "pages": pages,
            "last": {k: v for k, v in last.items() if k in BULK_LAST},
            "pack": (self.pack.generation, self.pack.index),
        }
        state = {
            "format": FORMAT,
            "python": sys.version,
            "token": tail or os.urandom(8).hex(),
            "bulk": marshal.dumps(bulk),
            "last": rest,
            "tail": tail is not None,
        }
        (self.dir / TAIL).unlink(missing_ok=True)  # it completed the old base
        _atomic_write(self.dir / "state.pickle", pickle.dumps(state, pickle.HIGHEST_PROTOCOL))
        (self.dir / JOURNAL).unlink(missing_ok=True)  # it named the old base: stale anyway
        (self.dir / "names.pickle").unlink(missing_ok=True)  # CID strings, kept before session 8
        self.pack.prune()
        legacy = self.dir / "papers"  # one file per paper, before FORMAT 3
        if legacy.is_dir():
            shutil.rmtree(legacy, ignore_errors=True)

    def save_tail(self, token: str, last: dict[str, Any]) -> None:
        """Complete the state :meth:`save` wrote with ``tail=token``: ``last`` (the
        record's entries only the end of the build knows) and the address memo."""
        memo = self.address_memo()
        tail = {"token": token, "last": last, "folders": memo.folders, "profile": memo.profile}
        _atomic_write(self.dir / TAIL, pickle.dumps(tail, pickle.HIGHEST_PROTOCOL))


def _apply_tail(tail: Any, token: Any, last: dict[str, Any]) -> None:
    """Put a state's tail (:meth:`BuildCache.save_tail`) into its ``last``, in place.

    Without a tail of its own (the build stopped after its state was written), the
    record keeps its placeholders: an output signature no folder has, so nothing of that
    build's OUT is ever reused (its papers' works still are: they are keyed by content).
    """
    if not isinstance(tail, dict) or tail.get("token") != token:
        return
    folders, profile = tail.get("folders"), tail.get("profile")
    if not isinstance(folders, dict) or not isinstance(tail.get("last"), dict):
        return
    last.update(tail["last"])
    last["address"] = (profile, folders)


def user_cache_dir() -> Path | None:
    """The per-user cache shared by all journals: only TeX -> MathML conversions live
    there (formulas repeat across journals and builds, and converting them is a tenth of
    a cold build's paper time). ``$SITEGEN_CACHE_DIR``, else ``$XDG_CACHE_HOME/sitegen``,
    else ``~/.cache/sitegen``; ``SITEGEN_CACHE_DIR=off`` (or empty) turns it off."""
    chosen = os.environ.get("SITEGEN_CACHE_DIR")
    if chosen is not None:
        return Path(chosen) if chosen.strip() and chosen != "off" else None
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "sitegen"


def _read_pickle(path: Path) -> Any:
    """What ``path`` holds, or None when it is missing or unreadable (a cache miss)."""
    try:
        with path.open("rb") as fh:
            return pickle.load(fh)
    except (OSError, pickle.UnpicklingError, EOFError, AttributeError, ImportError):
        return None
    except (TypeError, ValueError, IndexError):
        return None


def _atomic_write(path: Path, data: bytes) -> None:
    tmp = path.with_name(f".{path.name}.tmp{os.getpid()}")
    tmp.write_bytes(data)
    os.replace(tmp, path)
