"""cite.json is written without json's pure-Python indenting encoder: same bytes as
``json.dumps`` of the CSL item."""

from __future__ import annotations

import datetime as dt
import json
import random
from pathlib import Path

from sitegen.content.config import JournalConfig
from sitegen.content.model import Author, Paper
from sitegen.render.cite_export import (
    _Shared,
    _title,
    paper_citation_files,
    plain_abstract,
)


def _former_item(paper: Paper, config: JournalConfig, url: str | None) -> dict[str, object]:
    """The CSL item as ``_csl_json`` built it before writing it member by member."""
    shared = _Shared(paper, plain_abstract(paper))
    kind = "article" if paper.status == "preprint" else "article-journal"
    item: dict[str, object] = {"id": shared.key, "type": kind, "title": _title(paper)}
    authors = [
        {"family": a.family, "given": a.given} if a.given else {"literal": a.family}
        for a in shared.authors
    ]
    if authors:
        item["author"] = authors
    item["container-title"] = config.title
    optional: list[tuple[str, object]] = [
        ("ISSN", config.issn),
        ("publisher", config.publisher),
        ("volume", None if paper.volume is None else str(paper.volume)),
        ("issue", None if paper.issue is None else str(paper.issue)),
        ("DOI", shared.doi),
        ("URL", url),
        ("language", config.language),
        ("keyword", ", ".join(paper.keywords)),
        ("abstract", shared.abstract),
        ("license", paper.license or config.license or None),
        ("version", paper.version),
        ("status", None if paper.status == "published" else paper.status),
    ]
    if paper.date:
        d = paper.date
        optional.insert(0, ("issued", {"date-parts": [[d.year, d.month, d.day]]}))
    for name, value in optional:
        if value is not None and value != "":
            item[name] = value
    return item


def test_cite_json_is_json_dumps_of_the_csl_item(tmp_path: Path) -> None:
    rng = random.Random(4)
    odd = ["", "a", 'q"uote\\', "\u00e9\u2028\U0001f600", "x\n\ty", "<&>"]
    people = [
        Author(name="Jane van der Berg"),
        Author(name="Plato"),
        Author(name="Doe, John"),
        Author(name="Kurt Gödel", given="Kurt", family="Gödel"),
        Author(name='A "B" C', given='A "B"', family="C\\"),
    ]
    for n in range(400):
        config = JournalConfig(
            root=tmp_path,
            path="sitegen.yaml",
            title=rng.choice(odd[1:]),
            publisher=rng.choice(odd),
            issn=rng.choice(["", "1234-5678"]),
            language=rng.choice(["en", ""]),
            license=rng.choice(["", "CC-BY-4.0"]),
        )
        paper = Paper(
            slug=f"p{n}",
            dir=tmp_path,
            source_path="paper.md",
            title=rng.choice(odd[1:]),
            subtitle=rng.choice([None, "Sub \u00e9"]),
            authors=tuple(rng.sample(people, rng.randrange(len(people) + 1))),
            abstract=rng.choice([None, "One line.", 'Two "paragraphs".\n\nHere\u2028.']),
            body="# Summary\n\nBody [@x].\n",
            body_line=5,
            date=rng.choice([None, dt.date(2021, 3, 7), dt.date(1999, 12, 31)]),
            keywords=tuple(rng.sample(odd[1:], rng.randrange(3))),
            doi=rng.choice([None, "10.1234/x\u00e9"]),
            volume=rng.choice([None, 0, 6]),
            issue=rng.choice([None, 59]),
            status=rng.choice(["published", "preprint", "retracted"]),
            version=rng.choice([None, "", "1.0"]),
        )
        url = rng.choice([None, "", "https://j.example/p/"])
        expected = json.dumps([_former_item(paper, config, url)], ensure_ascii=False, indent=2)
        got = paper_citation_files(paper, config, url=url)["cite.json"].decode()
        assert got == expected + "\n", (paper, config, url)
