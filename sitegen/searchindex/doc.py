"""One paper as the search index sees it: display fields plus weighted terms.

``terms`` is a single string ``"term:weight term:weight ..."`` sorted by term, because
ten thousand of these live in memory between builds and a string costs a fraction of a
dict of small ints. Weights are small integers built from where a term occurs, so a word
in the title outranks the same word deep in the body:

* ``FIELD_WEIGHTS`` per occurrence: title 20, authors 12, keywords 12, abstract 3, body 1;
* each field counts at most ``FIELD_CAP`` occurrences (a word repeated fifty times in the
  body is not fifty times as relevant);
* the total is capped at ``MAX_WEIGHT``.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass, field
from itertools import groupby
from operator import itemgetter

from sitegen.searchindex.text import token_counts

FIELD_WEIGHTS = {"title": 20, "authors": 12, "keywords": 12, "abstract": 3, "body": 1}
FIELD_CAP = {"title": 2, "authors": 2, "keywords": 2, "abstract": 4, "body": 10}
MAX_WEIGHT = 60
EXCERPT_CHARS = 300
"""The excerpt is cut at a word boundary at or before this many characters."""


SUM_BYTES = 8
"""Bytes per shard in ``SearchDoc.shard_sums``."""


_shard_of = itemgetter(slice(2))
"""Shard key of a ``term:weight`` item (terms are at least two characters long); an
``itemgetter`` so ``groupby`` calls no Python function per term."""


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
    """``"term:weight ..."`` sorted by term; terms are letters and digits only."""
    volume: str = ""
    """Facet value, display form (``"Vol. 2"``), or ``""`` for a paper in no volume."""
    subjects: tuple[str, ...] = ()
    """Facet values: the paper's keywords as written, in order."""
    author_names: tuple[str, ...] = ()
    """Facet values: the authors one by one (``authors`` is their display line)."""
    digest: str = field(init=False, compare=False)
    """Hash over all fields above, computed once, so change detection is a string compare."""
    shards: str = field(init=False, compare=False)
    """Keys of the shards this doc has terms in, sorted, concatenated (two characters each).

    Computed once here (in the worker that makes the doc) rather than by every full
    build; the index state keeps it so the next build knows which shards to patch.
    """
    shard_sums: bytes = field(init=False, compare=False)
    """Per key of ``shards``, in order, 8 bytes of a hash of this doc's terms and weights
    in that shard: an edit then patches only the shards whose sums differ."""
    facet_sum: bytes = field(init=False, compare=False)
    """8 bytes of a hash of ``volume``, ``subjects`` and ``author_names``: an edit that
    leaves them alone does not rebuild the facet files."""

    def __post_init__(self) -> None:
        h = hashlib.blake2b(digest_size=16)
        for part in (self.url, self.title, self.authors, self.meta, self.excerpt, self.terms):
            h.update(part.encode("utf-8", "surrogatepass"))
            h.update(b"\x00")
        # facet values: \x01 separates values, so ("a b",) and ("a", "b") differ
        facets = b"\x00".join(
            "\x01".join(values).encode("utf-8", "surrogatepass")
            for values in ((self.volume,), self.subjects, self.author_names)
        )
        h.update(facets)
        object.__setattr__(self, "facet_sum", hashlib.blake2b(facets, digest_size=8).digest())
        object.__setattr__(self, "digest", h.hexdigest())
        keys, sums = [], []
        for key, group in groupby(self.terms.split(" ") if self.terms else (), _shard_of):
            keys.append(key)
            sums.append(hashlib.blake2b(" ".join(group).encode(), digest_size=8).digest())
        object.__setattr__(self, "shards", "".join(keys))
        object.__setattr__(self, "shard_sums", b"".join(sums))

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
    weights: dict[str, int] = {}
    get = weights.get
    for name, text in fields.items():
        if not text:
            continue
        per, cap = FIELD_WEIGHTS[name], FIELD_CAP[name]
        for term, n in token_counts(text).items():
            weights[term] = get(term, 0) + per * (n if n < cap else cap)
    return " ".join(
        [f"{t}:{w if w < MAX_WEIGHT else MAX_WEIGHT}" for t, w in sorted(weights.items())]
    )


def make_doc(
    *,
    url: str,
    title: str,
    authors: Sequence[str],
    meta: str,
    abstract_text: str,
    keywords: Sequence[str],
    body_text: str,
    volume: str = "",
    subjects: Sequence[str] | None = None,
) -> SearchDoc:
    """The search entry of one paper; texts are plain (see ``html_to_text``), their
    whitespace need not be collapsed (neither the terms nor the excerpt depend on it).

    ``volume`` and ``subjects`` are facet values for the search filters; subjects default
    to ``keywords`` (the journal's subject pages are its keywords). Each author in
    ``authors`` is an author facet value.
    """
    author_line = ", ".join(authors)
    terms = weigh_terms(
        {
            "title": title,
            "authors": " ".join(authors),
            "keywords": " ".join(keywords),
            "abstract": abstract_text,
            "body": body_text,
        }
    )
    excerpt = excerpt_of(abstract_text or body_text)
    return SearchDoc(
        url,
        " ".join(title.split()),
        author_line,
        meta,
        excerpt,
        terms,
        volume=" ".join(volume.split()),
        subjects=_values(keywords if subjects is None else subjects),
        author_names=_values(authors),
    )


def _values(values: Sequence[str]) -> tuple[str, ...]:
    """Facet values with whitespace collapsed, empty ones dropped, first spelling kept."""
    return tuple(dict.fromkeys(v for v in (" ".join(x.split()) for x in values) if v))
