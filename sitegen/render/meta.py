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

from sitegen.content.config import JournalConfig
from sitegen.content.model import Affiliation, Author
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
    """A ``ScholarlyArticle``, serialised safely for a ``<script>`` element.

    The text of ``json.dumps(document, ensure_ascii=False, sort_keys=True, indent=1)``,
    written member by member in sorted order (the members' names are literals here), so
    no dictionary is built, sorted and walked: 0.048 -> 0.031 ms a paper (c1k). The
    document is the one ``tests/render/test_paper_head.py`` builds and dumps to compare.
    """
    paper, cfg = entry.paper, site.config
    out = ['{\n "@context": "https://schema.org"']
    doi_url = f"https://doi.org/{paper.doi}" if paper.doi else None
    if doi_url:
        out.append(f',\n "@id": {_encode_string(doi_url)}')
    out.append(',\n "@type": "ScholarlyArticle"')
    abstract = entry.render.abstract_text
    if abstract:
        out.append(f',\n "abstract": {_json_value(abstract, NEXT)}')
    if paper.authors:
        out.append(',\n "author": [\n  ')
        out.append(",\n  ".join([_person(author) for author in paper.authors]))
        out.append("\n ]")
    else:
        out.append(',\n "author": []')
    references = entry.render.body.references
    if references:
        texts = _json_items([r.text for r in references], NEXT2)
        out.append(f',\n "citation": [\n  {texts}\n ]')
    out.append(f',\n "creativeWorkStatus": {_json_value(paper.status, NEXT)}')
    if paper.date:
        out.append(f',\n "datePublished": {_json_value(paper.date.isoformat(), NEXT)}')
    title = _json_value(paper.title, NEXT)
    out.append(f',\n "headline": {title}')
    identifiers = []
    if paper.doi:
        identifiers.append(_property_value("DOI", paper.doi))
    if entry.bundle_cid:
        identifiers.append(_property_value("IPFS CID", entry.bundle_cid))
    if identifiers:
        out.append(',\n "identifier": [\n  ' + ",\n  ".join(identifiers) + "\n ]")
    out.append(f',\n "inLanguage": {_json_value(cfg.language, NEXT)}')
    out.append(',\n "isPartOf": ' + _part_of(paper.volume, paper.issue, cfg))
    if paper.keywords:
        out.append(f',\n "keywords": [\n  {_json_items(paper.keywords, NEXT2)}\n ]')
    license_url = f"https://spdx.org/licenses/{paper.license or cfg.license}.html"
    out.append(f',\n "license": {_encode_string(license_url)}')
    out.append(f',\n "name": {title}')
    if doi_url:
        out.append(f',\n "sameAs": {_encode_string(doi_url)}')
    url = absolute(site, entry.url)
    if url:
        out.append(f',\n "url": {_encode_string(url)}')
    if paper.version:
        out.append(f',\n "version": {_json_value(paper.version, NEXT)}')
    out.append("\n}")
    text = "".join(out)
    # Inside <script>, "</" would end the element early; JSON allows escaping it.
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


NEXT = "\n "
"""The line break and indentation of the document's members (``indent=1``)..."""
NEXT2 = "\n  "
"""...of the items of its lists..."""
NEXT3 = "\n   "
"""...and of the members of their objects."""


def _json_value(value: object, newline: str) -> str:
    """A member's value: a string (what the front matter holds) by the C string
    encoder, anything else as :func:`_json_indented` writes it at ``newline``'s level."""
    return _encode_string(value) if type(value) is str else _json_indented(value, newline)


def _json_items(values: Sequence[object], newline: str) -> str:
    """The items of a list, one a line at ``newline``'s level, without the brackets."""
    return ("," + newline).join(
        [_encode_string(v) if type(v) is str else _json_indented(v, newline) for v in values]
    )


def _person(author: Author) -> str:
    """An author's ``Person`` object, written as an item of the ``author`` list."""
    out = ["{"]
    orcid = f"https://orcid.org/{author.orcid}" if author.orcid else None
    if orcid:
        out.append(f'\n   "@id": {_encode_string(orcid)},')
    out.append('\n   "@type": "Person"')
    if author.affiliations:
        out.append(',\n   "affiliation": [\n    ')
        out.append(",\n    ".join([_organization(a) for a in author.affiliations]))
        out.append("\n   ]")
    if author.family:
        out.append(f',\n   "familyName": {_json_value(author.family, NEXT3)}')
    if author.given:
        out.append(f',\n   "givenName": {_json_value(author.given, NEXT3)}')
    if orcid:
        out.append(f',\n   "identifier": {_encode_string(orcid)}')
    out.append(f',\n   "name": {_json_value(author.name, NEXT3)}\n  }}')
    return "".join(out)


def _organization(affiliation: Affiliation) -> str:
    """An affiliation's ``Organization``, as an item of a ``Person``'s list."""
    name = _json_value(affiliation.name, "\n     ")
    if affiliation.ror:
        ror = _json_value(affiliation.ror, "\n     ")
        return f'{{\n     "@id": {ror},\n     "@type": "Organization",\n     "name": {name}\n    }}'
    return f'{{\n     "@type": "Organization",\n     "name": {name}\n    }}'


def _property_value(property_id: str, value: str) -> str:
    """An item of the ``identifier`` list."""
    return (
        f'{{\n   "@type": "PropertyValue",\n   "propertyID": "{property_id}",'
        f'\n   "value": {_json_value(value, NEXT3)}\n  }}'
    )


def _part_of(volume: int | None, issue: int | None, cfg: JournalConfig) -> str:
    """The ``isPartOf`` chain: issue, volume, periodical (as far as the paper has them),
    each nested one level deeper than the one holding it."""
    chain: list[tuple[str, str, str]] = []  # (type, number member, number)
    if volume is not None:
        if issue is not None:
            chain.append(("PublicationIssue", "issueNumber", str(issue)))
        chain.append(("PublicationVolume", "volumeNumber", str(volume)))
    level = 1
    opened = []
    closes = []
    for kind, member, number in chain:
        inner = "\n" + " " * (level + 1)
        opened.append(f'{{{inner}"@type": "{kind}",{inner}"isPartOf": ')
        closes.append(
            f",{inner}{_encode_string(member)}: {_encode_string(number)}\n{' ' * level}}}"
        )
        level += 1
    inner = "\n" + " " * (level + 1)
    periodical = [f'{{{inner}"@type": "Periodical"']
    if cfg.issn:
        periodical.append(f',{inner}"issn": {_json_value(cfg.issn, inner)}')
    periodical.append(f',{inner}"name": {_json_value(cfg.title, inner)}')
    if cfg.publisher:
        deeper = inner + " "
        publisher = _json_value(cfg.publisher, deeper)
        periodical.append(
            f',{inner}"publisher": {{{deeper}"@type": "Organization",{deeper}"name": {publisher}{inner}}}'
        )
    periodical.append(f"\n{' ' * level}}}")
    return "".join(opened) + "".join(periodical) + "".join(reversed(closes))


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
    escaping leaves alone and no value contains. Names and attributes (our literals)
    are checked to need no escaping at all, in one go too: that check and the tags'
    columns taken apart by ``zip`` spare a Python step per tag (0.044 -> 0.040 ms a
    paper's two calls, c1k).
    """
    if not tags:
        return Markup("")
    try:
        names, contents, attrs = zip(*tags, strict=False)  # strict: a step per tag
    except (TypeError, ValueError):  # not (name, content, attr) triples
        return _meta_elements_one_by_one(tags)
    plain = {str}
    if set(map(type, contents)) != plain or set(map(type, names + attrs)) != plain:
        return _meta_elements_one_by_one(tags)  # markup already (or not text)
    joined = _SEP.join(contents)
    heads = "".join(names + attrs)
    if joined.count(_SEP) != len(contents) - 1 or _escape_text(heads) != heads:
        return _meta_elements_one_by_one(tags)  # a separator inside, or heads to escape
    escaped = _escape_text(joined).split(_SEP)
    return Markup(
        "".join(
            [
                f'<meta {a}="{n}" content="{c}">\n'
                for a, n, c in zip(attrs, names, escaped, strict=False)
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
