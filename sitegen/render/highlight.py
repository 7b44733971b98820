"""Code highlighting with Pygments, as CSS classes (the theme ships the stylesheet).

Only the fence's declared language is used, never guessing: guessing is slow and makes
the output depend on heuristics that change between Pygments releases.
"""

from __future__ import annotations

import html
import re
from typing import Any

from sitegen.render.htmlspans import SpanFormatter


class Highlighter:
    """markdown-it's ``highlight`` option, keeping lexers between code blocks.

    Looking a lexer up by name (and, in ``fastlex``, learning which of its rules can
    match at which character) costs more than highlighting a typical paper's snippet, so
    one highlighter lives as long as the parser that holds it (one per process) and does
    each only once. The spans are written by ``htmlspans.SpanFormatter``, byte for byte
    what Pygments' ``HtmlFormatter(nowrap=True)`` writes at a fraction of its cost.
    Pygments itself is imported on the first block with a language: a rebuild whose
    code blocks all come from the fragment cache (``markdown._render_fence``) never
    loads it.
    """

    def __init__(self) -> None:
        self._formatter = SpanFormatter()
        self._lexers: dict[str, Any] = {}
        """Language name -> its lexer, or None for a name Pygments does not know."""

    def _lexer(self, name: str) -> Any:
        """The lexer for ``name``: Pygments' own for its first block in this process,
        then driven by ``fastlex`` (same tokens, a tenth of the time for Python).

        Preparing a lexer for ``fastlex`` costs a process ~10 ms (analysing its rules,
        compiling joined patterns), more than it saves on one block: a rebuild of one
        edited paper highlights one or two blocks, a full build hundreds per worker.
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
            joined = getattr(lexer, "joined", False)
            tokens = lexer.token_list(code) if joined else lexer.get_tokens(code)
            body = self._formatter.format(tokens)
        return f'<pre class="highlight"><code{cls}>{body}</code></pre>\n'


_OUR_FENCE = re.compile(
    r'<pre class="highlight"><code(?: class="language-[\w.+#-]+")?>'
    r'(?:[^<]++|<span class="[\w -]+">[^<]*+</span>)*+'
    r"</code></pre>\n*"
)
"""A fence as ``Highlighter`` writes it (markdown-it adds a newline), with a plain
language name and un-nested spans; ``_ours`` checks its text apart (a character class
per character costs the engine several times what these few scans do)."""
_OTHER_ESCAPE = re.compile(r"&(?!(?:amp|lt|gt|quot|#39);)")


def _ours(fence: str) -> bool:
    """Whether ``fence`` is of ``_OUR_FENCE``'s shape with only the escapes we write in
    its text, no ``>`` there (each ``<`` opens a tag, each tag has one ``>``) and none
    of the characters the sanitizer's HTML parser drops or rewrites (NUL, carriage
    return, lone surrogates)."""
    if (
        _OUR_FENCE.fullmatch(fence) is None
        or fence.count("<") != fence.count(">")
        or "\x00" in fence
        or "\r" in fence
        or _OTHER_ESCAPE.search(fence) is not None
    ):
        return False
    return fence.isascii() or not _SURROGATE.search(fence)


_SURROGATE = re.compile("[\ud800-\udfff]")
_BOUND_BACKWARDS = re.compile(r"=\s*(?:ferh|crs|etic|di|elyts)\s", re.IGNORECASE)
"""``sanitize._CONTEXT_BOUND``'s attribute half on the reversed text, where it starts
with a literal ``=`` the engine can scan for (five times faster over a code block). Its
tag half cannot match a block of our shape: the only tags are pre, code and span."""


def presanitized(fence: str) -> str | None:
    """``sanitize.presanitize(fence)`` for a fenced code block, mostly without the sanitizer.

    Sanitizing a highlighted block cost ~0.2 ms, as much as highlighting it. A block of
    our shape (``_ours``) is already clean: the sanitizer parses it and writes it
    back changed only where HTML serialisation differs from Pygments' escaping (quotes
    in text unescaped, a no-break space as ``&nbsp;``). Any other block goes through
    the sanitizer; ``tests/render/test_highlight.py`` compares the two.
    """
    if not _ours(fence):
        from sitegen.render.sanitize import presanitize

        return presanitize(fence)
    if _BOUND_BACKWARDS.search(fence[::-1]):
        return None  # as presanitize: the text reads like an attribute the cleaner rewrites
    return fence.replace("&quot;", '"').replace("&#39;", "'").replace("\xa0", "&nbsp;")


def highlight_code(code: str, lang: str, attrs: str = "") -> str:
    """One block with a fresh ``Highlighter`` (for one-off use; a parser keeps its own)."""
    return Highlighter()(code, lang, attrs)


def highlight_css(style: str = "default", selector: str = ".highlight") -> str:
    """The stylesheet for the classes ``highlight_code`` emits (for the theme's assets)."""
    from pygments.formatters import HtmlFormatter  # type: ignore[import-untyped]

    return str(HtmlFormatter(style=style).get_style_defs(selector))
