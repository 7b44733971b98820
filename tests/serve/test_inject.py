"""The reload script and overlay go into responses, before the last </body>."""

from __future__ import annotations

from sitegen.serve.inject import inject
from sitegen.serve.sources import content_type


def test_script_goes_before_the_closing_body_tag() -> None:
    page = b"<html><body><p>x</p><script>var s='</body>';</script></BODY ></html>"
    out = inject(page, version=7)
    assert out.startswith(b"<html><body><p>x</p><script>var s='</body>';</script>")
    assert out.endswith(b"</BODY ></html>")
    assert b"/__sitegen/events?since=7" in out
    assert b"sitegen-overlay" not in out


def test_overlay_lists_escaped_errors() -> None:
    out = inject(b"<p>no body tag</p>", version=1, errors=["a.md:3: title: <bad> & worse"])
    text = out.decode()
    assert text.startswith("<p>no body tag</p>")
    assert "a.md:3: title: &lt;bad&gt; &amp; worse" in text
    assert 'id="sitegen-overlay"' in text


def test_content_types_carry_a_charset_for_text() -> None:
    assert content_type("index.html") == "text/html; charset=utf-8"
    assert content_type("a/style.CSS") == "text/css; charset=utf-8"
    assert content_type("app.js") == "text/javascript; charset=utf-8"
    assert content_type("cids.json") == "application/json; charset=utf-8"
    assert content_type("feed.xml") == "application/xml; charset=utf-8"
    assert content_type("fig.svg") == "image/svg+xml; charset=utf-8"
    assert content_type("fig.png") == "image/png"
    assert content_type("paper.pdf") == "application/pdf"
    assert content_type("blob.unknownext") == "application/octet-stream"
