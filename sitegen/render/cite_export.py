"""The paper's own citation files (``cite.bib``, ``cite.ris``, ``cite.json``) and the
"cite this paper" text.

Readers import these into Zotero, JabRef or a LaTeX document, so each follows its format
strictly: BibTeX with escaped specials and case-protected title, RIS with CRLF lines,
CSL-JSON as an array of one item. Output is deterministic (fixed field order, no clock).
"""

from __future__ import annotations

import json
import re
import unicodedata

from sitegen.content.config import JournalConfig
from sitegen.content.model import Author, Paper
from sitegen.render.abstract_text import plain_abstract
from sitegen.render.bibtex import MONTHS
from sitegen.render.names import PersonName, parse_display_name
from sitegen.render.refformat import STYLES, RefData, format_reference, normalize_doi

_BIB_SPECIALS = {
    "\\": r"\textbackslash{}",
    "{": r"\{",
    "}": r"\}",
    "&": r"\&",
    "%": r"\%",
    "$": r"\$",
    "#": r"\#",
    "_": r"\_",
    "~": r"\textasciitilde{}",
    "^": r"\textasciicircum{}",
    "--": "-{}-",
    "``": "`{}`",
    "''": "'{}'",
}
_BIB_SPECIAL_RE = re.compile("--|``|''|[\\\\{}&%$#_~^]")
_BIB_SPECIAL_ONE = tuple("\\{}&%$#_~^")
"""The one-character specials of ``_BIB_SPECIAL_RE`` (``_has_bib_special``)."""
_AND_WORD = re.compile(r"(^|\s)and(\s|$)", re.IGNORECASE)
"""An ``and`` that BibTeX would read as a name separator: the name part needs braces."""


def paper_authors(paper: Paper) -> tuple[PersonName, ...]:
    """Each author as given/family: front-matter parts when present, else split from name."""
    return tuple(_person(a) for a in paper.authors)


def _person(author: Author) -> PersonName:
    if author.family:
        return PersonName(family=author.family, given=author.given or None)
    return parse_display_name(author.name)


def paper_citation_files(
    paper: Paper, config: JournalConfig, *, url: str | None
) -> dict[str, bytes]:
    """``{"cite.bib", "cite.ris", "cite.json"}`` for ``paper`` as published in the journal."""
    # The three formats carry the same abstract, authors, key and DOI: worked out once.
    shared = _Shared(paper, plain_abstract(paper))
    return {
        "cite.bib": _bibtex(paper, config, url, shared).encode("utf-8"),
        "cite.ris": _ris(paper, config, url, shared).encode("utf-8"),
        "cite.json": _csl_json(paper, config, url, shared).encode("utf-8"),
    }


class _Shared:
    """What all three citation files of one paper show alike."""

    __slots__ = ("abstract", "abstract_line", "authors", "doi", "key")

    def __init__(self, paper: Paper, abstract: str | None) -> None:
        self.abstract = abstract
        self.abstract_line = abstract.replace("\n\n", " ") if abstract else abstract
        """What ``" ".join(abstract.split())`` gives for ``plain_abstract``'s text."""
        self.authors = paper_authors(paper)
        self.key = _bib_key(paper, self.authors)
        self.doi = normalize_doi(paper.doi)


def formatted_citation(paper: Paper, config: JournalConfig, *, url: str | None) -> str:
    """HTML (escaped) of the paper's reference in the journal's ``citation_style``."""
    style = config.citation_style if config.citation_style in STYLES else "author-year"
    note = {"preprint": "Preprint", "retracted": "Retracted"}.get(paper.status)
    doi = normalize_doi(paper.doi)
    ref = RefData(
        key=paper.slug,
        kind="article",
        title=_title(paper),
        authors=paper_authors(paper),
        year=str(paper.date.year) if paper.date else None,
        container=config.title,
        volume=str(paper.volume) if paper.volume is not None else None,
        issue=str(paper.issue) if paper.issue is not None else None,
        doi=doi,
        url=url,
        note=note,
    )
    return format_reference(ref, style)[0]


def _title(paper: Paper) -> str:
    return f"{paper.title}: {paper.subtitle}" if paper.subtitle else paper.title


def _license(paper: Paper, config: JournalConfig) -> str | None:
    return paper.license or config.license or None


def _bib_key(paper: Paper, authors: tuple[PersonName, ...]) -> str:
    family = authors[0].family if authors else ""
    ascii_family = unicodedata.normalize("NFKD", family).encode("ascii", "ignore").decode()
    ascii_family = re.sub(r"[^A-Za-z0-9]", "", ascii_family)
    year = str(paper.date.year) if paper.date else ""
    key = ascii_family + year
    return key if ascii_family else re.sub(r"[^A-Za-z0-9_:-]", "", paper.slug) or "paper"


def bib_escape(text: str) -> str:
    """Plain text -> BibTeX field text that decodes back to ``text`` (UTF-8 kept)."""
    text = " ".join(text.split())
    return _BIB_SPECIAL_RE.sub(_bib_special, text) if _has_bib_special(text) else text


def _has_bib_special(text: str) -> bool:
    """Whether ``_BIB_SPECIAL_RE`` finds anything in ``text`` (most fields: no): a
    substring check for each of its characters, ~10x quicker than a search on an abstract;
    each pair is looked for only when its character occurs."""
    for special in _BIB_SPECIAL_ONE:
        if special in text:
            return True
    return (
        ("-" in text and "--" in text)
        or ("`" in text and "``" in text)
        or ("'" in text and "''" in text)
    )


def _bib_special(m: re.Match[str]) -> str:
    return _BIB_SPECIALS[m.group(0)]


def _bib_name(name: PersonName) -> str:
    def part(text: str) -> str:
        escaped = bib_escape(text)
        needs_braces = "," in text or ("and" in text.lower() and _AND_WORD.search(text))
        return "{" + escaped + "}" if needs_braces else escaped

    if not name.given:
        return "{" + bib_escape(name.family) + "}"
    return f"{part(name.family)}, {part(name.given)}"


def _bibtex(paper: Paper, config: JournalConfig, url: str | None, shared: _Shared) -> str:
    # (name, value as written in the file): braced text, or a bare month macro.
    fields: list[tuple[str, str]] = [("title", "{{" + bib_escape(_title(paper)) + "}}")]
    authors = shared.authors
    if authors:
        fields.append(("author", "{" + " and ".join(_bib_name(a) for a in authors) + "}"))
    fields.append(("journal", "{" + bib_escape(config.title) + "}"))
    if paper.date:
        fields.append(("year", "{" + str(paper.date.year) + "}"))
        fields.append(("month", MONTHS[paper.date.month - 1]))
    for name, value in (
        ("volume", paper.volume),
        ("number", paper.issue),
        ("publisher", config.publisher),
        ("issn", config.issn),
        ("doi", shared.doi),
        ("url", url),
        ("keywords", ", ".join(paper.keywords)),
        ("abstract", shared.abstract_line),
        ("license", _license(paper, config)),
        ("version", paper.version),
        ("note", {"preprint": "Preprint", "retracted": "Retracted"}.get(paper.status)),
    ):
        if value is not None and str(value) != "":
            text = str(value)
            if name in ("url", "doi"):
                text = text.replace("{", "%7B").replace("}", "%7D").replace(" ", "%20")
            elif name == "abstract":  # already on one line: only the specials to escape
                if _has_bib_special(text):  # (a quick look first: it is long)
                    text = _BIB_SPECIAL_RE.sub(_bib_special, text)
            else:
                text = bib_escape(text)
            fields.append((name, "{" + text + "}"))
    body = ",\n".join([_BIB_LABELS[name] + value for name, value in fields])
    return f"@article{{{shared.key},\n{body}\n}}\n"


_BIB_LABELS = {
    name: f"  {name:<9} = "
    for name in (
        "title",
        "author",
        "journal",
        "year",
        "month",
        "volume",
        "number",
        "publisher",
        "issn",
        "doi",
        "url",
        "keywords",
        "abstract",
        "license",
        "version",
        "note",
    )
}
"""Each ``cite.bib`` field's name as the file writes it, aligned (one padding each)."""


def _ris(paper: Paper, config: JournalConfig, url: str | None, shared: _Shared) -> str:
    lines = [("TY", "JOUR"), ("TI", _title(paper))]
    for author in shared.authors:
        lines.append(("AU", f"{author.family}, {author.given}" if author.given else author.family))
    lines.append(("T2", config.title))
    if paper.date:
        d = paper.date
        lines.append(("PY", str(d.year)))
        lines.append(("DA", f"{d.year:04d}/{d.month:02d}/{d.day:02d}/"))
    for tag, value in (
        ("VL", paper.volume),
        ("IS", paper.issue),
        ("SN", config.issn),
        ("PB", config.publisher),
        ("DO", shared.doi),
        ("UR", url),
        ("LA", config.language),
    ):
        if value is not None and str(value) != "":
            lines.append((tag, str(value)))
    lines = [(tag, " ".join(value.split())) for tag, value in lines]
    if shared.abstract_line:  # on one line already; the longest value by far
        lines.append(("AB", shared.abstract_line))
    lines.extend(("KW", " ".join(keyword.split())) for keyword in paper.keywords)
    lines.append(("ER", ""))
    return "".join(f"{tag}  - {value}\r\n" for tag, value in lines)


def _csl_json(paper: Paper, config: JournalConfig, url: str | None, shared: _Shared) -> str:
    """An array of one CSL item, as ``json.dumps(..., ensure_ascii=False, indent=2)``
    writes it (whose indenting encoder is pure Python), member by member: the item's
    shape is known (strings, the author list, the issued date), so no dict is built and
    walked; strings go to the C string encoder."""
    enc = _encode_string
    kind = "article" if paper.status == "preprint" else "article-journal"
    members = [f'"id": {enc(shared.key)}', f'"type": "{kind}"', f'"title": {enc(_title(paper))}']
    if shared.authors:
        people = [
            f'"family": {enc(a.family)},\n        "given": {enc(a.given)}'
            if a.given
            else f'"literal": {enc(a.family)}'
            for a in shared.authors
        ]
        joined = "\n      },\n      {\n        ".join(people)
        members.append(f'"author": [\n      {{\n        {joined}\n      }}\n    ]')
    members.append(f'"container-title": {enc(config.title)}')
    if paper.date:
        d = paper.date
        parts = f"{d.year},\n          {d.month},\n          {d.day}"
        members.append(
            f'"issued": {{\n      "date-parts": [\n        [\n          {parts}\n        ]\n      ]\n    }}'
        )
    for name, value in (
        ("ISSN", config.issn),
        ("publisher", config.publisher),
        ("volume", None if paper.volume is None else str(paper.volume)),
        ("issue", None if paper.issue is None else str(paper.issue)),
        ("DOI", shared.doi),
        ("URL", url),
        ("language", config.language),
        ("keyword", ", ".join(paper.keywords)),
        ("abstract", shared.abstract),
        ("license", _license(paper, config)),
        ("version", paper.version),
        ("status", None if paper.status == "published" else paper.status),
    ):
        if value:
            members.append(f'"{name}": {enc(value)}')
    return "[\n  {\n    " + ",\n    ".join(members) + "\n  }\n]\n"


_encode_string = json.encoder.encode_basestring
