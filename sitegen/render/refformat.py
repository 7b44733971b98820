"""One reference's data, and its formatting as HTML and plain text in two styles.

``RefData`` is the style-neutral middle: built from a BibTeX entry for a paper's reference
list, or from a sitegen ``Paper`` for its own "cite this paper" box, so both look alike.
Styles: ``author-year`` (APA-like, as JOSS prints) and ``numeric`` (IEEE-like).
Everything that reaches HTML is escaped here; only DOIs and http(s) URLs become links.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass

from sitegen.render.bibtex import BibEntry
from sitegen.render.names import PersonName, parse_bibtex_names

STYLES = ("author-year", "numeric")
_DOI = re.compile(r"10\.\d{4,9}/\S+")
_DOI_PREFIX = re.compile(r"^(?:https?://(?:dx\.)?doi\.org/|doi:\s*|urn:doi:)", re.IGNORECASE)
_URL = re.compile(r"^(?:https?|ftp)://[^\s<>\"]+$", re.IGNORECASE)
_YEAR = re.compile(r"\d{4}")
_PAGE_RANGE = re.compile(r"(?<=\w)\s*[-–]+\s*(?=\w)")
_HTML_SPECIAL = re.compile("[&<>\"']")
"""What ``html.escape`` (quote=True) replaces."""
_needs_escape = _HTML_SPECIAL.search
_MAX_APA_AUTHORS = 20
_MAX_IEEE_AUTHORS = 6

# BibTeX/biblatex entry types -> the kinds the formatter distinguishes.
_KINDS = {
    bib_type: kind
    for kind, bib_types in (
        ("article", ("article",)),
        ("chapter", ("inproceedings", "conference", "incollection", "inbook")),
        ("book", ("book", "booklet", "proceedings", "manual")),
        ("thesis", ("phdthesis", "mastersthesis", "thesis")),
        ("report", ("techreport", "report")),
        ("software", ("software",)),
        ("webpage", ("online", "electronic", "www")),
        ("dataset", ("dataset",)),
    )
    for bib_type in bib_types
}


@dataclass(frozen=True, slots=True)
class RefData:
    """What a formatted reference shows, already decoded to plain text."""

    key: str
    kind: str
    """article, chapter, book, thesis, report, software, webpage, dataset or misc."""
    title: str
    authors: tuple[PersonName, ...] = ()
    editors: tuple[PersonName, ...] = ()
    year: str | None = None
    container: str | None = None
    """Journal, proceedings or book title."""
    volume: str | None = None
    issue: str | None = None
    pages: str | None = None
    publisher: str | None = None
    edition: str | None = None
    version: str | None = None
    thesis_kind: str | None = None
    doi: str | None = None
    url: str | None = None
    arxiv: str | None = None
    note: str | None = None


def normalize_doi(value: str | None) -> str | None:
    """``https://doi.org/10.1/x``, ``doi:10.1/x`` or ``10.1/x`` -> ``10.1/x``; else None."""
    if not value:
        return None
    value = value.strip()
    if not value.startswith("10."):  # else no prefix to take off (most)
        value = _DOI_PREFIX.sub("", value).strip()
    m = _DOI.match(value)
    return m.group(0).rstrip(".,;") if m else None


def safe_url(value: str | None) -> str | None:
    """An http(s)/ftp URL without spaces, or None: nothing else may become a link."""
    if not value:
        return None
    value = value.strip()
    return value if _URL.match(value) else None


def ref_from_entry(entry: BibEntry) -> RefData:
    """Map a BibTeX entry onto ``RefData``."""
    f = entry.fields
    kind = _KINDS.get(entry.type, "misc")
    year = f.get("year") or (f.get("date") or "")[:4] or None
    if year and not (len(year) == 4 and year.isdecimal()):  # else it is its own match
        m = _YEAR.search(year)
        year = m.group(0) if m else year
    container = f.get("journal") or f.get("journaltitle") or f.get("booktitle")
    if kind == "misc" and container is None and f.get("howpublished"):
        howpublished = f["howpublished"]
        if not safe_url(howpublished):
            container = howpublished
    publisher = f.get("publisher") or f.get("institution") or f.get("school")
    publisher = publisher or f.get("organization")
    url = safe_url(f.get("url")) or safe_url(f.get("howpublished"))
    eprint = f.get("eprint")
    arxiv = None
    if eprint and (f.get("archiveprefix", f.get("eprinttype", "")).lower() == "arxiv"):
        arxiv = eprint
    pages = f.get("pages")
    if pages and ("-" in pages or "–" in pages):
        first, dash, last = pages.partition("–")  # ``12--34`` decodes to ``12–34``
        if not (dash and first.isalnum() and last.isalnum()):  # else it is its own range
            pages = _PAGE_RANGE.sub("–", pages)
    thesis_kind: str | None
    if entry.type == "mastersthesis":
        thesis_kind = "Master's thesis"
    elif entry.type == "phdthesis":
        thesis_kind = "Doctoral dissertation"
    else:
        thesis_kind = f.get("type")
    return RefData(  # positional (field order): binding 18 keywords costs ~0.5 us more
        entry.key,
        kind,
        f.get("title") or f.get("shorttitle") or "",
        parse_bibtex_names(authors) if (authors := entry.raw.get("author")) else (),
        parse_bibtex_names(editors) if (editors := entry.raw.get("editor")) else (),
        year,
        container,
        f.get("volume"),
        f.get("number") or f.get("issue"),
        pages,
        publisher if kind != "article" else None,
        f.get("edition"),
        f.get("version"),
        thesis_kind,
        normalize_doi(f.get("doi")),
        url,
        arxiv,
        None,
    )


def cite_names(ref: RefData, *, narrative: bool = False) -> str:
    """The author part of a citation: ``Smith``, ``Smith & Doe``, ``Smith et al.``."""
    names = ref.authors or ref.editors
    named = [n for n in names if not n.others]
    others = len(named) < len(names)
    if not named:
        words = ref.title.split()
        return " ".join(words[:4]) + ("…" if len(words) > 4 else "") if words else ref.key
    if len(named) == 1:
        return named[0].family + (" et al." if others else "")
    if len(named) == 2 and not others:
        joiner = " and " if narrative else " & "
        return named[0].family + joiner + named[1].family
    return named[0].family + " et al."


def escape(text: str) -> str:
    """``html.escape(text)``, skipped (a search instead of five replaces) when ``text`` has
    nothing to escape, as most names, titles and labels have not."""
    return html.escape(text) if _HTML_SPECIAL.search(text) else text


class _Out:
    """Accumulates a reference as HTML and plain text side by side, the HTML's text not
    escaped: ``format_reference`` escapes it whole when it can."""

    def __init__(self) -> None:
        self.html: list[str] = []
        self.text: list[str] = []

    def add(self, text: str) -> None:
        self.html.append(text)
        self.text.append(text)

    def em(self, text: str) -> None:
        self.html.append(f"<em>{text}</em>")
        self.text.append(text)

    def link(self, text: str, href: str) -> None:
        self.html.append(f'<a href="{href}">{text}</a>')
        self.text.append(text)

    def result(self) -> tuple[str, str]:
        return "".join(self.html).strip(), " ".join("".join(self.text).split())


class _EscapingOut(_Out):
    """``_Out`` escaping each piece of the HTML."""

    def add(self, text: str) -> None:
        self.html.append(escape(text))
        self.text.append(text)

    def em(self, text: str) -> None:
        self.html.append(f"<em>{escape(text)}</em>")
        self.text.append(text)

    def link(self, text: str, href: str) -> None:
        self.html.append(f'<a href="{escape(href)}">{escape(text)}</a>')
        self.text.append(text)


def _end(text: str) -> str:
    """Terminal punctuation unless the text already has some."""
    return "" if text.rstrip().endswith((".", "?", "!")) else "."


def _apa_name(name: PersonName) -> str:
    if name.literal or not name.given:
        return name.family
    suffix = f", {name.suffix}" if name.suffix else ""
    return f"{name.family}, {_initials(name, name.given)}{suffix}"


def _ieee_name(name: PersonName) -> str:
    if name.literal or not name.given:
        return name.family
    suffix = f", {name.suffix}" if name.suffix else ""
    return f"{_initials(name, name.given)} {name.family}{suffix}"


def _initials(name: PersonName, given: str) -> str:
    """``name.initials()``: a given name of words of letters and initials (``Anne M.``,
    most) is written in place, at half the cost."""
    words = given.split()
    for word in words:
        if not (word.isalpha() or (len(word) == 2 and word[1] == "." and word[0].isalpha())):
            return name.initials()
    return " ".join([word[0] + "." for word in words])


def _name_list(names: tuple[PersonName, ...], style: str) -> str:
    named = [n for n in names if not n.others]
    others = len(named) < len(names)
    if style == "author-year":
        # ``_apa_name`` of a plain given name without suffix (most), written in place
        parts = [
            f"{n.family}, {n.given[0]}."
            if n.given and n.given.isalpha() and not (n.literal or n.suffix)
            else _apa_name(n)
            for n in named
        ]
        if len(parts) > _MAX_APA_AUTHORS:
            return ", ".join(parts[: _MAX_APA_AUTHORS - 1]) + ", … " + parts[-1]
        if others:
            return ", ".join(parts) + ", et al."
        if len(parts) <= 1:
            return "".join(parts)
        return ", ".join(parts[:-1]) + ", & " + parts[-1]
    parts = [_ieee_name(n) for n in named]
    if len(parts) > _MAX_IEEE_AUTHORS or (others and parts):
        return parts[0] + " et al."
    if len(parts) <= 2:
        return " and ".join(parts)
    return ", ".join(parts[:-1]) + ", and " + parts[-1]


def format_reference(ref: RefData, style: str, *, year_suffix: str = "") -> tuple[str, str]:
    """``(html, text)`` of one reference in ``style`` (see ``STYLES``)."""
    out = _Out()
    _write(out, ref, style, year_suffix)
    html_text, text = out.result()
    # What ``html.escape`` replaces that the tags ``_Out`` writes hold too: ``<>"``
    # (a substring check each, ~8x quicker than a character class on the text).
    if "<" not in text and ">" not in text and '"' not in text:
        # Escaping is per character, and the tags hold none of ``&`` and ``'``: the
        # pieces escaped one by one give the unescaped HTML with these two replaced.
        if "&" in html_text:  # (most author-year references: ``Smith, J., & Doe, A.``)
            html_text = html_text.replace("&", "&amp;")
        if "'" in html_text:
            html_text = html_text.replace("'", "&#x27;")
        return html_text, text
    out = _EscapingOut()  # a ``<``, ``>`` or ``"`` of the text's own, unlike a tag's
    _write(out, ref, style, year_suffix)
    return out.result()


def _write(out: _Out, ref: RefData, style: str, year_suffix: str) -> None:
    if style == "numeric":
        _format_ieee(out, ref)
    else:
        _format_apa(out, ref, year_suffix)


def _links(out: _Out, ref: RefData) -> None:
    if ref.arxiv and not ref.container:
        out.add(" ")
        out.link(f"arXiv:{ref.arxiv}", f"https://arxiv.org/abs/{ref.arxiv}")
    if ref.doi:
        out.add(" ")
        out.link(f"https://doi.org/{ref.doi}", f"https://doi.org/{ref.doi}")
    elif ref.url:
        out.add(" ")
        out.link(ref.url, ref.url)


def _format_apa(out: _Out, ref: RefData, year_suffix: str) -> None:
    year = (ref.year or "n.d.") + year_suffix
    names = ref.authors or ref.editors
    italic_title = ref.kind in ("book", "thesis", "report", "software", "dataset", "webpage")
    italic_title = italic_title or (ref.kind == "misc" and not ref.container)
    if names:
        author_text = _name_list(names, "author-year")
        if not ref.authors:
            author_text += " (Eds.)" if len(ref.editors) > 1 else " (Ed.)"
        out.add(f"{author_text}{_end(author_text)} ({year}). ")
        if ref.title:
            (out.em if italic_title else out.add)(ref.title)
    elif ref.title:
        (out.em if italic_title else out.add)(ref.title)
        out.add(f" ({year})")
    extras = []
    if ref.edition:
        extras.append(f"{ref.edition} ed.")
    if ref.version:
        extras.append(f"Version {ref.version}")
    if extras:
        out.add(f" ({', '.join(extras)})")
    if ref.kind == "thesis" and ref.thesis_kind:
        out.add(f" [{ref.thesis_kind}]")
    elif ref.kind == "software":
        out.add(" [Computer software]")
    if ref.title:
        out.add(_end(ref.title))
    if ref.container and ref.kind == "chapter":
        out.add(" In ")
        if ref.editors and ref.authors:
            editors = [_ieee_name(n) for n in ref.editors if not n.others]
            label = "Eds." if len(editors) > 1 else "Ed."
            out.add(
                " & ".join([", ".join(editors[:-1]), editors[-1]] if len(editors) > 1 else editors)
            )
            out.add(f" ({label}), ")
        out.em(ref.container)
        if ref.pages:
            out.add(f" (pp. {ref.pages})")
        out.add(".")
    elif ref.container:
        out.add(" ")
        out.em(ref.container)
        if ref.volume:
            out.add(", ")
            out.em(ref.volume)
        if ref.issue:
            out.add(f"({ref.issue})" if ref.volume else f", {ref.issue}")
        if ref.pages:
            out.add(f", {ref.pages}")
        out.add(".")
    if ref.publisher and ref.publisher != ref.container:
        out.add(f" {ref.publisher}{_end(ref.publisher)}")
    if ref.note:
        out.add(f" {ref.note}{_end(ref.note)}")
    _links(out, ref)


def _format_ieee(out: _Out, ref: RefData) -> None:
    names = ref.authors or ref.editors
    if names:
        out.add(_name_list(names, "numeric"))
        out.add(", Eds., " if not ref.authors else ", ")
    quoted = ref.kind in ("article", "chapter") or (ref.kind == "misc" and ref.container)
    if ref.title:
        if quoted:
            out.add(f"“{ref.title},” ")
        else:
            out.em(ref.title)
            out.add(", ")
    parts: list[str] = []
    if ref.container:
        if ref.kind == "chapter":
            out.add("in ")
        out.em(ref.container)
        out.add(", ")
    if ref.edition:
        parts.append(f"{ref.edition} ed.")
    if ref.version:
        parts.append(f"version {ref.version}")
    if ref.volume:
        parts.append(f"vol. {ref.volume}")
    if ref.issue:
        parts.append(f"no. {ref.issue}")
    if ref.pages:
        parts.append(f"{'pp.' if '–' in ref.pages else 'p.'} {ref.pages}")
    if ref.kind == "thesis" and ref.thesis_kind:
        parts.append(ref.thesis_kind)
    if ref.publisher and ref.publisher != ref.container:
        parts.append(ref.publisher)
    if ref.year:
        parts.append(ref.year)
    out.add(", ".join(parts))
    while out.text and not out.text[-1].strip(", "):
        out.text.pop()
        out.html.pop()
    if out.text:
        out.text[-1] = out.text[-1].rstrip(", ")
        out.html[-1] = out.html[-1].rstrip(", ")
    out.add(_end("".join(out.text)))
    if ref.note:
        out.add(f" {ref.note}{_end(ref.note)}")
    _links(out, ref)
