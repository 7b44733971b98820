"""Crawl a served site in Chromium: every page, every request, every console message.

A page is loaded for real (so CSS, scripts, images and fonts are requested the way a
reader's browser would); links to non-page files (PDFs, data, citation files, the source
folder) are checked with a plain HTTP GET. Problems are collected, not raised, so one run
reports all of them.
"""

from __future__ import annotations

import urllib.error
import urllib.request
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urldefrag, urlsplit

LINKS_JS = """() => {
  const out = [];
  for (const el of document.querySelectorAll('a[href], link[href], img[src], script[src], source[src], iframe[src]')) {
    out.push(el.href || el.src);
  }
  const missing = [];
  for (const a of document.querySelectorAll('a[href^="#"]')) {
    const id = decodeURIComponent(a.getAttribute('href').slice(1));
    if (id && !document.getElementById(id)) missing.push(id);
  }
  return [out, missing];
}"""
NOT_PAGES = ("/source/", "/attestations/")


@dataclass(slots=True)
class CrawlReport:
    pages: list[str] = field(default_factory=list)
    assets: set[str] = field(default_factory=set)
    problems: list[str] = field(default_factory=list)
    tolerated: set[str] = field(default_factory=set)
    """Files the build itself warned are missing (the corpus ships no figures)."""
    requests: int = 0


def _is_page(url: str) -> bool:
    path = urlsplit(url).path
    return (path.endswith((".html", "/"))) and not any(n in path for n in NOT_PAGES)


def _status(url: str) -> int:
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    try:
        with opener.open(url, timeout=10) as resp:
            resp.read()
            return int(resp.status)
    except urllib.error.HTTPError as exc:
        return exc.code


def crawl(
    context: Any,
    base: str,
    starts: tuple[str, ...] = ("index.html", "404.html"),
    warned_missing: frozenset[str] = frozenset(),
) -> CrawlReport:
    """Visit every page reachable from ``starts`` (relative to ``base``) under ``base``.

    ``warned_missing`` holds site-relative paths the build reported as missing source
    files; a 404 for exactly those is the build's own documented warning, not a new bug.
    """
    report = CrawlReport()

    def known_missing(url: str) -> bool:
        if url.startswith(base) and url[len(base) :] in warned_missing:
            report.tolerated.add(url[len(base) :])
            return True
        return False

    origin = "{0.scheme}://{0.netloc}".format(urlsplit(base))
    current = {"url": ""}
    page = context.new_page()

    def on_request(request: Any) -> None:
        report.requests += 1
        url = request.url
        if url.startswith(("data:", "blob:", "about:")):
            return
        if not url.startswith(origin + "/"):
            report.problems.append(f"{current['url']}: request to another origin: {url}")
        elif not url.startswith(base):
            report.problems.append(f"{current['url']}: request escapes the gateway path: {url}")

    def on_response(response: Any) -> None:
        if response.status >= 400 and not known_missing(response.url):
            report.problems.append(f"{current['url']}: {response.status} for {response.url}")

    def on_failed(request: Any) -> None:
        if request.failure == "net::ERR_ABORTED":
            return  # cut off by the next navigation (the favicon); statuses are checked above
        report.problems.append(f"{current['url']}: request failed {request.url}: {request.failure}")

    def on_console(msg: Any) -> None:
        if msg.type == "error" and not known_missing(msg.location.get("url", "")):
            report.problems.append(f"{current['url']}: console error: {msg.text}")

    page.on("request", on_request)
    page.on("response", on_response)
    page.on("requestfailed", on_failed)
    page.on("console", on_console)
    page.on("pageerror", lambda exc: report.problems.append(f"{current['url']}: {exc}"))

    queue = [base + s for s in starts]
    seen = set(queue)
    while queue:
        url = queue.pop(0)
        current["url"] = url
        response = page.goto(url, wait_until="load")
        if response is None or response.status != 200:
            status = response.status if response else "no response"
            report.problems.append(f"{url}: page status {status}")
            continue
        report.pages.append(url)
        links, missing = page.evaluate(LINKS_JS)
        report.problems += [f"{url}: link to missing fragment #{m}" for m in missing]
        for link in links:
            target = urldefrag(link)[0]
            if not target.startswith(("http://", "https://")):
                continue
            if not target.startswith(origin + "/"):
                continue  # a link out (DOI, ORCID, gateways): a reader's choice, not a request
            if not target.startswith(base):
                report.problems.append(f"{url}: link escapes the gateway path: {link}")
            elif _is_page(target):
                if target not in seen:
                    seen.add(target)
                    queue.append(target)
            elif target not in report.assets:
                report.assets.add(target)
                status = _status(target)
                if status != 200 and not known_missing(target):
                    report.problems.append(f"{url}: {status} for linked file {target}")
    page.close()
    return report
