"""Site-wide machine-readable files: Atom, JSON Feed, sitemap, robots.txt.

Feeds are written even without ``base_url`` (links then stay relative, which feed readers
resolve against the feed's own URL); the sitemap needs absolute URLs, so it is only
written when ``base_url`` is set.
"""

from __future__ import annotations

import datetime as dt
import json
from xml.sax.saxutils import escape, quoteattr

from sitegen.render.meta import absolute
from sitegen.render.model import Site

FEED_SIZE = 50


def _iso(date: dt.date | None, fallback: dt.datetime) -> str:
    if date is None:
        return fallback.strftime("%Y-%m-%dT%H:%M:%SZ")
    return f"{date.isoformat()}T00:00:00Z"


def _link(site: Site, rel: str) -> str:
    return absolute(site, rel) or rel


def atom_feed(site: Site) -> bytes:
    cfg = site.config
    updated = site.updated.strftime("%Y-%m-%dT%H:%M:%SZ")
    feed_id = absolute(site, "") or f"urn:sitegen:{cfg.issn or cfg.title}"
    out = [
        '<?xml version="1.0" encoding="utf-8"?>',
        f'<feed xmlns="http://www.w3.org/2005/Atom" xml:lang={quoteattr(cfg.language)}>',
        f"  <title>{escape(cfg.title)}</title>",
    ]
    if cfg.description:
        out.append(f"  <subtitle>{escape(cfg.description)}</subtitle>")
    out += [
        f"  <id>{escape(feed_id)}</id>",
        f"  <updated>{updated}</updated>",
        f'  <link rel="self" href={quoteattr(_link(site, "feed.xml"))}/>',
        f'  <link rel="alternate" type="text/html" href={quoteattr(_link(site, "index.html"))}/>',
        "  <generator>sitegen</generator>",
    ]
    for entry in site.papers[:FEED_SIZE]:
        paper = entry.paper
        url = _link(site, entry.url)
        entry_id = f"https://doi.org/{paper.doi}" if paper.doi else url
        out += [
            "  <entry>",
            f"    <title>{escape(paper.title)}</title>",
            f"    <id>{escape(entry_id)}</id>",
            f'    <link rel="alternate" type="text/html" href={quoteattr(url)}/>',
            f"    <updated>{_iso(paper.accepted or paper.date, site.updated)}</updated>",
            f"    <published>{_iso(paper.date, site.updated)}</published>",
        ]
        out += [f"    <author><name>{escape(a.name)}</name></author>" for a in paper.authors]
        out += [f"    <category term={quoteattr(kw)}/>" for kw in paper.keywords]
        if entry.render.abstract_text:
            out.append(f"    <summary>{escape(entry.render.abstract_text)}</summary>")
        out.append("  </entry>")
    out.append("</feed>")
    return ("\n".join(out) + "\n").encode("utf-8")


def json_feed(site: Site) -> bytes:
    cfg = site.config
    items = []
    for entry in site.papers[:FEED_SIZE]:
        paper = entry.paper
        item: dict[str, object] = {
            "id": f"https://doi.org/{paper.doi}" if paper.doi else _link(site, entry.url),
            "url": _link(site, entry.url),
            "title": paper.title,
            "content_html": entry.render.abstract_html,
            "summary": entry.render.abstract_text,
            "date_published": _iso(paper.date, site.updated),
            "authors": [{"name": a.name} for a in paper.authors],
            "tags": list(paper.keywords),
        }
        if entry.bundle_cid:
            item["_ipfs"] = {"cid": entry.bundle_cid}
        items.append(item)
    doc: dict[str, object] = {
        "version": "https://jsonfeed.org/version/1.1",
        "title": cfg.title,
        "language": cfg.language,
        "items": items,
    }
    if cfg.description:
        doc["description"] = cfg.description
    home = absolute(site, "")
    if home:
        doc["home_page_url"] = home
        doc["feed_url"] = absolute(site, "feed.json")
    return (json.dumps(doc, ensure_ascii=False, indent=1, sort_keys=True) + "\n").encode("utf-8")


def sitemap(site: Site, page_paths: list[str]) -> bytes | None:
    """``page_paths`` are site-relative HTML paths; None when there is no ``base_url``.

    A line a page (tens of thousands at 10k papers): the URLs are made by one prefix
    and escaped only when one of them has a character to escape (none usually does).
    """
    if not site.config.base_url:
        return None
    prefix = site.config.base_url.rstrip("/") + "/"
    locs = [prefix + path.removesuffix("index.html").lstrip("/") for path in sorted(page_paths)]
    joined = "".join(locs)
    if "&" in joined or "<" in joined or ">" in joined:
        locs = [escape(loc) for loc in locs]
    out = [
        '<?xml version="1.0" encoding="utf-8"?>',
        '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">',
    ]
    if locs:
        out.append("  <url><loc>" + "</loc></url>\n  <url><loc>".join(locs) + "</loc></url>")
    out.append("</urlset>")
    return ("\n".join(out) + "\n").encode("utf-8")


def robots(site: Site) -> bytes:
    lines = ["User-agent: *", "Allow: /"]
    sm = absolute(site, "sitemap.xml")
    if sm:
        lines.append(f"Sitemap: {sm}")
    return ("\n".join(lines) + "\n").encode("utf-8")
