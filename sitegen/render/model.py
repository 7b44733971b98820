"""The site model: papers plus everything derived across papers (issues, authors, subjects).

This is the one stage that sees all papers at once; it only groups and orders what the
per-paper stages produced, so it is cheap and deterministic (every list is sorted).
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from sitegen.content.config import JournalConfig
from sitegen.content.model import Author, IssueInfo, Page, Paper
from sitegen.render.doc import RenderedDoc


@dataclass(frozen=True)  # not slotted: see sitegen.cache.pack
class PaperRender:
    """What rendering one paper's markdown produced (the output of the parallel stage)."""

    slug: str
    body: RenderedDoc
    abstract_html: str
    abstract_text: str
    title_html: str
    author_notes_html: tuple[tuple[str, ...], ...] = ()
    """Per author, the rendered ``^[...]`` notes."""


@dataclass(frozen=True, slots=True)
class AuthorEntry:
    key: str
    """URL segment: the ORCID iD when known, else a slug of the normalised name."""
    name: str
    orcid: str | None
    affiliations: tuple[str, ...]
    papers: tuple[str, ...]
    """Slugs, newest first."""

    @property
    def url(self) -> str:
        return f"authors/{self.key}/"


@dataclass(frozen=True, slots=True)
class SubjectEntry:
    key: str
    name: str
    papers: tuple[str, ...]

    @property
    def url(self) -> str:
        return f"subjects/{self.key}/"


@dataclass(frozen=True, slots=True)
class IssueEntry:
    volume: int
    issue: int | None
    title: str
    date: dt.date | None
    description: str | None
    papers: tuple[str, ...]

    @property
    def url(self) -> str:
        if self.issue is None:
            return f"issues/{self.volume}/"
        return f"issues/{self.volume}/{self.issue}/"


@dataclass(frozen=True, slots=True)
class VolumeEntry:
    volume: int
    title: str
    date: dt.date | None
    description: str | None
    issues: tuple[IssueEntry, ...]
    papers: tuple[str, ...]
    """Every paper of the volume, issue order then paper order."""

    @property
    def url(self) -> str:
        return f"issues/{self.volume}/"


@dataclass(frozen=True, slots=True)
class PaperEntry:
    paper: Paper
    render: PaperRender
    bundle_cid: str | None = None
    file_cids: Mapping[str, str] = field(default_factory=dict)
    """Path relative to the paper folder -> CID, for downloads."""
    badges: tuple[object, ...] = ()
    """``sitegen.attest`` Badge objects."""
    author_keys: tuple[str, ...] = ()
    subject_keys: tuple[str, ...] = ()

    @property
    def slug(self) -> str:
        return self.paper.slug

    @property
    def url(self) -> str:
        return f"papers/{self.paper.slug}/"


@dataclass(frozen=True, slots=True)
class Site:
    config: JournalConfig
    papers: tuple[PaperEntry, ...]
    """Newest first."""
    authors: tuple[AuthorEntry, ...]
    subjects: tuple[SubjectEntry, ...]
    volumes: tuple[VolumeEntry, ...]
    """Newest volume first."""
    pages: tuple[Page, ...]
    by_slug: Mapping[str, PaperEntry]
    updated: dt.datetime
    """The build's timestamp (SOURCE_DATE_EPOCH or the newest content date)."""

    @property
    def current_issue(self) -> IssueEntry | None:
        for volume in self.volumes:
            if volume.issues:
                return volume.issues[0]
        return None


def slugify(text: str, fallback: str = "x") -> str:
    """ASCII, lowercase, hyphenated; accents folded so "Gödel" and "Godel" meet."""
    folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    slug = re.sub(r"[^a-z0-9]+", "-", folded.lower()).strip("-")
    return slug or fallback


def author_key(author: Author) -> str:
    if author.orcid:
        return author.orcid
    return slugify(author.name, fallback="author")


@dataclass
class _AuthorAcc:
    """An author as gathered across papers (first spelling of the name wins)."""

    name: str
    orcid: str | None
    affiliations: dict[str, None] = field(default_factory=dict)
    """An ordered set of institution names."""
    papers: list[str] = field(default_factory=list)


@dataclass
class _SubjectAcc:
    name: str
    papers: list[str] = field(default_factory=list)


def build_site_model(
    config: JournalConfig,
    entries: Sequence[PaperEntry],
    pages: Sequence[Page],
    issues: Sequence[IssueInfo],
    *,
    updated: dt.datetime,
) -> Site:
    """Group papers by author, subject and issue; order everything deterministically."""
    papers = tuple(sorted(entries, key=_paper_order))
    keyed: list[PaperEntry] = []
    authors: dict[str, _AuthorAcc] = {}
    subjects: dict[str, _SubjectAcc] = {}
    subject_keys: dict[str, str] = {}  # keywords repeat across thousands of papers
    for entry in papers:
        a_keys = []
        for author in entry.paper.authors:
            key = author_key(author)
            a_keys.append(key)
            acc = authors.get(key)
            if acc is None:
                acc = authors[key] = _AuthorAcc(author.name, author.orcid)
            for aff in author.affiliations:
                acc.affiliations[aff.name] = None
            # entries come one at a time: a repeat can only be this entry, listed last
            if not acc.papers or acc.papers[-1] != entry.slug:
                acc.papers.append(entry.slug)
        s_keys = []
        for kw in entry.paper.keywords:
            key = subject_keys.get(kw) or subject_keys.setdefault(
                kw, slugify(kw, fallback="subject")
            )
            s_keys.append(key)
            sub = subjects.get(key)
            if sub is None:
                sub = subjects[key] = _SubjectAcc(kw)
            if not sub.papers or sub.papers[-1] != entry.slug:
                sub.papers.append(entry.slug)
        keyed.append(
            PaperEntry(
                paper=entry.paper,
                render=entry.render,
                bundle_cid=entry.bundle_cid,
                file_cids=entry.file_cids,
                badges=entry.badges,
                author_keys=tuple(dict.fromkeys(a_keys)),
                subject_keys=tuple(dict.fromkeys(s_keys)),
            )
        )
    author_entries = tuple(
        AuthorEntry(
            key=key,
            name=acc.name,
            orcid=acc.orcid,
            affiliations=tuple(acc.affiliations),
            papers=tuple(acc.papers),
        )
        for key, acc in sorted(authors.items(), key=lambda kv: _name_sort(kv[1].name))
    )
    subject_entries = tuple(
        SubjectEntry(key=key, name=sub.name, papers=tuple(sub.papers))
        for key, sub in sorted(subjects.items(), key=lambda kv: kv[1].name.casefold())
    )
    by_slug = {e.slug: e for e in keyed}
    return Site(
        config=config,
        papers=tuple(keyed),
        authors=author_entries,
        subjects=subject_entries,
        volumes=_volumes(keyed, issues),
        pages=tuple(sorted(pages, key=lambda p: (p.order, p.title.casefold(), p.slug))),
        by_slug=by_slug,
        updated=updated,
    )


def _paper_order(entry: PaperEntry) -> tuple[object, ...]:
    date = entry.paper.date or dt.date.min
    return (-date.toordinal(), entry.paper.slug)


def _name_sort(name: str) -> tuple[str, str]:
    parts = name.split()
    return ((parts[-1] if parts else name).casefold(), name.casefold())


def _volumes(papers: Sequence[PaperEntry], infos: Sequence[IssueInfo]) -> tuple[VolumeEntry, ...]:
    info_by_key = {(i.volume, i.issue): i for i in infos}
    grouped: dict[int, dict[int | None, list[str]]] = {}
    for known in infos:
        grouped.setdefault(known.volume, {})
        if known.issue is not None:
            grouped[known.volume].setdefault(known.issue, [])
    for entry in papers:
        if entry.paper.volume is None:
            continue
        grouped.setdefault(entry.paper.volume, {}).setdefault(entry.paper.issue, []).append(
            entry.slug
        )
    volumes = []
    for vol in sorted(grouped, reverse=True):
        issues = []
        for num in sorted((n for n in grouped[vol] if n is not None), reverse=True):
            info = info_by_key.get((vol, num))
            issues.append(
                IssueEntry(
                    volume=vol,
                    issue=num,
                    title=(info.title if info and info.title else f"Volume {vol}, Issue {num}"),
                    date=info.date if info else None,
                    description=info.description if info else None,
                    papers=tuple(grouped[vol][num]),
                )
            )
        vinfo = info_by_key.get((vol, None))
        all_papers = [s for issue in reversed(issues) for s in issue.papers]
        all_papers += grouped[vol].get(None, [])
        volumes.append(
            VolumeEntry(
                volume=vol,
                title=(vinfo.title if vinfo and vinfo.title else f"Volume {vol}"),
                date=vinfo.date if vinfo else None,
                description=vinfo.description if vinfo else None,
                issues=tuple(issues),
                papers=tuple(all_papers),
            )
        )
    return tuple(volumes)
