"""One paper as the search index sees it: display fields plus weighted terms.

``terms`` is a single string ``"term:weight term:weight ..."``, because ten thousand of
these live in memory between builds and a string costs a fraction of a dict of small
ints. Its items are in the order ``weigh_terms`` makes them, not sorted: nothing that
reads them needs an order (the full index sorts its terms itself, and an incremental
update compares a doc's items shard by shard as sets, ``index.shard_items``), and
sorting cost a tenth of a paper's search entry. Weights are small integers built from
where a term occurs, so a word in the title outranks the same word deep in the body:

* ``FIELD_WEIGHTS`` per occurrence: title 20, authors 12, keywords 12, abstract 3, body 1;
* each field counts at most ``FIELD_CAP`` occurrences (a word repeated fifty times in the
  body is not fifty times as relevant);
* the total is capped at ``MAX_WEIGHT``.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass, field
from itertools import repeat
from operator import add

from sitegen.searchindex.text import html_to_text, markup_token_counts, utf8_token_counts

FIELD_WEIGHTS = {"title": 20, "authors": 12, "keywords": 12, "abstract": 3, "body": 1}
FIELD_CAP = {"title": 2, "authors": 2, "keywords": 2, "abstract": 4, "body": 10}
MAX_WEIGHT = 60
EXCERPT_CHARS = 300
"""The excerpt is cut at a word boundary at or before this many characters."""


_CAPPED = {
    name: tuple(min(MAX_WEIGHT, per * n) for n in range(FIELD_CAP[name] + 1))
    for name, per in FIELD_WEIGHTS.items()
}
"""Per field, its weight for 0..``FIELD_CAP`` occurrences (capped at ``MAX_WEIGHT``)."""
_ITEM_END = tuple(b":%d " % w for w in range(MAX_WEIGHT + 1))
"""What follows a term in ``weigh_terms``'s items, by weight."""
_ITEM_END_BY_COUNT = {
    name: {n: _ITEM_END[w] for n, w in enumerate(capped[:-1])} for name, capped in _CAPPED.items()
}
"""Per field, ``_ITEM_END`` by occurrences below ``FIELD_CAP`` (more weigh as the cap)."""
_WEIGHT_BY_COUNT = {name: dict(enumerate(capped[:-1])) for name, capped in _CAPPED.items()}
"""Per field, its weight by occurrences below ``FIELD_CAP`` (more weigh as the cap)."""
_END_BY_WEIGHT = tuple(
    _ITEM_END[min(w, MAX_WEIGHT)] for w in range(sum(c[-1] for c in _CAPPED.values()) + 1)
)
"""``_ITEM_END`` by a sum of field weights, capped at ``MAX_WEIGHT``."""


@dataclass(frozen=True)  # not slotted: see sitegen.cache.pack
class SearchDoc:
    """A paper's entry in the index; ``digest`` changes whenever any other field does."""

    url: str
    """Relative to the site root, e.g. ``papers/<slug>/``."""
    title: str
    authors: str
    """Display form, ``"A. One, B. Two"``."""
    meta: str
    """Short line under the title, e.g. ``"Volume 2 · 2024-03-01"``."""
    excerpt: str
    """Plain text, at most about ``EXCERPT_CHARS`` characters."""
    terms: str
    """``"term:weight ..."``, each term once, in no particular order (see the module
    docstring); terms are letters and digits only."""
    volume: str = ""
    """Facet value, display form (``"Vol. 2"``), or ``""`` for a paper in no volume."""
    subjects: tuple[str, ...] = ()
    """Facet values: the paper's keywords as written, in order."""
    author_names: tuple[str, ...] = ()
    """Facet values: the authors one by one (``authors`` is their display line)."""
    digest: str = field(init=False, compare=False)
    """Hash over all fields above, computed once, so change detection is a string compare."""
    facet_sum: bytes = field(init=False, compare=False)
    """8 bytes of a hash of ``volume``, ``subjects`` and ``author_names``: an edit that
    leaves them alone does not rebuild the facet files."""

    def __post_init__(self) -> None:
        # each of these fields, then \x00: one string, encoded and hashed at once
        parts = (self.url, self.title, self.authors, self.meta, self.excerpt, self.terms, "")
        h = hashlib.blake2b("\x00".join(parts).encode("utf-8", "surrogatepass"), digest_size=16)
        # facet values: \x01 separates values, so ("a b",) and ("a", "b") differ
        facets = b"\x00".join(
            "\x01".join(values).encode("utf-8", "surrogatepass")
            for values in ((self.volume,), self.subjects, self.author_names)
        )
        h.update(facets)
        object.__setattr__(self, "facet_sum", hashlib.blake2b(facets, digest_size=8).digest())
        object.__setattr__(self, "digest", h.hexdigest())

    def term_weights(self) -> dict[str, int]:
        """``terms`` decoded (for tests and debugging; the index reads the string directly)."""
        if not self.terms:
            return {}
        return {t: int(w) for t, _, w in (p.partition(":") for p in self.terms.split(" "))}


def excerpt_of(text: str, limit: int = EXCERPT_CHARS) -> str:
    """The start of ``text`` cut at a word boundary, with an ellipsis when cut.

    Whitespace is collapsed first, but only in a prefix long enough to decide the cut:
    a body's text can be tens of kilobytes. Collapsing ``text[:n]`` gives a prefix of
    collapsing all of ``text`` (its last word may be cut short), and the excerpt depends
    only on the first ``limit + 1`` characters of the collapsed text.
    """
    head = " ".join(text[: 2 * limit + 2].split())
    text = head if len(head) > limit else " ".join(text.split())
    if len(text) <= limit:
        return text
    cut = text.rfind(" ", 0, limit)
    return text[: cut if cut > limit // 2 else limit].rstrip(" ,;:.") + "…"


def weigh_terms(fields: dict[str, str]) -> str:
    """The ``terms`` string for texts by field name (keys of ``FIELD_WEIGHTS``)."""
    return weigh_counts({name: utf8_token_counts(text) for name, text in fields.items() if text})


def weigh_counts(counts: dict[str, dict[bytes, int]]) -> str:
    """``weigh_terms`` of the fields whose ``utf8_token_counts`` are ``counts`` (which it
    empties).

    This runs for every paper of a cold build, so the field with the most distinct
    terms (the body, hundreds of them) is handled by C-level maps only. The other
    fields' few terms are summed one by one (a loop is quicker there than dict and set
    operations); then the terms they share with the big field are taken out of it
    (their total, capped once, picks the item end) and the big field's remaining counts
    look up ready-made ``":weight "`` item ends. Terms and item ends are interleaved in
    one list by slice assignment and joined: ~500 ``term + end`` concatenations cost a
    third of the weighing. Terms stay UTF-8 (``utf8_token_counts``) until the joined
    items are decoded once; they are not sorted (see the module docstring), so the order
    is the fields' order of first occurrence: the same texts give the same string.
    """
    if not counts:
        return ""
    big = max(counts, key=lambda name: len(counts[name]))
    big_counts = counts.pop(big)
    others: dict[bytes, int] = {}
    get = others.get
    for name, field_counts in counts.items():
        per, cap = FIELD_WEIGHTS[name], FIELD_CAP[name]
        for term, n in field_counts.items():
            others[term] = get(term, 0) + per * (n if n < cap else cap)
    big_weight = map(
        _WEIGHT_BY_COUNT[big].get, map(big_counts.pop, others, repeat(0)), repeat(_CAPPED[big][-1])
    )
    shared_ends = list(map(_END_BY_WEIGHT.__getitem__, map(add, others.values(), big_weight)))
    mid = 2 * len(others)
    items = [b""] * (mid + 2 * len(big_counts))
    items[0:mid:2] = others
    items[1:mid:2] = shared_ends
    items[mid::2] = big_counts
    items[mid + 1 :: 2] = map(
        _ITEM_END_BY_COUNT[big].get, big_counts.values(), repeat(_ITEM_END[_CAPPED[big][-1]])
    )
    return b"".join(items)[:-1].decode("utf-8")  # without the last item's space


def make_doc(
    *,
    url: str,
    title: str,
    authors: Sequence[str],
    meta: str,
    abstract_text: str,
    keywords: Sequence[str],
    body_text: str = "",
    body_html: str | None = None,
    volume: str = "",
    subjects: Sequence[str] | None = None,
) -> SearchDoc:
    """The search entry of one paper; texts are plain (see ``html_to_text``), their
    whitespace need not be collapsed (neither the terms nor the excerpt depend on it).

    A body given as rendered markup (``body_html``, instead of ``body_text``) gives the
    doc that ``body_text=html_to_text(body_html)`` gives, cheaper: its tokens are counted
    from the markup in one pass over its tags (``markup_token_counts``), and its text is
    made only when there is no abstract to take the excerpt from.

    ``volume`` and ``subjects`` are facet values for the search filters; subjects default
    to ``keywords`` (the journal's subject pages are its keywords). Each author in
    ``authors`` is an author facet value.
    """
    fields = {
        "title": title,
        "authors": " ".join(authors),
        "keywords": " ".join(keywords),
        "abstract": abstract_text,
    }
    counts = {name: utf8_token_counts(text) for name, text in fields.items() if text}
    if body_html is not None:
        # a body without tokens weighs nothing wherever it stands (see weigh_counts)
        counts["body"] = markup_token_counts(body_html)
        if not abstract_text:
            body_text = html_to_text(body_html, collapse=False)
    elif body_text:
        counts["body"] = utf8_token_counts(body_text)
    return SearchDoc(
        url,
        " ".join(title.split()),
        ", ".join(authors),
        meta,
        excerpt_of(abstract_text or body_text),
        weigh_counts(counts),
        volume=" ".join(volume.split()),
        subjects=_values(keywords if subjects is None else subjects),
        author_names=_values(authors),
    )


def _values(values: Sequence[str]) -> tuple[str, ...]:
    """Facet values with whitespace collapsed, empty ones dropped, first spelling kept."""
    return tuple(dict.fromkeys(v for v in (" ".join(x.split()) for x in values) if v))
