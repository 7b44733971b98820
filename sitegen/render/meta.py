"""Scholarly metadata for a paper page head: Highwire, JSON-LD, Dublin Core, OpenGraph.

Indexers read these rather than the visible page (Google Scholar's inclusion guidelines
name the ``citation_*`` tags), so each value comes straight from validated front matter.
"""

from __future__ import annotations

import json
import json.encoder
from collections.abc import Callable, Sequence
from typing import NamedTuple

import markupsafe
from markupsafe import Markup, escape

from sitegen.render.model import PaperEntry, Site


class MetaTag(NamedTuple):
    """One ``<meta>`` element. A named tuple: a paper page makes some seventy of them,
    and a frozen dataclass's ``__init__`` took twice as long to make each."""

    name: str
    content: str
    attr: str = "name"
    """``name`` for Highwire/DC, ``property`` for OpenGraph."""


def absolute(site: Site, rel: str) -> str | None:
    """An absolute URL for a site-relative path, only when ``base_url`` is configured."""
    base = site.config.base_url
    if not base:
        return None
    return base.rstrip("/") + "/" + rel.lstrip("/")


def highwire_tags(site: Site, entry: PaperEntry) -> list[MetaTag]:
    paper, cfg = entry.paper, site.config
    tags = [MetaTag("citation_title", paper.title)]
    for author in paper.authors:
        tags.append(MetaTag("citation_author", author.name))
        for aff in author.affiliations:
            tags.append(MetaTag("citation_author_institution", aff.name))
        if author.orcid:
            tags.append(MetaTag("citation_author_orcid", f"https://orcid.org/{author.orcid}"))
        if author.email and author.corresponding:
            tags.append(MetaTag("citation_author_email", author.email))
    if paper.date:
        tags.append(MetaTag("citation_publication_date", paper.date.strftime("%Y/%m/%d")))
    if paper.status == "preprint":
        tags.append(MetaTag("citation_technical_report_institution", cfg.publisher or cfg.title))
    tags.append(MetaTag("citation_journal_title", cfg.title))
    if cfg.publisher:
        tags.append(MetaTag("citation_publisher", cfg.publisher))
    if cfg.issn:
        tags.append(MetaTag("citation_issn", cfg.issn))
    if paper.volume is not None:
        tags.append(MetaTag("citation_volume", str(paper.volume)))
    if paper.issue is not None:
        tags.append(MetaTag("citation_issue", str(paper.issue)))
    if paper.doi:
        tags.append(MetaTag("citation_doi", paper.doi))
    if paper.pdf:
        pdf_url = absolute(site, f"{entry.url}source/{paper.pdf}")
        if pdf_url:
            tags.append(MetaTag("citation_pdf_url", pdf_url))
    page_url = absolute(site, entry.url)
    if page_url:
        tags.append(MetaTag("citation_abstract_html_url", page_url))
    if entry.render.abstract_text:
        tags.append(MetaTag("citation_abstract", entry.render.abstract_text))
    if paper.keywords:
        tags.append(MetaTag("citation_keywords", "; ".join(paper.keywords)))
    tags.append(MetaTag("citation_language", cfg.language))
    for ref in entry.render.body.references:
        tags.append(MetaTag("citation_reference", ref.text))
    return tags


def dublin_core_tags(site: Site, entry: PaperEntry) -> list[MetaTag]:
    paper = entry.paper
    tags = [MetaTag("DC.title", paper.title), MetaTag("DC.type", "Text")]
    tags += [MetaTag("DC.creator", a.name) for a in paper.authors]
    if paper.date:
        tags.append(MetaTag("DC.date", paper.date.isoformat()))
    if paper.doi:
        tags.append(MetaTag("DC.identifier", f"doi:{paper.doi}"))
    if entry.bundle_cid:
        tags.append(MetaTag("DC.identifier", f"ipfs://{entry.bundle_cid}"))
    license_id = paper.license or site.config.license
    tags.append(MetaTag("DC.rights", license_id))
    tags.append(MetaTag("DC.language", site.config.language))
    if site.config.publisher:
        tags.append(MetaTag("DC.publisher", site.config.publisher))
    tags += [MetaTag("DC.subject", kw) for kw in paper.keywords]
    if entry.render.abstract_text:
        tags.append(MetaTag("DC.description", entry.render.abstract_text))
    return tags


def opengraph_tags(site: Site, entry: PaperEntry) -> list[MetaTag]:
    paper = entry.paper
    tags = [
        MetaTag("og:type", "article", "property"),
        MetaTag("og:title", paper.title, "property"),
        MetaTag("og:site_name", site.config.title, "property"),
        MetaTag("twitter:card", "summary", "name"),
        MetaTag("twitter:title", paper.title, "name"),
    ]
    if entry.render.abstract_text:
        desc = _clip(entry.render.abstract_text, 300)
        tags.append(MetaTag("og:description", desc, "property"))
        tags.append(MetaTag("twitter:description", desc, "name"))
    url = absolute(site, entry.url)
    if url:
        tags.append(MetaTag("og:url", url, "property"))
    if paper.date:
        tags.append(MetaTag("article:published_time", paper.date.isoformat(), "property"))
    tags += [MetaTag("article:author", a.name, "property") for a in paper.authors]
    tags += [MetaTag("article:tag", kw, "property") for kw in paper.keywords]
    return tags


def json_ld(site: Site, entry: PaperEntry) -> str:
    """A ``ScholarlyArticle``, serialised safely for a ``<script>`` element."""
    paper, cfg = entry.paper, site.config
    authors = []
    for author in paper.authors:
        person: dict[str, object] = {"@type": "Person", "name": author.name}
        if author.given:
            person["givenName"] = author.given
        if author.family:
            person["familyName"] = author.family
        if author.orcid:
            person["@id"] = f"https://orcid.org/{author.orcid}"
            person["identifier"] = f"https://orcid.org/{author.orcid}"
        if author.affiliations:
            person["affiliation"] = [
                {"@type": "Organization", "name": a.name, **({"@id": a.ror} if a.ror else {})}
                for a in author.affiliations
            ]
        authors.append(person)
    periodical: dict[str, object] = {"@type": "Periodical", "name": cfg.title}
    if cfg.issn:
        periodical["issn"] = cfg.issn
    if cfg.publisher:
        periodical["publisher"] = {"@type": "Organization", "name": cfg.publisher}
    part_of: dict[str, object] = periodical
    if paper.volume is not None:
        part_of = {
            "@type": "PublicationVolume",
            "volumeNumber": str(paper.volume),
            "isPartOf": part_of,
        }
        if paper.issue is not None:
            part_of = {
                "@type": "PublicationIssue",
                "issueNumber": str(paper.issue),
                "isPartOf": part_of,
            }
    identifiers: list[object] = []
    if paper.doi:
        identifiers.append({"@type": "PropertyValue", "propertyID": "DOI", "value": paper.doi})
    if entry.bundle_cid:
        identifiers.append(
            {"@type": "PropertyValue", "propertyID": "IPFS CID", "value": entry.bundle_cid}
        )
    doc: dict[str, object] = {
        "@context": "https://schema.org",
        "@type": "ScholarlyArticle",
        "headline": paper.title,
        "name": paper.title,
        "author": authors,
        "isPartOf": part_of,
        "inLanguage": cfg.language,
        "license": f"https://spdx.org/licenses/{paper.license or cfg.license}.html",
        "creativeWorkStatus": paper.status,
    }
    if paper.doi:
        doc["@id"] = f"https://doi.org/{paper.doi}"
        doc["sameAs"] = f"https://doi.org/{paper.doi}"
    if identifiers:
        doc["identifier"] = identifiers
    if paper.date:
        doc["datePublished"] = paper.date.isoformat()
    if entry.render.abstract_text:
        doc["abstract"] = entry.render.abstract_text
    if paper.keywords:
        doc["keywords"] = list(paper.keywords)
    if paper.version:
        doc["version"] = paper.version
    url = absolute(site, entry.url)
    if url:
        doc["url"] = url
    if entry.render.body.references:
        doc["citation"] = [r.text for r in entry.render.body.references]
    text = _json_indented(doc, "\n")
    # Inside <script>, "</" would end the element early; JSON allows escaping it.
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def _json_indented(value: object, newline: str) -> str:
    """``json.dumps(value, ensure_ascii=False, sort_keys=True, indent=1)``, byte for byte.

    With ``indent`` the standard library encodes in pure Python (its C encoder only does
    the compact form), some 60 µs a paper; this walks the containers a JSON-LD document
    holds and leaves strings to the C string encoder. ``newline`` carries the indentation
    of the current level. Anything else goes to ``json.dumps`` itself.
    """
    if type(value) is str:
        return _encode_string(value)
    if type(value) is dict and value:
        inner = newline + " "
        items = []
        for key in sorted(value):
            if type(key) is not str:
                return _json_dumps(value, newline)
            item = value[key]
            text = _encode_string(item) if type(item) is str else _json_indented(item, inner)
            items.append(f"{_encode_string(key)}: {text}")
        return "{" + inner + ("," + inner).join(items) + newline + "}"
    if (type(value) is list or type(value) is tuple) and value:
        inner = newline + " "
        items = [_encode_string(v) if type(v) is str else _json_indented(v, inner) for v in value]
        return "[" + inner + ("," + inner).join(items) + newline + "]"
    return _json_dumps(value, newline)


def _json_dumps(value: object, newline: str) -> str:
    """``json.dumps`` itself, indented to ``newline``'s level."""
    # JSON text has no raw line breaks (strings escape theirs), so re-indenting is safe.
    text = json.dumps(value, ensure_ascii=False, sort_keys=True, indent=1)
    return text.replace("\n", newline)


_encode_string = json.encoder.encode_basestring


def meta_elements(tags: Sequence[MetaTag]) -> Markup:
    """Template filter: a ``<meta>`` element a line for each tag (``name``/``property``).

    ``{{ og_tags | meta_elements }}`` prints what the loop
    ``<meta {{ tag.attr }}="{{ tag.name }}" content="{{ tag.content }}">`` would, at a
    fraction of the cost: a paper's head has some seventy tags, and escaping their
    values one by one was a third of its page's rendering time. The contents (the long
    values: abstracts, references) are escaped in one go, joined by a character that
    escaping leaves alone and no value contains; names and attributes are short.
    """
    contents = [t.content for t in tags]
    joined = _SEP.join(contents) if all(type(v) is str for v in contents) else None
    if joined is None or joined.count(_SEP) != len(contents) - 1:
        return _meta_elements_one_by_one(tags)  # markup already, or a separator inside
    heads = [(t.attr, t.name) for t in tags]
    if not all(type(a) is str and type(n) is str for a, n in heads):
        return _meta_elements_one_by_one(tags)
    escaped = _escape_text(joined).split(_SEP)
    return Markup(
        "".join(
            [
                f'<meta {_escape_text(a)}="{_escape_text(n)}" content="{c}">\n'
                for (a, n), c in zip(heads, escaped, strict=True)
            ]
        )
    )


def _meta_elements_one_by_one(tags: Sequence[MetaTag]) -> Markup:
    """``meta_elements`` for values of any type (``Markup`` stays as it is)."""
    values = [str(escape(v)) for t in tags for v in (t.attr, t.name, t.content)]
    return Markup(
        "".join(
            f'<meta {values[i]}="{values[i + 1]}" content="{values[i + 2]}">\n'
            for i in range(0, len(values), 3)
        )
    )


def _escape_str(text: str) -> str:
    return str(escape(text))


_escape_text: Callable[[str], str] = getattr(markupsafe, "_escape_inner", _escape_str)
"""markupsafe's C escaping of a ``str`` (without the ``Markup`` around it), if it has one."""
_SEP = "\x00"


def _clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"
