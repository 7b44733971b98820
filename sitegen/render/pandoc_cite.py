"""Pandoc citation syntax: ``[see @a, p. 3; -@b]`` and ``@key`` in running text.

Parsing only: the formatted output comes from ``citations.CitationProcessor`` at render
time, called in document order so numeric labels follow first use. Keys that name a
cross-reference label (``@fig:x``) become links to the figure instead (pandoc-crossref).
Published papers are loose with separators (``[@a, @b]``, ``[@a ;@b]``) and prefixes
(``[AIA; @key]``), so those are accepted as pandoc's authors meant them.
"""

from __future__ import annotations

import html
import re
from typing import Any

from markdown_it.rules_inline import StateInline

from sitegen.render.crossref import render_ref
from sitegen.render.doc import CiteItem
from sitegen.render.mdstate import DocState, doc_state, inline_line

_KEY = r"(?:\{[^{}\s]+\}|[\w](?:[\w:.#$%&\-+?<>~/]*[\w])?)"
_ITEM = re.compile(r"(?P<prefix>.*?)(?P<minus>-?)@(?P<key>" + _KEY + r")(?P<suffix>.*)", re.S)
_KEY_RE = re.compile("@" + _KEY)
_IN_TEXT = re.compile("@(" + _KEY + ")")
_SPLIT_KEYS = re.compile(r"\s*,\s*(?=-?@)")
_BARE_KEY = re.compile("@(" + _KEY + ")")
"""An item that is a key alone (``@key``): most citations are one or a few of these."""
_PLAIN_KEY = r"\w(?:[\w:.#$%&\-+?<>~/]*\w)?"
_BARE_BRACKET = re.compile(r"\[(\s*@" + _PLAIN_KEY + r"(?:\s*;\s*@" + _PLAIN_KEY + r")*\s*)\]")
"""``[@a]``, ``[@a; @b]``: bare unbraced keys (most citations). Their characters hold no
bracket or backslash, so the first ``]`` is the matching one."""
_PLAIN_KEY_RE = re.compile("@(" + _PLAIN_KEY + ")")
_BRACKET_OR_ESCAPE = re.compile(r"\\.|[\[\]]", re.S)
"""What bracket matching looks at: a backslash escapes the character after it."""


def _clean_key(key: str) -> str:
    return key[1:-1] if key.startswith("{") else key


def parse_citation(content: str) -> list[CiteItem] | None:
    """Items of a bracketed citation's content, or None when it is not one."""
    if not _KEY_RE.search(content):
        return None
    bare = [_BARE_KEY.fullmatch(part.strip()) for part in content.split(";")]
    if all(bare):  # bare keys: what ``_read_items`` makes of them, quicker
        return [CiteItem(_clean_key(m.group(1))) for m in bare if m is not None]
    return _read_items(content)


def _read_items(content: str) -> list[CiteItem] | None:
    """``parse_citation`` for any content holding a key: prefixes, locators, loose
    separators."""
    pieces: list[str] = []
    for part in content.split(";"):
        buf = ""
        for sub in _SPLIT_KEYS.split(part):
            if _KEY_RE.search(sub) is None:
                buf += sub + ", "
                continue
            pieces.append(buf + sub)
            buf = ""
        if buf:
            pieces.append(buf[:-2])
    items: list[CiteItem] = []
    pending_prefix = ""
    for piece in pieces:
        m = _ITEM.match(piece)
        if m is None or (m.group("prefix") and m.group("prefix")[-1:].isalnum()):
            pending_prefix += piece.strip() + "; "
            continue
        prefix = (pending_prefix + m.group("prefix")).strip()
        pending_prefix = ""
        suffix = m.group("suffix").strip()
        suffix = suffix[1:].strip() if suffix.startswith(",") else suffix
        items.append(
            CiteItem(
                key=_clean_key(m.group("key")),
                prefix=" ".join(prefix.split()),
                locator=" ".join(suffix.split()),
                suppress_author=bool(m.group("minus")),
            )
        )
    if items and pending_prefix.strip("; "):
        last = items[-1]
        extra = pending_prefix.strip("; ")
        locator = f"{last.locator}; {extra}" if last.locator else extra
        items[-1] = CiteItem(last.key, last.prefix, locator, last.suppress_author)
    return items or None


def _matching_bracket(src: str, start: int, end: int) -> int:
    """Index of the ``]`` closing the ``[`` at ``start`` (escaped brackets skipped), or -1."""
    depth = 0
    for m in _BRACKET_OR_ESCAPE.finditer(src, start, end):
        ch = m.group()
        if ch == "[":
            depth += 1
        elif ch == "]":
            depth -= 1
            if depth == 0:
                return m.start()
    return -1


def _bare_items(inner: str) -> list[CiteItem]:
    """The items of a ``_BARE_BRACKET`` match's content: one key (most) is that content
    without its spaces and ``@``. ``CiteItem`` takes its key by position: binding it by
    keyword costs as much again (~0.4 us)."""
    if ";" not in inner:
        return [CiteItem(inner.strip()[1:])]
    return [CiteItem(key) for key in _PLAIN_KEY_RE.findall(inner)]


def _push(state: StateInline, items: list[CiteItem], in_text: bool, raw: str) -> None:
    token = state.push("citation", "", 0)
    token.content = raw
    token.meta = {
        "items": items,
        "in_text": in_text,
        "line": inline_line(state.env, state.src, state.pos),
    }


def bracket_citation_rule(state: StateInline, silent: bool) -> bool:
    """``[...@key...]`` not followed by ``(`` or ``[`` (which would make it a link)."""
    src, pos, end = state.src, state.pos, state.posMax
    bare = _BARE_BRACKET.match(src, pos, end)
    if bare is not None:  # what the general path below makes of it, quicker
        close = bare.end() - 1
        if close + 1 < end and src[close + 1] in "([":
            return False
        if not silent:
            _push(state, _bare_items(bare.group(1)), False, bare.group())
        state.pos = close + 1
        return True
    if src[pos] != "[" or src.startswith("[^", pos):
        return False
    close = _matching_bracket(src, pos, end)
    if close < 0:
        return False
    if close + 1 < end and src[close + 1] in "([":
        return False
    items = parse_citation(src[pos + 1 : close])
    if items is None:
        return False
    if not silent:
        _push(state, items, False, src[pos : close + 1])
    state.pos = close + 1
    return True


def text_citation_rule(state: StateInline, silent: bool) -> bool:
    """``@key`` in running text; a word character before ``@`` (an email) rules it out."""
    src, pos = state.src, state.pos
    if src[pos] != "@":
        return False
    if pos > 0 and (src[pos - 1].isalnum() or src[pos - 1] in "_.-+@/"):
        return False
    m = _IN_TEXT.match(src, pos, state.posMax)
    if m is None:
        return False
    stop, locator = m.end(), ""
    # pandoc's in-text locator: "@key [p. 33]" -> "Author (2004, p. 33)"
    after = m.end() + (1 if src[m.end() : m.end() + 1] == " " else 0)
    if src[after : after + 1] == "[" and not src.startswith("[@", after):
        close = _matching_bracket(src, after, state.posMax)
        inner = src[after + 1 : close] if close > 0 else ""
        following = src[close + 1 : close + 2] if close > 0 else ""
        if close > 0 and "@" not in inner and following not in ("(", "["):
            stop, locator = close + 1, " ".join(inner.split())
    if not silent:
        item = CiteItem(_clean_key(m.group(1)), "", locator)
        _push(state, [item], True, src[pos:stop])
    state.pos = stop
    return True


def _render_xref(doc: DocState, item: CiteItem) -> str:
    return render_ref(doc, item.key, "autoref", prefix=item.prefix, suffix=item.locator)


def render_citation(token_meta: dict[str, Any], raw: str, env: dict[str, Any]) -> str:
    """HTML for one citation token: cross references, then the processor's formatting."""
    doc = doc_state(env)
    items: list[CiteItem] = token_meta["items"]
    in_text: bool = token_meta["in_text"]
    labels = doc.labels
    xref = bool(labels) and any(i.key in labels for i in items)
    if not items or (xref and all(i.key in labels for i in items)):
        return "; ".join(_render_xref(doc, i) for i in items)
    processor = doc.processor
    if processor is None or doc.inline_only:
        return html.escape(raw)
    if in_text and doc.ctx.bibliography is None:
        return html.escape(raw)  # "@handle" on a page without a bibliography is just text
    if not xref and all([processor.has(i.key) for i in items]):
        cited: str = processor.cite(items, in_text=in_text)  # most: every key a reference
        return cited
    line: int = token_meta["line"]
    known: list[CiteItem] = []
    missing: list[CiteItem] = []
    for item in items:
        if processor.has(item.key):
            known.append(item)
        elif item.key not in doc.labels:
            missing.append(item)
    for item in missing:
        where = (
            "no bibliography is given"
            if doc.ctx.bibliography is None
            else "not in the bibliography"
        )
        doc.error(line, "citation", f"unknown citation key '@{item.key}' ({where})")
    parts: list[str] = []
    if known:
        parts.append(processor.cite(known, in_text=in_text))
    parts.extend(_render_xref(doc, i) for i in items if i.key in doc.labels)
    parts.extend(
        f'<mark class="citation-unknown" title="unknown citation key">@{html.escape(i.key)}</mark>'
        for i in missing
    )
    return "; ".join(parts)
