"""Figures and table captions, numbered, from the pandoc dialect papers use.

An image alone in a paragraph is a figure whose caption is the alt text (pandoc's
``implicit_figures``). Labels come as ``{#fig:x}`` after the image or as ``\\label{fig:x}``
inside the caption (the JOSS habit); ``{ width=60% }`` becomes a safe inline style.
A paragraph ``Table: caption {#tbl:x}`` (or ``: caption``) next to a table is its caption.
"""

from __future__ import annotations

from markdown_it.rules_core import StateCore
from markdown_it.token import Token

from sitegen.render.attributes import parse_attributes, size_style, split_trailing
from sitegen.render.mdstate import DocState, Label, doc_state


def plain_text(tokens: list[Token]) -> str:
    """Readable text of inline tokens (for alt text and tables of contents)."""
    out: list[str] = []
    for tok in tokens:
        if tok.type in ("text", "code_inline", "math_inline", "html_inline"):
            out.append(tok.content if tok.type != "html_inline" else "")
        elif tok.type in ("softbreak", "hardbreak"):
            out.append(" ")
        elif tok.type in ("citation", "crossref"):
            out.append("")  # formatted only at render time; alt text goes without
        elif tok.children:
            out.append(plain_text(tok.children))
    return " ".join("".join(out).split())


def _take_label(children: list[Token]) -> tuple[list[Token], list[str]]:
    kept = [t for t in children if t.type != "latex_label"]
    return kept, [t.content for t in children if t.type == "latex_label"]


def image_attribute(image: Token, nxt: Token) -> None:
    """``![..](..){ width=60% }``: the attribute block after an image goes on the image,
    its text removed (called by ``markdown._attributes`` for each image in a run)."""
    if nxt.type != "text" or not nxt.content.startswith("{"):
        return
    close = nxt.content.find("}")
    attrs = parse_attributes(nxt.content[1:close]) if close > 0 else None
    if attrs is None:
        return
    nxt.content = nxt.content[close + 1 :]
    image.meta["attrs"] = attrs
    style = size_style(attrs)
    if style:
        image.attrSet("style", style)
    if attrs.classes:
        image.attrSet("class", " ".join(attrs.classes))


def _lone_image(inline: Token) -> Token | None:
    """The image a paragraph holds alone (blank text and soft breaks aside), or None."""
    found = None
    for tok in inline.children or []:
        kind = tok.type
        if kind == "softbreak" or (kind == "text" and (not tok.content or tok.content.isspace())):
            continue  # (isspace, not strip: a paragraph's long text is not copied)
        if kind != "image" or found is not None:
            return None
        found = tok
    return found


def _make_figure(doc: DocState, image: Token, line: int | None) -> list[Token]:
    children, names = _take_label(list(image.children or []))
    if children and children[-1].type == "text":
        children[-1].content = children[-1].content.rstrip()
    attrs = image.meta.get("attrs")
    if attrs is not None and attrs.id:
        names.insert(0, attrs.id)
    caption_text = plain_text(children) or str(image.attrGet("title") or "")
    number = str(doc.next_number("figure"))
    anchor = doc.unique_id(names[0] if names else f"fig-{number}")
    for name in names:
        doc.add_label(name, Label("figure", number, anchor, caption_text), line)
    alt = Token("text", "", 0)
    alt.content = caption_text
    image.children = [alt]
    image.attrs.pop("id", None)
    fig_open = Token("figure_open", "figure", 1)
    fig_open.attrSet("id", anchor)
    fig_open.attrSet("class", "figure")
    fig_open.map = image.map
    body = Token("inline", "", 0)
    body.children = [image]
    cap_open = Token("figcaption_open", "figcaption", 1)
    label = Token("html_inline", "", 0)
    label.content = f'<span class="figure-label">Figure {number}</span>' + (
        ": " if children else ""
    )
    cap = Token("inline", "", 0)
    cap.children = [label, *children]
    return [
        fig_open,
        body,
        cap_open,
        cap,
        Token("figcaption_close", "figcaption", -1),
        Token("figure_close", "figure", -1),
    ]


def figures(state: StateCore) -> None:
    """Core rule: paragraphs holding only an image become numbered ``<figure>``s."""
    doc = doc_state(state.env)
    tokens = state.tokens
    out: list[Token] = []
    done = 0  # tokens before this are in out
    for i, tok in enumerate(tokens):
        if (
            tok.type == "paragraph_open"
            and i + 2 < len(tokens)
            and tokens[i + 2].type == "paragraph_close"
            and (image := _lone_image(tokens[i + 1])) is not None
        ):
            out += tokens[done:i]
            image.map = tok.map
            out += _make_figure(doc, image, tok.map[0] if tok.map else None)
            done = i + 3
    if done:
        out += tokens[done:]
        state.tokens = out


def _caption_paragraph(tokens: list[Token], i: int) -> bool:
    if i < 0 or i + 2 >= len(tokens) or tokens[i].type != "paragraph_open":
        return False
    kids = tokens[i + 1].children or []
    return bool(kids) and kids[0].type == "text" and kids[0].content.startswith(("Table:", ": "))


def table_captions(state: StateCore) -> None:
    """Core rule: move a ``Table: ...`` paragraph into the neighbouring table as its caption."""
    doc = doc_state(state.env)
    tokens = state.tokens
    i = _next_of(tokens, "table_open", 0)
    while i < len(tokens):
        close = _next_of(tokens, "table_close", i)
        if _caption_paragraph(tokens, close + 1):
            para = close + 1
        elif _caption_paragraph(tokens, i - 3):
            para = i - 3
        else:
            i = _next_of(tokens, "table_open", close + 1)
            continue
        inline = tokens[para + 1]
        kids = list(inline.children or [])
        first = kids[0]
        first.content = first.content.split(":", 1)[1].lstrip()
        if kids[-1].type == "text":
            kids[-1].content, attrs = split_trailing(kids[-1].content)
        else:
            attrs = None
        kids, names = _take_label(kids)
        if attrs is not None and attrs.id:
            names.insert(0, attrs.id)
        number = str(doc.next_number("table"))
        table_open = tokens[i]
        anchor = doc.unique_id(names[0] if names else f"tbl-{number}")
        table_open.attrSet("id", anchor)
        para_map = tokens[para].map
        line = para_map[0] if para_map else None
        for name in names:
            doc.add_label(name, Label("table", number, anchor, plain_text(kids)), line)
        label = Token("html_inline", "", 0)
        label.content = f'<span class="table-label">Table {number}</span>: '
        inline.children = [label, *kids]
        caption = [
            Token("caption_open", "caption", 1),
            inline,
            Token("caption_close", "caption", -1),
        ]
        table_part = tokens[i : close + 1]
        new = [table_part[0], *caption, *table_part[1:]]
        lo, hi = (i, para + 3) if para > i else (para, close + 1)
        tokens[lo:hi] = new
        i = _next_of(tokens, "table_open", lo + len(new))
    state.tokens = tokens


def _next_of(tokens: list[Token], kind: str, start: int) -> int:
    """Index of the first ``kind`` token at or after ``start``; ``len(tokens)`` if none."""
    for i in range(start, len(tokens)):
        if tokens[i].type == kind:
            return i
    return len(tokens)
