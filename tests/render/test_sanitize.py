"""Raw HTML is sanitized: untrusted markdown cannot inject script."""

from __future__ import annotations

import re

import pytest

from sitegen.render.doc import RenderContext
from sitegen.render.markdown import render_markdown
from sitegen.render.sanitize import safe_url, sanitize_html


@pytest.mark.parametrize(
    "attack",
    [
        "<script>alert(1)</script>",
        "<SCRIPT SRC=//evil.js></SCRIPT>",
        '<img src=x onerror="alert(1)">',
        '<a href="javascript:alert(1)">x</a>',
        '<a href="JaVa\tScRiPt:alert(1)">x</a>',
        '<a href="&#106;avascript:alert(1)">x</a>',
        "<iframe src=https://evil></iframe>",
        "<object data=x></object><embed src=x>",
        "<style>body{display:none}</style>",
        '<div style="background:url(javascript:alert(1))">x</div>',
        "<svg onload=alert(1)><script>alert(1)</script></svg>",
        '<img src="data:text/html;base64,PHNjcmlwdD4=">',
        "[click](javascript:alert(1))",
        '<p title="x" onmouseover="alert(1)">t</p>',
        "<!--[if IE]><script>alert(1)</script><![endif]-->",
    ],
)
def test_attacks_render_inert(attack: str) -> None:
    html = render_markdown(f"Text\n\n{attack}\n", RenderContext(path="x.md")).html.lower()
    assert "<script" not in html
    assert not re.search(r"(href|src)=\"?\s*javascript", html)
    for bad in (
        "onerror",
        "onload",
        "onmouseover",
        "<iframe",
        "<object",
        "<embed",
        "<style",
        "<svg",
    ):
        assert bad not in html
    assert "data:text" not in html and "background" not in html


def test_allowed_markup_survives() -> None:
    html = sanitize_html(
        '<sup>&reg;</sup> <div align="center" class="c">x</div> <a href="https://a.org/?q=1&amp;b=2">l</a>'
    )
    assert "<sup>®</sup>" in html
    assert '<div class="c">x</div>' in html
    assert 'href="https://a.org/?q=1&amp;b=2"' in html


def test_comments_dropped_and_tags_balanced() -> None:
    assert sanitize_html("a<!-- hidden -->b") == "ab"
    assert sanitize_html("<div><em>x") == "<div><em>x</em></div>"
    assert sanitize_html("x</div></section>") == "x"


def test_safe_url() -> None:
    assert safe_url("figs/a.png") and safe_url("https://x.org") and safe_url("#ref-a")
    assert not safe_url("javascript:alert(1)") and not safe_url("vbscript:x")
    assert safe_url("data:image/png;base64,AAAA", allow_data_image=True)
    assert not safe_url("data:image/png;base64,AAAA")


def test_mathml_is_kept() -> None:
    html = render_markdown("$x$", RenderContext(path="x.md")).html
    assert '<math xmlns="http://www.w3.org/1998/Math/MathML" display="inline">' in html


def test_remote_images_become_links_and_warn():
    from sitegen.render.doc import RenderContext
    from sitegen.render.markdown import render_markdown

    doc = render_markdown(
        "Intro\n\n![A plot](https://example.org/x.png)\n\n<img src='//cdn.example/y.png'>\n",
        RenderContext(path="p.md"),
    )
    assert "<img" not in doc.html
    assert 'class="remote-image" href="https://example.org/x.png"' in doc.html
    assert [(d.line, d.field, d.severity) for d in doc.diagnostics] == [
        (3, "image", "warning"),
        (5, "image", "warning"),
    ]
