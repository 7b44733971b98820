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
from collections import Counter

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
_ASCII_SEPARATORS = bytes(b if b >= 0x80 or chr(b).isalnum() else 0x20 for b in range(256))
"""``bytes.translate`` table: ASCII other than letters and digits -> space (UTF-8 bytes of
other characters are left for the regular expression)."""
_CAPITAL_SIGMA = "\u03a3"
_NON_ASCII_RUN = re.compile(r"[^\x00-\x7f]+")
_MATH = re.compile(r"<math\b.*?</math>", re.S | re.I)
_HIDDEN = re.compile(r"<(script|style|template)\b.*?</\1\s*>", re.S | re.I)
_COMMENT = re.compile(r"<!--.*?-->", re.S)
_BLOCK_TAG = re.compile(
    # address article aside blockquote br caption dd div dl dt figcaption figure footer
    # h1-h6 header hr li ol p pre section table td th tr ul, grouped by first letter so
    # the many other tags fail at one branch instead of at each name in turn
    r"</?(?:a(?:ddress|rticle|side)|b(?:lockquote|r)|caption|d(?:[dlt]|iv)|"
    r"f(?:igcaption|igure|ooter)|h(?:[1-6r]|eader)|li|ol|p(?:re)?|section|"
    r"t(?:able|[dhr])|ul)\b[^>]*>",
    re.I,
)
_TAG = re.compile(r"<[^>]*>")


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
    """
    text = _MATH.sub(" ", markup)
    text = _HIDDEN.sub(" ", text)
    text = _COMMENT.sub(" ", text)
    text = _BLOCK_TAG.sub(" ", text)
    text = html.unescape(_TAG.sub("", text))
    return " ".join(text.split()) if collapse else text


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


def token_counts(text: str) -> Counter[str]:
    """``Counter(tokenize(text))``, computed mostly in C.

    The lowercased text is split at ASCII separators by ``bytes.translate`` and
    ``split``, the pieces are counted, and only the rare piece holding other characters
    is folded and tokenized by the regular expression, once however often it occurs.
    That is exact because NFKD and mark stripping work character by character with
    ASCII characters left alone, and a regex match never spans an ASCII separator. The
    one context-dependent step is lowercasing a capital sigma (final or not, by its
    neighbours), so a piece that makes one folds the whole text instead.
    """
    data = text.lower().encode("utf-8")
    pieces = Counter(data.translate(_ASCII_SEPARATORS).split())
    counts = Counter(
        {p.decode("ascii"): n for p, n in pieces.items() if len(p) >= MIN_TOKEN and p.isascii()}
    )
    for piece, n in () if data.isascii() else pieces.items():
        if piece.isascii():
            continue
        folded = _NON_ASCII_RUN.sub(
            _strip_marks, unicodedata.normalize("NFKD", piece.decode("utf-8"))
        )
        if _CAPITAL_SIGMA in folded:
            return Counter(tokenize(text))
        for word in _TOKEN.findall(folded.lower()):
            counts[word] += n
    for stopword in STOPWORDS.intersection(counts):
        del counts[stopword]
    return counts
