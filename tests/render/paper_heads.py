"""Paper page entries for the paper-head tests: the demo journal, the real corpus and a
synthetic journal, each paper processed as a build does, and variants of each that reach
the branches real papers rarely take (no base URL, ISSN or publisher; volumes without
issues; authors without ORCID iDs or affiliations; markup, quotes and control characters
in the values)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from types import SimpleNamespace
from typing import cast

from synthetic import MAKE_CORPUS, make_journal

from sitegen.content.config import JournalConfig, load_config
from sitegen.content.model import Affiliation, Author
from sitegen.render.model import PaperEntry, Site
from sitegen.render.paper import process_paper

REPO = Path(__file__).resolve().parents[2]
CORPUS = REPO.parent / "shared" / "corpus" / "joss"
ODD = 'Zoë </script> & "quoted" <b>\\ tab\t nul\x00 del\x7f \u2028 end'


def journal_entries(root: Path, papers: Path) -> list[tuple[Site, PaperEntry]]:
    """Each paper of a journal as its page's entry (whole work, a bundle CID, keys)."""
    config, _ = load_config(root)
    assert config is not None
    site = cast(Site, SimpleNamespace(config=config))
    found = []
    for folder in sorted(papers.iterdir()):
        work = process_paper(folder, config)
        if work.paper is None or work.render is None:
            continue
        entry = PaperEntry(
            work.paper,
            work.render,
            bundle_cid=work.bundle_cid,
            file_cids=dict(work.file_cids),
            author_keys=tuple(f"a{i}" for i, _ in enumerate(work.paper.authors)),
            subject_keys=tuple(f"s{i}" for i, _ in enumerate(work.paper.keywords)),
        )
        found.append((site, entry))
    return found


def sample_entries(tmp: Path) -> list[tuple[Site, PaperEntry]]:
    """The demo journal's papers, the corpus's and 40 synthetic ones (those that exist)."""
    found = journal_entries(REPO, REPO / "content" / "papers")
    if CORPUS.is_dir():
        corpus_root = tmp / "corpus"
        corpus_root.mkdir()
        (corpus_root / "sitegen.yaml").write_text("title: Corpus\nlicense: CC-BY-4.0\n")
        found += journal_entries(corpus_root, CORPUS)
    if MAKE_CORPUS.is_file():
        synthetic = make_journal(tmp / "synthetic", 40, seed=3)
        found += journal_entries(synthetic, synthetic / "content" / "papers")
    return found


def variants(site: Site, entry: PaperEntry) -> Iterator[tuple[Site, PaperEntry]]:
    """``entry`` as it is, then changed where the head's branches differ."""
    yield site, entry
    cfg: JournalConfig = site.config
    paper = entry.paper
    bare = replace(cfg, base_url="", issn=None, publisher=None, title=ODD, language="de")
    full = replace(cfg, base_url="https://j.example/x/", issn="1234-5678", publisher=ODD)
    for config in (bare, full):
        yield cast(Site, SimpleNamespace(config=config)), entry
    odd_author = Author(
        ODD,
        orcid="0000-0002-1825-0097",
        affiliations=(Affiliation(ODD, ror="https://ror.org/0<1>"), Affiliation("Plain")),
        corresponding=True,
        email="a@b.example",
        given=ODD,
        family="",
    )
    changed = [
        {"authors": (), "keywords": (), "doi": None, "date": None, "version": "2.0 <b>"},
        {"volume": 3, "issue": None, "license": "MIT", "status": "preprint"},
        {"volume": 3, "issue": 12, "title": ODD, "keywords": (ODD, "x")},
        {"volume": None, "issue": 5, "authors": (odd_author, *paper.authors), "pdf": "p d.pdf"},
        {"version": 2, "doi": '10.1/"x"<y>'},  # a value of another type than the model's
    ]
    for changes in changed:
        yield site, replace(entry, paper=replace(paper, **changes))
    render = replace(entry.render, abstract_text=ODD + "\n" + entry.render.abstract_text)
    yield site, replace(entry, render=render, bundle_cid=None)
    yield site, replace(entry, render=replace(render, abstract_text=""))
