"""Tokens as HTML spans: what Pygments' ``HtmlFormatter(nowrap=True)`` writes, cheaper.

Pygments' formatter goes through generators of lines, a per-token list of split parts
and a ``StringIO``; for a paper's code block that was about a fifth of the block's
highlighting time once the lexer got fast. This writes the same bytes from the same
``(token type, text)`` stream in one loop:

- a token's span is ``<span class="...">`` with Pygments' CSS classes for its type (a
  type outside Pygments' standard list gets its nearest standard ancestor's class with
  the rest of its name appended, as ``-Name``, plus each ancestor's class before it); a
  type whose class is empty (plain text) gets no span;
- consecutive tokens with the same span share one, and a span never crosses a line
  end: it is closed before each newline and opened again on the next line's text;
- text is escaped as the installed Pygments escapes it: ``&``, ``<``, ``>``, and up to
  Pygments 2.20 both quotes too (2.21 stopped escaping them), found out by asking its
  formatter once per process (``pygments_escapes``);
- the output ends with a newline whenever the last line has text (Pygments ends every
  line it writes with one).

``tests/render/test_htmlspans.py`` checks all of this against Pygments token for token.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

_ESCAPED = "&<>\"'"
"""The characters Pygments' HTML formatter escapes or has escaped in some release."""


def pygments_escapes() -> dict[int, str]:
    """How the installed Pygments' ``HtmlFormatter`` writes each of ``_ESCAPED`` in token
    text, as a ``str.translate`` table: releases differ (2.21 leaves quotes alone)."""
    import io

    from pygments.formatters import HtmlFormatter  # type: ignore[import-untyped]
    from pygments.token import Text  # type: ignore[import-untyped]

    formatter = HtmlFormatter(nowrap=True)
    table: dict[int, str] = {}
    for char in _ESCAPED:
        out = io.StringIO()
        formatter.format([(Text, char)], out)
        table[ord(char)] = out.getvalue().removesuffix("\n")
    return table


def _class(ttype: Any, standard: dict[Any, str]) -> str:
    """Pygments' class for one token type: its own if standard, else its nearest
    standard ancestor's followed by ``-Part`` for each part of the name below it."""
    suffix = ""
    while ttype not in standard:
        suffix = f"-{ttype[-1]}{suffix}"
        ttype = ttype.parent
    return standard[ttype] + suffix


def css_classes(ttype: Any) -> str:
    """The ``class`` attribute Pygments gives a token type: its class, preceded (for a
    type outside the standard list) by the classes of its ancestors up to a standard one."""
    from pygments.token import STANDARD_TYPES

    classes = _class(ttype, STANDARD_TYPES)
    while ttype not in STANDARD_TYPES:
        ttype = ttype.parent
        classes = f"{_class(ttype, STANDARD_TYPES)} {classes}"
    return classes


class SpanFormatter:
    """Formats token streams; keeps each token type's opening tag between calls
    (computing it walks the type's ancestry), and nothing else."""

    def __init__(self) -> None:
        self._openers: dict[Any, str] = {}
        self._escapes: list[tuple[str, str]] | None = None
        """``pygments_escapes()`` as ``str.replace`` pairs (``&`` first), the characters
        it leaves alone left out; asked on the first block (it imports Pygments)."""

    def _opener(self, ttype: Any) -> str:
        classes = css_classes(ttype)
        opener = self._openers[ttype] = f'<span class="{classes}">' if classes else ""
        return opener

    def format(self, tokens: Iterable[tuple[Any, str]]) -> str:
        """The HTML for ``tokens``, byte for byte ``HtmlFormatter(nowrap=True)``'s."""
        openers = self._openers
        escapes = self._escapes
        if escapes is None:
            table = pygments_escapes()
            escapes = self._escapes = [(c, table[ord(c)]) for c in _ESCAPED if table[ord(c)] != c]
        pairs = tokens if isinstance(tokens, list) else list(tokens)
        if not pairs:
            return ""
        types, raw = zip(*pairs, strict=True)
        texts = _escaped(raw, escapes)
        out: list[str] = []
        write = out.append
        current: str | None = None
        """The span open on the current line ("" for unstyled text); None before any
        text on the line."""
        for ttype, text in zip(types, texts, strict=True):
            opener = openers.get(ttype)
            if opener is None:
                opener = self._opener(ttype)
            if "\n" not in text:  # most tokens: no line ends, one write
                if not text:
                    continue
                if current == opener:
                    write(text)
                elif current:
                    write(f"</span>{opener}{text}")
                else:  # at the line's start or after unstyled text
                    write(f"{opener}{text}")
                current = opener
                continue
            *lines, text = text.split("\n")
            for line in lines:
                if current is None:
                    if line:
                        write(f"{opener}{line}</span>\n" if opener else f"{line}\n")
                    else:
                        write("\n")
                elif current != opener and line:
                    write("</span>" if current else "")
                    write(f"{opener}{line}</span>\n" if opener else f"{line}\n")
                else:
                    write(f"{line}</span>\n" if current else f"{line}\n")
                current = None
            if text:  # the last line's start
                write(f"{opener}{text}")
                current = opener
        if current is not None:
            write("</span>\n" if current else "\n")
        return "".join(out)


def _escaped(texts: tuple[str, ...], escapes: list[tuple[str, str]]) -> tuple[str, ...] | list[str]:
    """``texts`` escaped by the ``(character, replacement)`` pairs, all in one go: joined
    by NUL, each character replaced where the whole holds it, split again. Escaping
    each text (``str.translate`` with a table of strings, memoised) cost a block half
    as much as the rest of its formatting. Texts holding NUL themselves are escaped
    one by one."""
    joined = "\0".join(texts)
    if joined.count("\0") != len(texts) - 1:
        return [_escape(text, escapes) for text in texts]
    escaped = _escape(joined, escapes)
    return texts if escaped is joined else escaped.split("\0")


def _escape(text: str, escapes: list[tuple[str, str]]) -> str:
    for char, replacement in escapes:
        if char in text:
            text = text.replace(char, replacement)
    return text
