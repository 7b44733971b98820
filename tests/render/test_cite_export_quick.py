"""The substring checks of ``cite_export`` and ``abstract_text`` against the patterns they stand in for: the
plain-line test (``_is_plain_line``), the single-spacing test (``_single_spaced``) and the
BibTeX specials (``_has_bib_special``, ``bib_escape``), on made lines holding every
character each one looks for, non-ASCII letters, digits and whitespace among them; and the
block-only parse that finds the first section against the full parse, on the real papers'
bodies, their lines shuffled and bodies made of every kind of block."""

from __future__ import annotations

import random
import re
from pathlib import Path

from sitegen.render.abstract_text import (
    _commonmark_blocks,
    _first_section,
    _is_plain_line,
    _single_spaced,
)
from sitegen.render.cite_export import (
    _BIB_SPECIAL_RE,
    _bib_special,
    _has_bib_special,
    bib_escape,
)

FORMER_PLAIN_LINE = re.compile(r"[^\W\d_][^\n\r\0!#$&*+<=>@\[\\\]^_`{}~]*")
"""``_is_plain_line`` as it was: one pattern."""

FIRSTS = "aZé1٣²_ -*#>[\t\u00a0ßǅ"
ALPHABET = (
    "abcXYZé ß 09 .,;:%-'\"()/|?!#$&*+<=>@[\\]^_`{}~\r\n\x00\x01\x7f\t\x0b\x0c"
    "\x1c\x1d\x1e\x1f\x85\u00a0\u2003\u2028\u3000٣²"
)


def made_lines(seed: int, count: int, alphabet: str, longest: int = 40) -> list[str]:
    """Lines of a few characters of ``alphabet``, mostly letters and spaces."""
    rng = random.Random(seed)
    pool = alphabet + "abcdefgh     "
    lines = []
    for _ in range(count):
        body = "".join(rng.choice(pool) for _ in range(rng.randint(0, longest)))
        lines.append(rng.choice(FIRSTS) + body if rng.random() < 0.9 else body)
    return lines


def test_plain_line_as_the_former_pattern() -> None:
    lines = made_lines(1, 20000, ALPHABET) + made_lines(2, 20000, "-:%é ", longest=200)
    lines += ["", "a", "1", "_a", "é", "٣a", "²a", "Über-fast: 50%."]
    plain = 0
    for line in lines:
        expected = FORMER_PLAIN_LINE.fullmatch(line) is not None
        assert _is_plain_line(line) == expected, repr(line)
        plain += expected
    assert plain > 5000


def test_single_spaced_as_split_and_joined() -> None:
    lines = made_lines(3, 20000, ALPHABET) + made_lines(4, 20000, " \t\u2003", longest=8)
    lines = [line for line in lines if "\n" not in line and "\r" not in line]
    lines = [line for line in lines if not line.startswith(" ")]
    lines += ["a b", "a  b", "a b ", "a\tb", "a\x1fb", "é\u00a0b", "é b", "a\x01b"]
    spaced = 0
    for line in lines:
        expected = " ".join(line.split()) == line
        got = _single_spaced(line)
        # Never a line split and join would change; in ASCII, every line they keep. Other
        # text is asked ``isprintable`` as before (a control character that is no space
        # makes it split and joined for nothing).
        assert got <= expected, repr(line)
        if line.isascii() or line.isprintable():
            assert got == expected, repr(line)
        spaced += got
    assert spaced > 5000


def test_bib_specials_as_the_pattern_finds_them() -> None:
    specials = "\\{}&%$#_~^-`'"
    lines = made_lines(5, 20000, specials) + made_lines(6, 20000, "-`'é", longest=100)
    lines += ["--", "``", "''", "-`'", "a-b", "O'Brien", "`q'", "x\\y"]
    found = 0
    for line in lines:
        expected = _BIB_SPECIAL_RE.search(line) is not None
        assert _has_bib_special(line) == expected, repr(line)
        assert bib_escape(line) == _BIB_SPECIAL_RE.sub(_bib_special, " ".join(line.split()))
        found += expected
    assert 5000 < found < len(lines) - 5000


CORPUS = Path(__file__).resolve().parents[2].parent / "shared" / "corpus" / "joss"
BLOCK_LINES = [
    "# Summary",
    "## Sub",
    "# Next",
    "Title\n=====",
    "Sub\n---",
    "```\n# not a heading\n```",
    "~~~python\n# comment\n",
    "    # indented code",
    "- item\n  # in a list",
    "> # quoted\n> text",
    "<div>\n# in html\n</div>",
    "<!--\n# in a comment\n-->",
    "text\n# right after text",
    "| a | b |\n|---|---|",
    "",
    "plain *text* [link](u) $x$",
    "\\# escaped",
]


def _bodies() -> list[str]:
    """The real papers' bodies (front matter cut), shuffled real lines, and made ones."""
    rng = random.Random(13)
    bodies = []
    for path in sorted(CORPUS.glob("*/paper.md")):
        text = path.read_text(encoding="utf-8")
        bodies.append(text.split("\n---\n", 1)[-1])
    for body in bodies[:]:
        lines = body.split("\n")
        for _ in range(10):
            cut = rng.sample(lines, min(len(lines), rng.randint(5, 60)))
            bodies.append("\n".join(cut))
    for _ in range(3000):
        bodies.append("\n".join(rng.choice(BLOCK_LINES) for _ in range(rng.randint(1, 12))))
    return bodies


def test_first_section_as_the_full_parse_finds_it() -> None:
    # ``_first_section`` reads the headings from a block-only parse; the full parse (inline
    # pass too) must put them at the same lines.
    from markdown_it import MarkdownIt

    full = MarkdownIt("commonmark")
    found = 0
    for body in _bodies():
        headings = [
            (t.map, t.tag) for t in _commonmark_blocks().parse(body) if t.type == "heading_open"
        ]
        assert headings == [(t.map, t.tag) for t in full.parse(body) if t.type == "heading_open"]
        found += _first_section(body) is not None
    assert found > 1000


def _former_first_section(body: str) -> str | None:
    """``_first_section`` before it parsed a part of the body first: the whole body."""
    lines = body.split("\n")
    start = level = None
    for token in _commonmark_blocks().parse(body):
        if token.type != "heading_open" or token.map is None:
            continue
        depth = int(token.tag[1])
        if start is None:
            start, level = token.map[1], depth
        elif level is not None and depth <= level:
            return "\n".join(lines[start : token.map[0]])
    return "\n".join(lines[start:]) if start is not None else None


def test_first_section_from_a_part_as_from_the_whole_body() -> None:
    bodies = _bodies()
    rng = random.Random(14)
    bodies += ["\r".join(rng.sample(BLOCK_LINES, 6)) for _ in range(200)]
    for body in bodies:
        assert _first_section(body) == _former_first_section(body), body
