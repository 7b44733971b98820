"""Plain data the content stage hands to the rest of the pipeline.

Everything here is immutable and free of I/O, so render, address and deploy stages can
be tested with hand-made instances. ``lines`` maps a front-matter field to its line in
the source file so later stages (citations, attestations) can still point at it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any


@dataclass(frozen=True)  # not slotted: see sitegen.cache.pack
class Affiliation:
    name: str
    """Institution name as the author wrote it."""
    index: str | None = None
    """The key authors refer to (``affiliation: "1, 2"``); JOSS uses numbers."""
    ror: str | None = None
    """ROR id (``https://ror.org/...``) when given."""


@dataclass(frozen=True)  # not slotted: see sitegen.cache.pack
class Author:
    name: str
    """Display name, footnote markers (``^[...]``) removed."""
    orcid: str | None = None
    """Bare ORCID iD ``0000-0002-1825-0097``, checksum-validated."""
    affiliations: tuple[Affiliation, ...] = ()
    corresponding: bool = False
    email: str | None = None
    equal_contrib: bool = False
    notes: tuple[str, ...] = ()
    """Footnotes that were written inside the name (``Jane Doe^[Deceased]``)."""
    given: str | None = None
    family: str | None = None
    """Name parts for citation formats; derived from ``name`` when not given."""


@dataclass(frozen=True)  # not slotted: see sitegen.cache.pack
class DataFile:
    path: str
    """Path relative to the paper folder (POSIX)."""
    description: str = ""
    title: str = ""


@dataclass(frozen=True)  # not slotted: see sitegen.cache.pack
class OnchainRef:
    """An on-chain attestation referenced from front matter (``attestations: [{chain, uid}]``)."""

    chain: str
    uid: str
    line: int | None = None


@dataclass(frozen=True)  # not slotted: see sitegen.cache.pack
class Paper:
    slug: str
    """Folder name under ``content/papers/``; the URL is ``papers/<slug>/``."""
    dir: Path
    """Absolute path of the paper folder (the research object)."""
    source_path: str
    """``paper.md`` as the user would name it in an error (relative to the cwd)."""
    title: str
    authors: tuple[Author, ...]
    body: str
    """Markdown after the front matter, line endings normalised to ``\\n``."""
    body_line: int
    """1-based line of ``paper.md`` where ``body`` starts."""
    subtitle: str | None = None
    affiliations: tuple[Affiliation, ...] = ()
    date: dt.date | None = None
    keywords: tuple[str, ...] = ()
    abstract: str | None = None
    """Markdown; None when absent (the first section then serves)."""
    doi: str | None = None
    license: str | None = None
    """SPDX id; the journal default applies when the paper gives none."""
    volume: int | None = None
    issue: int | None = None
    status: str = "published"
    """published | preprint | retracted"""
    version: str | None = None
    received: dt.date | None = None
    accepted: dt.date | None = None
    pdf: str | None = None
    data: tuple[DataFile, ...] = ()
    bibliography: str | None = None
    """Bib file relative to the paper folder."""
    nocite: tuple[str, ...] = ()
    attestations: tuple[OnchainRef, ...] = ()
    retraction_note: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)
    """Front-matter keys sitegen does not interpret (kept, never an error)."""
    lines: dict[str, int] = field(default_factory=dict)
    """Front-matter field -> line in ``source_path``."""


@dataclass(frozen=True)  # not slotted: see sitegen.cache.pack
class Page:
    """A static page from ``content/pages/*.md`` (about, editorial board, policies)."""

    slug: str
    title: str
    body: str
    body_line: int
    source_path: str
    order: int = 100
    """Menu position; lower comes first."""
    menu: bool = True


@dataclass(frozen=True)  # not slotted: see sitegen.cache.pack
class IssueInfo:
    """A volume/issue from ``content/issues.yaml`` (or derived from paper front matter)."""

    volume: int
    issue: int | None = None
    title: str | None = None
    date: dt.date | None = None
    description: str | None = None


@dataclass(frozen=True, slots=True)
class Journal:
    """Everything the content stage loaded: the input of the render stage."""

    root: Path
    """The journal folder (holds ``sitegen.yaml``)."""
    papers: tuple[Paper, ...]
    pages: tuple[Page, ...]
    issues: tuple[IssueInfo, ...] = ()
