"""Write the static search index, all of it or only what changed since the last build.

Layout under ``INDEX_DIR`` (the search page is ``search/index.html``, so the client
fetches these relative to itself as ``index/...``):

* ``meta.json``: ``{"v":format,"docs":count,"chunk":docs per chunk,"stop":[stopwords],
  "shards":[shard names]}``; the client fetches only shards listed there (no 404s);
* ``t/<hex>.json``: term shards, see ``shards.py``;
* ``docs/<n>.json``: ``[[url,title,authors,meta,excerpt], ...]`` for doc ids
  ``n*chunk`` to ``n*chunk+chunk-1``;
* ``f/volume.json``, ``f/subject.json``, ``f/author.json``: facet files for the search
  filters, ``[[value,[doc-id gaps]], ...]`` (see ``facets.py``); meta.json lists the
  names under ``"facets"``. The client fetches the volume and subject files alongside a
  query's shards and the author file only once results are listed (unless the URL filters
  by author), because it is the one that grows with the journal. Sizes on the benchmark
  corpus (``make_corpus.py``, whose name pool repeats: 1,875 distinct authors at 1k,
  2,549 at 10k): author 50 KB / 192 KB, subject 14 KB / 121 KB, volume 2 KB / 20 KB at
  1k / 10k papers; a journal whose ~30k authors are all distinct would have an author
  file of roughly 0.5-0.6 MB at 10k.

Doc ids are positions in the list handed to ``write_index``. An incremental update is
possible when that list has the same urls in the same order as last time: only docs
whose ``digest`` changed are applied, to the shards where their terms differ from the
terms ``IndexState`` remembers for them, read back from the previous build and checked
against the sha256 recorded for them. The facet files are rebuilt from all docs when a changed doc's
facet values changed (``IndexState.facet_sums``; about 5 ms at 1k docs, 25 ms at 10k)
and count as changed only when their bytes differ.
Anything unexpected (a missing or edited file, a new format)
falls back to a full build, so the output is always byte-identical to one.
"""

from __future__ import annotations

import hashlib
import json
from collections import defaultdict, deque
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from sitegen.searchindex.doc import SearchDoc
from sitegen.searchindex.facets import FACETS, facet_files
from sitegen.searchindex.shards import (
    SHARD_DIR,
    entry,
    join_entries,
    patch_shard,
    shard_key,
    shard_name,
)
from sitegen.searchindex.text import STOPWORDS

INDEX_DIR = "search/index"
"""Folder of the index inside the site."""
FORMAT = 3
"""The file layout's version (``meta.json``'s ``"v"``); another format means a full build."""
STATE_FORMAT = 100 * FORMAT + 1
"""``IndexState.format``: the layout's version and the state's own (+1: terms per doc
instead of per-shard keys and hashes). States of the earlier shape recorded ``FORMAT``."""
CHUNK = 100
"""Doc records per ``docs/<n>.json``."""
POSTING_BLOCK = 128
"""Docs whose postings ``full_index`` gathers before joining them per term (see
``_postings``; 32 and 512 were slower at 10k docs)."""
FULL_BUILD_SHARE = 0.25
"""Above this share of changed docs a full build is cheaper than patching."""

META_PATH = f"{INDEX_DIR}/meta.json"
SHARD_PREFIX = f"{INDEX_DIR}/{SHARD_DIR}/"


@dataclass(frozen=True, slots=True)
class IndexState:
    """What the next build needs to update the index in place; small and picklable."""

    format: int
    """``STATE_FORMAT``."""
    urls: tuple[str, ...]
    digests: tuple[str, ...]
    """``SearchDoc.digest`` per doc id."""
    terms: tuple[str, ...]
    """``SearchDoc.terms`` per doc id: an edited doc's terms are compared with these shard
    by shard (``shard_items``), so only the shards whose postings change are patched.

    Kept whole rather than as per-shard hashes, which the pool workers computed for
    every paper of a cold build (~0.09 ms a paper) to serve the rare doc an edit
    changes. The price is the state's size: 1.6 -> 4.9 KB a doc pickled on the
    benchmark corpus (~+33 MB at 10k papers), ~2 us more a doc to pickle, ~0.3 to load.
    """
    facet_sums: tuple[bytes, ...]
    """Per doc id, ``SearchDoc.facet_sum``: whether an edit changes the facet files."""
    files: tuple[tuple[str, str], ...]
    """``(site-relative path, sha256 hex)`` of every index file, sorted by path."""


@dataclass(frozen=True, slots=True)
class IndexFiles:
    """The index of one build: bytes of files that differ from the previous build's."""

    changed: dict[str, bytes]
    """Site-relative path -> bytes, for new files and files whose bytes changed."""
    unchanged: tuple[str, ...]
    """Paths whose bytes are identical to the same path in the previous build."""
    removed: tuple[str, ...] = ()
    """Paths the previous build had and this one has not."""


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _json(value: object) -> bytes:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode()


def _shard_path(key: str) -> str:
    return f"{SHARD_PREFIX}{shard_name(key)}.json"


def _key_of(path: str) -> str:
    """The shard key of a shard path (the inverse of ``_shard_path``)."""
    return bytes.fromhex(path[len(SHARD_PREFIX) : -len(".json")]).decode()


def _chunk_path(n: int) -> str:
    return f"{INDEX_DIR}/docs/{n}.json"


def _chunk(docs: Sequence[SearchDoc], n: int) -> bytes:
    part = docs[n * CHUNK : (n + 1) * CHUNK]
    return _json([[d.url, d.title, d.authors, d.meta, d.excerpt] for d in part])


def _meta(count: int, keys: Sequence[str]) -> bytes:
    names = sorted(shard_name(k) for k in keys)
    return _json(
        {
            "v": FORMAT,
            "docs": count,
            "chunk": CHUNK,
            "stop": sorted(STOPWORDS),
            "shards": names,
            "facets": list(FACETS),
        }
    )


def shard_items(terms: str) -> dict[str, set[str]]:
    """A doc's ``term:weight`` items (see ``SearchDoc.terms``) by shard key. A doc has
    each term once, so two docs' sets for a shard are equal exactly when their postings
    in that shard are."""
    groups: defaultdict[str, set[str]] = defaultdict(set)
    for item in terms.split(" ") if terms else ():
        groups[shard_key(item)].add(item)  # a term has two characters at least
    return groups


def _state(docs: Sequence[SearchDoc], files: dict[str, str]) -> IndexState:
    return IndexState(
        STATE_FORMAT,
        tuple(d.url for d in docs),
        tuple(d.digest for d in docs),
        tuple(d.terms for d in docs),
        tuple(d.facet_sum for d in docs),
        tuple(sorted(files.items())),
    )


def _postings(docs: Sequence[SearchDoc]) -> defaultdict[str, list[str]]:
    """Per term, its ``[docid,weight]`` postings in doc-id order, as pieces that join
    with ``","`` into the entry's posting list (``shards.entry``).

    Everything per posting runs in C (split, map, deque, join): this is most of a full
    build, and a Python-level loop per posting was twice as slow. A doc's postings are
    one string per weight it has, shared by its terms of that weight. The postings of
    ``POSTING_BLOCK`` docs at a time are gathered and joined per term, so they are
    joined while still in the CPU cache and only one string per term and block lives to
    the end. On the 10k benchmark docs (4.6M postings, 2k terms) that took
    ``write_index`` from ~1.2 to ~0.9 s (process_time, interleaved A/B) and its peak
    memory from ~360 to ~90 MB more than the docs'.
    """
    pieces: defaultdict[str, list[str]] = defaultdict(list)
    append, piece_list = list.append, pieces.__getitem__
    for start in range(0, len(docs), POSTING_BLOCK):
        block: defaultdict[str, list[str]] = defaultdict(list)
        lookup = block.__getitem__
        for docid, doc in enumerate(docs[start : start + POSTING_BLOCK], start):
            if not doc.terms:
                continue
            parts = doc.terms.replace(":", " ").split(" ")
            weights = parts[1::2]  # a doc's weights take a dozen values or so
            made = {w: f"[{docid},{w}]" for w in set(weights)}
            deque(map(append, map(lookup, parts[0::2]), map(made.__getitem__, weights)), maxlen=0)
        joined = map(",".join, block.values())
        deque(map(append, map(piece_list, block), joined), maxlen=0)
    return pieces


def full_index(docs: Sequence[SearchDoc]) -> tuple[dict[str, bytes], IndexState]:
    """Every index file for ``docs``, and the state to update it from next time."""
    postings = _postings(docs)
    by_shard: defaultdict[str, list[str]] = defaultdict(list)
    for term in sorted(postings):
        by_shard[shard_key(term)].append(term)
    files = {
        _shard_path(key): join_entries([entry(t, postings[t]) for t in terms])
        for key, terms in by_shard.items()
    }
    for n in range((len(docs) + CHUNK - 1) // CHUNK):
        files[_chunk_path(n)] = _chunk(docs, n)
    files.update(facet_files(docs, f"{INDEX_DIR}/"))
    files[META_PATH] = _meta(len(docs), list(by_shard))
    hashes = {p: _sha(b) for p, b in files.items()}
    return files, _state(docs, hashes)


def _full(docs: Sequence[SearchDoc], previous: IndexState | None) -> tuple[IndexFiles, IndexState]:
    """A full build, reporting as unchanged what ``previous`` recorded with the same hash."""
    files, state = full_index(docs)
    old = dict(previous.files) if previous else {}
    new = dict(state.files)
    same = tuple(sorted(p for p, h in new.items() if old.get(p) == h))
    changed = {p: b for p, b in sorted(files.items()) if old.get(p) != new[p]}
    removed = tuple(sorted(set(old) - set(new)))
    return IndexFiles(changed, same, removed), state


def _read_checked(previous_dir: Path, path: str, sha: str) -> bytes | None:
    try:
        data = (previous_dir / path).read_bytes()
    except OSError:
        return None
    return data if _sha(data) == sha else None


def _shard_changes(
    docs: Sequence[SearchDoc] | Mapping[int, SearchDoc],
    previous: IndexState,
    changed_ids: Sequence[int],
) -> tuple[dict[str, dict[int, dict[str, int]]], dict[str, list[int]]]:
    """What to patch: shard key -> doc id -> the doc's new terms in that shard, for the
    shards where its items differ; and, per shard, the changed docs that had postings there."""
    changes: dict[str, dict[int, dict[str, int]]] = defaultdict(dict)
    had: dict[str, list[int]] = defaultdict(list)
    for docid in changed_ids:
        before = shard_items(previous.terms[docid])
        after = shard_items(docs[docid].terms)
        for key in sorted(before.keys() | after.keys()):
            old, new = before.get(key), after.get(key)
            if old == new:
                continue
            parts = (item.partition(":") for item in new or ())
            changes[key][docid] = {term: int(weight) for term, _, weight in parts}
            if old:
                had[key].append(docid)
    return changes, had


def write_index(
    docs: Sequence[SearchDoc], previous: IndexState | None, previous_dir: Path | None
) -> tuple[IndexFiles, IndexState]:
    """The index files for ``docs`` (doc ids are positions) and the state for next time.

    With ``previous`` and ``previous_dir`` (the previous build's site root) and the same
    urls in the same order, only changed docs are applied; the result is byte-identical
    to a full build either way. ``unchanged`` lists files whose bytes ``previous`` recorded
    as identical; files are only read back (and checked) where a changed doc needs them.
    A file that fails its check makes every file come back in ``changed``.
    """
    if previous_dir is None or previous is None or previous.format != STATE_FORMAT:
        # nothing of a state of another format is trusted, not even its file hashes: an
        # older sitegen's IndexState unpickles into this class's fields by position
        return _full(docs, None)
    if previous.urls != tuple(d.url for d in docs):
        return _full(docs, previous)
    changed_ids = [i for i, d in enumerate(docs) if d.digest != previous.digests[i]]
    if len(changed_ids) > max(1, len(docs) * FULL_BUILD_SHARE):
        return _full(docs, previous)
    hashes = dict(previous.files)
    out: dict[str, bytes] = {}
    changes, had = _shard_changes(docs, previous, changed_ids)
    if not _patch_shards(changes, had, hashes, previous_dir, out):
        return _full(docs, None)  # the previous build's files cannot be trusted: rewrite all
    for n in sorted({i // CHUNK for i in changed_ids}):
        out[_chunk_path(n)] = _chunk(docs, n)
    if any(docs[i].facet_sum != previous.facet_sums[i] for i in changed_ids):
        out.update(facet_files(docs, f"{INDEX_DIR}/"))
    return _finish(out, hashes, previous, len(docs)), _state(docs, hashes)


def _patch_shards(
    changes: dict[str, dict[int, dict[str, int]]],
    had: dict[str, list[int]],
    hashes: dict[str, str],
    previous_dir: Path,
    out: dict[str, bytes],
) -> bool:
    """Patch each shard in ``changes`` into ``out`` (a shard left empty leaves ``hashes``);
    False when a previous shard fails its check."""
    for key in sorted(changes):
        path = _shard_path(key)
        if path in hashes:
            data = _read_checked(previous_dir, path, hashes[path])
            if data is None:
                return False
        else:
            data = b"{}"
        patched = patch_shard(data, changes[key], had.get(key, ()))
        if patched is None:
            del hashes[path]
        else:
            out[path] = patched
    return True


def _finish(
    out: dict[str, bytes], hashes: dict[str, str], previous: IndexState, count: int
) -> IndexFiles:
    """Add ``meta.json`` to the made files ``out``, record their hashes, and sort every file
    into changed (bytes differ from ``previous``), unchanged and removed."""
    live = {_key_of(p) for p in set(hashes).union(out) if p.startswith(SHARD_PREFIX)}
    out[META_PATH] = _meta(count, sorted(live))
    old = dict(previous.files)
    changed: dict[str, bytes] = {}
    for path, data in out.items():
        hashes[path] = _sha(data)
        if old.get(path) != hashes[path]:
            changed[path] = data
    unchanged = tuple(sorted(p for p in hashes if p not in changed))
    removed = tuple(sorted(set(old) - set(hashes)))
    return IndexFiles(dict(sorted(changed.items())), unchanged, removed)


def patch_index(
    previous: IndexState, previous_dir: Path, changed: Mapping[int, SearchDoc]
) -> tuple[IndexFiles, IndexState] | None:
    """``write_index`` for a build that knows only its changed docs (by doc id).

    The doc list keeps its urls and order (the caller checks), and no changed doc may
    change the facet files (``facet_sum``), which need every doc. Doc chunks are patched
    in place: the chunk is read back from ``previous_dir``, checked against its recorded
    hash, and the changed records replaced, which gives the bytes ``_chunk`` would. None
    when any of that does not hold or a file fails its check: the caller does a full build.
    """
    if previous.format != STATE_FORMAT:
        return None
    for docid, doc in changed.items():
        if not 0 <= docid < len(previous.urls) or previous.urls[docid] != doc.url:
            return None
        if doc.facet_sum != previous.facet_sums[docid]:
            return None
    ids = sorted(i for i, d in changed.items() if d.digest != previous.digests[i])
    hashes = dict(previous.files)
    out: dict[str, bytes] = {}
    changes, had = _shard_changes(changed, previous, ids)
    if not _patch_shards(changes, had, hashes, previous_dir, out):
        return None
    for n in sorted({i // CHUNK for i in ids}):
        path = _chunk_path(n)
        data = _read_checked(previous_dir, path, hashes.get(path, ""))
        if data is None:
            return None
        records = json.loads(data)
        for i in ids:
            if i // CHUNK == n:
                d = changed[i]
                records[i - n * CHUNK] = [d.url, d.title, d.authors, d.meta, d.excerpt]
        out[path] = _json(records)
    files = _finish(out, hashes, previous, len(previous.urls))
    digests, terms = list(previous.digests), list(previous.terms)
    for i in ids:
        digests[i], terms[i] = changed[i].digest, changed[i].terms
    state = IndexState(
        STATE_FORMAT,
        previous.urls,
        tuple(digests),
        tuple(terms),
        previous.facet_sums,
        tuple(sorted(hashes.items())),
    )
    return files, state
