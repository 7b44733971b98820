"""The pipeline's small stages: attestations, page bodies, the build time, the theme's
environment, and the keys and entries the page memo needs.

Each is a function from plain data to plain data (plus diagnostics). ``pipeline`` calls
them in order; the body-only rebuild (``cache.delta``) calls the ones it shares.
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
from collections.abc import Mapping, Sequence
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

from sitegen.cache.digests import sha256_hex
from sitegen.cache.store import BuildCache
from sitegen.errors import ContentError, Diagnostic
from sitegen.gitinfo import last_commit
from sitegen.output import IN_PLACE
from sitegen.workers import paper_inputs_key

if TYPE_CHECKING:
    import jinja2

    from sitegen.attest.badges import Badge
    from sitegen.content.config import JournalConfig
    from sitegen.content.model import Journal, Paper
    from sitegen.ipfs.files import Node
    from sitegen.output import Content
    from sitegen.render.model import PaperEntry, Site
    from sitegen.render.theme import Theme
    from sitegen.render.work import PaperWork


def papers_warned(diags: Sequence[Diagnostic], papers: Sequence[Paper]) -> frozenset[str] | None:
    """Slugs of the papers whose folder a diagnostic names; None if one names no paper."""
    from sitegen.content.discover import display_path

    folders = {display_path(p.dir): p.slug for p in papers}
    warned: set[str] = set()
    for diag in diags:
        path = diag.path
        while path and path not in folders:
            path = path.rpartition("/")[0]
        if not path:
            return None
        warned.add(folders[path])
    return frozenset(warned)


def theme_environment(theme: Theme, cache: BuildCache | None) -> jinja2.Environment:
    """The theme's Jinja environment; with a cache, compiled templates are kept in it.

    Jinja keys compiled code by each template's source; the folder is named by sitegen's
    own code too, since our environment decides what a template compiles to: code
    compiled by another sitegen is never loaded (its folder is removed).
    """
    import jinja2

    from sitegen.cache.store import code_fingerprint
    from sitegen.render.theme import make_environment

    env = make_environment(theme)
    if cache is not None:
        folder = cache.dir / "jinja" / code_fingerprint()[:16]
        if not folder.is_dir():
            shutil.rmtree(folder.parent, ignore_errors=True)  # other code's, or older layout
            folder.mkdir(parents=True, exist_ok=True)
        env.bytecode_cache = jinja2.FileSystemBytecodeCache(str(folder))
    return env


def full_entry(
    cache: BuildCache, keys: Mapping[str, str], config: JournalConfig, entry: PaperEntry
) -> PaperEntry:
    """The entry with its paper's whole work, read back from the cache (see ``light_work``).

    The entry holds the light work's paper and render: only what they leave out is read
    back and put into them (``whole_parts``). Should that fail, the whole work is read;
    should the cache fail to give it back, the paper is processed again: slower, same bytes.
    """
    from sitegen.render.work import whole_parts

    key = keys[entry.slug]
    more = cache.get_paper_more(key)
    parts = None if more is None else whole_parts(entry.paper, entry.render, more)
    if parts is not None:
        return replace(entry, paper=parts[0], render=parts[1])
    work = cache.get_paper(key)
    if work is None or work.paper is None or work.render is None:
        from sitegen.render.paper import process_paper

        work = process_paper(entry.paper.dir, config)
    if work.paper is None or work.render is None:  # it loaded before; it must load again
        raise ContentError(f"paper {entry.slug!r} changed while the site was being built")
    return replace(entry, paper=work.paper, render=work.render)


def citation_policy(diags: list[Diagnostic], config: JournalConfig) -> list[Diagnostic]:
    """``unknown_citations: warning`` turns unknown citation keys into warnings."""
    if config.unknown_citations != "warning":
        return diags
    return [
        replace(d, severity="warning") if d.field == "citation" and d.severity == "error" else d
        for d in diags
    ]


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
) -> tuple[dict[str, list[Badge]], list[Diagnostic]]:
    """Badges per paper. ``now`` is the build's timestamp, not the clock: expiry is judged
    as of the commit being built, so the same commit always gives the same badges and CIDs."""
    from sitegen.attest.stage import attest_papers

    cids = {slug: cid for slug, (cid, _) in bundles.items() if cid is not None}
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
    commit = last_commit(source)
    if commit is not None:
        return dt.datetime.fromtimestamp(commit.time, tz=dt.UTC)
    dates = [d for p in journal.papers if (d := p.accepted or p.date) is not None]
    newest = max(dates, default=dt.date(1970, 1, 1))
    return dt.datetime(newest.year, newest.month, newest.day, tzinfo=dt.UTC)


def add_paper_files(
    tree: dict[str, Content],
    nodes: dict[str, Node],
    papers: Sequence[Paper],
    works: Mapping[str, PaperWork],
    keys: Mapping[str, str],
    reusable: Mapping[str, str],
    previous: Path | None,
    staged_here: set[str],
) -> None:
    """Put each paper's own files into ``tree`` (its ``source/`` folder, attestations and
    ``cite.*`` exports) and the nodes the workers made for them into ``nodes``.

    A source file comes from the previous OUT when the paper's content key is the one
    it was built with (``reusable``, the last build's keys), else from the paper folder;
    the worker listed the folder, and the key proves it unchanged. Files a worker wrote
    into the staging folder itself (``staged_here``, by slug) are ``IN_PLACE``.
    """
    for paper in papers:
        work = works[paper.slug]
        base = f"papers/{paper.slug}/"
        reuse = previous is not None and reusable.get(paper.slug) == keys[paper.slug]
        in_place = paper.slug in staged_here
        for rel, node in work.source_nodes.items():
            site_path = f"{base}source/{rel}"
            if in_place:
                tree[site_path] = IN_PLACE
            else:
                tree[site_path] = previous / site_path if reuse and previous else paper.dir / rel
            nodes[site_path] = node
        tree.update(attestation_files(paper))
        for name, data in work.citations.items():
            tree[base + name] = IN_PLACE if in_place else data
            if name in work.citation_nodes:
                nodes[base + name] = work.citation_nodes[name]
