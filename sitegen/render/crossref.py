"""Numbered figures, tables, equations and sections, and the references to them.

Papers label things LaTeX-style (``\\label{fig:x}`` in a caption or an equation) or
pandoc-style (``{#fig:x}``) and refer to them with ``\\autoref``, ``\\ref``, ``\\eqref`` or
``@fig:x``. Labels are collected by a core rule after parsing, so a reference may come
before its target; references are resolved while rendering. An unknown label is a
warning with its line and shows as ``[label]``, as LaTeX shows ``??``.
"""

from __future__ import annotations

import html
import re
from collections.abc import MutableMapping
from typing import Any

from markdown_it.rules_core import StateCore
from markdown_it.rules_inline import StateInline
from markdown_it.token import Token

from sitegen.render.math import is_numbered, labels_in
from sitegen.render.mdstate import KIND_NAMES, DocState, Label, doc_state, inline_line

_REF = re.compile(r"\\(autoref|Autoref|cref|Cref|ref|eqref|pageref|nameref)\s*\{([^{}]*)\}")
_LABEL = re.compile(r"\\label\s*\{([^{}]*)\}")


def ref_rule(state: StateInline, silent: bool) -> bool:
    """``\\autoref{x}``, ``\\ref{x}``, ``\\eqref{x}`` (and cleveref's ``\\cref``)."""
    if state.src[state.pos] != "\\":
        return False
    m = _REF.match(state.src, state.pos, state.posMax)
    if m is None:
        return False
    if not silent:
        token = state.push("crossref", "", 0)
        style = m.group(1).lower()
        token.meta = {
            "labels": [s.strip() for s in m.group(2).split(",") if s.strip()],
            "style": "autoref" if style in ("cref",) else style,
            "line": inline_line(state.env, state.src, state.pos),
        }
    state.pos = m.end()
    return True


def label_rule(state: StateInline, silent: bool) -> bool:
    """``\\label{x}`` outside math: marks its container (caption, heading) and renders nothing."""
    if state.src[state.pos] != "\\":
        return False
    m = _LABEL.match(state.src, state.pos, state.posMax)
    if m is None:
        return False
    if not silent:
        token = state.push("latex_label", "", 0)
        token.content = m.group(1).strip()
        token.meta = {"line": inline_line(state.env, state.src, state.pos)}
    state.pos = m.end()
    return True


def render_ref(doc: DocState, name: str, style: str, *, prefix: str = "", suffix: str = "") -> str:
    """A link to label ``name`` in the wording of ``style``; ``[name]`` when unknown."""
    label = doc.labels.get(name)
    pre = html.escape(prefix) + " " if prefix else ""
    post = ", " + html.escape(suffix) if suffix else ""
    if label is None:
        return f'{pre}<span class="xref xref-unknown">[{html.escape(name)}]</span>{post}'
    if style == "eqref":
        text = f"({label.number})"
    elif style in ("ref", "pageref"):
        text = label.number
    elif style == "nameref":
        text = label.title or label.number
    elif label.kind == "equation":
        text = f"Equation ({label.number})"
    else:
        text = f"{KIND_NAMES[label.kind]} {label.number}"
    anchor = html.escape(label.anchor, quote=True)
    return f'{pre}<a class="xref" href="#{anchor}">{html.escape(text)}</a>{post}'


def render_crossref(token: Token, env: MutableMapping[str, Any]) -> str:
    doc = doc_state(env)
    parts = []
    for name in token.meta["labels"]:
        if name not in doc.labels:
            doc.warn(token.meta["line"], "crossref", f"reference to unknown label '{name}'")
        parts.append(render_ref(doc, name, token.meta["style"]))
    return ", ".join(parts)


def _display_math(tokens: list[Token], out: list[Token]) -> list[Token]:
    """The display formulas among ``tokens`` and their children (images' caption children
    included), in document order, appended to ``out``."""
    for tok in tokens:
        if tok.type == "math_display":
            out.append(tok)
        elif tok.children:
            _display_math(tok.children, out)
    return out


def number_equations(state: StateCore) -> None:
    """Core rule: number equation environments and ``$$..$$ {#eq:x}``; record their labels.

    The formulas are found in document order, which is not the order the parser made
    them in (notes move to the end, captions into their tables); but a document
    without any (``DocState.display_math``) is not walked at all.
    """
    doc = doc_state(state.env)
    if not doc.display_math:
        return
    for tok in _display_math(state.tokens, []):
        env = tok.meta.get("env")
        names = labels_in(tok.content)
        if tok.meta.get("id"):
            names.insert(0, tok.meta["id"])
        if not names and not is_numbered(env):
            continue
        number = str(doc.next_number("equation"))
        anchor = doc.unique_id(names[0] if names else f"eq-{number}")
        tok.meta["number"] = number
        tok.meta["anchor"] = anchor
        for name in names:
            doc.add_label(name, Label("equation", number, anchor), tok.meta.get("line"))


def number_sections(state: StateCore) -> None:
    """Core rule: hierarchical section numbers for every heading, as labels of their ids."""
    doc = doc_state(state.env)
    heads = doc.headings
    if not heads:
        return
    top = min(int(t.meta["level"]) for t in heads)
    counts = [0] * 7
    for tok in heads:
        depth = int(tok.meta["level"]) - top
        counts[depth] += 1
        for d in range(depth + 1, 7):
            counts[d] = 0
        number = ".".join(str(c) for c in counts[: depth + 1])
        title = tok.meta.get("text", "")
        tok.attrSet("data-secno", number)
        label = Label("section", number, str(tok.attrGet("id")), title)
        line = tok.map[0] if tok.map else None
        for name in tok.meta.get("labels", []):
            doc.add_label(name, label, line)
        bare = str(tok.attrGet("id"))[len(doc.ctx.id_prefix) :]
        doc.labels.setdefault(bare, label)
