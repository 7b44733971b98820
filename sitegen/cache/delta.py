"""The body-only rebuild: a few papers changed, and nothing another page shows of them did.

Most edits to a journal are edits of a paper's text. After such an edit a full rebuild
reads every paper's light work, rebuilds the site model, keys every listing page and
addresses every file, only to find that one paper page, the paper's files, the feeds and
a few search shards changed. This module makes exactly those, on top of the previous OUT:

- the *frame* (every input but the paper folders: config, theme, pages, code, options,
  clock) is unchanged, and so is the set of paper folders;
- at most ``DELTA_MAX`` folders changed, each loads and renders without a diagnostic;
- for each, what other pages show of it is unchanged: its meta digest (``PaperWork``)
  and its badges (``DeltaBase.listed``), and the theme's listing templates do not print
  CIDs (then a listing would change with the bundle CID).

Then it renders the changed papers' pages (their author and subject keys come from the
last full build), the feeds if one of them is in them, patches the search index
(``patch_index``) and re-addresses only the folders above changed files (``readdress``).
The result is byte-identical to a full build (tested against one); any condition that
does not hold returns None and the caller runs the full build.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sitegen.cache.digests import sha256_hex
from sitegen.cache.incremental import PAPERS_DIR, Fingerprint, Flat
from sitegen.cache.store import BuildCache
from sitegen.content.discover import PAPER_FILE

if TYPE_CHECKING:
    from sitegen.content.config import JournalConfig
    from sitegen.content.model import Page
    from sitegen.render.model import PaperEntry, Site
    from sitegen.render.work import PaperWork

DELTA_MAX = 32
"""Changed papers a body-only rebuild takes on; more go through the full build."""


@dataclass(frozen=True, slots=True)
class DeltaBase:
    """What a full build leaves for the next body-only rebuild (kept in the cache state)."""

    site_key: str
    """``stages.site_key`` of that build: part of every paper page's key."""
    listed: dict[str, str]
    """slug -> :func:`listed_digest`: what pages other than its own show of the paper."""
    keys: dict[str, tuple[tuple[str, ...], tuple[str, ...]]]
    """slug -> its author and subject keys in the site model."""
    feed: tuple[str, ...]
    """Slugs of the papers in the feeds, in feed order."""
    pages: tuple[Page, ...]
    """The static pages (for the navigation of a paper page)."""
    updated: dt.datetime
    """The build timestamp (``Site.updated``)."""
    noisy: frozenset[str]
    """Slugs with any diagnostic: the rebuild would have to redo the build's warnings."""


def listed_digest(meta_digest: str, badges: tuple[object, ...]) -> str:
    return sha256_hex(meta_digest, repr(badges))


def make_base(
    site: Site, site_key: str, works: Mapping[str, PaperWork], noisy: frozenset[str]
) -> DeltaBase:
    """The base a full build leaves (see ``pipeline._prepare``)."""
    from sitegen.render.feeds import FEED_SIZE

    return DeltaBase(
        site_key=site_key,
        listed={e.slug: listed_digest(works[e.slug].meta_digest, e.badges) for e in site.papers},
        keys={e.slug: (e.author_keys, e.subject_keys) for e in site.papers},
        feed=tuple(e.slug for e in site.papers[:FEED_SIZE]),
        pages=site.pages,
        updated=site.updated,
        noisy=noisy,
    )


@dataclass(frozen=True, slots=True)
class Delta:
    """A body-only rebuild, prepared: what to write over the previous OUT."""

    config: JournalConfig
    files: dict[str, bytes | Path]
    """Site path -> content of every new or changed file."""
    manifest: dict[str, Flat]
    """The new OUT's files (all of them, ``cids.json`` aside)."""
    changed: set[str]
    """Paths whose node differs from the previous OUT's (removed ones included)."""
    paper_keys: dict[str, str]
    page_keys: dict[str, str]
    search_state: object
    works: dict[str, PaperWork]
    """The changed papers' works, keyed by content key, for the cache."""


def prepare_delta(
    source: Path, cache: BuildCache, previous: Path, stamp: Fingerprint
) -> Delta | None:
    """The rebuild above if its conditions hold (see the module docstring), else None.

    Only the paper folders whose stat signature changed are read (``Fingerprint.papers``);
    the others keep their content key, as the whole-journal fingerprint would have.
    """
    last = cache.last
    base = last.get("delta")
    if not isinstance(base, DeltaBase) or not stamp.frame or last.get("frame") != stamp.frame:
        return None
    before = last.get("paper_signatures")
    if not isinstance(before, dict) or before.keys() != stamp.papers.keys():
        return None  # a folder (or file) came or went
    from sitegen.content.config import load_config
    from sitegen.workers import paper_inputs_key

    config, found = load_config(source)
    if config is None or found:
        return None
    papers = source / PAPERS_DIR
    touched = sorted(name for name, sig in stamp.papers.items() if before[name] != sig)
    if any(name not in base.listed for name in touched):
        return None  # not a paper folder the last build had (or a stray file)
    if any(not (papers / name / PAPER_FILE).is_file() for name in touched):
        return None
    paper_part = paper_inputs_key(config)
    cache.files.complete = False  # unchanged folders are not walked: keep their digests
    keys = dict(cache.paper_keys)
    for name in touched:
        keys[name] = sha256_hex(paper_part, name, cache.files.folder_digest(papers / name))
    todo = [name for name in touched if cache.paper_keys.get(name) != keys[name]]
    if keys.keys() != base.listed.keys():
        return None
    if len(todo) > DELTA_MAX or any(slug in base.noisy for slug in todo):
        return None
    entries = _changed_entries(config, cache, base, [papers / s for s in todo])
    if entries is None:
        return None
    return _assemble(config, cache, base, previous, keys, entries)


def _changed_entries(
    config: JournalConfig, cache: BuildCache, base: DeltaBase, folders: list[Path]
) -> dict[str, tuple[PaperWork, PaperEntry]] | None:
    """Each changed folder's work and site entry, or None if one breaks a condition."""
    from sitegen.attest.stage import attest_papers
    from sitegen.render.model import PaperEntry
    from sitegen.render.paper import process_paper

    math = cache.math_cache()
    done: dict[str, tuple[PaperWork, PaperEntry]] = {}
    for folder in folders:
        work = process_paper(folder, config, math)
        paper = work.paper
        if paper is None or work.render is None or work.search is None:
            return None
        if work.load_diagnostics or work.render_diagnostics or paper.slug != folder.name:
            return None
        cids = {paper.slug: work.bundle_cid} if work.bundle_cid else {}
        badges, found = attest_papers(
            [paper],
            cids,
            config.attestations,
            root=config.root,
            online=False,
            now=int(base.updated.timestamp()),
        )
        mine = tuple(badges.get(paper.slug, ()))
        if found or listed_digest(work.meta_digest, mine) != base.listed[paper.slug]:
            return None
        author_keys, subject_keys = base.keys[paper.slug]
        entry = PaperEntry(
            paper=paper,
            render=work.render,
            bundle_cid=work.bundle_cid,
            file_cids=work.file_cids,
            badges=mine,
            author_keys=author_keys,
            subject_keys=subject_keys,
        )
        done[paper.slug] = (work, entry)
    return done


def _assemble(
    config: JournalConfig,
    cache: BuildCache,
    base: DeltaBase,
    previous: Path,
    keys: dict[str, str],
    entries: dict[str, tuple[PaperWork, PaperEntry]],
) -> Delta | None:
    """Render, index and list the changed files over the previous build's manifest."""
    from sitegen.cache.address import node_of
    from sitegen.cache.pages import (
        MEMO_TEMPLATES,
        SITE_TEMPLATES,
        paper_fingerprint,
        templates_mention,
    )
    from sitegen.ipfs.profiles import get_profile
    from sitegen.render import feeds
    from sitegen.render.model import Site
    from sitegen.render.pages import SiteRenderer
    from sitegen.render.theme import resolve_theme, static_files
    from sitegen.searchindex import IndexState
    from sitegen.searchindex.index import patch_index
    from sitegen.stages import attestation_files, site_key, theme_environment

    old: dict[str, Flat] = last_manifest(cache)
    state = cache.last.get("search_state")
    if not old or not isinstance(state, IndexState):
        return None
    theme = resolve_theme(config.root, config.theme, config.path)
    env = theme_environment(theme, cache)
    if templates_mention(env, sorted(MEMO_TEMPLATES - {"paper.html"} | SITE_TEMPLATES)):
        return None  # listings show CIDs, which a body edit changes
    css = [p for p in static_files(theme) if p.endswith(".css")]
    site = Site(
        config=config,
        papers=(),
        authors=(),
        subjects=(),
        volumes=(),
        pages=base.pages,
        by_slug={},
        updated=base.updated,
    )
    if site_key(config, theme, cache, site) != base.site_key:
        return None  # a theme outside the journal folder changed (the frame cannot see it)
    profile = get_profile(config.cid_profile)
    files: dict[str, bytes | Path] = {}
    nodes: dict[str, Flat] = {}

    def put(path: str, content: bytes | Path, node: Any = None) -> None:
        if node is None:
            node = node_of(content, profile)
        files[path] = content
        nodes[path] = (node.cid, node.tsize, node.size)

    renderer = SiteRenderer(site, env, css)
    page_keys = {path: key for path, (key, _) in cache.pages.items()}
    for slug, (work, entry) in entries.items():
        renderer.render_paper(entry)
        page = f"{entry.url}index.html"
        html = renderer.tree.pop(page)
        assert isinstance(html, bytes)  # a renderer without a sink keeps its pages' bytes
        put(page, html)
        page_keys[page] = sha256_hex(
            base.site_key, "paper.html", page, paper_fingerprint(entry, keys[slug])
        )
        for rel, node in work.source_nodes.items():
            put(f"{entry.url}source/{rel}", entry.paper.dir / rel, node)
        for name, data in work.citations.items():
            put(entry.url + name, data, work.citation_nodes.get(name))
        for path, content in attestation_files(entry.paper).items():
            put(path, content)
    if any(slug in entries for slug in base.feed):
        feed_site = _feed_site(site, cache, base, entries)
        if feed_site is None:
            return None
        put("feed.xml", feeds.atom_feed(feed_site))
        put("feed.json", feeds.json_feed(feed_site))
    doc_ids = {url: i for i, url in enumerate(state.urls)}
    changed_docs = {}
    for work, entry in entries.values():
        if entry.url not in doc_ids or work.search is None:
            return None
        changed_docs[doc_ids[entry.url]] = work.search
    patched = patch_index(state, previous, changed_docs)
    if patched is None:
        return None
    index, new_state = patched
    for path, data in index.changed.items():
        put(path, data)
    manifest = dict(old)
    prefixes = tuple(entry.url for _, entry in entries.values())
    gone = [p for p in old if p.startswith(prefixes) and p not in nodes]
    gone += [p for p in index.removed if p in old]
    for path in gone:
        del manifest[path]
    manifest.update(nodes)
    changed = {p for p in nodes if old.get(p) != nodes[p]} | set(gone)
    paper_keys = dict(cache.paper_keys)
    paper_keys.update({slug: keys[slug] for slug in entries})
    return Delta(
        config=config,
        files={p: files[p] for p in nodes if p in changed},
        manifest=manifest,
        changed=changed,
        paper_keys=paper_keys,
        page_keys=page_keys,
        search_state=new_state,
        works={keys[slug]: work for slug, (work, _) in entries.items()},
    )


def last_manifest(cache: BuildCache) -> dict[str, Flat]:
    manifest = cache.last.get("manifest")
    return manifest if isinstance(manifest, dict) else {}


def _feed_site(
    site: Site,
    cache: BuildCache,
    base: DeltaBase,
    entries: Mapping[str, tuple[PaperWork, PaperEntry]],
) -> Site | None:
    """A site whose papers are the feed's, the changed ones new, the others from the cache."""
    from sitegen.render.model import PaperEntry

    feed: list[PaperEntry] = []
    for slug in base.feed:
        if slug in entries:
            feed.append(entries[slug][1])
            continue
        work = cache.get_light_paper(cache.paper_keys.get(slug, ""))
        if work is None or work.paper is None or work.render is None:
            return None
        feed.append(
            PaperEntry(
                paper=work.paper,
                render=work.render,
                bundle_cid=work.bundle_cid,
                file_cids=work.file_cids,
            )
        )
    return replace(site, papers=tuple(feed))


def write_delta(delta: Delta, cache: BuildCache, previous: Path, out: Path) -> str | None:
    """Address the new tree, stage it from the spare tree (or links to the previous OUT)
    and swap it in; return the root CID. OUT is replaced by one rename, as in a full
    build. None (nothing written) when the address memo cannot serve."""
    from sitegen.cache.address import readdress
    from sitegen.cache.spare import spare_sync, take_known_spare
    from sitegen.ipfs.profiles import get_profile
    from sitegen.ipfs.site import CIDS_JSON
    from sitegen.output import (
        discard,
        spare_dir,
        stage_dir,
        swap_in,
        sync_changes,
        write_tree_split,
    )

    profile = get_profile(delta.config.cid_profile)
    try:
        cids_json = (previous / CIDS_JSON).read_bytes()
    except OSError:
        return None
    manifest = delta.manifest
    addressed = readdress(manifest, delta.changed, cids_json, profile, cache.address_memo())
    if addressed is None:
        return None

    def content(path: str) -> bytes | Path:
        found = delta.files.get(path)
        return previous / path if found is None else found

    spare = take_known_spare(out, cache)
    staged = spare if spare is not None else stage_dir(out)
    try:
        if spare is not None:
            changed, gone = spare_sync(cache.last, manifest, delta.changed)
            sync_changes(staged, changed, gone, content, link_from=previous)
            (staged / CIDS_JSON).unlink(missing_ok=True)
        else:
            write_tree_split({p: content(p) for p in manifest}, staged, link_from=previous)
        (staged / CIDS_JSON).write_bytes(addressed.cids_json)
        swap_in(staged, out, keep=spare_dir(out))
    except BaseException:
        discard(staged)
        raise
    return addressed.root


__all__ = ["DELTA_MAX", "Delta", "DeltaBase", "make_base", "prepare_delta", "write_delta"]
