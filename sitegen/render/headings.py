"""Heading ids, ``{#id .class}`` attributes, level shift and the table of contents.

Ids are pandoc-style slugs, stable across builds and deduplicated per document. The page
title is the page's only ``<h1>``, so a body whose sections start at ``#`` is shifted one
level down (``# Summary`` renders as ``<h2>``) to keep the heading order accessible.
"""

from __future__ import annotations

import re
import unicodedata

from markdown_it.rules_core import StateCore
from markdown_it.token import Token

from sitegen.render.attributes import split_trailing
from sitegen.render.doc import TocEntry
from sitegen.render.figures import plain_text
from sitegen.render.mdstate import doc_state

_NON_SLUG = re.compile(r"[^\w\s.-]+")
_SPACES = re.compile(r"\s+")
_LEAD = re.compile(r"^[^a-z\u00c0-\uffff]+")


def slugify(text: str) -> str:
    """Pandoc's identifier algorithm: lowercase, punctuation dropped, spaces to hyphens."""
    text = unicodedata.normalize("NFKC", text).lower()
    text = _NON_SLUG.sub("", text)
    text = _SPACES.sub("-", text.strip())
    text = _LEAD.sub("", text)
    return text or "section"


def headings(state: StateCore) -> None:
    """Core rule: attributes, ids, labels and level shift for every heading."""
    doc = doc_state(state.env)
    heads = [i for i, t in enumerate(state.tokens) if t.type == "heading_open"]
    doc.headings = [state.tokens[i] for i in heads]
    if not heads:
        return
    top = min(int(state.tokens[i].tag[1]) for i in heads)
    shift = max(0, 2 - top)
    for i in heads:
        tok, inline = state.tokens[i], state.tokens[i + 1]
        kids = list(inline.children or [])
        attrs = None
        if kids and kids[-1].type == "text":
            kids[-1].content, attrs = split_trailing(kids[-1].content)
            kids[-1].content = kids[-1].content.rstrip()
        labels = [k.content for k in kids if k.type == "latex_label"]
        kids = [k for k in kids if k.type != "latex_label"]
        inline.children = kids
        text = plain_text(kids)
        wanted = attrs.id if attrs is not None and attrs.id else slugify(text)
        if attrs is not None and attrs.id:
            labels.insert(0, attrs.id)
        tok.attrSet("id", doc.unique_id(wanted))
        if attrs is not None and attrs.classes:
            tok.attrSet("class", " ".join(attrs.classes))
        level = int(tok.tag[1])
        new_tag = f"h{min(6, level + shift)}"
        tok.tag = new_tag
        state.tokens[i + 2].tag = new_tag
        tok.meta = {"level": level, "text": text, "labels": labels}


def table_of_contents(tokens: list[Token]) -> tuple[TocEntry, ...]:
    """``<h2>``/``<h3>`` entries in document order (after the level shift)."""
    return tuple(
        TocEntry(int(t.tag[1]), str(t.attrGet("id")), t.meta.get("text", ""))
        for t in tokens
        if t.type == "heading_open" and t.tag in ("h2", "h3")
    )
