"""The reference formatter as it was before ``format_reference`` escaped a reference's
HTML whole (each piece escaped as it was added), and ``ref_from_entry`` as it was before
it passed its fields by position: the oracles of the differential tests in
``test_refformat.py``. Names, punctuation and the name list are the module's own."""

from __future__ import annotations

import html

from sitegen.render.bibtex import BibEntry
from sitegen.render.names import PersonName, parse_bibtex_names
from sitegen.render.refformat import (
    _KINDS,
    _PAGE_RANGE,
    _YEAR,
    RefData,
    _apa_name,
    _end,
    _ieee_name,
    _name_list,
    _needs_escape,
    escape,
    normalize_doi,
    safe_url,
)
from sitegen.render.refformat import (
    _MAX_APA_AUTHORS as _MAX_APA,
)
from sitegen.render.refformat import (
    _MAX_IEEE_AUTHORS as _MAX_IEEE,
)


def former_format_reference(ref: RefData, style: str, *, year_suffix: str = "") -> tuple[str, str]:
    """``format_reference`` before the whole-HTML escape."""
    if style == "numeric":
        return _format_ieee(ref)
    return _format_apa(ref, year_suffix)


class _Out:
    """Accumulates a reference as escaped HTML and plain text side by side."""

    def __init__(self) -> None:
        self.html: list[str] = []
        self.text: list[str] = []

    def add(self, text: str) -> None:
        self.html.append(html.escape(text) if _needs_escape(text) else text)  # ``escape``
        self.text.append(text)

    def em(self, text: str) -> None:
        self.html.append(f"<em>{html.escape(text) if _needs_escape(text) else text}</em>")
        self.text.append(text)

    def link(self, text: str, href: str) -> None:
        self.html.append(f'<a href="{escape(href)}">{escape(text)}</a>')
        self.text.append(text)

    def result(self) -> tuple[str, str]:
        return "".join(self.html).strip(), " ".join("".join(self.text).split())


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


def _format_apa(ref: RefData, year_suffix: str) -> tuple[str, str]:
    out = _Out()
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
    return out.result()


def _format_ieee(ref: RefData) -> tuple[str, str]:
    out = _Out()
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
    return out.result()


def former_ref_from_entry(entry: BibEntry) -> RefData:
    """``ref_from_entry`` before it gave ``RefData`` its fields by position."""
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
    return RefData(
        key=entry.key,
        kind=kind,
        title=f.get("title") or f.get("shorttitle") or "",
        authors=_names(entry, "author"),
        editors=_names(entry, "editor"),
        year=year,
        container=container,
        volume=f.get("volume"),
        issue=f.get("number") or f.get("issue"),
        pages=pages,
        publisher=publisher if kind != "article" else None,
        edition=f.get("edition"),
        version=f.get("version"),
        thesis_kind=thesis_kind,
        doi=normalize_doi(f.get("doi")),
        url=url,
        arxiv=arxiv,
        note=None,
    )


def _names(entry: BibEntry, fld: str) -> tuple[PersonName, ...]:
    raw = entry.raw.get(fld)
    return parse_bibtex_names(raw) if raw else ()


def former_name_list(names: tuple[PersonName, ...], style: str) -> str:
    """``_name_list`` before it wrote plain author-year names in place."""
    named = [n for n in names if not n.others]
    others = len(named) < len(names)
    fmt = _apa_name if style == "author-year" else _ieee_name
    parts = [fmt(n) for n in named]
    if style == "author-year":
        if len(parts) > _MAX_APA:
            return ", ".join(parts[: _MAX_APA - 1]) + ", … " + parts[-1]
        if others:
            return ", ".join(parts) + ", et al."
        if len(parts) <= 1:
            return "".join(parts)
        return ", ".join(parts[:-1]) + ", & " + parts[-1]
    if len(parts) > _MAX_IEEE or (others and parts):
        return parts[0] + " et al."
    if len(parts) <= 2:
        return " and ".join(parts)
    return ", ".join(parts[:-1]) + ", and " + parts[-1]
