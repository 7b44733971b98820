"""Formulas and code blocks parked while a document is sanitized: the same HTML as without."""

from __future__ import annotations

import re

import pytest

import sitegen.render.markdown as markdown
from sitegen.render.doc import RenderContext
from sitegen.render.markdown import render_markdown
from sitegen.render.math import MathResult
from sitegen.render.sanitize import presanitize, sanitize_html

TEXT = """# Summary

Inline $a < b$ and $\\frac{x}{y}$, display:

$$ E = mc^2 $$ {#eq:e}

- in a list $\\alpha_1$
- and a table:

| a | $x^2$ |
|:--|------:|
| **$y$** | [link $z$](https://example.org) |

```python
def f(x):
    return x < 2  # "quoted" & more
```

# Methods

See @eq:e and a footnote.[^1] Text with a \ue000 private character.

[^1]: Note with $\\beta$.

```
plain 1 < 2 & $not math$
```
"""


def _render(text: str, cache: dict[str, MathResult] | None) -> str:
    return render_markdown(text, RenderContext(path="p.md", math_cache=cache)).html


def _count_parked(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """How many fragments each document parks (0: none, or raw HTML in it)."""
    seen: list[int] = []
    real = markdown._sanitize_parked

    def spy(parts: list[str], doc: markdown.DocState, url_prefix: str) -> list[str]:
        seen.append(len(doc.parked or ()))
        return real(parts, doc, url_prefix)

    monkeypatch.setattr(markdown, "_sanitize_parked", spy)
    return seen


def test_parked_fragments_give_the_html_of_a_whole_sanitize(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    seen = _count_parked(monkeypatch)
    cache: dict[str, MathResult] = {}
    cold = _render(TEXT, cache)
    warm = _render(TEXT, cache)
    assert seen[0] == seen[1] == 10  # 8 formulas, 2 code blocks
    assert cold == warm == _render(TEXT, None)  # no cache: nothing parked
    assert seen[2] == 0
    assert "\ue000" in cold and cold.count("<math") == 8 and "1 &lt; 2 &amp; $not" in cold


def test_raw_html_anywhere_turns_parking_off(monkeypatch: pytest.MonkeyPatch) -> None:
    # Raw HTML can put a fragment where the parser reads it otherwise: an open <p> is
    # closed by a <pre>, and after <noframes> everything is text.
    seen = _count_parked(monkeypatch)
    for raw in ("<div><p>open\n\n", "<noframes>\n\n", "x <!-- y\n\n"):
        text = raw + TEXT
        assert _render(text, {}) == _render(text, None)
    assert seen == [0, 0, 0, 0, 0, 0]


def test_a_forged_placeholder_makes_the_document_sanitize_whole(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # The placeholder tag comes from the document's hash, so no text can hold it; were one
    # there anyway (made so here: the third fragment's placeholder written twice), the
    # document is sanitized whole, every placeholder replaced by its raw fragment.
    calls: list[str] = []
    real = markdown.sanitize_html

    def spy(fragment: str, **kw: str) -> str:
        calls.append(fragment)
        return real(fragment, **kw)

    real_park = markdown.DocState.park

    def park_twice(self: markdown.DocState, raw: str, safe: str | None) -> str:
        shown = real_park(self, raw, safe)
        return shown + shown if shown != raw and len(self.parked or ()) == 3 else shown

    cache: dict[str, MathResult] = {}
    _render(TEXT, cache)  # fills the cache before spying
    monkeypatch.setattr(markdown, "sanitize_html", spy)
    monkeypatch.setattr(markdown.DocState, "park", park_twice)
    html = _render(TEXT, cache)
    assert html.count("<math") == 9
    assert re.search("\ue000[0-9a-f]{24}:", html) is None
    assert len(calls) == 3  # the three parts, each once, with their fragments in place
    assert sum(c.count("<math") for c in calls) == 9


def test_presanitize_refuses_what_depends_on_options() -> None:
    assert presanitize('<math display="inline"><mi>x</mi></math>') == (
        sanitize_html('<math display="inline"><mi>x</mi></math>')
    )
    assert presanitize('<span id="a">x</span>') is None
    assert presanitize('<a href="x">y</a>') is None
    assert presanitize('<img src="x.png">') is None
    assert presanitize('<span style="color: red">x</span>') is None
