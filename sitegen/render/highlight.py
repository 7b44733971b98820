"""Code highlighting with Pygments, as CSS classes (the theme ships the stylesheet).

Only the fence's declared language is used, never guessing: guessing is slow and makes
the output depend on heuristics that change between Pygments releases.
"""

from __future__ import annotations

import html

from pygments import highlight  # type: ignore[import-untyped]
from pygments.formatters import HtmlFormatter  # type: ignore[import-untyped]
from pygments.lexers import get_lexer_by_name  # type: ignore[import-untyped]
from pygments.util import ClassNotFound  # type: ignore[import-untyped]


def highlight_code(code: str, lang: str, attrs: str = "") -> str:
    """A complete ``<pre class="highlight">`` block for markdown-it's ``highlight`` option."""
    name = (lang or "").strip().split()[0].lstrip(".{").rstrip("}") if lang.strip() else ""
    cls = f' class="language-{html.escape(name, quote=True)}"' if name else ""
    try:
        lexer = get_lexer_by_name(name, stripnl=False, ensurenl=False) if name else None
    except ClassNotFound:
        lexer = None
    if lexer is None:
        body = html.escape(code, quote=False)
    else:
        body = highlight(code, lexer, HtmlFormatter(nowrap=True))
    return f'<pre class="highlight"><code{cls}>{body}</code></pre>\n'


def highlight_css(style: str = "default", selector: str = ".highlight") -> str:
    """The stylesheet for the classes ``highlight_code`` emits (for the theme's assets)."""
    return str(HtmlFormatter(style=style).get_style_defs(selector))
