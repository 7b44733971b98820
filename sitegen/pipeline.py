"""The build, top to bottom: load -> validate -> address -> attest -> render -> write.

Read this file as the table of contents of ``sitegen build``. Each stage is a function
from plain data to plain data plus diagnostics; the pipeline stops after a stage that
produced errors and reports all of them (STYLE 7.2). Only ``write`` touches OUT, and it
does so atomically.
"""

from __future__ import annotations

import gc
import logging
import time
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING

from sitegen.cache.incremental import Fingerprint, PendingFingerprint, unchanged_result
from sitegen.cache.spare import SpareWhen, leave_spare, wait_for_spare
from sitegen.cache.store import BuildCache
from sitegen.errors import ContentError, Diagnostic, errors_in, warnings_in
from sitegen.stages import (
    add_paper_files,
    attest,
    build_time,
    citation_policy,
    full_entry,
    papers_warned,
    render_pages,
    site_key,
    theme_environment,
)
from sitegen.workers import Progress, load_papers

if TYPE_CHECKING:  # the no-change path must not pay for importing the renderers
    from sitegen.cache.delta import DeltaBase
    from sitegen.cache.incremental import BuildRecord, EarlySave
    from sitegen.cache.indexjob import IndexJob, MadeIndex
    from sitegen.content.config import JournalConfig
    from sitegen.content.model import Journal
    from sitegen.ipfs.files import Node
    from sitegen.output import Content
    from sitegen.render.model import Site
    from sitegen.render.work import PaperWork
    from sitegen.searchindex import SearchDoc

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class BuildOptions:
    source: Path = Path(".")
    output: Path | None = None
    """Default: ``public/`` inside ``source``."""
    strict: bool = False
    jobs: int | None = None
    """Worker processes for the per-paper stage; None = one per core."""
    car: Path | None = None
    online: bool = False
    cache: bool = True
    """Use and update ``SRC/.sitegen/cache/``; False builds everything from scratch."""
    progress: Progress | None = None
    """Told how many of the papers to render are done; never part of the cache keys."""
    spare_after_cold: SpareWhen = "never"
    """After a build with nothing to reuse, leave a spare tree (``sitegen.cache.spare``)
    so the first edit syncs it instead of linking all of OUT: ``now`` before returning
    (``serve``, whose first edit is interactive), ``later`` in a detached process after
    the command exits (``sitegen build``)."""


@dataclass(frozen=True, slots=True)
class BuildResult:
    ok: bool
    papers: int
    pages: int
    files: int
    root: str | None
    out: str
    seconds: float
    warnings: list[Diagnostic] = field(default_factory=list)
    errors: list[Diagnostic] = field(default_factory=list)

    def to_json(self) -> dict[str, object]:
        return {
            "ok": self.ok,
            "papers": self.papers,
            "pages": self.pages,
            "files": self.files,
            "root": self.root,
            "out": self.out,
            "seconds": round(self.seconds, 3),
            "warnings": [d.to_json() for d in self.warnings],
            "errors": [d.to_json() for d in self.errors],
        }


@dataclass(frozen=True, slots=True)
class Prepared:
    """Everything a build has decided before it writes a byte."""

    config: JournalConfig
    site: Site
    tree: dict[str, Content]
    diagnostics: list[Diagnostic]
    nodes: dict[str, Node] = field(default_factory=dict)
    """Site path -> UnixFS node for files whose CID is already known (cache, workers)."""
    paper_keys: dict[str, str] = field(default_factory=dict)
    page_keys: dict[str, str] = field(default_factory=dict)
    search_docs: list[SearchDoc] = field(default_factory=list)
    """One per paper, sorted by URL: the search index's doc ids are positions in it."""
    delta_base: DeltaBase | None = None
    """What the next body-only rebuild starts from (``sitegen.cache.delta``)."""
    made_index: MadeIndex | None = None
    """The full search index, already in the staging folder (``cache.indexjob``)."""


def output_dir(opts: BuildOptions) -> Path:
    if opts.output is not None:
        return opts.output.resolve()
    return (opts.source / "public").resolve()


def build(opts: BuildOptions) -> BuildResult:
    """Build the journal in ``opts.source`` into OUT, atomically; raise ContentError on errors.

    See :func:`build_and_hold`, which this is without the held memory.
    """
    return build_and_hold(opts)[0]


def build_and_hold(opts: BuildOptions) -> tuple[BuildResult, object]:
    """:func:`build`, also returning what the build held in memory: the site model, the
    tree and its nodes, every paper's work. Freeing those millions of objects takes a
    10k-paper build ~0.25 s when it returns; a process about to exit without freeing
    anything (``cli.run``) holds them instead.

    With the cache, a build whose inputs did not change returns the last result at once;
    a build where only paper texts changed takes the body-only rebuild
    (``sitegen.cache.delta``); any other build re-renders only what changed, hard-linking
    the rest from the previous OUT into the staging folder. The swap is atomic either way.
    """
    from sitegen.cache.incremental import previous_output, remember_build
    from sitegen.cache.stage import publish
    from sitegen.output import discard, stage_dir

    started = time.perf_counter()
    source = opts.source.resolve()
    out = output_dir(opts)
    # The inputs' stat walk runs beside the cache load (a forked helper): both are needed.
    pending = PendingFingerprint(source, out, _option_items(opts)) if opts.cache else None
    cache = BuildCache(source) if opts.cache else None
    stamp = Fingerprint("", "", {})
    if cache is not None and pending is not None:
        stamp = pending.finish()
        done = unchanged_result(cache, stamp.whole, out)
        if isinstance(done, BuildResult):
            return replace(done, seconds=time.perf_counter() - started), cache
        wait_for_spare(cache)  # this build may take the spare, or replace OUT
    previous = previous_output(cache)
    if cache is not None and previous is not None and opts.car is None and not opts.online:
        done = _body_only(cache, source, out, previous, stamp, started)
        if done is not None:
            return done, cache  # its loaded state: ~0.04 s to free at 10k papers
    # Nothing to reuse: pages go straight into a fresh staging folder as they are rendered.
    sink = stage_dir(out) if previous is None else None
    early: list[EarlySave] = []
    try:
        with _gc_frozen():
            prepared = _prepare(opts, cache, previous, sink)
            saving = None
            if cache is not None and sink is not None and opts.car is None:
                saving = partial(_save_early, early, cache, opts, stamp, prepared, out)
            staged = publish(
                prepared,
                out,
                cache=cache,
                previous=previous,
                car=opts.car,
                into=sink,
                before_address=saving,
            )
    except BaseException:
        for job in early:
            job.abandon()
        if sink is not None:
            discard(sink)
        raise
    result = BuildResult(
        ok=True,
        papers=len(prepared.site.papers),
        pages=sum(1 for p in prepared.tree if p.endswith(".html")),
        files=staged.files,
        root=staged.root,
        out=str(out),
        seconds=time.perf_counter() - started,
        warnings=warnings_in(prepared.diagnostics),
        errors=[],
    )
    held = (prepared, staged, cache)
    if cache is None:
        return result, held
    # nothing to reuse: the next build's spare, as asked (``sitegen.cache.spare``)
    spare = (
        sink is not None
        and opts.car is None
        and leave_spare(opts.spare_after_cold, out, staged.manifest, cache)
    )
    if early and early[0].finish(out, result, spare_is_out=spare):
        return result, held
    record = _record(opts, stamp, prepared, out, staged.manifest, staged.search_state)
    remember_build(cache, record, result=result, spare_is_out=spare)
    return result, held


def _record(
    opts: BuildOptions,
    stamp: Fingerprint,
    prepared: Prepared,
    out: Path,
    manifest: Mapping[str, Node],
    search_state: object,
) -> BuildRecord:
    """What a full build leaves for the next (``incremental.remember_build``)."""
    from sitegen.cache.incremental import BuildRecord

    return BuildRecord(
        fingerprint=stamp.whole,
        out=out,
        paper_keys=prepared.paper_keys,
        page_keys=prepared.page_keys,
        manifest=manifest,
        search_state=search_state,
        online=opts.online,
        frame=stamp.frame,
        papers=stamp.papers,
        delta=prepared.delta_base,
    )


def _save_early(
    started: list[EarlySave],
    cache: BuildCache,
    opts: BuildOptions,
    stamp: Fingerprint,
    prepared: Prepared,
    out: Path,
    manifest: dict[str, Node],
    search_state: object,
) -> None:
    """``publish``'s ``before_address`` in a build with nothing to reuse: the cache
    state is written beside the addressing (``EarlySave``), its tail after the swap."""
    from sitegen.cache.incremental import EarlySave
    from sitegen.ipfs.profiles import get_profile

    record = _record(opts, stamp, prepared, out, manifest, search_state)
    profile = get_profile(prepared.config.cid_profile).name
    started.append(EarlySave(cache, record, profile=profile))


def _body_only(
    cache: BuildCache,
    source: Path,
    out: Path,
    previous: Path,
    stamp: Fingerprint,
    started: float,
) -> BuildResult | None:
    """The rebuild of ``sitegen.cache.delta`` when only paper bodies changed, else None."""
    from sitegen.cache.delta import prepare_delta, write_delta
    from sitegen.cache.incremental import BuildRecord, remember_build

    last = cache.last
    result = last.get("result")
    if not isinstance(result, BuildResult):
        return None
    delta = prepare_delta(source, cache, previous, stamp)
    root = write_delta(delta, cache, previous, out) if delta is not None else None
    if delta is None or root is None:
        cache.files.complete = True  # the full build walks every folder again
        return None
    for key, work in delta.works.items():
        cache.put_paper(key, work)
    result = replace(
        result, root=root, files=len(delta.manifest) + 1, seconds=time.perf_counter() - started
    )
    record = BuildRecord(
        fingerprint=stamp.whole,
        out=out,
        paper_keys=delta.paper_keys,
        page_keys=delta.page_keys,
        manifest=delta.manifest,
        search_state=delta.search_state,
        online=False,
        frame=stamp.frame,
        papers=stamp.papers,
        delta=last.get("delta"),
    )
    remember_build(cache, record, result=result, changed=delta.changed)
    return result


def _option_items(opts: BuildOptions) -> dict[str, object]:
    return {"strict": opts.strict, "car": str(opts.car), "online": opts.online}


def check(opts: BuildOptions) -> list[Diagnostic]:
    """Everything ``build`` validates, writing nothing; returns all diagnostics."""
    try:
        prepared = prepare(opts)
    except ContentError as exc:
        return exc.diagnostics
    return prepared.diagnostics


def prepare(opts: BuildOptions) -> Prepared:
    """load -> validate -> address bundles -> attest -> render; raise ContentError on errors."""
    with _gc_frozen():
        return _prepare(opts, None, None, None)


@contextmanager
def _gc_frozen() -> Iterator[None]:
    """Let the build freeze what it keeps; unfreeze when the build is done.

    Frozen: the works as they arrive (``workers.load_papers``), then after the site model
    and after the pages (``_prepare``) and before addressing (``cache.stage.publish``).

    The papers' works and the site model are millions of long-lived objects, which every
    full collection of the cyclic garbage collector walks again (at 10k papers each walk
    took ~0.5 s, several times a build, and a forked page renderer inherits the same).
    ``gc.freeze`` moves them out of its sight; unfreezing afterwards hands them back, so a
    long-lived ``serve`` process still frees them when they become garbage.
    """
    try:
        yield
    finally:
        gc.unfreeze()


def _prepare(
    opts: BuildOptions, cache: BuildCache | None, previous: Path | None, sink: Path | None
) -> Prepared:
    """``prepare``; with ``sink``, pages are written there as rendered (see SiteRenderer)."""
    from sitegen.content.config import load_config

    source = opts.source.resolve()
    diags: list[Diagnostic] = []

    config, found = load_config(source)
    diags += found
    _stop_on_errors(diags, opts.strict)
    assert config is not None

    journal, works, keys, found, staged_here = load_papers(
        config, cache, jobs=opts.jobs, progress=opts.progress, stage=sink
    )
    gc.freeze()  # see _gc_frozen
    diags += found
    papers = journal.papers
    docs = [d for p in papers if (d := works[p.slug].search) is not None]
    search_docs = sorted(docs, key=lambda d: d.url)
    doomed = bool(errors_in(_as_shown(diags, opts.strict)))
    loaded = _Loaded(config, journal, works, keys, staged_here, search_docs)
    from sitegen.cache.indexjob import index_beside
    from sitegen.ipfs.profiles import get_profile

    profile = get_profile(config.cid_profile)
    with index_beside(opts.jobs, sink, search_docs, profile, stopping=doomed) as job:
        return _prepare_site(opts, cache, previous, sink, loaded, diags, job)


@dataclass(frozen=True, slots=True)
class _Loaded:
    """What the paper stage of ``_prepare`` hands to the rest of it."""

    config: JournalConfig
    journal: Journal
    works: dict[str, PaperWork]
    keys: dict[str, str]
    """Paper folder name -> its content key."""
    staged_here: set[str]
    """Slugs whose ``source/`` and citation files the workers wrote into the sink."""
    search_docs: list[SearchDoc]


def _prepare_site(
    opts: BuildOptions,
    cache: BuildCache | None,
    previous: Path | None,
    sink: Path | None,
    loaded: _Loaded,
    diags: list[Diagnostic],
    job: IndexJob | None,
) -> Prepared:
    """``_prepare`` after the paper pool: attest, build the site model, render every page."""
    from sitegen.cache.pages import MemoRenderer
    from sitegen.render.model import PaperEntry, build_site_model
    from sitegen.render.pages import SiteRenderer, render_split
    from sitegen.render.theme import resolve_theme, static_files

    source = opts.source.resolve()
    config, journal, works, keys = loaded.config, loaded.journal, loaded.works, loaded.keys
    staged_here, search_docs = loaded.staged_here, loaded.search_docs
    papers = journal.papers
    bundles = {w.slug: (w.bundle_cid, dict(w.file_cids)) for w in works.values() if w.paper}
    updated = build_time(source, journal)
    badges, found = attest(
        papers, bundles, config, online=opts.online, now=int(updated.timestamp())
    )
    diags += found

    renders = {slug: w.render for slug, w in works.items() if w.render is not None}
    diags += citation_policy([d for p in papers for d in works[p.slug].render_diagnostics], config)
    page_bodies, found = render_pages(journal, config)
    diags += found
    _stop_on_errors(diags, opts.strict)

    entries = [
        PaperEntry(
            paper=paper,
            render=renders[paper.slug],
            bundle_cid=bundles[paper.slug][0],
            file_cids=bundles[paper.slug][1],
            badges=tuple(badges.get(paper.slug, ())),
        )
        for paper in papers
    ]
    site = build_site_model(config, entries, journal.pages, journal.issues, updated=updated)
    gc.freeze()
    theme = resolve_theme(config.root, config.theme, config.path)
    env = theme_environment(theme, cache)
    assets = static_files(theme)
    css = [p for p in assets if p.endswith(".css")]
    tree: dict[str, Content] = dict(assets)
    nodes: dict[str, Node] = {}
    page_keys: dict[str, str] = {}
    renderer: SiteRenderer
    if cache is None:
        renderer = SiteRenderer(site, env, css, sink=sink)
    else:
        renderer = MemoRenderer(
            site,
            env,
            css,
            site_key=site_key(config, theme, cache, site),
            paper_keys=keys,
            meta_digests={slug: w.meta_digest for slug, w in works.items()},
            previous=cache.pages,
            previous_out=previous,
            sink=sink,
            full_entry=partial(full_entry, cache, keys, config),
        )
    made_index = None
    if job is not None:  # the index is being made beside: render the pages in two processes
        tree.update(render_split(renderer, page_bodies))
        made_index = job.finish()
    else:
        tree.update(renderer.render_all(page_bodies))
    nodes.update(renderer.nodes)
    gc.freeze()  # the pages' nodes: kept to the end of the build, see _gc_frozen
    if isinstance(renderer, MemoRenderer):
        nodes.update(renderer.reused)
        page_keys = renderer.keys
    reusable = cache.paper_keys if previous is not None and cache is not None else {}
    written = staged_here if sink is not None else set()  # by the workers, into the sink
    add_paper_files(tree, nodes, papers, works, keys, reusable, previous, written)
    if opts.strict:
        diags = [d.as_error() for d in diags]
    delta_base = None
    if isinstance(renderer, MemoRenderer):
        from sitegen.cache.delta import make_base

        noisy = papers_warned(diags, papers)
        if noisy is not None:  # warnings beyond the papers' own: always a full build
            delta_base = make_base(site, renderer.site_key, works, noisy)
    return Prepared(
        config=config,
        site=site,
        tree=tree,
        diagnostics=diags,
        nodes=nodes,
        paper_keys=keys,
        page_keys=page_keys,
        search_docs=search_docs,
        delta_base=delta_base,
        made_index=made_index,
    )


def _as_shown(diags: Sequence[Diagnostic], strict: bool) -> list[Diagnostic]:
    """The diagnostics as the build judges them: with ``--strict`` every one an error."""
    return [d.as_error() for d in diags] if strict else list(diags)


def _stop_on_errors(diags: Sequence[Diagnostic], strict: bool) -> None:
    """Raise with every diagnostic (warnings too, so ``check`` shows them) if any is fatal."""
    shown = _as_shown(diags, strict)
    errors = errors_in(shown)
    if errors:
        raise ContentError(f"{len(errors)} error(s); nothing was written", shown)
