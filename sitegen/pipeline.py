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
from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field, replace
from pathlib import Path

from sitegen.content.config import JournalConfig, load_config
from sitegen.content.journal import load_journal
from sitegen.content.model import Journal, Paper
from sitegen.errors import ContentError, Diagnostic, errors_in, warnings_in
from sitegen.output import discard, stage_dir, swap_in, write_tree
from sitegen.render.model import PaperEntry, PaperRender, Site, build_site_model
from sitegen.render.pages import render_site
from sitegen.render.paper import render_page_body, render_paper
from sitegen.render.theme import make_environment, resolve_theme, static_files
from sitegen.search import index_search

log = logging.getLogger(__name__)

PARALLEL_THRESHOLD = 24
"""Below this many papers a process pool costs more than it saves."""


@dataclass(frozen=True, slots=True)
class BuildOptions:
    source: Path = Path(".")
    output: Path | None = None
    """Default: ``public/`` inside ``source``."""
    strict: bool = False
    jobs: int | None = None
    car: Path | None = None
    online: bool = False


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


def output_dir(opts: BuildOptions) -> Path:
    if opts.output is not None:
        return opts.output.resolve()
    return (opts.source / "public").resolve()


def build(opts: BuildOptions) -> BuildResult:
    """Build the journal in ``opts.source`` into OUT, atomically; raise ContentError on errors."""
    started = time.perf_counter()
    prepared = prepare(opts)
    out = output_dir(opts)
    staged = stage_dir(out)
    try:
        files = write_tree(prepared.tree, staged)
        search_diags = index_search(staged, prepared.config)
        root = address(staged, prepared.config, car=opts.car)
        swap_in(staged, out)
    except BaseException:
        discard(staged)
        raise
    pages = sum(1 for p in prepared.tree if p.endswith(".html"))
    return BuildResult(
        ok=True,
        papers=len(prepared.site.papers),
        pages=pages,
        files=files + 1,  # cids.json
        root=root,
        out=str(out),
        seconds=time.perf_counter() - started,
        warnings=warnings_in(prepared.diagnostics) + warnings_in(search_diags),
        errors=[],
    )


def check(opts: BuildOptions) -> list[Diagnostic]:
    """Everything ``build`` validates, writing nothing; returns all diagnostics."""
    try:
        prepared = prepare(opts)
    except ContentError as exc:
        return exc.diagnostics
    return prepared.diagnostics


def prepare(opts: BuildOptions) -> Prepared:
    """load -> validate -> address bundles -> attest -> render; raise ContentError on errors."""
    source = opts.source.resolve()
    diags: list[Diagnostic] = []

    config, found = load_config(source)
    diags += found
    _stop_on_errors(diags, opts.strict)
    assert config is not None

    journal, found = load_journal(config)
    diags += found

    bundles = address_bundles(journal.papers, config)
    badges, found = attest(journal.papers, bundles, config, online=opts.online)
    diags += found

    renders, found = render_papers(journal.papers, config, jobs=opts.jobs)
    diags += found
    page_bodies, found = render_pages(journal, config)
    diags += found
    _stop_on_errors(diags, opts.strict)

    entries = [
        PaperEntry(
            paper=paper,
            render=renders[paper.slug],
            bundle_cid=bundles[paper.slug][0] if paper.slug in bundles else None,
            file_cids=bundles[paper.slug][1] if paper.slug in bundles else {},
            badges=tuple(badges.get(paper.slug, ())),
        )
        for paper in journal.papers
    ]
    site = build_site_model(
        config, entries, journal.pages, journal.issues, updated=build_time(source, journal)
    )
    theme = resolve_theme(config.root, config.theme, config.path)
    env = make_environment(theme)
    assets = static_files(theme)
    css = [p for p in assets if p.endswith(".css")]
    tree: dict[str, bytes | Path] = dict(assets)
    tree.update(render_site(site, env, rendered_pages=page_bodies, css=css))
    for paper in journal.papers:
        tree.update(research_object_files(paper))
        tree.update(attestation_files(paper))
        tree.update(citation_files(paper, config))
    if opts.strict:
        diags = [d.as_error() for d in diags]
    return Prepared(config=config, site=site, tree=tree, diagnostics=diags)


def _stop_on_errors(diags: Sequence[Diagnostic], strict: bool) -> None:
    """Raise with every diagnostic (warnings too, so ``check`` shows them) if any is fatal."""
    shown = [d.as_error() for d in diags] if strict else list(diags)
    errors = errors_in(shown)
    if errors:
        raise ContentError(f"{len(errors)} error(s); nothing was written", shown)


# -- stages ----------------------------------------------------------------------------


def address_bundles(
    papers: Sequence[Paper], config: JournalConfig
) -> dict[str, tuple[str, dict[str, str]]]:
    """Each paper's bundle CID (its ``source/`` folder) and the CIDs of its files."""
    from sitegen.ipfs.importer import add_path
    from sitegen.ipfs.profiles import get_profile

    profile = get_profile(config.cid_profile)
    result = {}
    for paper in papers:
        added = add_path(paper.dir, profile, hidden=False, exclude=_not_in_bundle)
        result[paper.slug] = (added.root, dict(added.files))
    return result


def _not_in_bundle(rel: str) -> bool:
    return rel == "attestations" or rel.startswith("attestations/")


def attest(
    papers: Sequence[Paper],
    bundles: dict[str, tuple[str, dict[str, str]]],
    config: JournalConfig,
    *,
    online: bool,
) -> tuple[dict[str, list[object]], list[Diagnostic]]:
    from sitegen.attest.stage import attest_papers

    cids = {slug: cid for slug, (cid, _) in bundles.items()}
    badges, diags = attest_papers(
        papers, cids, config.attestations, root=config.root, online=online, now=int(time.time())
    )
    return dict(badges), list(diags)


def render_papers(
    papers: Sequence[Paper], config: JournalConfig, *, jobs: int | None
) -> tuple[dict[str, PaperRender], list[Diagnostic]]:
    """Markdown, math and citations per paper; in a process pool when it pays."""
    workers = jobs or os.cpu_count() or 1
    style = config.citation_style
    if workers > 1 and len(papers) >= PARALLEL_THRESHOLD:
        with ProcessPoolExecutor(max_workers=workers) as pool:
            results = list(pool.map(render_paper, papers, [style] * len(papers), chunksize=8))
    else:
        results = [render_paper(p, style) for p in papers]
    renders: dict[str, PaperRender] = {}
    diags: list[Diagnostic] = []
    for paper_render, found in results:
        renders[paper_render.slug] = paper_render
        diags += found
    if config.unknown_citations == "warning":
        diags = [
            replace(d, severity="warning") if d.field == "citation" and d.severity == "error" else d
            for d in diags
        ]
    return renders, diags


def render_pages(
    journal: Journal, config: JournalConfig
) -> tuple[dict[str, str], list[Diagnostic]]:
    bodies: dict[str, str] = {}
    diags: list[Diagnostic] = []
    for page in journal.pages:
        html, found = render_page_body(page, config.citation_style)
        bodies[page.slug] = html
        diags += found
    return bodies, diags


def research_object_files(paper: Paper) -> dict[str, bytes | Path]:
    """``papers/<slug>/source/``: the paper folder byte for byte, minus attestations and dot-files."""
    files: dict[str, bytes | Path] = {}
    for path in sorted(paper.dir.rglob("*")):
        rel = path.relative_to(paper.dir).as_posix()
        if _not_in_bundle(rel) or any(part.startswith(".") for part in rel.split("/")):
            continue
        if path.is_file() and not path.is_symlink():
            files[f"papers/{paper.slug}/source/{rel}"] = path
    return files


def attestation_files(paper: Paper) -> dict[str, bytes | Path]:
    folder = paper.dir / "attestations"
    if not folder.is_dir():
        return {}
    return {
        f"papers/{paper.slug}/attestations/{p.name}": p
        for p in sorted(folder.glob("*.json"))
        if p.is_file()
    }


def citation_files(paper: Paper, config: JournalConfig) -> dict[str, bytes | Path]:
    from sitegen.render.cite_export import paper_citation_files
    from sitegen.render.meta import absolute

    url = None
    if config.base_url:
        url = config.base_url.rstrip("/") + f"/papers/{paper.slug}/"
    files = paper_citation_files(paper, config, url=url)
    _ = absolute
    return {f"papers/{paper.slug}/{name}": data for name, data in files.items()}


def address(staged: Path, config: JournalConfig, *, car: Path | None) -> str:
    """CIDs of the whole output (``cids.json``) and the site root; optionally the CAR."""
    from sitegen.ipfs.profiles import get_profile
    from sitegen.ipfs.site import address_site

    result = address_site(staged, get_profile(config.cid_profile), car=car)
    return result.root


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
