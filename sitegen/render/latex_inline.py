"""Raw LaTeX commands that papers write in markdown text, rendered as pandoc would.

JOSS papers are built to PDF through LaTeX, so authors sprinkle ``\\url{}``,
``\\footnote{}``, ``\\emph{}`` and layout commands (``\\pagebreak``) into the text. For the
web, links and footnotes become real ones, emphasis becomes markup, layout commands vanish.
Any other command stays visible as text: better shown than silently lost.
"""

from __future__ import annotations

import re

from markdown_it.rules_inline import StateInline
from markdown_it.token import Token

_CMD = re.compile(r"\\([A-Za-z]+)\s*")
_DROP = frozenset(
    [
        "pagebreak",
        "newpage",
        "clearpage",
        "linebreak",
        "noindent",
        "medskip",
        "bigskip",
        "smallskip",
        "vfill",
        "hfill",
        "centering",
        "break",
        "nopagebreak",
    ]
)
_WRAP = {"emph": "em", "textit": "em", "textbf": "strong", "texttt": "code", "underline": "u"}


def _braced(src: str, start: int, end: int) -> int:
    """Index just after the ``}`` matching the ``{`` at ``start``; -1 if unbalanced."""
    if start >= end or src[start] != "{":
        return -1
    depth, pos = 0, start
    while pos < end:
        ch = src[pos]
        if ch == "\\":
            pos += 2
            continue
        if ch == "{":
            depth += 1
        elif ch == "}":
            depth -= 1
            if depth == 0:
                return pos + 1
        pos += 1
    return -1


def _footnote(state: StateInline, content: str) -> None:
    """Same tokens the footnote plugin makes for ``^[...]``, so numbering is shared."""
    notes = state.env.setdefault("footnotes", {})
    notes.setdefault("refs", {})
    refs = notes.setdefault("list", {})
    note_id = len(refs)
    tokens: list[Token] = []
    refs[note_id] = {"content": content, "tokens": tokens}
    state.md.inline.parse(content, state.md, state.env, tokens)
    token = state.push("footnote_ref", "", 0)
    token.meta = {"id": note_id}


def latex_command_rule(state: StateInline, silent: bool) -> bool:
    src, pos, end = state.src, state.pos, state.posMax
    if src[pos] != "\\":
        return False
    m = _CMD.match(src, pos, end)
    if m is None:
        return False
    name = m.group(1)
    if name in _DROP:
        if not silent:
            state.pending = state.pending.rstrip(" ") if name == "linebreak" else state.pending
        state.pos = pos + 1 + len(name)
        return True
    arg_start = m.end()
    arg_end = _braced(src, arg_start, end)
    if name not in ("url", "footnote", "href", *_WRAP) or arg_end < 0:
        return False
    arg = src[arg_start + 1 : arg_end - 1]
    if name == "href":
        text_end = _braced(src, arg_end, end)
        if text_end < 0:
            return False
        if not silent:
            _link(state, arg, src[arg_end + 1 : text_end - 1], parse=True)
        state.pos = text_end
        return True
    if not silent:
        if name == "url":
            _link(state, arg, arg, parse=False)
        elif name == "footnote":
            _footnote(state, arg)
        else:
            tag = _WRAP[name]
            if tag == "code":
                state.push("code_inline", "code", 0).content = arg
            else:
                state.push(f"{tag}_open", tag, 1)
                _parse_into(state, arg)
                state.push(f"{tag}_close", tag, -1)
    state.pos = arg_end
    return True


def _parse_into(state: StateInline, text: str) -> None:
    """Parse ``text`` as inline markdown and append its tokens to the current run."""
    tokens: list[Token] = []
    state.md.inline.parse(text, state.md, state.env, tokens)
    state.tokens.extend(tokens)
    state.tokens_meta.extend([None] * len(tokens))


def _link(state: StateInline, url: str, text: str, *, parse: bool) -> None:
    url = url.strip()
    href = state.md.normalizeLink(url)
    if not state.md.validateLink(href):
        state.push("text", "", 0).content = text
        return
    opener = state.push("link_open", "a", 1)
    opener.attrs = {"href": href}
    opener.meta = {"line": None}
    if parse:
        _parse_into(state, text)
    else:
        state.push("text", "", 0).content = text
    state.push("link_close", "a", -1)
