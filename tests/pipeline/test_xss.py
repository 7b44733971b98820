"""Untrusted markdown and front matter render inert on every page they reach."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

from sitegen.cli import main

PAPER = """---
title: "Evil <script>alert('t')</script> {{ 7*7 }}"
authors:
  - name: "Mallory <img src=x onerror=alert(1)>"
affiliations: []
date: 2024-01-02
keywords: ["<b onmouseover=alert(2)>kw</b>"]
abstract: "Abstract <script>alert('a')</script> with {{ 7*7 }} and {% raw %}x{% endraw %}"
---

# Body

<script>alert('body')</script>
<img src="x.png" onerror="alert('img')">
<a href="javascript:alert('link')">click</a>
[md link](javascript:alert('md'))
<iframe src="https://evil.example"></iframe>
<div style="background:url(javascript:alert(1))" onclick="alert(3)">div</div>

Template text {{ 7*7 }} and {% if true %}yes{% endif %}.
"""


def _theme_script(attrs: dict[str, str | None]) -> bool:
    """The theme's own scripts (search UI, the 404 page's site root) and JSON-LD data
    blocks; nothing from content."""
    if attrs.get("type") == "application/ld+json" or attrs.get("data-sitegen") == "site-root":
        return True
    src = (attrs.get("src") or "").lstrip("./")
    return src.startswith("assets/")


class ActiveContent(HTMLParser):
    """Collects what a browser would execute: scripts, handlers, javascript: URLs, frames."""

    def __init__(self) -> None:
        super().__init__()
        self.found: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attrs_d = dict(attrs)
        if tag == "script" and not _theme_script(attrs_d):
            self.found.append(f"<script> {attrs_d}")
        if tag in ("iframe", "object", "embed", "frame"):
            self.found.append(f"<{tag}>")
        for name, value in attrs:
            if name.startswith("on"):
                self.found.append(f"{tag} {name}=")
            if value and value.strip().lower().startswith(("javascript:", "vbscript:")):
                self.found.append(f"{tag} {name}={value}")
            if name == "style" and value and "javascript:" in value.lower():
                self.found.append(f"{tag} style={value}")


def test_untrusted_input_renders_inert(tmp_path: Path):
    journal = tmp_path / "j"
    paper = journal / "content" / "papers" / "evil"
    paper.mkdir(parents=True)
    (paper / "paper.md").write_text(PAPER)
    (journal / "sitegen.yaml").write_text("title: XSS Test\n")
    assert main(["build", "-s", str(journal)]) == 0
    for html in (journal / "public").rglob("*.html"):
        text = html.read_text()
        parser = ActiveContent()
        parser.feed(text)
        assert parser.found == [], (html, parser.found)
    page = (journal / "public" / "papers" / "evil" / "index.html").read_text()
    assert "{{ 7*7 }}" in page
    assert "&lt;script&gt;" in page
    ld = re.search(r'<script type="application/ld\+json">(.*?)</script>', page, re.S).group(1)
    assert "</" not in ld and "<script" not in ld
