"""Code highlighting: classes from Pygments, escaping, and a highlighter reused across blocks."""

from __future__ import annotations

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
