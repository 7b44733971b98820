"""``build_site_model`` groups papers by author and subject: each paper listed once per
author and subject however often it names them, keywords that slugify alike meet, the
first spelling names the group, and papers keep the site's order (newest first)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from sitegen.content.config import JournalConfig
from sitegen.content.model import Affiliation, Author, Paper
from sitegen.render.doc import RenderedDoc
from sitegen.render.model import PaperEntry, PaperRender, build_site_model


def _entry(tmp_path: Path, slug: str, day: int, authors: tuple[Author, ...], kws: tuple[str, ...]):
    paper = Paper(
        slug=slug,
        dir=tmp_path / slug,
        source_path=f"content/papers/{slug}/paper.md",
        title=slug.upper(),
        authors=authors,
        body="",
        body_line=1,
        keywords=kws,
        date=dt.date(2024, 1, day),
    )
    render = PaperRender(
        slug=slug,
        body=RenderedDoc(html=""),
        abstract_html="",
        abstract_text="",
        title_html=slug,
        author_notes_html=(),
    )
    return PaperEntry(paper=paper, render=render)


def test_authors_and_subjects_list_each_paper_once_in_site_order(tmp_path: Path):
    ann = Author("Ann Lee", orcid="0000-0002-1825-0097", affiliations=(Affiliation("North"),))
    ann_again = Author("A. Lee", orcid="0000-0002-1825-0097", affiliations=(Affiliation("East"),))
    bo = Author("Bö Ek")
    entries = [
        _entry(tmp_path, "old", 1, (ann, bo), ("Graph Theory", "graph theory", "Ökologie")),
        _entry(tmp_path, "new", 3, (ann_again, ann), ("graph  theory",)),
        _entry(tmp_path, "mid", 2, (bo, bo), ("Oekologie", "okologie")),
    ]
    site = build_site_model(
        JournalConfig(title="J", root=tmp_path, path=tmp_path / "sitegen.yaml"),
        entries,
        (),
        (),
        updated=dt.datetime(2024, 2, 1, tzinfo=dt.UTC),
    )
    assert [e.slug for e in site.papers] == ["new", "mid", "old"]
    authors = {a.key: a for a in site.authors}
    assert authors["0000-0002-1825-0097"].papers == ("new", "old")
    assert authors["0000-0002-1825-0097"].name == "A. Lee"  # the first paper gathered
    assert authors["0000-0002-1825-0097"].affiliations == ("East", "North")
    assert authors["bo-ek"].papers == ("mid", "old")
    subjects = {s.key: s for s in site.subjects}
    assert subjects["graph-theory"].papers == ("new", "old")
    assert subjects["graph-theory"].name == "graph  theory"
    assert subjects["okologie"].papers == ("mid", "old")
    assert subjects["oekologie"].papers == ("mid",)
    by_slug = site.by_slug
    assert by_slug["old"].subject_keys == ("graph-theory", "okologie")
    assert by_slug["mid"].author_keys == ("bo-ek",)
    assert by_slug["new"].author_keys == ("0000-0002-1825-0097",)
