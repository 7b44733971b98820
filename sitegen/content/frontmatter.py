"""Split a markdown file into its YAML front matter and body, keeping file line numbers.

Papers arrive as published: UTF-8 with or without a BOM, LF or CRLF, the YAML block
closed by ``---`` or pandoc's ``...``. The lines of the YAML block and of the body are
kept so every later error points at the line the author sees in their editor.
"""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sitegen.content.yamlsrc import LineDict, load_yaml
from sitegen.errors import Diagnostic


@dataclass(frozen=True, slots=True)
class FrontMatter:
    """A markdown file cut in two."""

    yaml: str | None
    """Text between the fences; None when the file has no front matter."""
    open_line: int
    """Line of the opening ``---`` (where "missing field" errors point)."""
    yaml_line: int
    """File line of the first YAML line (``open_line + 1``)."""
    body: str
    """Everything after the closing fence, with ``\\n`` line endings."""
    body_line: int
    """1-based file line where ``body`` starts."""


def normalize_text(raw: bytes) -> str:
    """Decode UTF-8 (BOM dropped) and turn CRLF / CR into LF. Raises UnicodeDecodeError."""
    # Without a BOM "utf-8-sig" decodes as "utf-8" does, errors at the same offsets, but
    # costs twice as much; str.replace copies a non-ASCII text even when nothing matches.
    text = raw.decode("utf-8-sig" if raw.startswith(codecs.BOM_UTF8) else "utf-8")
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    return text


def read_markdown(path: Path, display: str) -> tuple[str | None, list[Diagnostic]]:
    """The normalised text of ``path``, or None and an error naming the bad byte's line."""
    try:
        raw = path.read_bytes()
    except OSError as exc:
        return None, [Diagnostic(display, None, None, f"cannot read file: {exc.strerror}")]
    try:
        return normalize_text(raw), []
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        return None, [Diagnostic(display, line, None, "file is not valid UTF-8")]


_FENCE_START = re.compile(r"^(?:---|\.\.\.)", re.MULTILINE)
"""Where a closing fence may be: ``_is_fence`` decides on the whole line."""


def _is_fence(line: str, closing: bool) -> bool:
    stripped = line.rstrip()
    return stripped == "---" or (closing and stripped == "...")


def split_front_matter(text: str, path: str) -> tuple[FrontMatter, list[Diagnostic]]:
    """Cut normalised ``text`` at its front-matter fences.

    A file that does not start with ``---`` has no front matter (the whole text is
    body). An opening fence that is never closed is an error at the opening line.
    """
    # Only lines starting with a fence's characters are looked at (a regex finds them),
    # and the body (most of the file) is cut off in one slice.
    end = text.find("\n")
    if not _is_fence(text if end == -1 else text[:end], closing=False):
        return FrontMatter(None, 1, 1, text, 1), []
    start = end + 1  # of the YAML's first line
    if end != -1:
        for candidate in _FENCE_START.finditer(text, start):
            pos = candidate.start()
            end = text.find("\n", pos)
            if _is_fence(text[pos:] if end == -1 else text[pos:end], closing=True):
                yaml_text = text[start : pos - 1] + "\n"
                body = "" if end == -1 else text[end + 1 :]
                number = text.count("\n", 0, pos) + 1  # the closing fence's line
                return FrontMatter(yaml_text, 1, 2, body, number + 1), []
    diag = Diagnostic(
        path, 1, "front matter", "front matter opened with '---' is never closed ('---' or '...')"
    )
    return FrontMatter(None, 1, 1, text, 1), [diag]


def parse_front_matter(fm: FrontMatter, path: str) -> tuple[LineDict | None, list[Diagnostic]]:
    """The front matter as a :class:`LineDict` with file lines, or None on broken YAML.

    An empty block or a file without front matter gives an empty mapping whose ``line``
    is the opening fence, so "missing field" errors have somewhere to point.
    """
    if fm.yaml is None or not fm.yaml.strip():
        return _empty(fm.open_line), []
    data, diags = load_yaml(fm.yaml, path, line_offset=fm.yaml_line - 1)
    if data is None and not diags:
        return _empty(fm.open_line), []
    if data is not None and not isinstance(data, LineDict):
        diags.append(Diagnostic(path, fm.open_line, "front matter", "must be a mapping of fields"))
        return None, diags
    if data is not None:
        data.line = fm.open_line
    return data, diags


def _empty(line: int) -> LineDict:
    empty = LineDict()
    empty.line = line
    empty.lines = {}
    empty.duplicates = []
    return empty


def load_markdown(path: Path, display: str) -> tuple[FrontMatter | None, Any, list[Diagnostic]]:
    """Read, split and parse: ``(front matter, mapping or None, diagnostics)``."""
    text, diags = read_markdown(path, display)
    if text is None:
        return None, None, diags
    fm, split_diags = split_front_matter(text, display)
    diags.extend(split_diags)
    if split_diags:
        return fm, None, diags
    data, yaml_diags = parse_front_matter(fm, display)
    diags.extend(yaml_diags)
    return fm, data, diags
