"""Fenced code through the fragment cache: highlighted once, the same HTML every time."""

from __future__ import annotations

import pytest

from sitegen.render.doc import RenderContext
from sitegen.render.highlight import Highlighter
from sitegen.render.markdown import render_markdown
from sitegen.render.math import MathResult

TEXT = """Some code:

```python
def f(x):
    return x ** 2  # squared
```

```
plain <text> & more
```

And $x^2$ too.
"""


def test_code_blocks_come_from_the_cache_the_second_time(monkeypatch: pytest.MonkeyPatch) -> None:
    cache: dict[str, MathResult] = {}
    first = render_markdown(TEXT, RenderContext(path="p.md", math_cache=cache))
    uncached = render_markdown(TEXT, RenderContext(path="p.md"))
    assert first.html == uncached.html
    assert 'class="language-python"' in first.html and "&lt;text&gt;" in first.html
    code_keys = [k for k in cache if k.startswith("C")]
    assert len(code_keys) == 2  # both fences; the formula's key is apart
    assert any(k.startswith(("I", "D")) for k in cache)

    def refuse(*args: object, **kwargs: object) -> str:
        raise AssertionError("highlighted again")

    monkeypatch.setattr(Highlighter, "__call__", refuse)
    again = render_markdown(TEXT, RenderContext(path="p.md", math_cache=cache))
    assert again.html == first.html
    changed = TEXT.replace("squared", "the square")
    with pytest.raises(AssertionError, match="highlighted again"):
        render_markdown(changed, RenderContext(path="p.md", math_cache=cache))
