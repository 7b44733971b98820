"""Personal names split into given and family parts.

Two inputs need this: display names from front matter (``Jane van der Berg``, ``Doe, Jane``,
``Plato``), and BibTeX name lists (``von Last, Jr, First and {World Health Organization}``),
where braces protect a corporate name and ``and others`` means "et al.". Citation labels,
reference lists and the CSL-JSON/RIS/BibTeX exports all need the family name on its own.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from sitegen.render.latex_text import latex_to_unicode

_PARTICLES = frozenset(
    [
        "van",
        "von",
        "der",
        "den",
        "de",
        "del",
        "della",
        "di",
        "da",
        "dos",
        "das",
        "du",
        "la",
        "le",
        "ten",
        "ter",
        "te",
        "vom",
        "zu",
        "zum",
        "zur",
        "af",
        "av",
        "bin",
        "ibn",
        "al",
        "el",
        "d'",
        "dei",
        "degli",
        "des",
        "y",
    ]
)
_SUFFIXES = frozenset(["jr", "jr.", "sr", "sr.", "ii", "iii", "iv", "v"])


@dataclass(frozen=True, slots=True)
class PersonName:
    """One parsed name. ``given`` is None for single and corporate names."""

    family: str
    given: str | None = None
    suffix: str | None = None
    literal: bool = False
    """A corporate or brace-protected name, shown as is and never abbreviated."""
    others: bool = False
    """BibTeX's ``and others``: the list continues ("et al.")."""

    def initials(self) -> str:
        """``Jean-Paul Marie`` -> ``J.-P. M.``, for reference lists."""
        if not self.given:
            return ""
        if self.given.isalpha():  # one plain given name (most)
            return self.given[0] + "."
        out = []
        for word in self.given.split():
            if word.isalpha():  # a plain given name (most): what the general case gives
                out.append(word[0] + ".")
                continue
            parts = [p for p in word.split("-") if p]
            if parts and all(p.rstrip(".").isalpha() or p.endswith(".") for p in parts):
                out.append("-".join(p[0] + "." for p in parts))
            else:
                out.append(word)
        return " ".join(out)


def split_name(name: str) -> tuple[str | None, str]:
    """A display name as (given, family); given is None for a single name.

    Handles ``Family, Given``, lowercase particles (``Ludwig van Beethoven`` -> family
    ``van Beethoven``) and suffixes (``Martin Luther King Jr.`` -> family ``King Jr.``).
    """
    person = parse_display_name(name)
    family = f"{person.family} {person.suffix}" if person.suffix else person.family
    return person.given, family


def parse_display_name(name: str) -> PersonName:
    """Parse a plain (already decoded) display name."""
    name = " ".join(name.split())
    if "," in name:
        parts = [p.strip() for p in name.split(",")]
        family, rest = parts[0], [p for p in parts[1:] if p]
        suffix = None
        if len(rest) >= 2 and rest[0].lower() in _SUFFIXES:
            suffix, rest = rest[0], rest[1:]
        elif len(rest) == 1 and rest[0].lower() in _SUFFIXES:
            return PersonName(family=family, suffix=rest[0])
        given = ", ".join(rest) or None
        if family:
            return PersonName(family=family, given=given, suffix=suffix)
        name = given or ""
    words = name.split()
    if not words:
        return PersonName(family="")
    suffix = None
    if len(words) > 2 and words[-1].lower() in _SUFFIXES:
        suffix = words.pop()
    if len(words) == 1:
        return PersonName(family=words[0], suffix=suffix)
    particles = [k for k in range(1, len(words) - 1) if words[k].lower() in _PARTICLES]
    start = particles[0] if particles else len(words) - 1
    return PersonName(family=" ".join(words[start:]), given=" ".join(words[:start]), suffix=suffix)


_PLAIN_NAMES = re.compile(r"[\w \t\n\r.,'-]*")
"""A name list of words, spaces and ``.,'-`` only (most): no brace, escape, math or tie,
so every piece decodes to itself with its whitespace collapsed (see ``_plain_name``)."""


_PLAIN_AND = re.compile(" and ", re.IGNORECASE)
"""``_SEPARATORS[" and "]`` in a list of single spaces and no other whitespace."""


def parse_bibtex_names(raw: str) -> tuple[PersonName, ...]:
    """Parse a raw (undecoded) BibTeX ``author``/``editor`` value into names."""
    plain = _is_plain(raw)
    if plain and ("  " in raw or "\t" in raw or "\n" in raw or "\r" in raw):
        raw = _SEPARATORS[None].sub(" ", raw)  # single spaces, as ``_plain_name`` wants
    names = []
    # single-spaced, brace-free: the separator is one space each side, found quicker
    for chunk in _PLAIN_AND.split(raw) if plain else _split_top(raw, " and "):
        chunk = chunk.strip()
        if not chunk:
            continue
        if chunk.lower() == "others":
            names.append(PersonName(family="", others=True))
            continue
        names.append(_plain_name(chunk) if plain else _bibtex_name(chunk))
    return tuple(names)


def _is_plain(raw: str) -> bool:
    """Whether ``latex_to_unicode`` leaves each whitespace-collapsed piece of ``raw`` as
    it is: nothing it decodes (``_PLAIN_NAMES``, no ``--``/``''`` ligature) and already
    NFC. A piece of an NFC string cut at ASCII spaces and commas is NFC itself."""
    return (
        _PLAIN_NAMES.fullmatch(raw) is not None
        and "--" not in raw
        and "''" not in raw
        and (raw.isascii() or unicodedata.is_normalized("NFC", raw))
    )


def _plain_name(raw: str) -> PersonName:
    """``_bibtex_name`` of a name in a list ``_is_plain`` accepts, stripped and with single
    spaces only: the same three forms, with ``str.split`` for the brace-aware splits, strip
    for the whitespace collapsing and no decoding."""
    if "," in raw:
        parts = raw.split(",")
        if len(parts) >= 3:
            suffix = parts[1].strip() or None
            return PersonName(parts[0].strip(), parts[-1].strip() or None, suffix)
        return PersonName(parts[0].strip(), parts[1].strip() or None)
    words = raw.split()
    if len(words) == 1:
        return PersonName(family=words[0])
    # First von Last: von runs from the first to the last lowercase word before the end.
    last_start = len(words) - 1
    for k in range(last_start):
        if _starts_lower(words[k]):
            last_start = k
            break
    given = " ".join(words[:last_start]) or None
    return PersonName(family=" ".join(words[last_start:]), given=given)


def _starts_lower(word: str) -> bool:
    """``_is_lower`` of a word without braces or escapes: its first letter's case."""
    for c in word:
        if c.isalpha():
            return c.islower()
    return False


def _bibtex_name(raw: str) -> PersonName:
    """One BibTeX name in any of its three forms (First von Last / von Last, First / ...)."""
    if raw.startswith("{") and _matching_brace(raw, 0) == len(raw) - 1:
        return PersonName(family=latex_to_unicode(raw), literal=True)
    parts = [p.strip() for p in _split_top(raw, ",")]
    if len(parts) >= 2:
        von_last = _words(parts[0])
        suffix = latex_to_unicode(parts[1]) if len(parts) >= 3 else None
        given = latex_to_unicode(parts[-1] if len(parts) >= 3 else parts[1]) or None
        return PersonName(family=_decode_words(von_last), given=given, suffix=suffix or None)
    words = _words(raw)
    if len(words) == 1:
        return PersonName(family=_decode_words(words), literal=words[0].startswith("{"))
    # First von Last: von runs from the first to the last lowercase word before the end.
    lower = [k for k in range(len(words) - 1) if _is_lower(words[k])]
    last_start = lower[0] if lower else len(words) - 1
    given = _decode_words(words[:last_start]) or None
    return PersonName(family=_decode_words(words[last_start:]), given=given)


def _is_lower(word: str) -> bool:
    """BibTeX's von test: the first letter at brace depth 0 is lowercase."""
    depth = 0
    k = 0
    while k < len(word):
        c = word[k]
        if c == "{":
            if depth == 0 and word.startswith("{\\", k):
                # a special character like {\"u}: its case decides
                decoded = latex_to_unicode(word[k : _matching_brace(word, k) + 1])
                return bool(decoded) and decoded[0].islower()
            depth += 1
        elif c == "}":
            depth -= 1
        elif c.isalpha() and depth == 0:
            return c.islower()
        elif c == "\\" and depth == 0:
            decoded = latex_to_unicode(word[k:])
            return bool(decoded) and decoded[0].islower()
        k += 1
    return False


def _decode_words(words: list[str]) -> str:
    return latex_to_unicode(" ".join(words))


def _words(raw: str) -> list[str]:
    return _split_top(raw.replace("~", " "), None)


_SEPARATORS = {
    None: re.compile(r"\s+"),
    ",": re.compile(","),
    " and ": re.compile(r"\s+and\s+", re.IGNORECASE),
}


def _split_top(raw: str, sep: str | None) -> list[str]:
    """Split at ``sep`` (``" and "``, ``","`` or None = whitespace) outside braces.

    Whitespace splits drop empty pieces (``str.split()``); the others keep them."""
    pattern = _SEPARATORS[sep]
    if "{" not in raw and "}" not in raw:
        # Nothing to hide (most names): split the text itself. ``\\s`` and ``str.split()``
        # agree on what whitespace is, and a comma is a plain string split.
        return pattern.split(raw) if sep == " and " else raw.split(sep)
    chars = []  # braced text never splits: hide it from the pattern
    depth = 0
    for c in raw:
        if c == "{":
            depth += 1
        elif c == "}":
            depth = max(0, depth - 1)
        chars.append(c if depth == 0 and c != "}" else "x")
    masked = "".join(chars)
    out, start = [], 0
    for m in pattern.finditer(masked):
        out.append(raw[start : m.start()])
        start = m.end()
    out.append(raw[start:])
    return out if sep is not None else [w for w in out if w]


def _matching_brace(s: str, i: int) -> int:
    depth = 0
    for k in range(i, len(s)):
        if s[k] == "{":
            depth += 1
        elif s[k] == "}":
            depth -= 1
            if depth == 0:
                return k
    return len(s) - 1
