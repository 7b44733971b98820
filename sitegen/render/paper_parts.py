"""What a paper page shows beside its body: its author rows and its downloads.

Worked out in Python once a page rather than in template loops (``render.pages``
passes them to ``paper.html``).
"""

from __future__ import annotations

import posixpath
from dataclasses import dataclass

from sitegen.content.model import Author
from sitegen.render.model import PaperEntry


@dataclass(frozen=True, slots=True)
class Download:
    label: str
    href: str
    """Relative to the paper page."""
    cid: str | None
    description: str = ""


def author_rows(entry: PaperEntry) -> list[tuple[Author, str, tuple[str, ...], str]]:
    """A paper page's author list: (author, their page, their notes' HTML, the numbers of
    their affiliations in the paper's list, ``"1,3"``; their place in their own list for
    one the paper does not list). Worked out here once, not with a template loop's
    ``loop`` variable and a ``list.index`` call for each affiliation of each author."""
    paper, notes = entry.paper, entry.render.author_notes_html
    rows = []
    for i, (author, key) in enumerate(zip(paper.authors, entry.author_keys, strict=False)):
        refs = ",".join(
            str(paper.affiliations.index(aff) + 1 if aff in paper.affiliations else n)
            for n, aff in enumerate(author.affiliations, 1)
        )
        rows.append((author, f"authors/{key}/", notes[i] if len(notes) > i else (), refs))
    return rows


def downloads_for(entry: PaperEntry) -> list[Download]:
    paper, cids = entry.paper, entry.file_cids
    items = []
    if paper.pdf:
        items.append(Download("PDF", f"source/{paper.pdf}", cids.get(paper.pdf)))
    for data in paper.data:
        items.append(
            Download(
                data.title or posixpath.basename(data.path),
                f"source/{data.path}",
                cids.get(data.path),
                data.description,
            )
        )
    items.append(
        Download(
            "Source bundle (research object)",
            "source/",
            entry.bundle_cid,
            "The paper folder byte for byte: markdown, bibliography, figures, data.",
        )
    )
    return items
