"""Pandoc citations resolved against a paper's bibliography.

The markdown renderer parses ``[see @a, p. 3; -@b]`` into ``CiteItem``s and asks a
``CitationProcessor`` (one per document) for the HTML of each citation, in reading order;
at the end ``references()`` gives the bibliography of what was cited. Every cited key links
to ``#ref-<key>``: the page must give each reference's element that id (``ref_id``).

Numeric numbers follow the order of first citation. Author-year labels get ``a``/``b``
suffixes when two entries the document cites (or nocites) share authors and year, as
pandoc's citeproc decides them: the renderer collects the cited keys after parsing and
before rendering (``cited=``), so a citation's text never changes with what is cited later
on the page. Entries are formatted only when cited: a paper's ``.bib`` often holds more.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Sequence

from sitegen.render.bibtex import BibEntry, Bibliography
from sitegen.render.doc import CiteItem, Reference
from sitegen.render.refformat import (
    STYLES,
    RefData,
    cite_names,
    escape,
    format_reference,
    ref_from_entry,
)

__all__ = ["Bibliography", "CitationProcessor", "ref_id"]

_MIN_RANGE = 3
"""Shortest run of consecutive numbers written as a range (``1–3``; ``1, 2`` stays)."""


def ref_id(key: str) -> str:
    """The HTML id of a reference entry, the target of its citations."""
    return f"ref-{key}"


class CitationProcessor:
    """Formats citations and the reference list of one document in one style."""

    def __init__(
        self,
        bibliography: Bibliography | None,
        style: str,
        cited: Collection[str] | None = None,
    ) -> None:
        """``cited``: every key the document cites or nocites (``*`` = all), as written;
        year suffixes are decided among those. None means among the whole bibliography."""
        if style not in STYLES:
            raise ValueError(f"unknown citation style {style!r}; expected one of {STYLES}")
        self.style = style
        entries = bibliography.entries if bibliography else {}
        self._entries: dict[str, BibEntry] = entries
        self._folded: dict[str, str] | None = None
        """Casefolded key -> first key so folded; built when a key is not found as written."""
        self._data: dict[str, RefData] = {}
        """Formatted lazily (``_ref``): only what is cited costs anything."""
        self._cited = None if cited is None else {k.lstrip("@") for k in cited}
        self._suffixes: dict[str, str] | None = None
        self._order: dict[str, int] = {}
        """Cited or nocited keys -> number, in order of first citation."""
        self._nocited: list[str] = []
        self._names: dict[str, str] = {}
        """Key -> ``cite_names`` of its entry: asked for its year suffix, its label and
        its reference."""
        self._labels: dict[str, tuple[str, str, str, str, str]] = {}
        """Key -> what its author-year citations show, escaped (``_label``): a paper cites
        most entries more than once, and these never change within the document."""

    def _resolve(self, key: str) -> str | None:
        """The bibliography's key for ``key``; a case-only mismatch still resolves."""
        if key in self._entries:
            return key
        if self._folded is None:
            self._folded = {}
            for real in self._entries:
                self._folded.setdefault(real.casefold(), real)
        return self._folded.get(key.casefold())

    @property
    def _suffix(self) -> dict[str, str]:
        """Year suffixes, decided on first need: a document citing nothing formats nothing."""
        if self._suffixes is None:
            if self._cited is None or "*" in self._cited:
                pool: Iterable[str] = self._entries
            else:
                pool = sorted({r for r in map(self._resolve, self._cited) if r is not None})
            self._suffixes = _year_suffixes([(self._ref(k), self._cite_names(k)) for k in pool])
        return self._suffixes

    def _cite_names(self, key: str) -> str:
        names = self._names.get(key)
        if names is None:
            names = self._names[key] = cite_names(self._ref(key))
        return names

    def _ref(self, key: str) -> RefData:
        data = self._data.get(key)
        if data is None:
            data = self._data[key] = ref_from_entry(self._entries[key])
        return data

    def has(self, key: str) -> bool:
        """Whether ``key`` is in the bibliography (citing it will resolve)."""
        return key in self._entries or self._resolve(key) is not None

    def _number(self, key: str) -> int:
        if key not in self._order:
            self._order[key] = len(self._order) + 1
        return self._order[key]

    def cite(self, items: Sequence[CiteItem], *, in_text: bool = False) -> str:
        """HTML of one citation; unknown keys render as ``?key`` (report them with ``has``)."""
        if self.style == "numeric":
            return self._cite_numeric(items, in_text)
        return self._cite_author_year(items, in_text)

    def nocite(self, keys: Iterable[str]) -> None:
        """List entries in the references without citing them; ``*`` means all."""
        for key in keys:
            key = key.lstrip("@")
            targets = list(self._entries) if key == "*" else [self._resolve(key)]
            for real in targets:
                if real is not None and real not in self._order:
                    self._nocited.append(real)
                    self._number(real)

    def references(self) -> tuple[Reference, ...]:
        """The cited and nocited entries, formatted, in the style's order."""
        keys = list(self._order)
        if not keys:
            return ()
        suffixes = self._suffix
        numeric = self.style == "numeric"
        if not numeric:
            keys.sort(key=self._sort_key)
        refs = []
        for key in keys:
            data = self._ref(key)
            suffix = suffixes.get(key, "")
            html_text, text = format_reference(data, self.style, year_suffix=suffix)
            if numeric:
                label = str(self._order[key])
            else:
                label = f"{self._cite_names(key)} {data.year or 'n.d.'}{suffix}"
            refs.append(Reference(key, label, html_text, text, data.doi, data.url))
        return tuple(refs)

    def _sort_key(self, key: str) -> tuple[str, str, str, str]:
        data = self._ref(key)
        names = data.authors or data.editors
        first = names[0].family if names and names[0].family else data.title
        return (
            first.casefold(),
            data.year or "",
            self._suffix.get(key, "") + data.title.casefold(),
            key,
        )

    # -- numeric ----------------------------------------------------------------------

    def _cite_numeric(self, items: Sequence[CiteItem], in_text: bool) -> str:
        known = [(item, self._resolve(item.key)) for item in items]
        decorated = any(item.prefix.strip() or _locator(item) for item in items)
        parts: list[str] = []
        if in_text:
            for item, key in known:
                if key is None:
                    parts.append(_unknown(item.key))
                    continue
                number = self._number(key)
                link = _link(key, str(number))
                loc = _locator(item)
                inner = f"{link}, {escape(loc)}" if loc else link
                names = escape(cite_names(self._ref(key), narrative=True))
                prefix = _prefix(item)
                if item.suppress_author:
                    parts.append(f"{prefix}[{inner}]")
                else:
                    parts.append(f"{prefix}{names} [{inner}]")
            return "; ".join(parts)
        if decorated or any(key is None for _, key in known):
            for item, key in known:
                if key is None:
                    parts.append(_unknown(item.key))
                    continue
                loc = _locator(item)
                body = _link(key, str(self._number(key)))
                parts.append(_prefix(item) + body + (f", {escape(loc)}" if loc else ""))
            return "[" + "; ".join(parts) + "]" if decorated else "[" + ", ".join(parts) + "]"
        numbered = sorted({self._number(key): key for _, key in known if key}.items())
        return "[" + ", ".join(_ranges(numbered)) + "]"

    # -- author-year ------------------------------------------------------------------

    def _cite_author_year(self, items: Sequence[CiteItem], in_text: bool) -> str:
        parts: list[str] = []
        order = self._order
        for item in items:
            key = item.key if item.key in self._entries else self._resolve(item.key)
            if key is None:
                parts.append(_unknown(item.key))
                continue
            if key not in order:  # ``_number``
                order[key] = len(order) + 1
            label = self._labels.get(key) or self._label(key)
            if not (in_text or item.prefix or item.locator or item.suppress_author):
                parts.append(label[4])  # ``[@key]``: most items
                continue
            opening, year = label[0], label[1]
            loc = _locator(item) if item.locator else ""
            loc_html = f", {escape(loc)}" if loc else ""
            prefix = _prefix(item) if item.prefix else ""
            if in_text:
                shown = f"({year}{loc_html})"
                if not item.suppress_author:
                    shown = f"{label[3]} {shown}"
                parts.append(f"{prefix}{opening}{shown}</a>")
                continue
            shown = year if item.suppress_author else f"{label[2]}, {year}"
            parts.append(f"{prefix}{opening}{shown}</a>{loc_html}")
        if in_text:
            return "; ".join(parts)
        return "(" + "; ".join(parts) + ")"

    def _label(self, key: str) -> tuple[str, str, str, str, str]:
        """``(link opening, year, names, narrative names, plain item)`` of ``key``,
        escaped; the plain item is a bracketed citation's part for ``@key`` alone."""
        data = self._ref(key)
        opening = _opening(key)
        year = escape((data.year or "n.d.") + self._suffix.get(key, ""))
        plain = self._cite_names(key)
        names = escape(plain)
        # The narrative form differs only in joining two names by "and", not "&".
        narrative = escape(cite_names(data, narrative=True)) if " & " in plain else names
        label = (opening, year, names, narrative, f"{opening}{names}, {year}</a>")
        self._labels[key] = label
        return label


def _year_suffixes(refs: Iterable[tuple[RefData, str]]) -> dict[str, str]:
    """``a``/``b``... for entries whose citations would read the same (names and year);
    ``refs`` pairs each entry with its ``cite_names``."""
    groups: dict[tuple[str, str], list[RefData]] = {}
    for ref, names in refs:
        groups.setdefault((names, ref.year or ""), []).append(ref)
    out: dict[str, str] = {}
    for members in groups.values():
        if len(members) < 2:
            continue
        members.sort(key=lambda r: (r.title.casefold(), r.key))
        for i, ref in enumerate(members):
            out[ref.key] = _letters(i)
    return out


def _letters(i: int) -> str:
    """0 -> a, 25 -> z, 26 -> aa."""
    out = ""
    i += 1
    while i:
        i, rem = divmod(i - 1, 26)
        out = chr(ord("a") + rem) + out
    return out


def _ranges(numbered: list[tuple[int, str]]) -> list[str]:
    """``[(1,a),(3,b),(4,c),(5,d)]`` -> ``1``, ``3–5`` (each number linked)."""
    out: list[str] = []
    run: list[tuple[int, str]] = []
    for number, key in [*numbered, (-1, "")]:
        if run and number == run[-1][0] + 1:
            run.append((number, key))
            continue
        if len(run) >= _MIN_RANGE:
            out.append(_link(run[0][1], str(run[0][0])) + "–" + _link(run[-1][1], str(run[-1][0])))
        else:
            out.extend(_link(k, str(n)) for n, k in run)
        run = [(number, key)]
    return out


def _link(key: str, inner_html: str) -> str:
    return f"{_opening(key)}{inner_html}</a>"


def _opening(key: str) -> str:
    return f'<a href="#{escape(ref_id(key))}" class="citation">'


def _unknown(key: str) -> str:
    return f'<span class="citation-unknown">?{escape(key)}</span>'


def _prefix(item: CiteItem) -> str:
    prefix = item.prefix.strip()
    return escape(prefix) + " " if prefix else ""


def _locator(item: CiteItem) -> str:
    return item.locator.strip().lstrip(",").strip()
