"""What rendering one markdown document produces (shared by markdown, citations, pages)."""

from __future__ import annotations

from collections.abc import Callable, MutableMapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

from sitegen.errors import Diagnostic

if TYPE_CHECKING:  # math imports markdown-it; this module must stay light
    from sitegen.render.math import MathResult


@dataclass(frozen=True)  # not slotted: see sitegen.cache.pack
class CiteItem:
    """One key inside a pandoc citation: ``[see @key, p. 3]`` -> prefix, key, locator."""

    key: str
    prefix: str = ""
    locator: str = ""
    """The suffix after the key (``p. 3``), as written."""
    suppress_author: bool = False
    """``[-@key]``: show the year only."""


@dataclass(frozen=True)  # not slotted: see sitegen.cache.pack
class Reference:
    """One formatted entry of a bibliography, in display order."""

    key: str
    label: str
    """``1`` (numeric) or ``Smith et al. 2020`` (author-year)."""
    html: str
    """The formatted entry, escaped, with DOI/URL links; no surrounding <li>."""
    text: str
    """Plain text of the entry, for ``citation_reference`` meta tags."""
    doi: str | None = None
    url: str | None = None


@dataclass(frozen=True)  # not slotted: see sitegen.cache.pack
class TocEntry:
    level: int
    id: str
    text: str


@dataclass(frozen=True, slots=True)
class RenderContext:
    """Everything ``render_markdown`` needs besides the text itself."""

    path: str
    """The source file, for diagnostics."""
    first_line: int = 1
    """Line of the file where the text starts (front matter shifts it)."""
    bibliography: object | None = None
    """A ``citations.Bibliography`` (parsed BibTeX), or None when the paper has none."""
    citation_style: str = "author-year"
    file_exists: Callable[[str], bool] | None = None
    """Tells whether a relative link/image target exists beside the source; None skips checks."""
    nocite: tuple[str, ...] = ()
    """Keys listed in the bibliography though not cited (``nocite:``; ``@*`` = all)."""
    link_prefix: str = ""
    """Put before relative file links in the output (``source/`` on paper pages)."""
    id_prefix: str = ""
    """Prefix for generated ids, so an abstract and a body on one page never collide."""
    math_cache: MutableMapping[str, MathResult] | None = None
    """``math.math_key`` -> ``math.MathResult``: formulas converted before (by this worker,
    or by earlier builds), so a formula repeated across papers is converted once."""


@dataclass(frozen=True)  # not slotted: see sitegen.cache.pack
class RenderedDoc:
    html: str
    """Sanitized HTML of the body (no bibliography; see ``references``)."""
    toc: tuple[TocEntry, ...] = ()
    references: tuple[Reference, ...] = ()
    first_section_title: str | None = None
    first_section_html: str | None = None
    """The first top-level section, used as the abstract when front matter has none."""
    first_section_split: tuple[str, str] | None = None
    """``(section, rest)``: the first section with its ids, and the body without it, so a
    page that shows the section as its abstract does not show it twice."""
    local_links: tuple[str, ...] = ()
    """Relative paths (images, downloads) the document points at."""
    has_math: bool = False
    diagnostics: tuple[Diagnostic, ...] = ()
