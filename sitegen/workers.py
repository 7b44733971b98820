"""Every paper loaded, addressed and rendered: from the cache, or in a process pool.

Papers are independent of each other, so this is the part of the build that uses every
core. Workers get a paper folder and a small config and send back a ``PaperWork``; the
parent stores each one in the cache as it arrives and keeps only its light form.
"""

from __future__ import annotations

import gc
import os
from collections.abc import Callable, Iterator, MutableMapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from sitegen.cache.digests import FileDigests, sha256_hex
from sitegen.cache.folderkeys import FolderKeys, MadeKeys, cid_digests, folder_key
from sitegen.cache.fragments import FragmentStore
from sitegen.cache.pack import StoredBatch, StoredWork, append_entries
from sitegen.cache.store import BuildCache
from sitegen.errors import Diagnostic

if TYPE_CHECKING:
    from concurrent.futures import Future
    from multiprocessing.context import BaseContext

    from sitegen.content.config import JournalConfig
    from sitegen.content.model import Journal, Paper
    from sitegen.render.math import MathResult
    from sitegen.render.work import PackedWork, PaperWork

    _BatchResult = tuple[
        Sequence[PaperWork | PackedWork] | StoredBatch, dict[str, MathResult], MadeKeys | None
    ]
    """What a pool worker sends back for a batch (``_worker_batch``)."""

FREEZE_EVERY = 200
"""Works kept between two ``gc.freeze`` calls (see ``pipeline._gc_frozen``): a full
collection while the pool runs would walk every work received so far."""
PARALLEL_THRESHOLD = 24
"""Below this many papers a process pool costs more than it saves."""
BATCH_SHARE = 3
"""A batch takes 1/(workers x this) of the papers not yet given out (:func:`batch_sizes`)."""
BATCH_MIN = 8
"""Papers per batch at least: smaller batches cost more in round trips than they balance."""
BATCH_MAX = 100
"""Papers per batch at most: a batch's results sit in the parent's memory at once."""

Progress = Callable[[int, int], None]
"""``progress(done, total)`` after each batch of papers; the command draws it."""


def load_papers(
    config: JournalConfig,
    cache: BuildCache | None,
    *,
    jobs: int | None,
    progress: Progress | None = None,
    stage: Path | None = None,
) -> tuple[Journal, dict[str, PaperWork], dict[str, str], list[Diagnostic], set[str]]:
    """The journal, with every paper loaded, addressed and rendered (cached or in a pool).

    Returns the journal, each paper's work, each paper folder's content key, the
    content-stage diagnostics sorted as ``load_journal`` sorts them, and the slugs whose
    files (``source/``, citations) the workers wrote into ``stage`` already.
    """
    from sitegen.content.discover import discover
    from sitegen.content.journal import assemble_journal

    layout, diags = discover(config.root)
    keys = FolderKeys(paper_inputs_key(config), cache.files if cache is not None else FileDigests())
    key_of = keys.of
    works: dict[str, PaperWork] = {}
    todo: list[Path] = []
    if cache is None or not cache.pack.index:
        # Nothing to look up: every folder is to do, and its key is made by the pool
        # worker that processes it (or here, without a pool), which hashes little beyond
        # what it reads anyway (at 10k papers, reading and hashing every file here first
        # kept both cores waiting ~0.7 s; hashing them here as batches were handed out
        # still cost ~1 s of the parent's CPU while the pool ran).
        todo = list(layout.paper_dirs)
    else:
        for folder in layout.paper_dirs:
            cached = cache.get_light_paper(key_of(folder))
            if cached is not None:
                works[folder.name] = cached
            else:
                todo.append(folder)
    math: MutableMapping[str, MathResult] = {}
    if cache is not None and todo:
        math = cache.math_cache()
    staged_here: set[str] = set()
    pack = None
    if cache is not None and todo:
        cache.pack.folder.mkdir(parents=True, exist_ok=True)
        pack = cache.pack.path()
    folders = {folder.name: folder for folder in todo}
    keyed = keys if cache is not None else None
    for done in _process(todo, config, jobs, math, progress, stage, keyed, pack):
        from sitegen.render.work import PackedWork  # only once something was processed

        if isinstance(done, StoredWork):
            assert cache is not None
            work = cache.put_stored(key_of(folders[done.light.slug]), done)
        elif isinstance(done, PackedWork):
            assert cache is not None
            work = cache.put_packed(key_of(folders[done.light.slug]), done)
        elif cache is not None:  # the page reads the whole work back from the cache
            work = cache.put_paper(key_of(folders[done.slug]), done)
        else:
            work = done
        if stage is not None and work.paper is not None:
            staged_here.add(work.slug)
        works[work.slug] = work
        if len(works) % FREEZE_EVERY == 0:
            gc.freeze()  # kept for the whole build: out of the collector's sight (pipeline)
    papers: list[Paper] = []
    in_order: dict[str, str] = {}
    for folder in layout.paper_dirs:
        in_order[folder.name] = key_of(folder)  # made by now unless processed without a pool
        work = works[folder.name]
        diags.extend(work.load_diagnostics)
        if work.paper is not None:
            papers.append(work.paper)
    journal, diags = assemble_journal(config, layout, papers, diags)
    return journal, works, in_order, diags, staged_here


def _process(
    folders: Sequence[Path],
    config: JournalConfig,
    jobs: int | None,
    math: MutableMapping[str, MathResult],
    progress: Progress | None,
    stage: Path | None = None,
    keys: FolderKeys | None = None,
    pack: Path | None = None,
) -> Iterator[PaperWork | PackedWork | StoredWork]:
    """``process_paper`` over ``folders``, in a process pool when it pays.

    Works are yielded as batches finish (not in input order), so the caller can store
    and slim each one before the next arrives. Each worker starts from the math cache
    the build began with (``math``, inherited when the worker is forked) and keeps what it
    converts for its later batches; ``math`` is updated here with what every finished
    batch learned. (Sending the cache with every batch cost the parent ~5 MB of pickling
    per batch at 10k papers.) With ``keys`` (the build caches: the folders' content
    keys), pool workers pickle each work for the cache themselves (``PackedWork``), and
    with ``pack`` (the cache's pack file) append it there too, so only its place comes
    back (``StoredBatch``; its light works are read from the pack, ``StoredWork``). A
    batch whose keys ``keys`` does not know yet is sent without them: its worker makes
    them (:func:`_worker_batch`), and ``keys`` takes them and the file digests behind
    them before the batch's works are yielded.
    """
    from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait

    from sitegen.render.paper import process_paper

    total = len(folders)
    workers = min(jobs or os.cpu_count() or 1, max(1, total // 4))
    if workers <= 1 or total < PARALLEL_THRESHOLD:
        for done, folder in enumerate(folders, 1):
            yield process_paper(folder, config, math, stage)
            if progress is not None:
                progress(done, total)
        return
    batches, start = [], 0
    for size in batch_sizes(total, workers):
        batches.append(folders[start : start + size])
        start += size
    done = 0
    seed = math.copy() if isinstance(math, FragmentStore) else dict(math)
    with ProcessPoolExecutor(
        max_workers=workers,
        mp_context=pool_context(),
        initializer=_seed_worker_math,
        initargs=(seed,),
    ) as pool:
        waiting: dict[Future[_BatchResult], tuple[Sequence[Path], list[str] | None]] = {}
        queued = iter(batches)

        def submit() -> None:
            batch = next(queued, None)
            if batch is None:
                return
            batch_keys = part = None
            if keys is not None:
                batch_keys = keys.known(batch)
                part = None if batch_keys is not None else keys.paper_part
            # ``batch`` is a copy: the pool pickles it later, in another thread
            job = pool.submit(_worker_batch, batch, config, stage, batch_keys, pack, part)
            waiting[job] = (batch, batch_keys)

        for _ in range(workers + 1):
            submit()
        while waiting:
            finished, _ = wait(waiting, return_when=FIRST_COMPLETED)
            for future in finished:
                batch, batch_keys = waiting.pop(future)
                result, learned, made = future.result()
                math.update(learned)
                submit()
                if made is not None:
                    assert keys is not None
                    batch_keys = keys.take(batch, made)
                works: Sequence[PaperWork | PackedWork | StoredWork]
                if isinstance(result, StoredBatch):
                    assert pack is not None and batch_keys is not None
                    stored = _kept(result, pack, batch_keys)
                    # Unreadable (never seen): the batch again, here, as the parent would.
                    works = stored or [process_paper(f, config, math, stage) for f in batch]
                else:
                    works = result
                done += len(works)
                yield from works
                if progress is not None:
                    progress(done, total)


def _kept(batch: StoredBatch, pack: Path, keys: Sequence[str]) -> list[StoredWork] | None:
    """``batch.works``, read with the cyclic collector off and frozen at once.

    The light works are kept for the whole build (``pipeline._gc_frozen``) and hold no
    cycles, but reading a batch back allocates ~30k objects: collections ran every 700
    of them and walked them all again, and again in older generations, before the
    next ``gc.freeze`` (~13% of reading them back).
    """
    if not gc.isenabled():
        return batch.works(pack, keys)
    gc.disable()
    try:
        stored = batch.works(pack, keys)
    finally:
        gc.freeze()
        gc.enable()
    return stored


def pool_context() -> BaseContext | None:
    """``fork`` where the system has it, else the platform's default.

    Workers inherit the build's formula cache and imported modules by forking, which
    costs nothing; started any other way they are sent a pickled copy of the cache (tens
    of MB at 10k papers) and import everything again. Python 3.14 made ``forkserver`` the
    default on Linux, so the method is named here rather than left to the default.
    """
    import multiprocessing

    if "fork" in multiprocessing.get_all_start_methods():
        return multiprocessing.get_context("fork")
    return None


def batch_sizes(total: int, workers: int) -> list[int]:
    """Batches that shrink as the papers run out (guided scheduling), summing to ``total``.

    Equal batches left one worker idle for up to a whole batch at the end (~0.3 s of a
    core at 1k papers); a batch of a share of what is left keeps the last ones small.
    """
    sizes: list[int] = []
    left = total
    while left > 0:
        size = min(left, BATCH_MAX, max(BATCH_MIN, -(-left // (workers * BATCH_SHARE))))
        sizes.append(size)
        left -= size
    return sizes


class _WorkerMath:
    """The formulas one pool worker process knows: seeded when the worker starts, grown
    by each batch it runs. State of a worker process only; the parent never touches it."""

    known: dict[str, MathResult] = {}  # noqa: RUF012 - per worker process, see above


def _seed_worker_math(math: dict[str, MathResult]) -> None:
    _WorkerMath.known = math  # the forked worker's own copy


def _worker_batch(
    folders: Sequence[Path],
    config: JournalConfig,
    stage: Path | None,
    keys: list[str] | None,
    pack: Path | None = None,
    paper_part: str | None = None,
) -> _BatchResult:
    """``process_papers`` in a pool worker, starting from what this worker knows.

    With ``pack`` the works are appended to the cache's pack here, and only where they
    lie goes back (the parent reads the light works from the pack, :class:`StoredBatch`).
    With ``paper_part`` (``paper_inputs_key``) instead of ``keys``, the folders' keys
    are made here (:func:`_keys_made`) and sent back (:class:`MadeKeys`, else None).

    The cyclic collector is off while the batch runs: a paper's tokens and trees are
    freed by reference counting when it is done, but until then every collection walked
    them (and, in full collections, the worker's whole formula cache), ~5% of a
    paper's time. The few cycles a paper leaves (closures, a class per YAML load) are
    collected once after the batch, and what survives it (the cache) is frozen out of
    later collections' sight.
    """
    from sitegen.render.paper import process_papers
    from sitegen.render.work import PackedWork

    made = None
    works: Sequence[PaperWork | PackedWork]
    gc.disable()
    try:
        if keys is None and paper_part is not None:
            works, learned, made = _keys_made(folders, config, stage, paper_part)
        else:
            works, learned = process_papers(folders, config, _WorkerMath.known, stage, keys)
    finally:
        gc.enable()
    _WorkerMath.known.update(learned)
    gc.collect(0)
    gc.freeze()
    packed = [w for w in works if isinstance(w, PackedWork)]
    if pack is None or not packed or len(packed) != len(works):
        return works, learned, made
    where = append_entries(pack, [w.entry for w in packed])
    if where is None:  # a short write: the parent appends them as before
        return works, learned, made
    lengths = tuple(length for _, length in where)
    stored = StoredBatch(where[0][0], lengths, tuple(w.light_length for w in packed))
    return stored, learned, made


def _keys_made(
    folders: Sequence[Path], config: JournalConfig, stage: Path | None, paper_part: str
) -> tuple[list[PackedWork], dict[str, MathResult], MadeKeys]:
    """``process_papers`` of a batch whose keys are made here, each work packed under its key.

    Each folder is listed (and its files stat-ed) before it is processed; processing
    reads every file of the research object and names each by its CID, which for a file
    of one raw leaf (the default profile) holds the sha256 of the bytes read, the
    folder digest's very hash. Only the other files (hidden ones, ``attestations/``,
    files of several chunks, any file under a CIDv0 profile) are read again here.
    """
    from sitegen.render.paper import process_papers
    from sitegen.render.work import PaperWork, light_work, pack_work

    digests = FileDigests()
    listings = [digests.listing(folder) for folder in folders]
    works, learned = process_papers(folders, config, _WorkerMath.known, stage)
    keys, packed = [], []
    for folder, listing, work in zip(folders, listings, works, strict=True):
        assert isinstance(work, PaperWork)
        digest = digests.listed_digest(listing, cid_digests(work))
        key = folder_key(paper_part, folder, digest)
        keys.append(key)
        packed.append(pack_work(key, work, light_work(work)))
    return packed, learned, MadeKeys(tuple(keys), digests.memo)


def paper_inputs_key(config: JournalConfig) -> str:
    """What every paper's work depends on besides its folder: code, config, working folder.

    The working folder is in it because diagnostics name files relative to it.
    """
    from sitegen.cache.store import code_fingerprint

    config_bytes = Path(config.path).read_bytes() if Path(config.path).is_file() else b""
    return sha256_hex(code_fingerprint(), config_bytes, os.getcwd(), str(config.root))
