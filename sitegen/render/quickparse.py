"""markdown-it's block and inline parsers with less work per document, run and token.

A paper's two documents make ~330 tokens, most of them table cells and paragraphs, and
markdown-it makes each through the ``Token`` dataclass's ``__init__`` and
``__post_init__`` (which turns ``attrs=None`` into a dict): ~0.29 us a token, against
~0.17 us for filling the thirteen slots directly (``new_token``). ``QuickStateBlock`` and
``QuickStateInline`` push tokens made so, and the block state finds its line marks
without looking at each character of a line's indentation (most lines have none).
``QuickParserInline`` turns a run without any character where an inline rule could
start into its text token directly (three runs in five: table cells, plain sentences),
where the full parse would make the same single token with a ``StateInline`` and seven
rule calls.

``use_quick_parsers`` installs them (from ``dispatch.use_dispatch``) only where the
markdown-it-py release is the one ``dispatch.CHECKED_WITH`` names and ``Token`` has
exactly the fields ``new_token`` fills, with ``gfmtable.table_rule`` for markdown-it's
``table`` rule. ``join_text`` (markdown-it's ``text_join`` core
rule, passing over the runs it leaves as they are) reads nothing but tokens and is used
with any release. The tests compare tokens and HTML with plain markdown-it's over the
real papers, the samples and tricky constructs.
"""

from __future__ import annotations

import dataclasses
import string
from typing import Any, Literal

from markdown_it import MarkdownIt
from markdown_it.common.utils import mdTrim
from markdown_it.parser_block import ParserBlock
from markdown_it.parser_inline import ParserInline
from markdown_it.rules_block import StateBlock
from markdown_it.rules_block.paragraph import paragraph as markdown_paragraph
from markdown_it.rules_block.table import table as markdown_table
from markdown_it.rules_core import StateCore
from markdown_it.rules_inline import StateInline
from markdown_it.token import Token
from markdown_it.utils import EnvType

TOKEN_FIELDS = (
    *("type", "tag", "nesting", "attrs", "map", "level", "children", "content", "markup"),
    *("info", "meta", "block", "hidden"),
)
"""``Token``'s fields, all of which ``new_token`` sets."""

_PLAIN_POST = frozenset(("balance_pairs", "strikethrough", "emphasis", "fragments_join"))
"""Post-processing rules that leave a lone text token as it is."""


LONE_LINE_REFUSED = frozenset(
    (
        *("table", "code", "fence", "blockquote", "hr", "list", "footnote_def", "reference"),
        *("html_block", "heading", "lheading", "deflist"),
    )
)
"""Block rules that refuse a lone line (see ``QuickParserBlock._tokenize_top``): none
starts at one of ``_LONE_STARTS``, ``table`` and ``lheading`` need a next line that is not blank,
``code`` indentation, ``deflist`` a ``:`` or ``~`` line after the blank one (which the
quick path leaves to the rules). ``tests/render/test_quickparse.py`` runs each on every
lone line of the samples."""
_LONE_STARTS = frozenset(string.ascii_letters + "!$\\@(\"'")
"""What a lone line may start with: ASCII letters and characters no block rule starts
at, of those a paragraph often does (an image, a formula, a LaTeX command, a citation)."""


def _first_char(state: StateBlock, line: int) -> str:
    """The line's first character after its indentation ("" when blank)."""
    pos = state.bMarks[line] + state.tShift[line]
    return state.src[pos : pos + 1]


def tokens_fit() -> bool:
    """Whether ``Token`` has exactly ``TOKEN_FIELDS`` (then ``new_token`` makes whole ones)."""
    return tuple(f.name for f in dataclasses.fields(Token)) == TOKEN_FIELDS


def new_token(ttype: str, tag: str, nesting: Literal[-1, 0, 1]) -> Token:
    """``Token(ttype, tag, nesting)``, its slots filled without the dataclass machinery."""
    token = Token.__new__(Token)
    token.type = ttype
    token.tag = tag
    token.nesting = nesting
    token.attrs = {}
    token.map = None
    token.level = 0
    token.children = None
    token.content = ""
    token.markup = ""
    token.info = ""
    token.meta = {}
    token.block = False
    token.hidden = False
    return token


class QuickStateBlock(StateBlock):
    """``StateBlock`` with quicker line marks and ``push``."""

    def __init__(self, src: str, md: MarkdownIt, env: EnvType, tokens: list[Token]) -> None:
        super().__init__("", md, env, tokens)  # every field, the marks of no line
        self.src = src
        begins: list[int] = []
        ends: list[int] = []
        shifts: list[int] = []
        counts: list[int] = []
        length = len(src)
        start = 0
        for line in src.split("\n"):
            if start >= length:
                break  # the empty piece after a final newline
            end = start + len(line)
            if line[:1] in (" ", "\t"):  # (not "": an empty line has no indentation)
                indent = offset = 0
                for ch in line:
                    if ch == " ":
                        offset += 1
                    elif ch == "\t":
                        offset += 4 - offset % 4
                    else:
                        break
                    indent += 1
                if indent == len(line) and end == length:
                    break  # a last line of only spaces/tabs, unterminated, has no marks
            else:
                indent = offset = 0
            begins.append(start)
            ends.append(end)
            shifts.append(indent)
            counts.append(offset)
            start = end + 1
        # and the entry after the last line, as markdown-it has it
        begins.append(length)
        ends.append(length)
        shifts.append(0)
        counts.append(0)
        self.bMarks, self.eMarks, self.tShift, self.sCount = begins, ends, shifts, counts
        self.bsCount = [0] * len(begins)
        self.lineMax = len(begins) - 1

    def push(self, ttype: str, tag: str, nesting: Literal[-1, 0, 1]) -> Token:
        token = new_token(ttype, tag, nesting)
        token.block = True
        if nesting < 0:
            self.level -= 1
        token.level = self.level
        if nesting > 0:
            self.level += 1
        self.tokens.append(token)
        return token


class QuickStateInline(StateInline):
    """``StateInline`` whose ``push`` and ``pushPending`` make tokens with ``new_token``."""

    def pushPending(self) -> Token:  # noqa: N802 -- markdown-it's name
        token = new_token("text", "", 0)
        token.content = self.pending
        token.level = self.pendingLevel
        self.tokens.append(token)
        self.pending = ""
        return token

    def push(self, ttype: str, tag: str, nesting: Literal[-1, 0, 1]) -> Token:
        if self.pending:
            self.pushPending()
        token = new_token(ttype, tag, nesting)
        token_meta = None
        if nesting < 0:
            self.level -= 1
            self.delimiters = self._prev_delimiters.pop()
        token.level = self.level
        if nesting > 0:
            self.level += 1
            self._prev_delimiters.append(self.delimiters)
            self.delimiters = []
            token_meta = {"delimiters": self.delimiters}
        self.pendingLevel = self.level
        self.tokens.append(token)
        self.tokens_meta.append(token_meta)
        return token


class QuickParserBlock(ParserBlock):
    """``ParserBlock`` parsing into a ``QuickStateBlock``."""

    def parse(
        self,
        src: str,
        md: MarkdownIt,
        env: EnvType,
        outTokens: list[Token],  # noqa: N803
    ) -> list[Token] | None:
        if not src:
            return None
        state = QuickStateBlock(src, md, env, outTokens)
        if self._lone_lines_quick():
            self._tokenize_top(state)
        else:
            self.tokenize(state, state.line, state.lineMax)
        return state.tokens

    _lone_known: tuple[list[Any], bool] | None = None
    """The rule chain ``_lone_lines_quick`` last looked at, and its answer."""

    def _lone_lines_quick(self) -> bool:
        """Whether the enabled rules are ``paragraph`` (markdown-it's) and rules known to
        refuse a lone line (see ``_tokenize_top``); decided again only when the chain is
        rebuilt (a rule added or switched)."""
        rules = self.ruler.getRules("")
        known = self._lone_known
        if known is None or known[0] is not rules:
            active = self.ruler.get_active_rules()
            fns = {rule.name: rule.fn for rule in self.ruler.__rules__ if rule.enabled}
            quick = fns.get("paragraph") is markdown_paragraph and LONE_LINE_REFUSED.issuperset(
                name for name in active if name != "paragraph"
            )
            known = self._lone_known = (rules, quick)
        return known[1]

    def _tokenize_top(self, state: QuickStateBlock) -> None:
        """``ParserBlock.tokenize`` over the whole text, making a lone line (a paragraph
        of one unindented line starting with one of ``_LONE_STARTS``, a blank line or
        the end after it) into its paragraph at once: where every other rule refuses it
        (``LONE_LINE_REFUSED``), as ``paragraph`` makes it. Most of a paper's
        paragraphs are such lines, and the chain of rules took ~1 us more for each.

        Only at the top level: nested blocks (lists, quotes, notes) run ``tokenize``.
        """
        rules = self.ruler.getRules("")
        end = state.lineMax
        max_nesting = state.md.options.maxNesting
        has_empty = False
        src, begins, ends, shifts = state.src, state.bMarks, state.eMarks, state.tShift
        line = state.line
        while line < end:
            state.line = line = state.skipEmptyLines(line)
            if line >= end:
                break
            if state.sCount[line] < state.blkIndent:
                break
            if state.level >= max_nesting:
                state.line = end
                break
            start = begins[line]
            after = line + 1
            if (
                shifts[line] == 0
                and state.blkIndent == 0
                and src[start] in _LONE_STARTS
                and (after == end or begins[after] + shifts[after] >= ends[after])
                and (after + 1 >= end or _first_char(state, after + 1) not in (":", "~"))
            ):
                state.line = after
                level = state.level
                token = new_token("paragraph_open", "p", 1)
                token.map = [line, after]
                token.level = level
                token.block = True
                inline = new_token("inline", "", 0)
                inline.content = mdTrim(src[start : ends[line]])
                inline.map = [line, after]
                inline.level = level + 1
                inline.children = []
                inline.block = True
                closing = new_token("paragraph_close", "p", -1)
                closing.level = level
                closing.block = True
                state.tokens += (token, inline, closing)
            else:
                ok = False
                for rule in rules:
                    ok = rule(state, line, end, False)
                    if ok:
                        if state.line <= line:
                            raise RuntimeError("block rule didn't increment state.line")
                        break
                if not ok:
                    raise RuntimeError("none of the block rules matched")
            state.tight = not has_empty
            line = state.line
            if (line - 1) < end and state.isEmpty(line - 1):
                has_empty = True
            if line < end and state.isEmpty(line):
                has_empty = True
                line += 1
                state.line = line


class QuickParserInline(ParserInline):
    """``ParserInline`` parsing into a ``QuickStateInline``, a plain run at once."""

    _plain_known: tuple[list[Any], list[Any], bool, bool] | None = None
    """The rule chains ``_known`` last looked at, and its answers."""

    def parse(self, src: str, md: MarkdownIt, env: EnvType, tokens: list[Token]) -> list[Token]:
        # With ``text`` the first rule, it takes every character up to a terminator (one
        # where some rule may start), so a run with none is one text token, which the
        # post-processing rules in _PLAIN_POST leave as it is; in any other run, it
        # takes what comes before the first terminator (found here anyway) at once.
        found = self.terminator_re.search(src) if src else None
        _, _, text_first, plain_whole = self._known()
        if src and found is None and plain_whole:
            token = new_token("text", "", 0)
            token.content = src
            tokens.append(token)
            return tokens
        state = QuickStateInline(src, md, env, tokens)
        if found is not None and found.start() and text_first and md.options["maxNesting"] > 0:
            state.append_pending(src[: found.start()])  # as ``text`` would, first
            state.pos = found.start()
        self.tokenize(state)
        for rule in self.ruler2.getRules(""):
            rule(state)
        return state.tokens

    def _plain_runs_whole(self) -> bool:
        """Whether ``text`` is the first rule and all post-processing is in _PLAIN_POST."""
        return self._known()[3]

    def _known(self) -> tuple[list[Any], list[Any], bool, bool]:
        """The rule chains, whether ``text`` is the first rule, and whether besides all
        post-processing is in _PLAIN_POST; decided again only when a ruler's chain is
        rebuilt (a rule added or switched)."""
        rules, post = self.ruler.getRules(""), self.ruler2.getRules("")
        known = self._plain_known
        if known is None or known[0] is not rules or known[1] is not post:
            first = self.ruler.get_active_rules()[:1] == ["text"]
            whole = first and _PLAIN_POST.issuperset(self.ruler2.get_active_rules())
            known = self._plain_known = (rules, post, first, whole)
        return known


def _quick(parser: object, cls: type[object]) -> object:
    """``parser`` as an instance of its subclass ``cls``, with the same rulers."""
    quick = cls.__new__(cls)
    quick.__dict__.update(vars(parser))
    return quick


def use_quick_parsers(md: MarkdownIt) -> None:
    """Give ``md`` the quick block and inline parsers (keeping its rules), when ``Token``
    has the fields ``new_token`` fills; the caller checks the release."""
    if not tokens_fit():
        return
    from sitegen.render.gfmtable import table_rule  # (which makes tokens with new_token)

    block, inline = _quick(md.block, QuickParserBlock), _quick(md.inline, QuickParserInline)
    assert isinstance(block, QuickParserBlock) and isinstance(inline, QuickParserInline)
    md.block, md.inline = block, inline
    for rule in block.ruler.__rules__:
        if rule.name == "table" and rule.fn is markdown_table:
            block.ruler.at("table", table_rule)


def join_text(state: StateCore) -> None:
    """markdown-it's core ``text_join`` rule (an escaped character's ``text_special``
    token becomes text, and adjacent text tokens one, in each run and in an image's alt
    text), passing over the runs of one text token (three in five), which it leaves.
    (Used whatever the release: it reads nothing but tokens.)"""
    for block in state.tokens:
        if block.type != "inline":
            continue
        kids = block.children
        if kids is not None and len(kids) == 1 and kids[0].type == "text" and not kids[0].children:
            continue
        kids = kids or []
        for kid in kids:
            if kid.children:
                kid.children = _joined(kid.children)
        block.children = _joined(kids)


def _joined(tokens: list[Token]) -> list[Token]:
    """``tokens`` with ``text_special`` as ``text`` and each run of text tokens one."""
    out: list[Token] = []
    parts: list[str] | None = None  # the run's texts, joined into out[-1] at its end
    for tok in tokens:
        if tok.type == "text_special":
            tok.type = "text"
        if tok.type == "text" and out and out[-1].type == "text":
            if parts is None:
                parts = [out[-1].content]
            parts.append(tok.content)
            continue
        if parts is not None:
            out[-1].content = "".join(parts)
            parts = None
        out.append(tok)
    if parts is not None:
        out[-1].content = "".join(parts)
    return out
