"""markdown-it's HTML renderer with quicker paths for the tokens papers are made of.

A paper renders ~150 plain tags (paragraphs, table cells, headings) through
``RendererHTML.renderToken``, written for every case markdown-it has (attributes, hidden
paragraphs of tight lists, XHTML), and ~90 text runs through four ``str.replace`` calls.
``Renderer`` writes the same bytes with less work per token: a block tag without
attributes is written in the loop itself, an inline run of one text token (most table
cells) without a call, and an attribute is escaped only when it needs it. The tests
compare it with ``RendererHTML`` over the real papers and the constructs that take the
other paths.
"""

from __future__ import annotations

from collections.abc import Sequence

from markdown_it.common.utils import escapeHtml
from markdown_it.renderer import RendererHTML
from markdown_it.token import Token
from markdown_it.utils import EnvType, OptionsDict


def _plain(text: str) -> bool:
    """Whether ``text`` has none of the characters ``escapeHtml`` replaces (then it is
    written as it is). Four ``in`` tests: each a memchr, where a regular expression's
    character class stepped through a paragraph's text ~30 times slower."""
    return "&" not in text and "<" not in text and ">" not in text and '"' not in text


class Renderer(RendererHTML):
    """``RendererHTML``, byte for byte, with less work for plain tags and text."""

    def render(self, tokens: Sequence[Token], options: OptionsDict, env: EnvType) -> str:
        """Block tokens in order; an inline one's children written here too.

        An opening or closing block tag is written here, as ``renderToken`` would: a
        closing one always on a line of its own; an opening one on a new line after a
        hidden paragraph, and followed by a newline unless its content follows. An
        inline run is ``renderInline``'s loop, inlined: a paper has ~60 runs, and the
        call and its own look-ups of the rules cost as much as a short run's work.
        A plain closing tag's text is made once per tag name.
        """
        rules = self.rules
        own_text = getattr(rules.get("text"), "__func__", None) is Renderer.text
        closers: dict[str, str] = {}
        out: list[str] = []
        append = out.append
        last = len(tokens) - 1
        for idx, token in enumerate(tokens):
            kind = token.type
            if kind == "inline":
                kids = token.children
                if not kids:
                    continue
                if not own_text:
                    append(self.renderInline(kids, options, env))
                    continue
                if len(kids) == 1 and kids[0].type == "text":
                    content = kids[0].content
                    if "&" in content or "<" in content or ">" in content or '"' in content:
                        content = escapeHtml(content)  # (``_plain`` written out: no call)
                    append(content)
                    continue
                for at, kid in enumerate(kids):
                    kind = kid.type
                    if kind == "text":
                        content = kid.content
                        if "&" in content or "<" in content or ">" in content or '"' in content:
                            content = escapeHtml(content)
                        append(content)
                    elif kind in rules:
                        append(rules[kind](kids, at, options, env))
                    else:
                        append(self.renderToken(kids, at, options, env))
            elif kind in rules:
                append(rules[kind](tokens, idx, options, env))
            elif token.hidden or not token.block or token.nesting == 0:
                append(self.renderToken(tokens, idx, options, env))
            elif token.nesting == -1:
                if token.attrs:
                    append(f"</{token.tag}{_attributes(token.attrs)}>\n")
                else:
                    tag = token.tag
                    closer = closers.get(tag)
                    if closer is None:
                        closer = closers[tag] = f"</{tag}>\n"
                    append(closer)
            else:
                attrs = token.attrs
                tag = f"<{token.tag}{_attributes(attrs)}>" if attrs else f"<{token.tag}>"
                if idx and tokens[idx - 1].hidden:
                    tag = "\n" + tag
                if idx < last:
                    after = tokens[idx + 1]
                    if (
                        after.type == "inline"
                        or after.hidden
                        or (after.nesting == -1 and after.tag == token.tag)
                    ):
                        append(tag)
                        continue
                append(tag + "\n")
        return "".join(out)

    def renderInline(  # noqa: N802 -- markdown-it's name
        self, tokens: Sequence[Token], options: OptionsDict, env: EnvType
    ) -> str:
        """Inline tokens in order; text runs written here unless a rule replaced ours."""
        rules = self.rules
        own_text = getattr(rules.get("text"), "__func__", None) is Renderer.text
        out: list[str] = []
        for idx, token in enumerate(tokens):
            kind = token.type
            if kind == "text" and own_text:
                content = token.content
                out.append(content if _plain(content) else escapeHtml(content))
            elif kind in rules:
                out.append(rules[kind](tokens, idx, options, env))
            else:
                out.append(self.renderToken(tokens, idx, options, env))
        return "".join(out)

    def renderToken(  # noqa: N802 -- markdown-it's name
        self, tokens: Sequence[Token], idx: int, options: OptionsDict, env: EnvType
    ) -> str:
        """An opening, closing or self-closing tag.

        Block tags end with a newline, except an opening one whose content follows on
        the same line: inline content, a hidden (tight-list) paragraph, or its own
        closing tag. A block tag opening right after a hidden paragraph starts a line.
        """
        token = tokens[idx]
        if token.hidden:
            return ""
        nesting = token.nesting
        tag = "</" + token.tag if nesting == -1 else "<" + token.tag
        if token.attrs:
            tag += _attributes(token.attrs)
        if nesting == 0 and options["xhtmlOut"]:
            tag += " /"
        if not token.block:
            return tag + ">"
        if nesting != -1 and idx and tokens[idx - 1].hidden:
            tag = "\n" + tag
        if nesting == 1 and idx + 1 < len(tokens):
            after = tokens[idx + 1]
            if (
                after.type == "inline"
                or after.hidden
                or (after.nesting == -1 and after.tag == token.tag)
            ):
                return tag + ">"
        return tag + ">\n"

    def text(self, tokens: Sequence[Token], idx: int, options: OptionsDict, env: EnvType) -> str:
        """A text run, escaped only when it holds a character that needs it."""
        content = tokens[idx].content
        return content if _plain(content) else escapeHtml(content)


def _attributes(attrs: dict[str, str | int | float]) -> str:
    """`` key="value"`` for each attribute, escaped as ``escapeHtml`` does (only where
    a character needs it: ids, classes and table-cell styles rarely do)."""
    out = ""
    for key, value in attrs.items():
        text = str(value)
        if not _plain(key):
            key = escapeHtml(key)
        if not _plain(text):
            text = escapeHtml(text)
        out += f' {key}="{text}"'
    return out
