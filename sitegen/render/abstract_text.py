"""A paper's abstract as plain text, for its citation files (``cite_export``).

The front matter's abstract, else the body's first section, read as CommonMark: its
paragraphs' text without markup, LaTeX references or citations, each on one line. Most
abstracts are one line of prose and need no parser; a body's first section is found by
a block-only parse, most often of its first lines only.
"""

from __future__ import annotations

import functools
import re

from markdown_it import MarkdownIt
from markdown_it.token import Token

from sitegen.content.model import Paper

__all__ = ["plain_abstract"]

_CITATION_RE = re.compile(r"\[[^\[\]]*@[\w:.#$%&+?<>~/-][^\[\]]*\]")
_SPACE_BEFORE_PUNCT = re.compile(r" (?=[.,;:])")
"""The space before punctuation, in text whose only whitespace is single spaces."""
_PLAIN_START = re.compile(r"[^\W\d_]")
_PLAIN_STOPS = tuple("\n\r\0!#$&*+<=>@[\\]^_`{}~")
"""A line that starts with a letter (``_PLAIN_START``: no block marker, indentation or list
number) and holds none of these is one paragraph holding one text token to CommonMark:
no character an inline rule reads (``-``, ``:`` or ``%`` only pause the text rule) nor
one the parser normalizes (``_is_plain_line``)."""
_ASCII_SPACES = tuple("\t\x0b\x0c\x1c\x1d\x1e\x1f")
"""What ``str.split`` takes for whitespace in ASCII text, besides space, ``\\n`` and ``\\r``."""
_LATEX_REF_RE = re.compile(r"\\(?:label|ref|autoref|eqref)\{[^}]*\}")


@functools.cache
def _commonmark() -> MarkdownIt:
    """One plain CommonMark parser per process (as ``markdown.make_parser``): it holds no
    document state, and building one costs more than parsing an abstract with it."""
    return MarkdownIt("commonmark")


@functools.cache
def _commonmark_blocks() -> MarkdownIt:
    """``_commonmark`` reading the block structure only: where the headings are does not
    depend on the text inside the blocks, and the inline pass is most of a parse."""
    return MarkdownIt("commonmark").disable(["inline", "text_join"])


def plain_abstract(paper: Paper) -> str | None:
    """The abstract as plain paragraphs (``\\n\\n``-separated); the first section if none.

    Each paragraph's only whitespace is single spaces between words, so the abstract on
    one line is ``abstract.replace("\\n\\n", " ")`` (``_Shared``)."""
    text = paper.abstract if paper.abstract else _first_section(paper.body)
    if not text:
        return None
    if _is_plain_line(text):
        # One line of prose (most) is its own paragraph. It has no backslash nor bracket
        # (no reference or citation to drop), and with single spaces only and none at its
        # ends it is split and joined already.
        if not _single_spaced(text):
            text = " ".join(text.split())
        return _SPACE_BEFORE_PUNCT.sub("", text) or None
    paragraphs = []
    for paragraph in _paragraph_texts(text):
        paragraph = _LATEX_REF_RE.sub("", paragraph)
        paragraph = " ".join(_CITATION_RE.sub("", paragraph).split())
        paragraph = _SPACE_BEFORE_PUNCT.sub("", paragraph)
        if paragraph:
            paragraphs.append(paragraph)
    return "\n\n".join(paragraphs) or None


def _is_plain_line(text: str) -> bool:
    """Whether ``text`` is one plain line (``_PLAIN_STOPS``): a substring check for each
    character, as a character class scans an abstract ~10x slower."""
    if _PLAIN_START.match(text) is None:
        return False
    for stop in _PLAIN_STOPS:  # noqa: SIM110 -- any() over a generator is ~2x slower
        if stop in text:
            return False
    return True


def _single_spaced(line: str) -> bool:
    """Whether ``" ".join(line.split()) == line`` for a line without ``\\n``, ``\\r`` or a
    leading space; in ASCII (most) without asking ``isprintable`` of each character."""
    if "  " in line or line.endswith(" "):
        return False
    if not line.isascii():
        return line.isprintable()  # other whitespace is not printable
    for space in _ASCII_SPACES:  # noqa: SIM110 -- as in _is_plain_line
        if space in line:
            return False
    return True


def _paragraph_texts(text: str) -> list[str]:
    """The text of each paragraph (and heading...) CommonMark reads in ``text``."""
    texts = []
    for token in _commonmark().parse(text):
        if token.type != "inline":
            continue
        parts = []
        for child in token.children or []:
            if child.type in ("text", "code_inline", "html_inline"):
                parts.append(child.content if child.type != "html_inline" else "")
            elif child.type in ("softbreak", "hardbreak"):
                parts.append(" ")
        texts.append("".join(parts))
    return texts


def _first_section(body: str) -> str | None:
    """The text under the body's first heading, up to the next heading of its level.

    The section mostly ends long before the body does: the lines up to a likely end (a
    line starting with ``#``) and one more are parsed first. Where a block starts and
    ends never depends on the lines after it but for the one that follows (a setext
    underline, a paragraph's continuation), so a heading ending before the last of those
    lines is where the whole body's parse puts it. The whole body is parsed when no end
    is found so (nor when a lone ``\r``, a line break to the parser, shifts the lines).
    """
    lines = body.split("\n")
    if "\r" not in body:
        marks = [i for i, line in enumerate(lines) if line.startswith("#")]
        for mark in marks[1:4]:
            cut = mark + 2
            if cut >= len(lines):
                break
            prefix = _commonmark_blocks().parse("\n".join(lines[:cut]))
            bounds = _section_lines(prefix)
            if bounds is not None and bounds[1] is not None and bounds[2] < cut:
                return "\n".join(lines[bounds[0] : bounds[1]])
    bounds = _section_lines(_commonmark_blocks().parse(body))
    if bounds is None:
        return None
    return "\n".join(lines[bounds[0] : bounds[1]])


def _section_lines(tokens: list[Token]) -> tuple[int, int | None, int] | None:
    """``(first line, end line or None, the end heading's end)`` of the first section:
    from the line after the first heading up to the next heading of its level."""
    start = level = None
    for token in tokens:
        if token.type != "heading_open" or token.map is None:
            continue
        depth = int(token.tag[1])
        if start is None:
            start, level = token.map[1], depth
        elif level is not None and depth <= level:
            return start, token.map[0], token.map[1]
    return None if start is None else (start, None, 0)
