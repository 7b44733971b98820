"""Code highlighting with Pygments, as CSS classes (the theme ships the stylesheet).

Only the fence's declared language is used, never guessing: guessing is slow and makes
the output depend on heuristics that change between Pygments releases.
"""

from __future__ import annotations

import html
from typing import Any


class Highlighter:
    """markdown-it's ``highlight`` option, keeping Pygments' objects between code blocks.

    Building an ``HtmlFormatter`` (it compiles a style sheet) and looking a lexer up by
    name cost more than highlighting a typical paper's snippet, so one highlighter lives
    as long as the parser that holds it (one per process) and makes each only once.
    Both are used read-only: Pygments keeps no per-call state in them. Pygments itself is
    imported on the first block with a language: a rebuild whose code blocks all come
    from the fragment cache (``markdown._render_fence``) never loads it.
    """

    def __init__(self) -> None:
        self._formatter: Any = None
        self._lexers: dict[str, Any] = {}
        """Language name -> its lexer, or None for a name Pygments does not know."""

    def _lexer(self, name: str) -> Any:
        """The lexer for ``name``: Pygments' own for its first block in this process,
        then driven by ``fastlex`` (same tokens, a third of the time for Python).

        Joining a lexer's rules costs a process ~20 ms once (compiling the joined
        patterns), more than it saves on one block: a rebuild of one edited paper
        highlights one or two blocks, a full build hundreds per worker.
        """
        if name not in self._lexers:
            from pygments.lexers import get_lexer_by_name  # type: ignore[import-untyped]
            from pygments.util import ClassNotFound  # type: ignore[import-untyped]

            try:
                lexer = get_lexer_by_name(name, stripnl=False, ensurenl=False)
            except ClassNotFound:
                lexer = None
            self._lexers[name] = lexer
            return lexer
        lexer = self._lexers[name]
        if lexer is not None and not getattr(lexer, "joined", False):
            from sitegen.render.fastlex import wrap

            lexer = self._lexers[name] = wrap(lexer)
        return lexer

    def __call__(self, code: str, lang: str, attrs: str = "") -> str:
        """A complete ``<pre class="highlight">`` block for one fenced code block."""
        name = (lang or "").strip().split()[0].lstrip(".{").rstrip("}") if lang.strip() else ""
        cls = f' class="language-{html.escape(name, quote=True)}"' if name else ""
        lexer = self._lexer(name) if name else None
        if lexer is None:
            body = html.escape(code, quote=False)
        else:
            from pygments import highlight  # type: ignore[import-untyped]

            if self._formatter is None:
                from pygments.formatters import HtmlFormatter  # type: ignore[import-untyped]

                self._formatter = HtmlFormatter(nowrap=True)
            body = highlight(code, lexer, self._formatter)
        return f'<pre class="highlight"><code{cls}>{body}</code></pre>\n'


def highlight_code(code: str, lang: str, attrs: str = "") -> str:
    """One block with a fresh ``Highlighter`` (for one-off use; a parser keeps its own)."""
    return Highlighter()(code, lang, attrs)


def highlight_css(style: str = "default", selector: str = ".highlight") -> str:
    """The stylesheet for the classes ``highlight_code`` emits (for the theme's assets)."""
    from pygments.formatters import HtmlFormatter

    return str(HtmlFormatter(style=style).get_style_defs(selector))
