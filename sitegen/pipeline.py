"""The build, top to bottom: load -> validate -> address -> attest -> render -> write.

Read this file as the table of contents of ``sitegen build``. Each stage is a function
from plain data to plain data plus diagnostics; the pipeline stops after a stage that
produced errors and reports all of them (STYLE 7.2). Only ``write`` touches OUT, and it
does so atomically.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import subprocess
import time
from collections.abc import Callable, Iterator, Mapping, MutableMapping, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from dataclasses import dataclass, field, replace
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING

from sitegen.cache.incremental import build_fingerprint, unchanged_result
from sitegen.cache.store import BuildCache, sha256_hex
from sitegen.errors import ContentError, Diagnostic, errors_in, warnings_in

if TYPE_CHECKING:  # the no-change path must not pay for importing the renderers
    from sitegen.content.config import JournalConfig
    from sitegen.content.model import IssueInfo, Journal, Page, Paper
    from sitegen.ipfs.files import Node
    from sitegen.render.math import MathResult
    from sitegen.render.model import PaperEntry, Site
    from sitegen.render.paper import PaperWork
    from sitegen.render.theme import Theme

log = logging.getLogger(__name__)

PARALLEL_THRESHOLD = 24
"""Below this many papers a process pool costs more than it saves."""
BATCHES_PER_WORKER = 6
"""Pool batches per worker: enough to balance the load and report progress, few enough
that sending each batch the math cache learned so far stays cheap."""
BATCH_MAX = 100
"""Papers per batch at most: a batch's results sit in the parent's memory at once."""

Progress = Callable[[int, int], None]
"""``progress(done, total)`` after each batch of papers; the command draws it."""


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
    tree: dict[str, bytes | Path]
    diagnostics: list[Diagnostic]
    nodes: dict[str, Node] = field(default_factory=dict)
    """Site path -> UnixFS node for files whose CID is already known (cache, workers)."""
    paper_keys: dict[str, str] = field(default_factory=dict)
    page_keys: dict[str, str] = field(default_factory=dict)


def output_dir(opts: BuildOptions) -> Path:
    if opts.output is not None:
        return opts.output.resolve()
    return (opts.source / "public").resolve()


def build(opts: BuildOptions) -> BuildResult:
    """Build the journal in ``opts.source`` into OUT, atomically; raise ContentError on errors.

    With the cache, a build whose inputs did not change returns the last result at once,
    and any other build re-renders only what changed, hard-linking the rest from the
    previous OUT into the staging folder; the swap stays atomic either way.
    """
    from sitegen.cache.incremental import previous_output, remember_build
    from sitegen.cache.stage import publish
    from sitegen.output import discard, stage_dir

    started = time.perf_counter()
    source = opts.source.resolve()
    out = output_dir(opts)
    cache = BuildCache(source) if opts.cache else None
    fingerprint = ""
    if cache is not None:
        fingerprint = build_fingerprint(source, out, _option_items(opts))
        done = unchanged_result(cache, fingerprint, out)
        if isinstance(done, BuildResult):
            return replace(done, seconds=time.perf_counter() - started)
    previous = previous_output(cache)
    # Nothing to reuse: pages go straight into a fresh staging folder as they are rendered.
    sink = stage_dir(out) if previous is None else None
    try:
        prepared = _prepare(opts, cache, previous, sink)
        staged = publish(prepared, out, cache=cache, previous=previous, car=opts.car, into=sink)
    except BaseException:
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
        warnings=warnings_in(prepared.diagnostics) + warnings_in(staged.search_diagnostics),
        errors=[],
    )
    if cache is not None:
        remember_build(
            cache,
            fingerprint=fingerprint,
            out=out,
            paper_keys=prepared.paper_keys,
            page_keys=prepared.page_keys,
            manifest=staged.manifest,
            search_key=staged.search_key,
            search_diagnostics=staged.search_diagnostics,
            result=result,
            online=opts.online,
        )
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
    return _prepare(opts, None, None, None)


def _prepare(
    opts: BuildOptions, cache: BuildCache | None, previous: Path | None, sink: Path | None
) -> Prepared:
    """``prepare``; with ``sink``, pages are written there as rendered (see SiteRenderer)."""
    import jinja2

    from sitegen.cache.pages import MemoRenderer
    from sitegen.content.config import load_config
    from sitegen.render.model import PaperEntry, build_site_model
    from sitegen.render.pages import SiteRenderer, render_split
    from sitegen.render.theme import make_environment, resolve_theme, static_files

    source = opts.source.resolve()
    diags: list[Diagnostic] = []

    config, found = load_config(source)
    diags += found
    _stop_on_errors(diags, opts.strict)
    assert config is not None

    journal, works, keys, found, staged_here = load_papers(
        config, cache, jobs=opts.jobs, progress=opts.progress, stage=sink
    )
    diags += found
    papers = journal.papers
    bundles = {w.slug: (w.bundle_cid, dict(w.file_cids)) for w in works.values() if w.paper}
    updated = build_time(source, journal)
    badges, found = attest(
        papers, bundles, config, online=opts.online, now=int(updated.timestamp())
    )
    diags += found

    renders = {slug: w.render for slug, w in works.items() if w.render is not None}
    diags += _citation_policy([d for p in papers for d in works[p.slug].render_diagnostics], config)
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
    theme = resolve_theme(config.root, config.theme, config.path)
    env = make_environment(theme)
    if cache is not None:  # compiled templates; Jinja checks each source's mtime itself
        env.bytecode_cache = jinja2.FileSystemBytecodeCache(str(cache.dir / "jinja"))
        (cache.dir / "jinja").mkdir(parents=True, exist_ok=True)
    assets = static_files(theme)
    css = [p for p in assets if p.endswith(".css")]
    tree: dict[str, bytes | Path] = dict(assets)
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
            previous=cache.pages,
            previous_out=previous,
            sink=sink,
            full_entry=partial(_full_entry, cache, keys, config),
        )
    workers = opts.jobs or os.cpu_count() or 1
    if sink is not None and workers > 1 and len(papers) >= PARALLEL_THRESHOLD:
        tree.update(render_split(renderer, page_bodies))
    else:
        tree.update(renderer.render_all(page_bodies))
    nodes.update(renderer.nodes)
    if isinstance(renderer, MemoRenderer):
        nodes.update(renderer.reused)
        page_keys = renderer.keys
    for paper in papers:
        work = works[paper.slug]
        base = f"papers/{paper.slug}/"
        reuse = (
            previous is not None
            and cache is not None
            and cache.paper_keys.get(paper.slug) == keys[paper.slug]
        )
        # the worker listed the research object; the folder key proves it is unchanged
        for rel, node in work.source_nodes.items():
            site_path = f"{base}source/{rel}"
            if sink is not None and paper.slug in staged_here:
                tree[site_path] = sink / site_path  # already there: written in place
            else:
                tree[site_path] = previous / site_path if reuse and previous else paper.dir / rel
            nodes[site_path] = node
        tree.update(attestation_files(paper))
        for name, data in work.citations.items():
            staged = sink is not None and paper.slug in staged_here
            tree[base + name] = sink / (base + name) if staged else data
            if name in work.citation_nodes:
                nodes[base + name] = work.citation_nodes[name]
    if opts.strict:
        diags = [d.as_error() for d in diags]
    return Prepared(
        config=config,
        site=site,
        tree=tree,
        diagnostics=diags,
        nodes=nodes,
        paper_keys=keys,
        page_keys=page_keys,
    )


def _full_entry(
    cache: BuildCache, keys: Mapping[str, str], config: JournalConfig, entry: PaperEntry
) -> PaperEntry:
    """The entry with its paper's whole work, read back from the cache (see ``light_work``).

    Should the cache fail to give it back, the paper is processed again: slower, same bytes.
    """
    from sitegen.render.paper import process_paper

    work = cache.get_paper(keys[entry.slug])
    if work is None or work.paper is None or work.render is None:
        work = process_paper(entry.paper.dir, config)
    return replace(entry, paper=work.paper, render=work.render)


def _stop_on_errors(diags: Sequence[Diagnostic], strict: bool) -> None:
    """Raise with every diagnostic (warnings too, so ``check`` shows them) if any is fatal."""
    shown = [d.as_error() for d in diags] if strict else list(diags)
    errors = errors_in(shown)
    if errors:
        raise ContentError(f"{len(errors)} error(s); nothing was written", shown)


# -- stages ----------------------------------------------------------------------------


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
    from sitegen.cache.store import FileDigests
    from sitegen.content.discover import discover
    from sitegen.content.journal import load_issues, load_page, paper_order
    from sitegen.content.model import Journal

    layout, diags = discover(config.root)
    paper_part = paper_inputs_key(config)
    digests = cache.files if cache is not None else FileDigests()
    keys = {
        folder.name: sha256_hex(paper_part, folder.name, digests.folder_digest(folder))
        for folder in layout.paper_dirs
    }
    works: dict[str, PaperWork] = {}
    todo: list[Path] = []
    for folder in layout.paper_dirs:
        cached = cache.get_light_paper(keys[folder.name]) if cache is not None else None
        if cached is not None:
            works[folder.name] = cached
        else:
            todo.append(folder)
    math: dict[str, MathResult] = {}
    if cache is not None and todo:
        math = cache.math_cache()
    staged_here: set[str] = set()
    for work in _process(todo, config, jobs, math, progress, stage):
        if stage is not None and work.paper is not None:
            staged_here.add(work.slug)
        if cache is not None:  # the page reads the whole work back from the cache
            work = cache.put_paper(keys[work.slug], work)
        works[work.slug] = work
    papers: list[Paper] = []
    for folder in layout.paper_dirs:
        work = works[folder.name]
        diags.extend(work.load_diagnostics)
        if work.paper is not None:
            papers.append(work.paper)
    pages: list[Page] = []
    for path in layout.page_files:
        page, page_diags = load_page(path)
        diags.extend(page_diags)
        if page is not None:
            pages.append(page)
    issues: tuple[IssueInfo, ...] = ()
    if layout.issues_file is not None:
        issues, issue_diags = load_issues(layout.issues_file)
        diags.extend(issue_diags)
    journal = Journal(
        root=config.root,
        papers=tuple(sorted(papers, key=paper_order)),
        pages=tuple(sorted(pages, key=lambda p: (p.order, p.slug))),
        issues=issues,
    )
    diags.sort(key=lambda d: (d.path, d.line or 0))
    return journal, works, keys, diags, staged_here


def _process(
    folders: Sequence[Path],
    config: JournalConfig,
    jobs: int | None,
    math: MutableMapping[str, MathResult],
    progress: Progress | None,
    stage: Path | None = None,
) -> Iterator[PaperWork]:
    """``process_paper`` over ``folders``, in a process pool when it pays.

    Works are yielded as batches finish (not in input order), so the caller can store
    and slim each one before the next arrives. Each batch starts from the math cache as
    learned so far (``math``, updated here with what every finished batch learned), so a
    formula seen once is not converted again by later batches.
    """
    from sitegen.render.paper import process_paper, process_papers

    total = len(folders)
    workers = min(jobs or os.cpu_count() or 1, max(1, total // 4))
    if workers <= 1 or total < PARALLEL_THRESHOLD:
        for done, folder in enumerate(folders, 1):
            yield process_paper(folder, config, math, stage)
            if progress is not None:
                progress(done, total)
        return
    size = min(BATCH_MAX, -(-total // (workers * BATCHES_PER_WORKER)))
    batches = [folders[i : i + size] for i in range(0, total, size)]
    done = 0
    with ProcessPoolExecutor(max_workers=workers) as pool:
        waiting: set[Future[tuple[list[PaperWork], dict[str, MathResult]]]] = set()
        queued = iter(batches)

        def submit() -> None:
            batch = next(queued, None)
            if batch is not None:  # a copy: the pool pickles it later, in another thread
                waiting.add(pool.submit(process_papers, batch, config, dict(math), stage))

        for _ in range(workers + 1):
            submit()
        while waiting:
            finished, _ = wait(waiting, return_when=FIRST_COMPLETED)
            for future in finished:
                waiting.discard(future)
                works, learned = future.result()
                math.update(learned)
                submit()
                done += len(works)
                yield from works
                if progress is not None:
                    progress(done, total)


def _citation_policy(diags: list[Diagnostic], config: JournalConfig) -> list[Diagnostic]:
    """``unknown_citations: warning`` turns unknown citation keys into warnings."""
    if config.unknown_citations != "warning":
        return diags
    return [
        replace(d, severity="warning") if d.field == "citation" and d.severity == "error" else d
        for d in diags
    ]


def paper_inputs_key(config: JournalConfig) -> str:
    """What every paper's work depends on besides its folder: code, config, working folder.

    The working folder is in it because diagnostics name files relative to it.
    """
    from sitegen.cache.store import code_fingerprint

    config_bytes = Path(config.path).read_bytes() if Path(config.path).is_file() else b""
    return sha256_hex(code_fingerprint(), config_bytes, os.getcwd(), str(config.root))


def site_key(config: JournalConfig, theme: Theme, cache: BuildCache, site: Site) -> str:
    """What every memoised page depends on besides its own papers.

    The build time is in it although the default templates do not show it on these pages:
    a theme may, and a page must never be stale.
    """
    theme_parts = [
        f"{folder}:{cache.files.folder_digest(folder)}"
        for folder in (*theme.template_dirs, theme.builtin_templates, *theme.static_dirs)
        if folder.is_dir()
    ]
    nav = [(p.slug, p.title, p.menu, p.order) for p in site.pages]
    return sha256_hex(paper_inputs_key(config), *theme_parts, repr(nav), site.updated.isoformat())


def attest(
    papers: Sequence[Paper],
    bundles: Mapping[str, tuple[str | None, dict[str, str]]],
    config: JournalConfig,
    *,
    online: bool,
    now: int,
) -> tuple[dict[str, list[object]], list[Diagnostic]]:
    """Badges per paper. ``now`` is the build's timestamp, not the clock: expiry is judged
    as of the commit being built, so the same commit always gives the same badges and CIDs."""
    from sitegen.attest.stage import attest_papers

    cids = {slug: cid for slug, (cid, _) in bundles.items()}
    badges, diags = attest_papers(
        papers, cids, config.attestations, root=config.root, online=online, now=now
    )
    return dict(badges), list(diags)


def render_pages(
    journal: Journal, config: JournalConfig
) -> tuple[dict[str, str], list[Diagnostic]]:
    from sitegen.render.paper import render_page_body

    bodies: dict[str, str] = {}
    diags: list[Diagnostic] = []
    for page in journal.pages:
        html, found = render_page_body(page, config.citation_style)
        bodies[page.slug] = html
        diags += found
    return bodies, diags


def attestation_files(paper: Paper) -> dict[str, bytes | Path]:
    folder = paper.dir / "attestations"
    if not folder.is_dir():
        return {}
    return {
        f"papers/{paper.slug}/attestations/{p.name}": p
        for p in sorted(folder.glob("*.json"))
        if p.is_file()
    }


def build_time(source: Path, journal: Journal) -> dt.datetime:
    """SOURCE_DATE_EPOCH, else the last git commit, else the newest content date: never the clock.

    Identical input must give identical bytes and CIDs on any machine, at any time.
    """
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch and epoch.strip().isdigit():
        return dt.datetime.fromtimestamp(int(epoch), tz=dt.UTC)
    commit = _git_commit_time(source)
    if commit is not None:
        return commit
    dates = [p.accepted or p.date for p in journal.papers if (p.accepted or p.date)]
    newest = max(dates) if dates else dt.date(1970, 1, 1)
    return dt.datetime(newest.year, newest.month, newest.day, tzinfo=dt.UTC)


def _git_commit_time(source: Path) -> dt.datetime | None:
    try:
        proc = subprocess.run(
            ["git", "log", "-1", "--format=%ct"],
            cwd=source,
            capture_output=True,
            text=True,
            timeout=10,
            check=False,
        )
    except (OSError, subprocess.SubprocessError):
        return None
    value = proc.stdout.strip()
    if proc.returncode != 0 or not value.isdigit():
        return None
    return dt.datetime.fromtimestamp(int(value), tz=dt.UTC)


__all__ = ["BuildOptions", "BuildResult", "build", "check", "prepare", "replace"]
