"""Code highlighting: classes from Pygments, escaping, and a highlighter reused across blocks."""

from __future__ import annotations

import re

from sitegen.render.highlight import Highlighter, highlight_code

PY = 'def f(x):\n    return "<b>" + x  # note\n'


def test_known_language_gets_pygments_classes() -> None:
    out = highlight_code(PY, "python")
    assert out.startswith('<pre class="highlight"><code class="language-python">')
    assert '<span class="k">def</span>' in out
    assert "&lt;b&gt;" in out and "<b>" not in out
    assert out.endswith("</code></pre>\n")


def test_unknown_or_missing_language_is_escaped_only() -> None:
    assert highlight_code("a < b\n", "") == '<pre class="highlight"><code>a &lt; b\n</code></pre>\n'
    out = highlight_code("a < b\n", "no-such-language")
    assert out == (
        '<pre class="highlight"><code class="language-no-such-language">a &lt; b\n</code></pre>\n'
    )


def test_a_reused_highlighter_gives_what_a_fresh_one_gives() -> None:
    """Blocks in any order, repeated, and in other languages do not leak into each other."""
    shared = Highlighter()
    blocks = [(PY, "python"), ("x <- 1\n", "r"), ("{x}\n", "{.python}"), (PY, "nope"), (PY, "")]
    for code, lang in blocks * 2:
        assert shared(code, lang) == Highlighter()(code, lang)


def test_spans_are_pygments_html_formatter_s() -> None:
    """The block body is byte for byte what Pygments' own formatter writes."""
    from pygments import highlight
    from pygments.formatters import HtmlFormatter
    from pygments.lexers import get_lexer_by_name

    from tests.render.test_fastlex import _corpus

    shared = Highlighter()
    for lang in ["python", "bash", "r", "julia", "html", "c", "yaml", "pycon", "tex"]:
        lexer = get_lexer_by_name(lang, stripnl=False, ensurenl=False)
        for code in _corpus()[:12] * 2:  # twice: the second time through fastlex
            body = highlight(code, lexer, HtmlFormatter(nowrap=True))
            want = f'<pre class="highlight"><code class="language-{lang}">{body}</code></pre>\n'
            assert shared(code, lang) == want


ODD_CODE = [
    "a = \"q\" + 'r' & b < c > d\n",
    "nbsp\u00a0here and\u2028there\n",
    "nul\x00 and cr\r and tab\t\n",
    '<a href="x">not a tag</a> <img src=y>\n',
    "x = 1; style = 2; y.id =3; z.cite\t= 4; src  =5; HREF=6\n",
    "ok = 1  #  ids = 2 and source= 3\n",
    "w; id = 7\n",
    "\nleading newline\n\n",
    "&amp; &copy; &#39; &#x27;\n",
    "",
]

ODD_LANGS = ["python", "", "none-such", "{.python}", "c++", 'x"y', "py&<", "r\u00a0x", "bash"]


def test_presanitized_is_presanitize() -> None:
    """The sanitizer-free path gives the sanitizer's answer for fences of every shape."""
    from sitegen.render.highlight import _ours, presanitized
    from sitegen.render.sanitize import presanitize
    from tests.render.test_fastlex import _corpus, _fuzz

    shared = Highlighter()
    fast = 0
    for lang in ODD_LANGS:
        for code in [*ODD_CODE, *_corpus(), *_fuzz(5, count=20)]:
            fence = shared(code, lang) + "\n"  # as markdown-it's fence renderer adds
            assert presanitized(fence) == presanitize(fence), (lang, code)
            fast += _ours(fence)
    assert fast > 150
    # a fragment that is not a block of ours at all goes through the sanitizer
    for other in ["<p>x</p>", '<pre class="highlight"><code><b>x</b></code></pre>\n']:
        assert presanitized(other) == presanitize(other)


def test_the_backwards_bound_is_the_sanitizer_s() -> None:
    """``presanitized`` reads sanitize's context check backwards: a changed check must
    be changed there too."""
    from sitegen.render.sanitize import _CONTEXT_BOUND

    assert _CONTEXT_BOUND.pattern == r"\s(?:href|src|cite|id|style)\s*=|<(?:a|img)\b"
    assert _CONTEXT_BOUND.flags & re.IGNORECASE
