"""Render one paper (or static page): the unit of work the process pool runs.

Inputs and outputs are plain picklable data, so the pool sends a Paper in and gets a
PaperRender plus diagnostics back, and nothing else crosses the process boundary.
"""

from __future__ import annotations

import functools
import html
import re
import shutil
import stat
from collections.abc import Iterator, Mapping, MutableMapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sitegen.content.config import JournalConfig
from sitegen.content.fields import plain_mode
from sitegen.content.model import Page, Paper
from sitegen.errors import Diagnostic
from sitegen.ipfs.files import Node
from sitegen.output import make_folder, write_file
from sitegen.render.doc import RenderContext
from sitegen.render.model import PaperRender
from sitegen.render.work import (
    PackedWork,
    PaperWork,
    light_digest,
    light_paper_of,
    light_render_of,
    pack_work,
    with_changes,
)
from sitegen.searchindex.doc import SearchDoc, make_doc
from sitegen.searchindex.text import html_to_text

if TYPE_CHECKING:
    from sitegen.render.math import MathResult

MathCache = MutableMapping[str, "MathResult"]

SOURCE_PREFIX = "source/"
"""Paper pages link figures and data inside the published research object."""
_TAG = re.compile(r"<[^>]+>")
_MATH = re.compile(r"<math\b.*?</math>", re.S)
_SPACE = re.compile(r"\s+")


def plain_text(fragment: str) -> str:
    """Visible text of an HTML fragment, for meta tags and feeds (math kept as its TeX)."""
    fragment = _MATH.sub(lambda m: _annotation(m.group(0)), fragment)
    return _SPACE.sub(" ", html.unescape(_TAG.sub(" ", fragment))).strip()


def _annotation(math: str) -> str:
    found = re.search(r'<annotation encoding="application/x-tex">(.*?)</annotation>', math, re.S)
    return f" {found.group(1)} " if found else " "


def render_paper(
    paper: Paper, style: str, math_cache: MathCache | None = None
) -> tuple[PaperRender, list[Diagnostic]]:
    from sitegen.render.bibtex import parse_bibtex
    from sitegen.render.markdown import finish_markdown, parse_markdown, render_inline

    diags: list[Diagnostic] = []
    bibliography = None
    if paper.bibliography:
        bib_path = paper.dir / paper.bibliography
        if bib_path.is_file():
            display = str(_display(paper, paper.bibliography))
            text = bib_path.read_text(encoding="utf-8", errors="replace")
            bibliography, found = parse_bibtex(text, display)
            diags += found

    exists = functools.partial(_file_inside, paper.dir, str(paper.dir))

    body_parsed = parse_markdown(
        paper.body,
        RenderContext(
            path=paper.source_path,
            first_line=paper.body_line,
            bibliography=bibliography,
            citation_style=style,
            file_exists=exists,
            nocite=paper.nocite,
            link_prefix=SOURCE_PREFIX,
            math_cache=math_cache,
        ),
    )
    abstract_parsed = None
    if paper.abstract:
        abstract_parsed = parse_markdown(
            paper.abstract,
            RenderContext(
                path=paper.source_path,
                first_line=paper.lines.get("abstract", 1),
                bibliography=bibliography,
                citation_style=style,
                file_exists=exists,
                id_prefix="abstract-",
                link_prefix=SOURCE_PREFIX,
                math_cache=math_cache,
            ),
        )
    # The abstract and the body are one document to citeproc: year suffixes are decided
    # over what either cites, so "Smith 2020a" reads the same in both.
    body = finish_markdown(body_parsed, abstract_parsed.cited if abstract_parsed else ())
    diags += body.diagnostics
    if abstract_parsed is not None:
        abstract = finish_markdown(abstract_parsed, body_parsed.cited | set(paper.nocite))
        diags += abstract.diagnostics
        abstract_html = abstract.html
    elif body.first_section_split is not None:
        # The first section (JOSS's "# Summary") serves as the abstract: shown once, on top.
        abstract_html, rest = body.first_section_split
        shown = set(re.findall(r'\bid="([^"]+)"', rest))
        toc = tuple(t for t in body.toc if t.id in shown)
        body = with_changes(body, html=rest, toc=toc, first_section_split=None)
    else:
        abstract_html = ""
    if body.first_section_split is not None:
        body = with_changes(body, first_section_split=None)  # not needed past this point
    notes = tuple(tuple(render_inline(n) for n in a.notes) for a in paper.authors)
    render = PaperRender(
        slug=paper.slug,
        body=body,
        abstract_html=abstract_html,
        abstract_text=plain_text(abstract_html),
        title_html=render_inline(paper.title),
        author_notes_html=notes,
    )
    return render, diags


def _file_inside(folder: Path, folder_text: str, rel: str) -> bool:
    """Whether ``rel`` (normalised, relative, without ``..``) names a file inside
    ``folder``, following symlinks that stay inside it.

    Only ``rel``'s own components are looked at when none is a symlink
    (``content.fields.plain_mode``); otherwise the whole path is resolved.
    """
    mode = plain_mode(folder_text, rel)
    if mode is not None:
        return stat.S_ISREG(mode)
    root = folder.resolve()
    target = (root / rel).resolve()
    return target.is_file() and root in target.parents


def render_page_body(page: Page, style: str) -> tuple[str, list[Diagnostic]]:
    from sitegen.render.markdown import render_markdown

    doc = render_markdown(
        page.body,
        RenderContext(path=page.source_path, first_line=page.body_line, citation_style=style),
    )
    return doc.html, list(doc.diagnostics)


def _display(paper: Paper, rel: str) -> str:
    folder = paper.source_path.rsplit("/", 1)[0] if "/" in paper.source_path else "."
    return f"{folder}/{rel}"


def source_files(paper_dir: Path) -> list[tuple[str, Path]]:
    """The research object's files: the folder minus ``attestations/``, dot-files, symlinks."""
    files = []
    for path in sorted(paper_dir.rglob("*")):
        rel = path.relative_to(paper_dir).as_posix()
        if not_in_bundle(rel) or any(part.startswith(".") for part in rel.split("/")):
            continue
        if path.is_file() and not path.is_symlink():
            files.append((rel, path))
    return files


def not_in_bundle(rel: str) -> bool:
    return rel == "attestations" or rel.startswith("attestations/")


def process_papers(
    folders: Sequence[Path],
    config: JournalConfig,
    math_cache: Mapping[str, MathResult],
    stage: Path | None = None,
    keys: Sequence[str] | None = None,
) -> tuple[list[PaperWork] | list[PackedWork], dict[str, MathResult]]:
    """``process_paper`` over a batch sharing one math cache (the pool's unit of work).

    Starts from ``math_cache`` (what the build knows so far) and returns only the formulas
    it learned, so what crosses the process boundary stays small. With ``keys`` (the
    papers' cache keys), each work comes back already packed for the cache.
    """
    known = _Learning(math_cache)
    if keys is None:
        return [process_paper(folder, config, known, stage) for folder in folders], known.learned
    packed = []
    for key, folder in zip(keys, folders, strict=True):
        work, light = _made(folder, config, known, stage)
        packed.append(pack_work(key, work, light))
    return packed, known.learned


class _Learning(MutableMapping[str, "MathResult"]):
    """A math cache that reads through to ``known`` and keeps what is added apart.

    A pool worker's cache grows to tens of thousands of formulas and code blocks at 10k
    papers; copying it for every batch and diffing the copy afterwards cost more than
    the lookups it serves.
    """

    __slots__ = ("known", "learned")

    def __init__(self, known: Mapping[str, MathResult]) -> None:
        self.known = known
        self.learned: dict[str, MathResult] = {}

    def __getitem__(self, key: str) -> MathResult:
        found = self.learned.get(key)
        return self.known[key] if found is None else found

    def get(self, key: str, default: Any = None) -> Any:
        found = self.learned.get(key)
        if found is None:
            found = self.known.get(key)
        return default if found is None else found

    def __setitem__(self, key: str, value: MathResult) -> None:
        self.learned[key] = value

    def __delitem__(self, key: str) -> None:
        raise TypeError("a math cache only grows")

    def __iter__(self) -> Iterator[str]:
        yield from self.known
        yield from (k for k in self.learned if k not in self.known)

    def __len__(self) -> int:
        return len(self.known) + sum(1 for k in self.learned if k not in self.known)


def process_paper(
    folder: Path,
    config: JournalConfig,
    math_cache: MathCache | None = None,
    stage: Path | None = None,
) -> PaperWork:
    """Load, address, render and export one paper folder.

    With ``stage`` (the staging folder of a build with nothing to reuse), the paper's
    ``source/`` copy and citation files are written there too, so that I/O runs in the
    pool rather than in the parent.
    """
    return _made(folder, config, math_cache, stage)[0]


def _made(
    folder: Path,
    config: JournalConfig,
    math_cache: MathCache | None,
    stage: Path | None,
) -> tuple[PaperWork, PaperWork]:
    """``process_paper``'s work and its :func:`light_work`, each made once (the light
    paper and render are made anyway, for the work's ``meta_digest``)."""
    from sitegen.cache.address import node_of_bytes
    from sitegen.content.journal import load_paper
    from sitegen.ipfs.importer import import_tree
    from sitegen.ipfs.profiles import get_profile
    from sitegen.render.cite_export import paper_citation_files

    paper, found = load_paper(folder, default_license=config.license)
    if paper is None:
        failed = PaperWork(slug=folder.name, paper=None, load_diagnostics=tuple(found))
        return failed, failed
    profile = get_profile(config.cid_profile)
    # One read of each file gives the bundle's CID, each file's node (the files the walk
    # reports are those of ``source_files``: no attestations/, dot-files or symlinks) and,
    # for files of one chunk, the bytes to stage.
    tree = import_tree(paper.dir, profile, hidden=False, exclude=not_in_bundle, with_files=True)
    added = tree.result
    nodes = dict(sorted(tree.file_nodes.items(), key=lambda item: item[0].split("/")))
    base = f"{stage}/papers/{paper.slug}" if stage is not None else None
    if base is not None:
        _stage_source(base, paper.dir, nodes, tree.file_bytes)
    render, render_diags = render_paper(paper, config.citation_style, math_cache)
    url = config.base_url.rstrip("/") + f"/papers/{paper.slug}/" if config.base_url else None
    citations = paper_citation_files(paper, config, url=url)
    if base is not None:
        for name, data in citations.items():
            write_file(f"{base}/{name}", data)
    light_paper, light_render = light_paper_of(paper), light_render_of(render)
    work = PaperWork(
        slug=paper.slug,
        paper=paper,
        load_diagnostics=tuple(found),
        render_diagnostics=tuple(render_diags),
        render=render,
        bundle_cid=added.root,
        file_cids=dict(added.files),
        source_nodes=nodes,
        citations=citations,
        citation_nodes={name: node_of_bytes(data, profile) for name, data in citations.items()},
        search=search_doc(paper, render),
        meta_digest=light_digest(light_paper, light_render),
    )
    return work, with_changes(work, paper=light_paper, render=light_render)


def _stage_source(
    base: str, paper_dir: Path, nodes: Mapping[str, Node], file_bytes: Mapping[str, bytes]
) -> None:
    """The paper's staging folder ``base`` with its ``source/`` copy (``nodes``' files:
    their bytes when ``import_tree`` kept them, else copied from ``paper_dir``).

    Folders are made parent first, so each is one ``os.mkdir``; paths are strings, as
    ``output`` takes them (pathlib's joins and parents cost ~50 us a paper here)."""
    make_folder(base)
    if not nodes:
        return
    source = f"{base}/source"
    make_folder(source)
    made = {source}
    for rel in nodes:
        target = f"{source}/{rel}"
        folder = target.rpartition("/")[0]
        if folder not in made:
            make_folder(folder)  # makes the folders above it too, if need be
            made.add(folder)
        data = file_bytes.get(rel)
        if data is None:
            shutil.copyfile(paper_dir / rel, target)
        else:
            write_file(target, data)


def search_doc(paper: Paper, render: PaperRender) -> SearchDoc:
    """The paper's search entry, made in the worker so the parent only assembles the index."""
    where = []
    volume = f"Vol. {paper.volume}" if paper.volume is not None else ""
    if volume:
        where.append(volume + (f", No. {paper.issue}" if paper.issue else ""))
    if paper.date is not None:
        where.append(paper.date.isoformat())
    if paper.status != "published":
        where.append(paper.status.capitalize())
    return make_doc(
        url=f"papers/{paper.slug}/",
        title=html_to_text(render.title_html),
        authors=[a.name for a in paper.authors],
        meta=" · ".join(where),
        abstract_text=render.abstract_text,
        keywords=paper.keywords,
        body_html=render.body.html,
        volume=volume,
        subjects=paper.keywords,
    )
