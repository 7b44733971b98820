"""Paper and page markdown -> sanitized HTML with math, citations and cross references.

The dialect is pandoc's as JOSS papers use it (DESIGN section 3). One ``MarkdownIt``
instance is built per process (``make_parser``); everything a document accumulates lives
in a ``DocState`` inside markdown-it's ``env``. Rendering never raises on content: problems
come back as diagnostics with ``path:line`` (unknown citation keys are errors, missing
local files and unconvertible math are warnings).
"""

from __future__ import annotations

import functools
import html
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from markdown_it import MarkdownIt
from markdown_it.renderer import RendererHTML
from markdown_it.rules_core import StateCore
from markdown_it.token import Token
from markdown_it.utils import OptionsDict
from mdit_py_plugins.deflist import deflist_plugin
from mdit_py_plugins.footnote import footnote_plugin

from sitegen.render.attributes import parse_attributes
from sitegen.render.citations import CitationProcessor
from sitegen.render.crossref import (
    label_rule,
    number_equations,
    number_sections,
    ref_rule,
    render_crossref,
)
from sitegen.render.dispatch import use_dispatch
from sitegen.render.doc import RenderContext, RenderedDoc
from sitegen.render.figures import figures, image_attribute, plain_text, table_captions
from sitegen.render.first_section import mark_first_section, section_marker, without_ids
from sitegen.render.headings import headings, table_of_contents
from sitegen.render.highlight import Highlighter, presanitized
from sitegen.render.latex_inline import latex_command_rule
from sitegen.render.math import MathResult, math_rule, tex_to_html
from sitegen.render.mdstate import ENV_KEY, DocState, doc_state
from sitegen.render.pandoc_cite import bracket_citation_rule, render_citation, text_citation_rule
from sitegen.render.quickparse import join_text
from sitegen.render.renderer import Renderer
from sitegen.render.sanitize import sanitize_html
from sitegen.render.targets import check_targets


def _normalize(state: StateCore) -> None:
    """markdown-it's core ``normalize`` rule (CR and CRLF to LF, NUL to U+FFFD) without
    its regular expression, which rewrote every newline of the text to itself."""
    src = state.src
    if "\r" in src:
        src = src.replace("\r\n", "\n").replace("\r", "\n")
    if "\0" in src:
        src = src.replace("\0", "\ufffd")
    state.src = src


def _inline_with_lines(state: StateCore) -> None:
    """markdown-it's core ``inline`` rule, telling inline rules which line they are on."""
    doc = doc_state(state.env)
    md, env = state.md, state.env
    parse = md.inline.parse
    for token in state.tokens:
        if token.type == "inline":
            doc.base_line = token.map[0] if token.map else doc.base_line
            if token.children is None:
                token.children = []
            parse(token.content, md, env, token.children)


_EQ_ATTRS = re.compile(r"\s*\{([^{}]*)\}")


def _equation_attribute(math: Token, nxt: Token) -> None:
    """``$$ x $$ {#eq:x}`` (pandoc-crossref): the text after a display formula labels it."""
    m = _EQ_ATTRS.match(nxt.content)
    attrs = parse_attributes(m.group(1)) if m else None
    if m and attrs is not None and attrs.id:
        math.meta["id"] = attrs.id
        nxt.content = nxt.content[m.end() :]


def _attributes(state: StateCore) -> None:
    """Core rule: pandoc attribute blocks after images (``figures.image_attribute``) and
    display formulas (``_equation_attribute``), in one walk over the inline runs."""
    for block in state.tokens:
        kids = block.children
        if not kids:
            continue
        inline = block.type == "inline"
        for i in range(len(kids) - 1):
            kind = kids[i].type
            if kind == "image":
                if inline:
                    image_attribute(kids[i], kids[i + 1])
            elif kind == "math_display" and kids[i + 1].type == "text":
                _equation_attribute(kids[i], kids[i + 1])


def _render_math(
    self: Any, tokens: Sequence[Token], idx: int, options: OptionsDict, env: Any
) -> str:
    tok = tokens[idx]
    doc = doc_state(env)
    doc.has_math = True
    display = tok.type == "math_display"
    result = tex_to_html(
        tok.content, display=display, env=tok.meta.get("env"), cache=doc.ctx.math_cache
    )
    if result.error:
        doc.warn(tok.meta.get("line"), "math", result.error)
    shown = doc.park(result.html, result.safe)
    if not display:
        return shown
    anchor = tok.meta.get("anchor")
    ident = f' id="{html.escape(anchor, quote=True)}"' if anchor else ""
    number = tok.meta.get("number")
    eqno = f'<span class="eqno">({number})</span>' if number else ""
    return f'<span class="equation"{ident}>{shown}{eqno}</span>'


def _render_citation(
    self: Any, tokens: Sequence[Token], idx: int, options: OptionsDict, env: Any
) -> str:
    return render_citation(tokens[idx].meta, tokens[idx].content, env)


def _render_crossref(
    self: Any, tokens: Sequence[Token], idx: int, options: OptionsDict, env: Any
) -> str:
    return render_crossref(tokens[idx], env)


def _render_nothing(
    self: Any, tokens: Sequence[Token], idx: int, options: OptionsDict, env: Any
) -> str:
    return ""


def _render_fence(
    self: Any, tokens: Sequence[Token], idx: int, options: OptionsDict, env: Any
) -> str:
    """A fenced code block, highlighted once: the HTML is kept in the render context's
    fragment cache (``math_cache``, under a key no formula has) beside the formulas.

    Our highlighter always returns a whole ``<pre>`` block, so the output depends on the
    fence's info string and content alone. A rebuild of an edited paper whose code did not
    change then needs no Pygments at all (importing it and compiling a lexer's rules cost
    a process ~30 ms, a tenth of a one-paper rebuild).
    """
    tok = tokens[idx]
    doc = doc_state(env)
    cache = doc.ctx.math_cache
    if cache is None:
        return str(RendererHTML.fence(self, tokens, idx, options, env))
    key = f"C{tok.info}\x00{tok.content}"
    found = cache.get(key)
    if found is None:
        html = str(RendererHTML.fence(self, tokens, idx, options, env))
        safe = presanitized(html)  # with_safe's result, mostly without the sanitizer
        # the same object when equal, as with_safe does, so a pickled cache holds it once
        found = cache[key] = MathResult(html, None, html if safe == html else safe)
    return doc.park(found.html, found.safe)


@functools.cache
def make_parser() -> MarkdownIt:
    """The shared parser: CommonMark plus the pandoc/JOSS dialect; holds no document state."""
    md = MarkdownIt("commonmark", {"html": True, "highlight": Highlighter()}, renderer_cls=Renderer)
    md.enable(["table", "strikethrough"])
    md.use(footnote_plugin).use(deflist_plugin)
    md.inline.ruler.before("escape", "math", math_rule)
    md.inline.ruler.before("escape", "crossref", ref_rule)
    md.inline.ruler.before("escape", "latex_label", label_rule)
    md.inline.ruler.before("escape", "latex_command", latex_command_rule)
    md.inline.ruler.before("link", "citation", bracket_citation_rule)
    md.inline.ruler.before("link", "text_citation", text_citation_rule)
    md.core.ruler.at("normalize", _normalize)
    md.core.ruler.at("inline", _inline_with_lines)
    md.core.ruler.at("text_join", join_text)
    md.core.ruler.push("attributes", _attributes)
    md.core.ruler.push("figures", figures)
    md.core.ruler.push("table_captions", table_captions)
    md.core.ruler.push("headings", headings)
    md.core.ruler.push("number_equations", number_equations)
    md.core.ruler.push("number_sections", number_sections)
    md.core.ruler.push("check_targets", check_targets)
    md.add_render_rule("math_inline", _render_math)
    md.add_render_rule("math_display", _render_math)
    md.add_render_rule("citation", _render_citation)
    md.add_render_rule("crossref", _render_crossref)
    md.add_render_rule("latex_label", _render_nothing)
    md.add_render_rule("fence", _render_fence)
    use_dispatch(md)
    return md


def _normalise_newlines(text: str) -> str:
    if "\r" not in text:  # (a one-character search; replacing "\r\n" scans far slower)
        return text
    return text.replace("\r\n", "\n").replace("\r", "\n")


@dataclass(frozen=True, slots=True)
class ParsedDoc:
    """A document parsed but not yet rendered: what ``finish_markdown`` needs.

    Parsing and rendering are apart so a page can learn what each of its documents cites
    (``cited_keys``) before rendering any: citeproc decides year suffixes over them all.
    """

    ctx: RenderContext
    tokens: list[Token]
    env: dict[str, Any]
    doc: DocState
    marker: str
    title: str | None
    cited: frozenset[str]
    """Citation keys as written (cross references excluded); see ``DocState.cite_keys``."""
    raw_html: bool = True
    """Whether the text may hold raw HTML (then nothing is parked; see ``_sanitize_parked``)."""


def parse_markdown(text: str, ctx: RenderContext) -> ParsedDoc:
    """First half of ``render_markdown``: tokens and the citations they hold."""
    md = make_parser()
    doc = DocState(ctx=ctx)
    env: dict[str, Any] = {ENV_KEY: doc}
    if ctx.id_prefix:
        env["docId"] = ctx.id_prefix.strip("-")
    source = _normalise_newlines(text)
    tokens = md.parse(source, env)
    marker = section_marker(source)
    title = mark_first_section(tokens, marker)
    raw_html = _may_hold_html(source)
    return ParsedDoc(ctx, tokens, env, doc, marker, title, frozenset(doc.cite_keys), raw_html)


def finish_markdown(parsed: ParsedDoc, also_cited: Iterable[str] = ()) -> RenderedDoc:
    """Second half of ``render_markdown``; ``also_cited``: keys cited by the page's other
    documents (an abstract beside its body), so both disambiguate author-year alike."""
    md = make_parser()
    ctx, tokens, env, doc, marker = parsed.ctx, parsed.tokens, parsed.env, parsed.doc, parsed.marker
    cited = {*parsed.cited, *also_cited, *ctx.nocite}
    processor = CitationProcessor(ctx.bibliography, ctx.citation_style, cited)  # type: ignore[arg-type]
    doc.processor = processor
    if not parsed.raw_html and ctx.math_cache is not None:
        doc.parked = []
        doc.park_tag = "\ue000" + marker[-27:-3] + ":"  # the marker's hash: no text has it
    raw = md.renderer.render(tokens, md.options, env)
    if ctx.nocite:
        processor.nocite(ctx.nocite)
    first_html = None
    split = None
    if parsed.title is not None and raw.count(marker) == 2:
        # Sanitize each part once (the marker sits between top-level blocks) and assemble:
        # the sanitizer is the costliest step after math, so no part goes through it twice.
        before, section, after = _sanitize_parked(raw.split(marker), doc, ctx.link_prefix)
        body_html = before + section + after
        # ids dropped: a copy shown beside the full body must not duplicate them
        first_html = without_ids(section).strip()
        split = (section.strip(), before + after)
    else:
        (body_html,) = _sanitize_parked([raw], doc, ctx.link_prefix)
    return RenderedDoc(
        html=body_html,
        toc=table_of_contents(doc.headings),
        references=processor.references(),
        first_section_title=parsed.title,
        first_section_html=first_html,
        first_section_split=split,
        local_links=tuple(doc.local_links),
        has_math=doc.has_math,
        diagnostics=tuple(doc.diagnostics),
    )


def _may_hold_html(source: str) -> bool:
    """Whether raw HTML (a tag, comment or declaration: ``<`` then an ASCII letter, ``/``,
    ``!`` or ``?``) could start somewhere in ``source``; without one, a document's HTML is
    all the renderer's own, well-formed markup. (Found from each ``<``: a regular
    expression scanned a whole paper ~25 times slower.)"""
    at = source.find("<")
    while at >= 0:
        after = source[at + 1 : at + 2]
        if after in ("/", "!", "?") or (after.isascii() and after.isalpha()):
            return True
        at = source.find("<", at + 1)
    return False


def _sanitize_parked(parts: list[str], doc: DocState, url_prefix: str) -> list[str]:
    """``sanitize_html`` of each part, with the document's parked fragments put back.

    Formulas and code blocks are a quarter of a paper's HTML and most of its elements,
    and each distinct one is sanitized once, when it is made (``MathResult.safe``). In a
    document without raw HTML every fragment sits in well-formed markup of ours, where
    the sanitizer reads it exactly as alone, so the rest is sanitized with a placeholder
    in its place (text, kept as is) that is then replaced by the fragment's safe form.
    Unless every placeholder comes back once and in order, the document is sanitized
    whole, as without parking.
    """
    parked = doc.parked
    if not parked:
        return [sanitize_html(part, url_prefix=url_prefix) for part in parts]
    tag = doc.park_tag
    if sum(part.count(tag) for part in parts) == len(parked):
        out: list[str] = []
        index = 0
        for part in (sanitize_html(part, url_prefix=url_prefix) for part in parts):
            pieces = part.split(tag)
            joined = [pieces[0]]
            for piece in pieces[1:]:
                head = f"{index}\ue001"
                if index >= len(parked) or not piece.startswith(head):
                    break
                joined += (parked[index][1], piece[len(head) :])
                index += 1
            else:
                out.append("".join(joined))
                continue
            break
        if index == len(parked) and len(out) == len(parts):
            return out
    restore = re.compile(re.escape(tag) + "([0-9]+)\ue001")

    def unpark(m: re.Match[str]) -> str:
        i = int(m.group(1))
        return parked[i][0] if i < len(parked) else m.group(0)

    return [sanitize_html(restore.sub(unpark, part), url_prefix=url_prefix) for part in parts]


def render_markdown(text: str, ctx: RenderContext) -> RenderedDoc:
    """Render one document's markdown body; never raises on content problems."""
    return finish_markdown(parse_markdown(text, ctx))


def render_inline(text: str) -> str:
    """Inline markdown and math for titles and author notes: sanitized, no ``<p>``."""
    md = make_parser()
    doc = DocState(ctx=RenderContext(path="<inline>"), inline_only=True)
    env: dict[str, Any] = {ENV_KEY: doc}
    tokens = md.parseInline(_normalise_newlines(text).strip(), env)
    children = [t for t in (tokens[0].children or []) if t.type != "footnote_ref"] if tokens else []
    renderer = md.renderer
    assert isinstance(renderer, RendererHTML)
    return sanitize_html(renderer.renderInline(children, md.options, env))


__all__ = [
    "ParsedDoc",
    "finish_markdown",
    "make_parser",
    "parse_markdown",
    "plain_text",
    "render_inline",
    "render_markdown",
]
