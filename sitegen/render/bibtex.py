"""A forgiving BibTeX parser.

Authors' ``paper.bib`` files come from Zotero, JabRef, Mendeley, ADS and hand editing, so
they hold ``@string`` macros, month macros, ``#`` concatenation, ``@comment``/``@preamble``,
stray text between entries, duplicate keys and CRLF line endings. Parsing never fails: each
real problem becomes a warning with its line, and the entries that could be read are kept.
Field values are decoded from LaTeX to Unicode plain text; the raw values stay available
(``BibEntry.raw``) for name lists, where braces carry meaning.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from sitegen.errors import Diagnostic
from sitegen.render.latex_text import decodes_to_itself, latex_to_unicode, verbatim_to_unicode

MONTHS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")
_MONTH_NAMES = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
]
_VERBATIM_FIELDS = frozenset({"url", "doi", "eprint", "file", "pdf", "urldate", "isbn", "issn"})
_IDENT = re.compile(r"[^\s\"#%'(),={}@]+")
_ENTRY_START = re.compile(r"@[ \t]*([A-Za-z][\w-]*)[ \t\n]*([{(])")
_KEY = re.compile(r"[^,\s{}()\"=]*")
_DIGITS = re.compile(r"\d+")
_SPACE = re.compile(r"\s*")
_GROUPING = {"{": re.compile(r"[{}\\@]"), "(": re.compile(r"[()\\@]")}
"""The only characters ``_matching`` looks at; the scan jumps between them."""
_IN_QUOTES = re.compile(r'[{}"]')
_SIMPLE_FIELD = re.compile(
    r"(?P<name>[^\s\"#%'(),={}@]+)\s*(?P<eq>=)\s*\{(?P<value>[^{}\\@]*)\}\s*"
)
"""``name = {text}`` with no nested braces, backslash or ``@`` in the text: most fields.
Parsed in one match; anything else (and a ``#`` after it) takes the general path."""
_NEXT_SIMPLE_FIELD = re.compile(
    r"\s*+,\s*+(?P<name>[^\s\"#%'(),={}@]+)\s*+(?P<eq>=)\s*+\{(?P<value>[^{}\\@]*)\}\s*+(?!#)"
)
"""The separating comma and a ``_SIMPLE_FIELD`` not followed by ``#``: what one turn of
the entry loop reads in the common case, in a single match."""


@dataclass(frozen=True, slots=True)
class BibEntry:
    """One reference. Field names are lowercase; values are decoded plain text."""

    key: str
    type: str
    """Entry type, lowercase (``article``, ``inproceedings``, ``software``...)."""
    fields: dict[str, str]
    line: int
    """Line of the ``@`` that opens the entry."""
    raw: dict[str, str] = field(default_factory=dict, compare=False)
    """Field values before LaTeX decoding (macros expanded); names need their braces."""


@dataclass(frozen=True, slots=True)
class Bibliography:
    """A parsed ``.bib`` file: entries by key, in file order."""

    path: str
    entries: dict[str, BibEntry]


class _SyntaxError(Exception):
    """A syntax error at a position; the parser skips to the next entry."""

    def __init__(self, pos: int, message: str) -> None:
        super().__init__(message)
        self.pos = pos
        self.message = message


def parse_bibtex(text: str, path: str) -> tuple[Bibliography, list[Diagnostic]]:
    """Parse ``text`` (the contents of ``path``); never raises on bad input."""
    parser = _Parser(text, path)
    fast = _read_plain_file(parser.s, path)
    return (fast, []) if fast is not None else parser.run()


_TOKEN = re.compile(
    r"@[ \t]*+([A-Za-z][\w-]*+)[ \t\n]*+\{\s*+([^,\s{}()\"=]++)\s*+"
    r"|,\s*+([^\s\"#%'(),={}@]++)\s*+=\s*+\{([^{}\\@]*+)\}\s*+(?!#)"
    r"|(?:,\s*+)?+(\})"
    r"|(\S)"
)
"""What a file of plain entries is made of, whitespace apart: ``@type{key`` (groups 1-2),
``, name = {text}`` as ``_NEXT_SIMPLE_FIELD`` (3-4), the closing ``}`` with an optional
comma before it (5); anything else is one character of group 6."""


def _read_plain_file(s: str, path: str) -> Bibliography | None:
    """The bibliography of a file of entries whose fields are all ``_NEXT_SIMPLE_FIELD``s,
    each entry read by one ``_TOKEN.findall``; None (the general parser's turn) at the
    first thing that is not, or would warn: a comment, ``@string``, macro, quoted or nested
    value, stray text, a duplicate field, key or key differing only in case.

    It gives what ``_Parser.run`` gives such a file, without a turn of its loop per field."""
    at = s.find("@")  # what comes before is a comment, as in BibTeX
    if at < 0 or s.find("\\", at) >= 0:
        return None  # no plain entry has a backslash; most real files do: not worth trying
    entries: dict[str, BibEntry] = {}
    folded: set[str] = set()
    line = 1 + s.count("\n", 0, at)
    while at >= 0:
        end = s.find("@", at + 1)  # an entry of plain fields holds no @
        tokens = _TOKEN.findall(s, at, len(s) if end < 0 else end)
        kind, key = tokens[0][0].lower(), tokens[0][1]
        folded_key = key.casefold()
        if (
            not key
            or kind in ("comment", "preamble", "string")
            or not tokens[-1][4]
            or key in entries
            or folded_key in folded
        ):
            return None
        fields: dict[str, str] = {}
        raw: dict[str, str] = {}
        for _, _, name, value, _, _ in tokens[1:-1]:
            name = name.lower()
            if not name or name in fields:
                return None
            raw[name] = value
            fields[name] = _decoded(name, value)
        folded.add(folded_key)
        entries[key] = BibEntry(key, kind, fields, line, raw)
        if end >= 0:
            line += s.count("\n", at, end)
        at = end
    return Bibliography(path, entries)


def _decoded(name: str, value: str) -> str:
    """A field's raw value decoded to plain text (URL-like fields keep their characters)."""
    if name in _VERBATIM_FIELDS:
        return verbatim_to_unicode(value)
    return value if decodes_to_itself(value) else latex_to_unicode(value)


class _Parser:
    def __init__(self, text: str, path: str) -> None:
        text = text.lstrip("\ufeff")
        if "\r" in text:  # a one-character search: replacing "\r\n" scans far slower
            text = text.replace("\r\n", "\n").replace("\r", "\n")
        self.s = text
        self.path = path
        self.diags: list[Diagnostic] = []
        self.macros = {m: name for m, name in zip(MONTHS, _MONTH_NAMES, strict=True)}
        self.entries: dict[str, BibEntry] = {}
        self.lowered: dict[str, str] = {}
        self._counted = (0, 1)
        """(position, its line): lines are asked for mostly in file order, so each
        count of newlines starts where the last one stopped."""

    def line(self, pos: int) -> int:
        last, line = self._counted
        if pos < last:
            last, line = 0, 1
        line += self.s.count("\n", last, pos)
        self._counted = (pos, line)
        return line

    def warn(self, pos: int, fld: str | None, message: str) -> None:
        self.diags.append(Diagnostic(self.path, self.line(pos), fld, message, "warning"))

    def run(self) -> tuple[Bibliography, list[Diagnostic]]:
        pos = 0
        while True:
            at = self.s.find("@", pos)
            if at < 0:
                break
            m = _ENTRY_START.match(self.s, at)
            if m is None:
                pos = at + 1  # stray text between entries is a comment, as in BibTeX
                continue
            kind = m.group(1).lower()
            close = "}" if m.group(2) == "{" else ")"
            try:
                if kind == "comment":
                    pos = self._skip_group(m.end(), close)
                elif kind == "preamble":
                    _, pos = self._value(m.end())
                    pos = self._expect(self._ws(pos), close)
                elif kind == "string":
                    pos = self._string(m.end(), close)
                else:
                    pos = self._entry(at, kind, m.end(), close)
            except _SyntaxError as err:
                self.warn(err.pos, None, f"{err.message}; entry skipped")
                pos = self._resync(err.pos, at)
        return Bibliography(self.path, self.entries), self.diags

    # -- structure ---------------------------------------------------------------------

    def _entry(self, at: int, kind: str, pos: int, close: str) -> int:
        pos = self._ws(pos)
        m = _KEY.match(self.s, pos)
        key = m.group(0) if m else ""
        pos = self._ws(m.end() if m else pos)
        fields: dict[str, str] = {}
        raw: dict[str, str] = {}
        if not key or (pos < len(self.s) and self.s[pos] == "="):
            raise _SyntaxError(pos, f"@{kind} entry has no citation key")
        while True:
            fast = _NEXT_SIMPLE_FIELD.match(self.s, pos)
            if fast is not None:  # what the general path below makes of it, quicker
                pos = self._simple_field(fast, key, fields, raw)
                continue
            pos = self._ws(pos)
            if pos >= len(self.s):
                raise _SyntaxError(at, f"@{kind}{{{key}: entry is not closed")
            c = self.s[pos]
            if c == close:
                pos += 1
                break
            if c != ",":
                raise _SyntaxError(pos, f"expected ',' or '{close}' in entry '{key}', found {c!r}")
            pos = self._ws(pos + 1)
            if pos < len(self.s) and self.s[pos] == close:
                continue
            simple = _SIMPLE_FIELD.match(self.s, pos)
            if simple is not None and not self.s.startswith("#", simple.end()):
                pos = self._simple_field(simple, key, fields, raw)
                continue
            name_m = _IDENT.match(self.s, pos)
            if name_m is None:
                raise _SyntaxError(pos, f"expected a field name in entry '{key}'")
            name = name_m.group(0).lower()
            pos = self._expect(self._ws(name_m.end()), "=")
            value_pos = pos
            value, pos = self._value(pos)
            if name in fields:
                self.warn(value_pos, name, f"duplicate field in entry '{key}'; first one kept")
                continue
            raw[name] = value
            fields[name] = _decoded(name, value)
        self._add(BibEntry(key, kind, fields, self.line(at), raw), at)
        return pos

    def _simple_field(
        self, m: re.Match[str], key: str, fields: dict[str, str], raw: dict[str, str]
    ) -> int:
        """Record a field read whole by one match (``name``, ``value``, ``eq`` groups);
        the first of two same-named fields is kept. Returns where the match ends."""
        name, value = m["name"].lower(), m["value"]
        if name in fields:
            self.warn(m.end("eq"), name, f"duplicate field in entry '{key}'; first one kept")
        else:
            raw[name] = value
            fields[name] = _decoded(name, value)
        return m.end()

    def _add(self, entry: BibEntry, at: int) -> None:
        if entry.key in self.entries:
            first = self.entries[entry.key].line
            self.warn(at, entry.key, f"duplicate key (first defined on line {first}); ignored")
            return
        folded = entry.key.casefold()
        if folded in self.lowered:
            other = self.lowered[folded]
            self.warn(at, entry.key, f"key differs only in case from '{other}'")
        else:
            self.lowered[folded] = entry.key
        self.entries[entry.key] = entry

    def _string(self, pos: int, close: str) -> int:
        pos = self._ws(pos)
        m = _IDENT.match(self.s, pos)
        if m is None:
            raise _SyntaxError(pos, "@string needs a name")
        pos = self._expect(self._ws(m.end()), "=")
        value, pos = self._value(pos)
        pos = self._ws(pos)
        if pos < len(self.s) and self.s[pos] == ",":
            pos = self._ws(pos + 1)
        self.macros[m.group(0).lower()] = value
        return self._expect(pos, close)

    def _value(self, pos: int) -> tuple[str, int]:
        """A field value: pieces joined by ``#``; returns the raw (macro-expanded) text."""
        parts = []
        while True:
            pos = self._ws(pos)
            if pos >= len(self.s):
                raise _SyntaxError(pos, "value is not finished at end of file")
            c = self.s[pos]
            if c == "{":
                end = self._matching(pos, "{", "}")
                parts.append(self.s[pos + 1 : end])
                pos = end + 1
            elif c == '"':
                end = self._quoted_end(pos)
                parts.append(self.s[pos + 1 : end])
                pos = end + 1
            elif c.isdigit():
                m = _DIGITS.match(self.s, pos)
                assert m is not None
                parts.append(m.group(0))
                pos = m.end()
            else:
                m = _IDENT.match(self.s, pos)
                if m is None:
                    raise _SyntaxError(pos, f"expected a value, found {c!r}")
                name = m.group(0).lower()
                if name in self.macros:
                    parts.append(self.macros[name])
                else:
                    self.warn(pos, None, f"undefined macro '{m.group(0)}' (kept as text)")
                    parts.append(m.group(0))
                pos = m.end()
            pos = self._ws(pos)
            if pos < len(self.s) and self.s[pos] == "#":
                pos += 1
                continue
            return "".join(parts), pos

    # -- scanning helpers --------------------------------------------------------------

    def _ws(self, pos: int) -> int:
        m = _SPACE.match(self.s, pos)
        return m.end() if m else pos

    def _expect(self, pos: int, char: str) -> int:
        if pos >= len(self.s) or self.s[pos] != char:
            found = repr(self.s[pos]) if pos < len(self.s) else "end of file"
            raise _SyntaxError(pos, f"expected '{char}', found {found}")
        return pos + 1

    def _matching(self, pos: int, open_: str, close: str) -> int:
        depth = 0
        for m in _GROUPING[open_].finditer(self.s, pos):
            k, c = m.start(), m.group()
            if c == "\\":
                continue
            if c == open_ and self.s[k - 1] != "\\":
                depth += 1
            elif c == close and self.s[k - 1] != "\\":
                depth -= 1
                if depth == 0:
                    return k
            elif c == "@" and depth == 1 and self._looks_like_entry(k):
                raise _SyntaxError(pos, "unbalanced braces (a new entry starts inside this value)")
        raise _SyntaxError(pos, "unbalanced braces")

    def _looks_like_entry(self, k: int) -> bool:
        """``@article{`` at the start of a line inside a value: the braces never closed."""
        start = self.s.rfind("\n", 0, k) + 1
        return not self.s[start:k].strip() and _ENTRY_START.match(self.s, k) is not None

    def _quoted_end(self, pos: int) -> int:
        depth = 0
        for m in _IN_QUOTES.finditer(self.s, pos + 1):
            k, c = m.start(), m.group()
            if c == "{" and self.s[k - 1] != "\\":
                depth += 1
            elif c == "}" and self.s[k - 1] != "\\":
                depth -= 1
            elif c == '"' and depth <= 0:
                return k
        raise _SyntaxError(pos, "unterminated quoted value")

    def _skip_group(self, pos: int, close: str) -> int:
        """Skip ``@comment{...}``; a comment without balanced braces ends at its line."""
        try:
            return self._matching(pos - 1, "{" if close == "}" else "(", close) + 1
        except _SyntaxError:
            end = self.s.find("\n", pos)
            return len(self.s) if end < 0 else end

    def _resync(self, err_pos: int, at: int) -> int:
        """After a syntax error, continue at the next ``@`` that starts a line."""
        m = re.compile(r"^[ \t]*@", re.MULTILINE).search(self.s, max(err_pos, at + 1))
        return m.end() - 1 if m else len(self.s)
