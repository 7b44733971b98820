"""The sitemap, written a page a line by one prefix and escaped only when needed, equals
the former writer (``absolute()`` and ``escape`` for each page) byte for byte."""

from __future__ import annotations

import random
from types import SimpleNamespace
from typing import Any, cast
from xml.sax.saxutils import escape

from sitegen.render.feeds import sitemap
from sitegen.render.meta import absolute
from sitegen.render.model import Site


def _former(site: Site, page_paths: list[str]) -> bytes | None:
    if not site.config.base_url:
        return None
    out = [
        '<?xml version="1.0" encoding="utf-8"?>',
        '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">',
    ]
    for path in sorted(page_paths):
        loc = absolute(site, path.removesuffix("index.html"))
        out.append(f"  <url><loc>{escape(loc or path)}</loc></url>")
    out.append("</urlset>")
    return ("\n".join(out) + "\n").encode("utf-8")


def _site(base_url: str | None) -> Site:
    return cast(Site, SimpleNamespace(config=SimpleNamespace(base_url=base_url)))


def test_sitemap_equals_the_former_writer() -> None:
    rng = random.Random(44)
    segments = ["papers", "authors", "a-b", "x&y", "<t>", "é", "index.html", "", "/", "page"]
    bases: list[Any] = [
        None,
        "",
        "https://j.example/",
        "https://j.example",
        "https://j.example/sub//",
    ]
    for _ in range(400):
        paths = [
            "/".join(rng.choice(segments) for _ in range(rng.randint(1, 4)))
            for _ in range(rng.randint(0, 12))
        ]
        if rng.random() < 0.5:
            paths = [p for p in paths if "&" not in p and "<" not in p]
        for base in bases:
            site = _site(base)
            assert sitemap(site, paths) == _former(site, paths), (base, paths)


def test_sitemap_of_no_pages_and_of_plain_pages() -> None:
    site = _site("https://j.example/")
    assert sitemap(site, []) == _former(site, [])
    paths = ["index.html", "papers/a/index.html", "search/index.html"]
    text = sitemap(site, paths)
    assert text is not None and b"<loc>https://j.example/papers/a/</loc>" in text
