"""The first section of a paper's body: marked in the tokens, found in the rendered HTML.

A paper without an abstract in its front matter shows its first top-level section as
the abstract (JOSS papers open with a "Summary").
``parse_markdown`` puts a marker comment around that section's tokens, a comment the
text cannot hold (:func:`section_marker`, whose hash also names the parked fragments'
tags); ``finish_markdown`` splits the rendered HTML at the markers and keeps an id-free
copy of the section for pages that show it beside another copy (:func:`without_ids`).
"""

from __future__ import annotations

import hashlib

from markdown_it.token import Token


def mark_first_section(tokens: list[Token], marker: str) -> str | None:
    """Put ``marker`` blocks around the first top-level section's content; return its title."""
    heads = [(i, t) for i, t in enumerate(tokens) if t.type == "heading_open"]
    if not heads:
        return None
    top = min(int(t.meta.get("level", 6)) for _, t in heads)
    start_i, start_tok = next((i, t) for i, t in heads if int(t.meta.get("level", 6)) == top)
    end_i = next(
        (i for i, t in heads if i > start_i and int(t.meta.get("level", 6)) <= top),
        next((i for i, t in enumerate(tokens) if t.type == "footnote_block_open"), len(tokens)),
    )
    for pos in (end_i, start_i + 3):
        mark = Token("html_block", "", 0)
        mark.content = marker
        tokens.insert(pos, mark)
    return str(start_tok.meta.get("text", "")) or None


def without_ids(html: str) -> str:
    """``html`` with every `` id="..."`` taken out, as the pattern `` id="[^"]*"`` takes
    them out (the sanitizer writes ids double-quoted and escaped), by ``str.find`` from
    one to the next: the pattern's scan of the first section cost about twice this."""
    at = html.find(' id="')
    if at < 0:
        return html
    pieces: list[str] = []
    start = 0
    while at >= 0:
        end = html.find('"', at + 5)
        if end < 0:
            break  # no closing quote: no later ' id="' has one either
        pieces.append(html[start:at])
        start = end + 1
        at = html.find(' id="', start)
    pieces.append(html[start:])
    return "".join(pieces)


MARKER_HEAD = "<!--sitegen-section-"
PLAIN_MARKER = MARKER_HEAD + "5ec7104a11d0c5ec7104a11d-->"
"""The section marker of a text holding neither it nor ``\ue000`` (the start of the park
tags made from it): all but a crafted one."""


def section_marker(source: str) -> str:
    """A comment the text cannot hold, to find the first section in the rendered HTML
    (and, from its hash, the park tags; see ``DocState.park``). Only a text that holds
    the plain one gets one made from its own hash (which it cannot hold)."""
    if PLAIN_MARKER not in source and "\ue000" not in source:
        return PLAIN_MARKER
    return MARKER_HEAD + hashlib.sha256(source.encode()).hexdigest()[:24] + "-->"
