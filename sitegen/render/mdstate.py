"""Per-document working state of the markdown renderer.

The parser is built once per process and shared, so everything one document accumulates
(diagnostics, labels, ids, links) lives here and travels in markdown-it's ``env`` dict;
nothing leaks from one document into the next.
"""

from __future__ import annotations

import re
from collections.abc import MutableMapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from sitegen.errors import Diagnostic
from sitegen.render.doc import RenderContext

if TYPE_CHECKING:
    from markdown_it.token import Token

ENV_KEY = "sitegen"


@dataclass(frozen=True, slots=True)
class Label:
    """A numbered, linkable thing: a figure, table, equation or section."""

    kind: str
    """``figure``, ``table``, ``equation`` or ``section``."""
    number: str
    anchor: str
    """The element id (already prefixed)."""
    title: str = ""


KIND_NAMES = {"figure": "Figure", "table": "Table", "equation": "Equation", "section": "Section"}

_ID_UNSAFE = re.compile(r"[^\w:.\-]+")


@dataclass
class DocState:
    """What rendering one document collects; lives in ``env["sitegen"]``."""

    ctx: RenderContext
    processor: Any = None
    """A ``citations.CitationProcessor`` or None (inline-only rendering)."""
    inline_only: bool = False
    diagnostics: list[Diagnostic] = field(default_factory=list)
    labels: dict[str, Label] = field(default_factory=dict)
    used_ids: set[str] = field(default_factory=set)
    local_links: list[str] = field(default_factory=list)
    cite_keys: set[str] = field(default_factory=set)
    """Keys of the citations the renderer will format (not those naming labels, nor any
    in an image's alt text); collected by the last core rule (``targets.check_targets``)."""
    has_math: bool = False
    display_math: int = 0
    """Display formulas the parser made (``math.math_rule``); none: nothing to number."""
    base_line: int = 0
    """0-based line (within the text) of the inline run being parsed."""
    counters: dict[str, int] = field(default_factory=dict)
    headings: list[Token] = field(default_factory=list)
    """The ``heading_open`` tokens in document order, found by the ``headings`` core rule
    (after figures and table captions, the last rules that add or remove block tokens)."""
    parked: list[tuple[str, str]] | None = None
    """(raw HTML, its ``safe`` form) of each fragment rendered as a placeholder, when the
    document is sanitized around them (``markdown._sanitize_parked``); None: not so."""
    park_tag: str = ""
    """Start of this document's placeholders (``park``)."""

    def park(self, raw: str, safe: str | None) -> str:
        """A placeholder for ``raw`` when parking is on and ``safe`` is known, else ``raw``."""
        if self.parked is None or safe is None:
            return raw
        self.parked.append((raw, safe))
        return f"{self.park_tag}{len(self.parked) - 1}\ue001"

    def file_line(self, text_line: int) -> int:
        """Turn a 0-based line of the markdown text into a 1-based line of the file."""
        return self.ctx.first_line + text_line

    def warn(self, text_line: int | None, fld: str, message: str) -> None:
        line = None if text_line is None else self.file_line(text_line)
        self.diagnostics.append(Diagnostic(self.ctx.path, line, fld, message, "warning"))

    def error(self, text_line: int | None, fld: str, message: str) -> None:
        line = None if text_line is None else self.file_line(text_line)
        self.diagnostics.append(Diagnostic(self.ctx.path, line, fld, message, "error"))

    def next_number(self, kind: str) -> int:
        self.counters[kind] = self.counters.get(kind, 0) + 1
        return self.counters[kind]

    def unique_id(self, wanted: str) -> str:
        """A prefixed id no other element of this document has; ``-1``, ``-2``... on clash."""
        base = self.ctx.id_prefix + (_ID_UNSAFE.sub("-", wanted).strip("-") or "section")
        candidate, n = base, 0
        while candidate in self.used_ids:
            n += 1
            candidate = f"{base}-{n}"
        self.used_ids.add(candidate)
        return candidate

    def add_label(self, name: str, label: Label, text_line: int | None) -> None:
        if name in self.labels:
            self.warn(text_line, "crossref", f"label '{name}' is defined more than once")
            return
        self.labels[name] = label


def doc_state(env: MutableMapping[str, Any]) -> DocState:
    """The state of the document being rendered (set up by ``render_markdown``)."""
    state = env[ENV_KEY]
    assert isinstance(state, DocState)
    return state


def inline_line(env: MutableMapping[str, Any], src: str, pos: int) -> int:
    """0-based text line of ``pos`` inside the inline run being parsed."""
    base = doc_state(env).base_line
    if src.find("\n", 0, pos) < 0:  # (most runs are one line; find is the quicker scan)
        return base
    return base + src.count("\n", 0, pos)
