"""TeX math -> MathML at build time, plus the markdown-it rule that finds the math.

Pages must show math without script, so every formula is converted while building. Real
papers write ``$..$``, ``$$..$$``, ``\\(..\\)``, ``\\[..\\]`` and bare LaTeX environments
(``\\begin{equation}`` even in the middle of a paragraph), so one inline rule recognises all
of them; paragraphs span lines, so multi-line display math is still one inline run.
A formula latex2mathml cannot convert degrades to its TeX source in
``<code class="math-error">`` plus a warning: a published paper never fails on its math.
"""

from __future__ import annotations

import html
import re
from collections.abc import MutableMapping
from dataclasses import dataclass, field

from markdown_it.rules_inline import StateInline

from sitegen.render.mdstate import doc_state, inline_line

ENVIRONMENTS = (
    "equation",
    "equation*",
    "align",
    "align*",
    "eqnarray",
    "eqnarray*",
    "gather",
    "gather*",
    "multline",
    "multline*",
    "displaymath",
    "math",
)
"""LaTeX environments taken as display math wherever they appear in the text."""

LABEL_RE = re.compile(r"\\label\s*\{([^{}]*)\}")
_NOTAG = re.compile(r"\\(?:nonumber|notag)\b|\\tag\*?\s*\{[^{}]*\}")
_BEGIN = re.compile(r"\\begin\{(" + "|".join(re.escape(e) for e in ENVIRONMENTS) + r")\}")
_ARG = re.compile(r"\\arg(?![A-Za-z])")
_UNKNOWN_CMD = re.compile(r"<mi>(\\[A-Za-z]+)</mi>")


@dataclass(frozen=True)  # not slotted: see sitegen.cache.pack
class MathResult:
    """A converted formula: the HTML to insert and, when it degraded, why."""

    html: str
    error: str | None = None
    safe: str | None = field(default=None, compare=False)
    """``html`` sanitized on its own (``sanitize.presanitize``), made once with the
    result so a document sanitizes around it; None when that would not be exact."""


def _normalise(tex: str, env: str | None) -> str:
    """Rewrite TeX that latex2mathml lacks into TeX it knows, keeping the meaning.

    Each pattern only runs on text holding its command: most formulas hold none.
    """
    body = LABEL_RE.sub("", tex) if "\\label" in tex else tex
    if "\\no" in body or "\\tag" in body:
        body = _NOTAG.sub("", body)
    body = body.replace(r"\operatorname*", r"\operatorname")
    body = body.replace(r"\displaystyle", "")
    if "\\arg" in body:  # a standard operator latex2mathml lacks
        body = _ARG.sub(r"\\operatorname{arg}", body)
    if env is None:
        return body.strip()
    base = env.rstrip("*")
    if base in ("equation", "displaymath", "math"):
        return body.strip()
    if base == "eqnarray":
        # ``a &=& b`` (three columns) -> ``a &= b`` (align's two).
        body = re.sub(r"&\s*([^&\\]*?)\s*&", r"&\1 ", body)
    if base in ("gather", "multline"):
        return r"\begin{array}{c}" + body.strip() + r"\end{array}"
    return r"\begin{align}" + body.strip() + r"\end{align}"


def math_key(tex: str, *, display: bool, env: str | None) -> str:
    """The cache key of one formula: conversion depends on exactly these three inputs."""
    return f"{'D' if display else 'I'}{env or ''}\x00{tex}"


def tex_to_html(
    tex: str,
    *,
    display: bool,
    env: str | None = None,
    cache: MutableMapping[str, MathResult] | None = None,
) -> MathResult:
    """Convert ``tex`` (without delimiters) to a ``<math>`` element, or degrade.

    ``env`` names the LaTeX environment the formula was written in, if any. ``cache``
    memoises conversions: papers repeat the same formulas (a thousand papers hold about
    four times as many formulas as distinct ones), and latex2mathml is the costliest
    step of rendering. The result is a pure function of the key, so a hit is exact.
    """
    if cache is None:
        return _convert(tex, display, env, want_safe=False)
    key = math_key(tex, display=display, env=env)
    found = cache.get(key)
    if found is None:
        found = cache[key] = _convert(tex, display, env, want_safe=True)
    return found


def with_safe(result: MathResult, cleaned: str | None = None) -> MathResult:
    """``result`` with its ``safe`` form (only results that go into a cache need it).

    ``cleaned`` is what the sanitizer makes of ``result.html`` when the caller could
    write it without the sanitizer (``mathml.mathml_forms``).
    """
    from sitegen.render.sanitize import presanitize

    safe = presanitize(result.html, cleaned)
    # the same object when equal, so a pickled cache holds the text once
    return MathResult(result.html, result.error, result.html if safe == result.html else safe)


def _convert(tex: str, display: bool, env: str | None, *, want_safe: bool) -> MathResult:
    # imported on the first formula not in the math cache: a rebuild whose formulas are
    # all known (the usual case) does not pay for loading latex2mathml (~25 ms)
    from sitegen.render.texconvert import convert_forms

    source = _normalise(tex, env)
    try:
        # what latex2mathml's convert() returns, through a faster tokenizer and writer
        mathml, cleaned = convert_forms(source, "block" if display else "inline")
    except Exception as exc:  # latex2mathml raises many unrelated types on bad input
        reason = str(exc) or type(exc).__name__
        code = html.escape(tex.strip())
        cls = "math-error math-display" if display else "math-error"
        failed = MathResult(f'<code class="{cls}">{code}</code>', f"cannot convert TeX: {reason}")
        return with_safe(failed) if want_safe else failed
    unknown = sorted(set(_UNKNOWN_CMD.findall(mathml))) if "<mi>\\" in mathml else None
    if unknown:
        mathml = _UNKNOWN_CMD.sub(lambda m: f"<mtext>{m.group(1)}</mtext>", mathml)
        partial = MathResult(mathml, "unsupported TeX command(s): " + ", ".join(unknown))
        return with_safe(partial) if want_safe else partial
    if not want_safe:
        return MathResult(mathml)
    return with_safe(MathResult(mathml), cleaned)


def _find_closing(src: str, start: int, end: int, closer: str) -> int:
    """Index of ``closer`` starting at or after ``start`` and before ``end``, skipping
    backslash escapes; -1 if none. (Found with ``str.find``, not a step per character:
    display formulas run to hundreds of characters.)"""
    pos = start
    last = end + len(closer) - 1  # a closer starting before ``end`` may reach past it
    while True:
        close = src.find(closer, pos, last)
        if close < 0:
            return -1
        slash = src.find("\\", pos, close)
        if slash < 0:
            return close
        pos = slash + 2  # the escaped character is no closer


def _push(state: StateInline, content: str, display: bool, env: str | None, start: int) -> None:
    token = state.push("math_display" if display else "math_inline", "math", 0)
    token.content = content
    token.markup = env or ""
    token.meta = {"env": env, "line": inline_line(state.env, state.src, start)}
    if display:
        doc_state(state.env).display_math += 1


def math_rule(state: StateInline, silent: bool) -> bool:
    """Inline rule for every math delimiter real papers use.

    ``$`` follows pandoc: the opening ``$`` must be followed by a non-space, the closing one
    preceded by a non-space and not followed by a digit (so ``$5 and $6`` stays text).
    """
    src, pos, end = state.src, state.pos, state.posMax
    ch = src[pos]
    if ch == "$":
        if src.startswith("$$", pos):
            close = _find_closing(src, pos + 2, end, "$$")
            if close < 0 or not src[pos + 2 : close].strip():
                return False
            if not silent:
                _push(state, src[pos + 2 : close], True, None, pos)
            state.pos = close + 2
            return True
        if pos + 1 >= end or src[pos + 1].isspace():
            return False
        close = pos + 1
        while True:
            close = _find_closing(src, close, end, "$")
            if close < 0:
                return False
            after_digit = close + 1 < end and src[close + 1].isdigit()
            if not src[close - 1].isspace() and not after_digit:
                break
            close += 1
        if not silent:
            _push(state, src[pos + 1 : close], False, None, pos)
        state.pos = close + 1
        return True
    if ch != "\\" or pos + 1 >= end:
        return False
    nxt = src[pos + 1]
    if nxt in "([":
        closer = "\\)" if nxt == "(" else "\\]"
        close = src.find(closer, pos + 2, end)
        if close < 0:
            return False
        if not silent:
            _push(state, src[pos + 2 : close], nxt == "[", None, pos)
        state.pos = close + 2
        return True
    m = _BEGIN.match(src, pos)
    if m is None:
        return False
    env = m.group(1)
    closer = "\\end{" + env + "}"
    close = src.find(closer, m.end(), end)
    if close < 0:
        return False
    if not silent:
        _push(state, src[m.end() : close], True, env, pos)
    state.pos = close + len(closer)
    return True


def labels_in(tex: str) -> list[str]:
    """The ``\\label{..}`` names inside a formula, in order."""
    return LABEL_RE.findall(tex)


def is_numbered(env: str | None) -> bool:
    """LaTeX numbers equation-like environments unless starred."""
    return env is not None and not env.endswith("*") and env not in ("math", "displaymath")
