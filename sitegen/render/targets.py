"""Links and images a document points at: recorded, and checked to exist beside it.

The last core rule of the markdown parser (``check_targets``). Relative targets are what
the paper's folder must hold (``DocState.local_links``); a missing file, a target outside
the folder or a remote image (the site must work offline) is a warning with its line.
The same walk notes the keys of the citations the renderer will format.
"""

from __future__ import annotations

import html
import posixpath
import re
from collections.abc import Sequence
from urllib.parse import unquote

from markdown_it.rules_core import StateCore
from markdown_it.token import Token

from sitegen.render.mdstate import DocState, doc_state

_SCHEME = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.\-]*:")
_RAW_TARGET = re.compile(r"""\b(src|href)\s*=\s*["']?([^"'\s>]+)""", re.IGNORECASE)
_REMOTE = re.compile(r"^(?:https?:)?//", re.IGNORECASE)


def _is_local(target: str) -> bool:
    return bool(target) and not (
        target.startswith(("#", "/", "?")) or _SCHEME.match(target) is not None
    )


def check_targets(state: StateCore) -> None:
    """Core rule: record relative link/image targets and warn about missing ones; also
    note the citation keys (``DocState.cite_keys``), in the same walk over the tokens."""
    doc = doc_state(state.env)
    for block in state.tokens:
        if block.type == "html_block":
            for fld, target in _RAW_TARGET.findall(block.content):
                _check_target(
                    doc,
                    target,
                    "image" if fld.lower() == "src" else "link",
                    block.map[0] if block.map else None,
                )
        kids = block.children
        if kids and (len(kids) > 1 or kids[0].type in _TARGET_KINDS or kids[0].children):
            _walk_targets(doc, kids, block.map[0] if block.map else None)


_TARGET_KINDS = frozenset(
    (
        "softbreak",
        "hardbreak",
        "math_inline",
        "math_display",
        "image",
        "link_open",
        "html_inline",
        "citation",
    )
)
"""Inline tokens ``_walk_targets`` looks at (for a target, its keys, or to count lines);
most are text, which it passes with one set lookup."""


def _walk_targets(doc: DocState, tokens: Sequence[Token], line: int | None) -> int | None:
    """``check_targets`` for one inline run (children first-to-last, an image's caption
    skipped); returns the line reached.

    A citation's keys go to ``doc.cite_keys`` unless each names a label (then it is a
    cross reference); the labels are all known here, this being the last core rule.
    """
    for tok in tokens:
        kind = tok.type
        if kind in _TARGET_KINDS:
            if kind == "softbreak" or kind == "hardbreak":
                if line is not None:
                    line += 1
                continue
            if kind == "math_inline" or kind == "math_display":
                if line is not None:
                    line += tok.content.count("\n")
            elif kind == "image":
                src = str(tok.attrGet("src") or "")
                _check_target(doc, src, "image", tok.map[0] if tok.map else line)
                continue
            elif kind == "link_open":
                _check_target(doc, str(tok.attrGet("href") or ""), "link", line)
            elif kind == "citation":
                items = tok.meta["items"]
                labels = doc.labels
                for item in items:
                    if item.key not in labels:
                        doc.cite_keys.update([i.key for i in items])
                        break
            else:
                for fld, target in _RAW_TARGET.findall(tok.content):
                    _check_target(doc, target, "image" if fld.lower() == "src" else "link", line)
        if tok.children:
            line = _walk_targets(doc, tok.children, line)
    return line


def _check_target(doc: DocState, target: str, fld: str, line: int | None) -> None:
    """Record a relative target; warn (with its line) when the file is not there."""
    if "&" in target:
        target = html.unescape(target)
    if fld == "image" and _REMOTE.match(target.strip()):
        doc.warn(
            line,
            fld,
            f"remote image '{target}' is linked, not embedded: the site must work offline "
            "and send no request to other hosts; add the file beside the paper instead",
        )
        return
    if not _is_local(target):
        return
    path = posixpath.normpath(unquote(target.split("#", 1)[0].split("?", 1)[0]))
    if path in (".", "") or path.startswith("../"):
        if path.startswith("../"):
            doc.warn(line, fld, f"'{path}' points outside the paper's folder")
        return
    if path not in doc.local_links:
        doc.local_links.append(path)
    exists = doc.ctx.file_exists
    if exists is not None and not exists(path):
        doc.warn(line, fld, f"'{path}' does not exist beside {doc.ctx.path}")
