"""split_front_matter scans for the closing fence without splitting the body into lines:
it must cut every text exactly where splitting it into lines does."""

from __future__ import annotations

import random

from sitegen.content.frontmatter import FrontMatter, normalize_text, split_front_matter
from sitegen.errors import Diagnostic


def _by_lines(text: str, path: str) -> tuple[FrontMatter, list[Diagnostic]]:
    """The rule stated line by line, as the module first wrote it."""

    def fence(line: str, closing: bool) -> bool:
        return line.rstrip() == "---" or (closing and line.rstrip() == "...")

    lines = text.split("\n")
    if not fence(lines[0], closing=False):
        return FrontMatter(None, 1, 1, text, 1), []
    for i in range(1, len(lines)):
        if fence(lines[i], closing=True):
            body = "\n".join(lines[i + 1 :])
            return FrontMatter("\n".join(lines[1:i]) + "\n", 1, 2, body, i + 2), []
    message = "front matter opened with '---' is never closed ('---' or '...')"
    return FrontMatter(None, 1, 1, text, 1), [Diagnostic(path, 1, "front matter", message)]


PIECES = ["---", "...", "--- ", "----", "a: 1", "", " ", "\u2003", "# T", "x---", "...\t"]
PIECES += ["---\x0b", "---\x1c", "...\x85", "...\xa0", " ---", "---x", "..", "-- -"]


def test_same_cut_as_splitting_into_lines() -> None:
    rng = random.Random(8)
    texts = ["", "---", "---\n", "---\n---", "---\n---\n", "---\n...", "a\n---\n---\n"]
    for _ in range(20000):
        texts.append("\n".join(rng.choice(PIECES) for _ in range(rng.randrange(7))))
    for text in texts:
        assert split_front_matter(text, "p.md") == _by_lines(text, "p.md"), repr(text)


def test_body_line_counts_from_the_file_top() -> None:
    fm, diags = split_front_matter("---\ntitle: T\nx: 1\n---\nBody\n", "p.md")
    assert (fm.yaml, fm.body, fm.body_line, diags) == ("title: T\nx: 1\n", "Body\n", 5, [])


def test_normalize_text_as_decoding_with_sig_and_replacing() -> None:
    """The BOM-less shortcut and the skipped replaces give the same text and errors."""
    rng = random.Random(9)
    alphabet = [
        b"a",
        b"\r",
        b"\n",
        b"\r\n",
        b"\xef\xbb\xbf",
        "é".encode(),
        "∑".encode(),
        b"\xff",
        b"\xc3",
    ]
    samples = [b"", b"\xef\xbb\xbf", b"\xef\xbb", b"\xef\xbb\xbf\xff", b"\r\r\n\n"]
    samples += [
        b"".join(rng.choice(alphabet) for _ in range(rng.randrange(12))) for _ in range(5000)
    ]
    for raw in samples:
        try:
            expected: object = raw.decode("utf-8-sig").replace("\r\n", "\n").replace("\r", "\n")
        except UnicodeDecodeError as exc:
            expected = ("error", exc.start)
        try:
            got: object = normalize_text(raw)
        except UnicodeDecodeError as exc:
            got = ("error", exc.start)
        assert got == expected, raw
