"""Templates -> the in-memory output tree (``{site-relative path: bytes | source Path}``).

Every in-site link is relative to the page that holds it (``rel()``), so the site works
from ``file://``, from a sub-path and from ``https://gateway/ipfs/<cid>/``. Folder links
end in ``index.html`` for the same reason: ``file://`` has no directory index.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from functools import partial
from pathlib import Path
from typing import cast

import jinja2

from sitegen.cache.address import node_of_bytes
from sitegen.content.model import Page
from sitegen.errors import ContentError, Diagnostic
from sitegen.ipfs.files import Node
from sitegen.ipfs.profiles import Profile, get_profile
from sitegen.output import IN_PLACE, Content, make_folder, write_file
from sitegen.render import feeds, meta
from sitegen.render.cards import CardMemo
from sitegen.render.cite_export import formatted_citation
from sitegen.render.model import PaperEntry, Site
from sitegen.render.paper_parts import author_rows, downloads_for
from sitegen.render.reuse import LinkMemo, PageLinks

PER_PAGE = 50
"""Listing pages paginate so their size never grows with the journal."""
Planned = tuple[str, Callable[[], None]]
"""A page of the site: its path and what renders it (see ``SiteRenderer.pages``)."""
TEMPLATES = (
    "index.html",
    "list.html",
    "paper.html",
    "volumes.html",
    "volume.html",
    "authors.html",
    "author.html",
    "subjects.html",
    "page.html",
    "search.html",
    "404.html",
)
"""The templates :meth:`SiteRenderer.pages` renders pages with."""
RESERVED = frozenset({"papers", "issues", "authors", "subjects", "search", "assets"})


def make_rel(page_path: str) -> Callable[[str], str]:
    """``rel(target)`` gives ``target`` (site-relative) as seen from ``page_path``.

    Equal to ``posixpath.relpath`` (which is tested); see :class:`PageLinks`.
    """
    return PageLinks(page_path)


class SiteRenderer:
    """Renders every page of a ``Site`` with one Jinja environment.

    With a ``sink`` folder, each page is written there as soon as it is rendered and the
    tree holds its path, so memory does not grow with the number of pages; its UnixFS node
    is computed from the bytes in hand (``nodes``). :meth:`pages` lists every page with
    what renders it, so that two processes can share them out (:func:`render_split`).
    """

    def __init__(
        self,
        site: Site,
        env: jinja2.Environment,
        body_css: Sequence[str],
        *,
        sink: Path | None = None,
        full_entry: Callable[[PaperEntry], PaperEntry] | None = None,
    ) -> None:
        self.site = site
        self.full_entry = full_entry
        """Gives back what the site model left out of a paper (its body), for its page."""
        self.env = env
        self.css = tuple(body_css)
        self.tree: dict[str, Content] = {}
        self.sink = sink
        self.nodes: dict[str, Node] = {}
        """page path -> node of every page written into the sink."""
        self.lists_sink = True
        """Whether a page written into the sink is listed in the tree as it is written.
        Off in :func:`render_split`: the parent lists every page beforehand, and the
        forked half's tree is never read."""
        self._made: set[str] = set()
        """Folders of the sink (relative to it) known to exist."""
        self._links = LinkMemo()
        self._memo = CardMemo()
        """Links, fragments and paper cards worked out once for all pages (see
        ``sitegen.render.reuse`` and ``sitegen.render.cards``)."""
        self._menu: list[tuple[str, str]] | None = None
        self._templates: dict[str, jinja2.Template] = {}
        self._profile: Profile | None = None
        """The CID profile of the sink's page nodes (looked up at the first page)."""

    # -- helpers ---------------------------------------------------------------------
    def child_report(self) -> object:
        """What the forked half of :func:`render_split` sends back: its pages' nodes."""
        return self.nodes

    def merge_child(self, report: object, order: Sequence[str]) -> None:
        """Take in a ``child_report`` of the forked half (``order``: every page's path,
        in site order)."""
        self.nodes.update(cast(dict[str, Node], report))

    def list_pages(self, paths: Iterable[str]) -> None:
        """List ``paths`` in the tree as files of the sink, in this order (the pages
        rendered later, here or by another process, keep their place)."""
        assert self.sink is not None
        self.tree.update(dict.fromkeys(paths, IN_PLACE))

    def _emit(self, page_path: str, data: bytes) -> None:
        if self.sink is None:
            self.tree[page_path] = data
            return
        if self._profile is None:
            self._profile = get_profile(self.site.config.cid_profile)
        folder = page_path.rpartition("/")[0]
        if folder not in self._made:
            make_folder(f"{self.sink}/{folder}")
            self._made.add(folder)
        write_file(f"{self.sink}/{page_path}", data)
        self.nodes[page_path] = node_of_bytes(data, self._profile)
        if self.lists_sink:
            self.tree[page_path] = IN_PLACE

    def _render(self, template: str, page_path: str, **ctx: object) -> None:
        rel = PageLinks(page_path, self._links, self._memo)
        try:
            html = self._template(template).render(
                site=self.site,
                config=self.site.config,
                rel=rel,
                root=rel(""),
                page_path=page_path,
                css=[rel(c) for c in self.css],
                nav=self._nav(),
                **ctx,
            )
        except jinja2.TemplateSyntaxError as exc:
            raise ContentError(
                "template error",
                [
                    Diagnostic(
                        exc.filename or exc.name or template,
                        exc.lineno,
                        "template",
                        exc.message or str(exc),
                    )
                ],
            ) from exc
        except jinja2.TemplateError as exc:
            raise ContentError(
                "template error",
                [Diagnostic(template, None, "template", f"while rendering {page_path}: {exc}")],
            ) from exc
        self._emit(page_path, html.encode("utf-8"))

    def _template(self, name: str) -> jinja2.Template:
        """Looked up once per renderer, not once per page."""
        found = self._templates.get(name)
        if found is None:
            found = self._templates[name] = self.env.get_template(name)
        return found

    def _nav(self) -> list[tuple[str, str]]:
        """The menu (a new list for each page: a template may not change the next one's)."""
        if self._menu is not None:
            return list(self._menu)
        items = [
            ("Papers", "papers/"),
            ("Issues", "issues/"),
            ("Authors", "authors/"),
            ("Subjects", "subjects/"),
        ]
        items += [(p.title, f"{p.slug}/") for p in self.site.pages if p.menu]
        self._menu = items
        return list(items)

    def papers_of(self, slugs: Iterable[str]) -> list[PaperEntry]:
        return [self.site.by_slug[s] for s in slugs if s in self.site.by_slug]

    def _listing(
        self, base: str, template: str, papers: Sequence[PaperEntry], **ctx: object
    ) -> Iterator[Planned]:
        """The pages of a paginated listing at ``base`` (``papers/``), ``base/page/2/``..."""
        pages = max(1, -(-len(papers) // PER_PAGE))
        for number in range(1, pages + 1):
            path = f"{base}index.html" if number == 1 else f"{base}page/{number}/index.html"
            yield path, partial(self._listing_page, template, path, base, papers, number, ctx)

    def _listing_page(
        self,
        template: str,
        path: str,
        base: str,
        papers: Sequence[PaperEntry],
        number: int,
        ctx: dict[str, object],
    ) -> None:
        """Page ``number`` of a listing (its context is made only when it is rendered)."""
        pages = max(1, -(-len(papers) // PER_PAGE))
        chunk = papers[(number - 1) * PER_PAGE : number * PER_PAGE]
        pager = {
            "number": number,
            "pages": pages,
            "prev": (base if number == 2 else f"{base}page/{number - 1}/") if number > 1 else None,
            "next": f"{base}page/{number + 1}/" if number < pages else None,
        }
        self._render(template, path, papers=chunk, pager=pager, **ctx)

    # -- page kinds ------------------------------------------------------------------
    def render_all(self, rendered_pages: dict[str, str]) -> dict[str, Content]:
        """Every page in site order, then the site-wide files."""
        for _path, render in self.pages(rendered_pages):
            render()
        self.site_files()
        return self.tree

    def pages(self, rendered_pages: dict[str, str]) -> Iterator[Planned]:
        """Every page of the site in site order: its path and what renders it.

        Nothing is rendered (nor any listing's context made) until that is called, so
        a process can list all pages and render only its share.
        """
        site, render = self.site, self._render
        title = site.config.title
        yield (
            "index.html",
            partial(
                render,
                "index.html",
                "index.html",
                latest=site.papers[:10],
                issue=site.current_issue,
                title=title,
            ),
        )
        for entry in site.papers:
            yield f"{entry.url}index.html", partial(self.render_paper, entry)
        # after the papers' pages, beside the other listings: one process of a split
        # render takes them all, and with them every card (see render.split)
        yield from self._listing(
            "papers/", "list.html", site.papers, title="All papers", heading="All papers"
        )
        yield (
            "issues/index.html",
            partial(render, "volumes.html", "issues/index.html", title="Volumes and issues"),
        )
        for volume in site.volumes:
            path = f"{volume.url}index.html"
            yield (
                path,
                partial(
                    render,
                    "volume.html",
                    path,
                    volume=volume,
                    title=volume.title,
                    papers=[site.by_slug[slug] for slug in volume.papers],
                ),
            )
            for issue in volume.issues:
                yield from self._listing(
                    issue.url,
                    "list.html",
                    self.papers_of(issue.papers),
                    title=issue.title,
                    heading=issue.title,
                    description=issue.description,
                )
        yield (
            "authors/index.html",
            partial(render, "authors.html", "authors/index.html", title="Authors"),
        )
        for author in site.authors:
            yield from self._listing(
                author.url,
                "author.html",
                self.papers_of(author.papers),
                author=author,
                title=author.name,
            )
        yield (
            "subjects/index.html",
            partial(render, "subjects.html", "subjects/index.html", title="Subjects"),
        )
        for subject in site.subjects:
            yield from self._listing(
                subject.url,
                "list.html",
                self.papers_of(subject.papers),
                title=subject.name,
                heading=f"Subject: {subject.name}",
            )
        for page in site.pages:
            yield (
                f"{page.slug}/index.html",
                partial(self.render_page, page, rendered_pages[page.slug]),
            )
        yield (
            "search/index.html",
            partial(render, "search.html", "search/index.html", title="Search"),
        )
        yield "404.html", partial(render, "404.html", "404.html", title="Page not found")

    def site_files(self) -> None:
        """The feeds, sitemap and robots.txt (the sitemap lists the tree's pages: all of
        them must be listed by then, rendered or not)."""
        site = self.site
        self._emit("feed.xml", feeds.atom_feed(site))
        self._emit("feed.json", feeds.json_feed(site))
        html_pages = [p for p in self.tree if p.endswith(".html") and p != "404.html"]
        sitemap = feeds.sitemap(site, html_pages)
        if sitemap is not None:
            self._emit("sitemap.xml", sitemap)
        self._emit("robots.txt", feeds.robots(site))

    def render_page(self, page: Page, body_html: str) -> None:
        if page.slug in RESERVED:
            raise ContentError(
                "page name clashes with a site section",
                [
                    Diagnostic(
                        page.source_path,
                        None,
                        "slug",
                        f"'{page.slug}' is reserved for the site's own section; rename the file",
                    )
                ],
            )
        self._render(
            "page.html", f"{page.slug}/index.html", page=page, body=body_html, title=page.title
        )

    def render_paper(self, entry: PaperEntry) -> None:
        site, paper = self.site, entry.paper
        base = entry.url
        if self.full_entry is not None:
            entry = self.full_entry(entry)
            paper = entry.paper
        tags = meta.highwire_tags(site, entry) + meta.dublin_core_tags(site, entry)
        url = meta.absolute(site, base)
        self._render(
            "paper.html",
            f"{base}index.html",
            entry=entry,
            paper=paper,
            title=paper.title,
            meta_tags=tags,
            og_tags=meta.opengraph_tags(site, entry),
            json_ld=meta.json_ld(site, entry),
            canonical=url,
            downloads=downloads_for(entry),
            authors=[
                (a, site_author_key)
                for a, site_author_key in zip(paper.authors, entry.author_keys, strict=False)
            ],
            author_rows=author_rows(entry),
            subjects=[
                (kw, key) for kw, key in zip(paper.keywords, entry.subject_keys, strict=False)
            ],
            gateways=site.config.gateways,
            license=paper.license or site.config.license,
            cite_html=formatted_citation(paper, site.config, url=url),
        )


def render_site(
    site: Site,
    env: jinja2.Environment,
    *,
    rendered_pages: dict[str, str],
    css: Sequence[str],
) -> dict[str, Content]:
    return SiteRenderer(site, env, css).render_all(rendered_pages)


def render_split(renderer: SiteRenderer, rendered_pages: dict[str, str]) -> dict[str, Content]:
    """``renderer.render_all`` in two processes writing into the renderer's sink (see
    :mod:`sitegen.render.split`, which imports this module)."""
    from sitegen.render.split import render_split as split

    return split(renderer, rendered_pages)


__all__ = ["Planned", "SiteRenderer", "make_rel", "render_site", "render_split"]
