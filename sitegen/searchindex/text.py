"""Plain text out of rendered HTML, and the tokenizer shared with the browser client.

The tokenizer must give the same tokens in Python (index time) and in
``themes/default/static/search.js`` (query time), so it is defined by a few steps both
languages have built in, in this order:

1. lowercase;
2. Unicode NFKD (compatibility decomposition: "ﬁ" -> "fi", "²" -> "2", "é" -> "e" + accent);
3. drop every combining mark (general category M*), so "Müller" indexes as "muller";
4. lowercase again (NFKD can produce capitals, e.g. from letterlike symbols);
5. split on anything that is not a letter or a digit (categories L* and N*);
6. keep tokens of at least ``MIN_TOKEN`` code points that are not stopwords.

JavaScript: ``s.toLowerCase().normalize("NFKD").replace(/\\p{M}/gu, "").toLowerCase()
.split(/[^\\p{L}\\p{N}]+/u)``. Python's ``[^\\W_]`` is its letters-and-digits class. ASCII
text skips steps 2-4 (they change nothing there), which keeps indexing fast.
"""

from __future__ import annotations

import html
import re
import unicodedata
from collections import Counter, deque
from itertools import filterfalse, repeat

MIN_TOKEN = 2
"""Shorter tokens are dropped: they carry no meaning and would make huge posting lists."""

_STOPWORD_LIST = (
    "an and are as at be been but by can for from had has have he her his if in into is it "
    "its not of on or our she so such than that the their them then there these they this "
    "those to was we were what when which while who will with would you your"
)
STOPWORDS = frozenset(_STOPWORD_LIST.split())
"""Short English function words; published in ``meta.json`` so the client uses the same list."""

_WORD = re.compile(r"[^\W_]+")
_TOKEN = re.compile(rf"[^\W_]{{{MIN_TOKEN},}}")
"""Words long enough to be tokens: a shorter run of letters fails here as a whole, so the
matches are exactly the ``_WORD`` matches that pass the length filter."""
_ASCII_SEPARATORS = bytes(
    b if b >= 0x80 else ord(chr(b).lower()) if chr(b).isalnum() else 0x20 for b in range(256)
)
"""``bytes.translate`` table: ASCII letters -> lowercase, ASCII other than letters and
digits -> space (UTF-8 bytes of other characters are left for the regular expression)."""
_CAPITAL_SIGMA = "\u03a3"
_DROPPED = frozenset(w.encode() for w in STOPWORDS.union("abcdefghijklmnopqrstuvwxyz0123456789"))
"""What ``utf8_token_counts`` removes from its counts: stopwords and the ASCII pieces too short
to be tokens (lowercased already, so one character from this list)."""
_DROPPED_ITEMS = tuple(_DROPPED)
_NON_ASCII_RUN = re.compile(r"[^\x00-\x7f]+")
_MATH = re.compile(r"<math\b.*?</math>", re.S | re.I)
_HIDDEN = re.compile(r"<(script|style|template)\b.*?</\1\s*>", re.S | re.I)
_COMMENT = re.compile(r"<!--.*?-->", re.S)
_BLOCK_NAME = (
    # address article aside blockquote br caption dd div dl dt figcaption figure footer
    # h1-h6 header hr li ol p pre section table td th tr ul, grouped by first letter so
    # the many other tags fail at one branch instead of at each name in turn
    r"(?:a(?:ddress|rticle|side)|b(?:lockquote|r)|caption|d(?:[dlt]|iv)|"
    r"f(?:igcaption|igure|ooter)|h(?:[1-6r]|eader)|li|ol|p(?:re)?|section|"
    r"t(?:able|[dhr])|ul)\b"
)
_BLOCK_NAMES = r"</?" + _BLOCK_NAME + r"[^>]*>"
_BLOCK_TAG = re.compile(_BLOCK_NAMES, re.I)
_TAG = re.compile(r"<[^>]*>")

_LOWER_BLOCK_TAG = re.compile(_BLOCK_NAMES)
"""``_BLOCK_TAG`` without IGNORECASE, twice as fast; equal to it on a text where no tag
name has a character that IGNORECASE would fold (see ``_FOLDS_TO_NAME``)."""
_FOLDS_TO_NAME = "A-Z\u0130\u0131\u017f\u212a"
"""Every character other than ``[a-z0-9]`` that ``[a-z0-9]`` matches under IGNORECASE
(capitals, dotted and dotless i, long s, the Kelvin sign; a test checks all of them)."""
_MATH_OR_DOUBT = re.compile(
    r"<(?:(?i:math\b[^<]*(?:<(?!/math>)[^<]*)*</math>)"
    r"|(?<=(<))(?:!--|(?:s(?:cript|tyle)|template)\b|/?+[a-z0-9]*+[" + _FOLDS_TO_NAME + r"])"
    r"[\s\S]*)"
)
"""The fast path's first pass: ``_MATH`` (its lazy dot unrolled, same matches), or the
start of anything the fast path does not handle (a comment, a script, style or template
element, a tag name IGNORECASE would fold), which takes the rest of the text and leaves
a ``<`` behind (``_space_or_doubt``) so the caller falls back. The element names need no
IGNORECASE here: one spelled otherwise than in lowercase has a folding character."""
_TOKEN_TAG = re.compile(
    r"<(?:/?(?:span|a)\b[^<>]*+>|/?(?:p|t[dhr])\b[^<>]*+(?=>)"  # the most common first
    r"|(?i:math\b[^<]*(?:<(?!/math>)[^<]*)*</math)(?=>)"
    r"|(?!!--|(?:s(?:cript|tyle)|template)\b|/?+[a-z0-9]*+[" + _FOLDS_TO_NAME + r"])"
    r"(?:/?" + _BLOCK_NAME + r"[^<>]*+(?=>)|[^<>]*+>))"
)
"""``markup_token_counts``'s one pass: a MathML element, a block tag (both without their
last ``>``, which stays as a separator), or any other tag, each with nothing inside that
could be another tag's ``<``; never at what ``_MATH_OR_DOUBT`` doubts (a comment, a
script, style or template element, a tag name IGNORECASE would fold). The most common
tags (code spans, links, paragraphs, table cells) have branches of their own ahead of
the rest (no other branch matches where they do), which takes a fifth off the pass."""


def html_to_text(markup: str, *, collapse: bool = True) -> str:
    """Visible text of a rendered body, whitespace collapsed (unless ``collapse`` is False).

    Regular expressions, not an HTML parser, because this runs for every paper on every
    cold build. The input is our own sanitized renderer output, so tags are well formed.
    MathML is dropped (its ``<mi>``/``<mo>`` soup makes nonsense words), block tags become
    spaces so words on either side of them stay apart, inline tags vanish so
    ``H<sub>2</sub>O``-style splits do not matter much, entities are decoded last.
    Collapsing whitespace is a third of the cost on a long body and changes no token
    (every whitespace character separates tokens), so a caller that only tokenizes the
    text, or collapses just a prefix of it (``excerpt_of``), can skip it.

    The definition is ``_exact_tag_strip`` (five passes); ``_fast_tag_strip`` gets the
    same text in three where it can tell. Its first pass removes MathML as ``_MATH`` does
    and stops at anything the shortcut does not cover: the start of a script, style or
    template element or of a comment, or a tag name with a character IGNORECASE would
    fold (``<DIV``, ``<dıv``), leaving a ``<`` there. Without those, ``_HIDDEN`` and
    ``_COMMENT`` have nothing to remove and ``_LOWER_BLOCK_TAG`` matches exactly where
    ``_BLOCK_TAG`` does. Any ``<`` in its result sends the markup through the exact
    passes (an unclosed ``<`` in the text is left by both, so that costs time only).
    """
    text = _fast_tag_strip(markup)
    text = html.unescape(_exact_tag_strip(markup) if text is None else text)
    return " ".join(text.split()) if collapse else text


def _fast_tag_strip(markup: str) -> str | None:
    """``_exact_tag_strip(markup)`` in three passes, or None where that is not proven
    (see ``html_to_text``)."""
    text = _TAG.sub("", _LOWER_BLOCK_TAG.sub(" ", _MATH_OR_DOUBT.sub(_space_or_doubt, markup)))
    return None if "<" in text else text


def markup_token_counts(markup: str) -> dict[bytes, int]:
    """``utf8_token_counts(html_to_text(markup))``, in one pass over the tags instead of
    three: the tokens of a body need only its words and where they are apart, not the
    text itself (the excerpt comes from the abstract; see ``make_doc``).

    ``_TOKEN_TAG`` removes each tag as ``_fast_tag_strip`` would, except that a MathML
    element or a block tag leaves a ``>`` where the text has a space: both are ASCII
    separators, so they part the same words (``html.unescape`` can take the ``>`` into
    an entity's name, but no entity name has one, so it decodes the same longest name and
    leaves the ``>`` after it). A ``<`` it leaves is one the shortcut does not cover:
    one not starting a tag without another ``<`` inside, or a comment, script, style,
    template or folding tag name (the last three only outside MathML, as the exact passes
    remove MathML first). Where none is left, every ``<`` outside MathML starts a tag,
    so ``_exact_tag_strip`` finds no hidden element or comment and the same block tags,
    and gives the same text up to those separators; else it gives the text itself.
    """
    text = _TOKEN_TAG.sub("", markup)
    if "<" in text:
        text = _exact_tag_strip(markup)
    return utf8_token_counts(html.unescape(text))


def _space_or_doubt(match: re.Match[str]) -> str:
    """``_MATH_OR_DOUBT``'s replacement: a function, since Python 3.11 expands a template
    with a group reference in Python code for every match."""
    return " <" if match.group(1) else " "


def _exact_tag_strip(markup: str) -> str:
    """What ``html_to_text`` means, before entities: MathML, then script, style and
    template elements, then comments, each replaced by a space; block tags -> spaces;
    all other tags removed."""
    text = _MATH.sub(" ", markup)
    text = _HIDDEN.sub(" ", text)
    text = _COMMENT.sub(" ", text)
    text = _BLOCK_TAG.sub(" ", text)
    return _TAG.sub("", text)


def _strip_marks(match: re.Match[str]) -> str:
    return "".join(c for c in match.group(0) if unicodedata.category(c)[0] != "M")


def fold(text: str) -> str:
    """Steps 1-4 of the module docstring: the case- and accent-folded form of ``text``."""
    text = text.lower()
    if text.isascii():
        return text
    text = unicodedata.normalize("NFKD", text)
    return _NON_ASCII_RUN.sub(_strip_marks, text).lower()


def words(text: str) -> list[str]:
    """Every folded word of ``text`` in order, before the length and stopword filters."""
    return _WORD.findall(fold(text))


def tokenize(text: str) -> list[str]:
    """The index tokens of ``text`` in order (repeats kept, so callers can count them)."""
    return [w for w in _TOKEN.findall(fold(text)) if w not in STOPWORDS]


def token_counts(text: str) -> dict[str, int]:
    """``Counter(tokenize(text))`` as a plain dict (see ``utf8_token_counts``)."""
    return {t.decode("utf-8"): n for t, n in utf8_token_counts(text).items()}


def utf8_token_counts(text: str) -> dict[bytes, int]:
    """``Counter(tokenize(text))`` with the tokens UTF-8 encoded, computed mostly in C.

    The text is split at ASCII separators by ``bytes.translate`` and ``split`` on its
    UTF-8 bytes (the same table lowercases ASCII letters, and only them) and the pieces
    are counted. Only the rare piece holding other characters is decoded,
    folded and tokenized by the regular expression, once however often it occurs. That
    is exact because lowercasing, NFKD and mark stripping work character by character,
    leave ASCII characters alone and never turn another character into an ASCII
    separator (a test checks every code point), and a regex match never spans an ASCII
    separator. The one context-dependent step is lowercasing a capital sigma (final or
    not, by its neighbours), so a piece that holds or makes one folds the whole text
    instead. Single characters and stopwords are dropped at the end
    (``_drop_short_and_stopwords``). Tokens stay bytes because
    ``weigh_terms`` joins them into one string, which it can do in UTF-8 and decode once:
    decoding every term would cost more than the rest of the counting.
    """
    data = text.encode("utf-8")
    counts = Counter(data.translate(_ASCII_SEPARATORS).split())
    if not data.isascii():
        found = [(piece, counts.pop(piece)) for piece in list(filterfalse(bytes.isascii, counts))]
        # tokens added after every raw piece is gone: a token can equal another piece
        for piece, n in found:
            key = piece.decode("utf-8")
            folded = unicodedata.normalize("NFKD", key.lower())
            if _CAPITAL_SIGMA in key or _CAPITAL_SIGMA in folded:
                return Counter(w.encode("utf-8") for w in tokenize(text))
            for word in _TOKEN.findall(_NON_ASCII_RUN.sub(_strip_marks, folded).lower()):
                word_bytes = word.encode("utf-8")
                counts[word_bytes] = counts.get(word_bytes, 0) + n
    _drop_short_and_stopwords(counts)
    return counts


def _drop_short_and_stopwords(counts: dict[bytes, int]) -> None:
    """Removes ``_DROPPED`` from ``counts``: by popping each of them where ``counts`` is
    the larger (a body), else by walking ``counts`` (a title). ``keys() & _DROPPED``
    walks the frozenset (it is not an exact set) and builds a set whatever the sizes:
    ~1 us more a call for a title's few terms, ~3 us for a body's."""
    if len(counts) > len(_DROPPED):
        deque(map(counts.pop, _DROPPED_ITEMS, repeat(0)), maxlen=0)
    else:
        for dropped in _DROPPED.intersection(counts):
            counts.pop(dropped)  # not del: Counter.__delitem__ is Python code
