"""Facet files: which docs have which volume, subject and author, for the search filters.

One file per facet, ``f/<facet>.json``, a JSON list of ``[value, [gaps]]`` pairs, where
the gaps are the value's ascending doc ids as differences (the first from 0)::

    [["Vol. 1",[0,3,1]],["Vol. 2",[1,1]]]       Vol. 1: docs 0, 3, 4; Vol. 2: docs 1, 2

Gaps, because they are short numbers: at 10k docs they make the subject file 120 KB
instead of 220 KB and the volume file 20 KB instead of 49 KB (volumes are runs of 1s).

A list of pairs rather than an object because JavaScript objects reorder keys that look
like integers (a subject ``"2024"``) and the order here is the order the client lists.
Values are sorted naturally (case-folded, digit runs as numbers, so "Vol. 2" comes
before "Vol. 10").

Values are grouped by their folded words (``text.words`` joined with "-", the way the
site's subject and author pages slug keywords and names), so "Open Science" and
"open science" are one value, shown in the spelling of the lowest doc id that has it.

The files are rebuilt from all docs when a changed doc's facet values changed (see
``SearchDoc.facet_sum``): one pass over the docs' facet tuples, about 5 ms at 1k docs and
25 ms at 10k, cheaper and simpler than patching. The index reports them as changed only
when their bytes differ.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from itertools import pairwise
from json.encoder import encode_basestring

from sitegen.searchindex.doc import SearchDoc
from sitegen.searchindex.text import words

FACET_DIR = "f"
"""Sub-folder of the index holding the facet files."""

FACETS = ("author", "subject", "volume")
"""Facet names, sorted: the file stems, and the client's URL parameters."""


def doc_values(doc: SearchDoc, facet: str) -> Sequence[str]:
    """The doc's values for one facet."""
    if facet == "author":
        return doc.author_names
    if facet == "subject":
        return doc.subjects
    if facet == "volume":
        return (doc.volume,) if doc.volume else ()
    raise ValueError(f"unknown facet {facet!r}")


_DIGITS = re.compile(r"(\d+)")


def _group_key(value: str) -> str:
    """Values with the same key are one facet value."""
    return "-".join(words(value)) or value.casefold()


def _natural(value: str) -> str:
    """Sort key: case-folded text with digit runs zero-padded, so they compare as numbers."""
    return _DIGITS.sub(_pad, value.casefold())


def _pad(match: re.Match[str]) -> str:
    return match.group(0).zfill(20)


def facet_values(docs: Sequence[SearchDoc], facet: str) -> list[tuple[str, list[int]]]:
    """``(value, doc ids)`` pairs of one facet, in the file's order."""
    # doc ids per spelling first (a dict lookup per value), then spellings merged by key:
    # folding every value of every doc was most of the time at 10k docs
    by_spelling: dict[str, list[int]] = {}
    for docid, doc in enumerate(docs):
        for value in doc_values(doc, facet):
            have = by_spelling.get(value)
            if have is None:
                by_spelling[value] = [docid]
            elif have[-1] != docid:
                have.append(docid)
    merged: dict[str, list[tuple[str, list[int]]]] = {}
    for value, ids in by_spelling.items():
        merged.setdefault(_group_key(value), []).append((value, ids))
    pairs = []
    for group in merged.values():
        if len(group) == 1:
            pairs.append(group[0])
        else:  # the spelling of the lowest doc id names the value
            group.sort(key=lambda g: g[1][0])
            pairs.append((group[0][0], sorted({i for _, ids in group for i in ids})))
    pairs.sort(key=lambda p: (_natural(p[0]), p[0]))
    return pairs


def facet_file(docs: Sequence[SearchDoc], facet: str) -> bytes:
    """The bytes of ``f/<facet>.json``."""
    quote = encode_basestring  # json.dumps(value, ensure_ascii=False), without its overhead
    lines = [
        quote(value) + ",[" + str(ids[0]) + "".join([f",{b - a}" for a, b in pairwise(ids)]) + "]"
        for value, ids in facet_values(docs, facet)
    ]
    return ("[[" + "],[".join(lines) + "]]").encode() if lines else b"[]"


def facet_files(docs: Sequence[SearchDoc], prefix: str) -> dict[str, bytes]:
    """Every facet file, by path (``prefix`` is the index folder followed by "/")."""
    return {f"{prefix}{FACET_DIR}/{name}.json": facet_file(docs, name) for name in FACETS}
