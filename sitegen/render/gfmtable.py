"""GFM tables, parsed as markdown-it-py 4.x's ``table`` rule parses them, with less work.

A paper's table is ~8 rows of ~5 cells, and markdown-it splits each row into cells one
character at a time (to honour ``\\|``), a function call per character: most of the
rule's time. ``table_rule`` splits a row without a backslash with ``str.split`` and
checks the delimiter row with a regular expression; everything else (which lines
make a table, the tokens, their maps and alignments, the limit on filled-in cells) is
as markdown-it's rule has it. It is installed with the quick parsers
(``quickparse.use_quick_parsers``, whose ``new_token`` it makes tokens with), so only
with the release it was checked against;
the tests compare tokens with markdown-it's rule over the samples and table cases.
"""

from __future__ import annotations

import re

from markdown_it.common.utils import mdTrim
from markdown_it.rules_block import StateBlock

from sitegen.render.quickparse import new_token

_HEADER_CELL = re.compile(r"^:?-+:?$")
_DELIMITER_REST = re.compile(r"[-:| \t]*")
MAX_FILLED_CELLS = 0x10000
"""Empty cells a table may have filled in (rows shorter than the header), as
markdown-it limits them: beyond, the table ends."""


def _cells(row: str) -> list[str]:
    """The row split at each pipe not escaped by a backslash; an escaped pipe stays in
    its cell without the backslash (a backslash before a backslash escapes nothing)."""
    if "\\" not in row:
        return row.split("|")
    cells: list[str] = []
    current: list[str] = []
    start = 0
    escaped = False
    for pos, ch in enumerate(row):
        if ch == "|":
            if escaped:
                current.append(row[start : pos - 1])
                start = pos
            else:
                current.append(row[start:pos])
                cells.append("".join(current))
                current = []
                start = pos + 1
        escaped = ch == "\\"
    current.append(row[start:])
    cells.append("".join(current))
    return cells


def _line(state: StateBlock, line: int) -> str:
    return state.src[state.bMarks[line] + state.tShift[line] : state.eMarks[line]]


def _alignments(delimiters: str) -> list[str] | None:
    """Each column's alignment from the delimiter row, or None if it is not one."""
    if len(delimiters) < 2:
        return None
    first, second = delimiters[0], delimiters[1]
    if first not in ("|", "-", ":") or second not in ("|", "-", ":", " ", "\t"):
        return None
    if first == "-" and second in (" ", "\t"):
        return None  # a list item, not a table
    if _DELIMITER_REST.fullmatch(delimiters, 2) is None:
        return None
    columns = delimiters.split("|")
    aligns: list[str] = []
    for i, column in enumerate(columns):
        text = mdTrim(column)
        if not text:
            if i == 0 or i == len(columns) - 1:
                continue  # outer pipes
            return None
        if not _HEADER_CELL.search(text):
            return None
        if text[-1] == ":":
            aligns.append("center" if text[0] == ":" else "right")
        elif text[0] == ":":
            aligns.append("left")
        else:
            aligns.append("")
    return aligns


def _row_cells(text: str) -> list[str]:
    cells = _cells(text)
    if cells and cells[0] == "":
        cells.pop(0)
    if cells and cells[-1] == "":
        cells.pop()
    return cells


def table_rule(state: StateBlock, startLine: int, endLine: int, silent: bool) -> bool:  # noqa: N803
    """Block rule: a header row, a delimiter row and body rows up to a blank line or
    the start of another block."""
    if startLine + 2 > endLine:
        return False
    next_line = startLine + 1
    if state.sCount[next_line] < state.blkIndent or state.is_code_block(next_line):
        return False
    aligns = _alignments(_line(state, next_line))
    if aligns is None:
        return False
    header = mdTrim(_line(state, startLine))
    if "|" not in header or state.is_code_block(startLine):
        return False
    columns = _row_cells(header)
    count = len(columns)
    if count == 0 or count != len(aligns):
        return False
    if silent:
        return True

    old_parent = state.parentType
    state.parentType = "table"
    terminators = state.md.block.ruler.getRules("blockquote")

    token = state.push("table_open", "table", 1)
    token.map = table_lines = [startLine, 0]
    token = state.push("thead_open", "thead", 1)
    token.map = [startLine, startLine + 1]
    _push_row(state, "th", startLine, columns, aligns, count)
    state.push("thead_close", "thead", -1)

    body_lines: list[int] | None = None
    filled = 0
    line = startLine + 2
    while line < endLine:
        if state.sCount[line] < state.blkIndent:
            break
        if any(rule(state, line, endLine, True) for rule in terminators):
            break
        text = mdTrim(_line(state, line))
        if not text or state.is_code_block(line):
            break
        cells = _row_cells(text)
        filled += count - len(cells)
        if filled > MAX_FILLED_CELLS:
            break
        if line == startLine + 2:
            token = state.push("tbody_open", "tbody", 1)
            token.map = body_lines = [startLine + 2, 0]
        _push_row(state, "td", line, cells, aligns, count)
        line += 1

    if body_lines:
        state.push("tbody_close", "tbody", -1)
        body_lines[1] = line
    state.push("table_close", "table", -1)
    table_lines[1] = line
    state.parentType = old_parent
    state.line = line
    return True


def _push_row(
    state: StateBlock, cell: str, line: int, cells: list[str], aligns: list[str], count: int
) -> None:
    """One table row of ``count`` cells (``th`` or ``td``) on ``line``; missing cells are
    empty, as markdown-it fills them. The tokens are ``state.push``'s (block tokens at
    their levels), made here without a call for each."""
    level = state.level
    opening, closing = f"{cell}_open", f"{cell}_close"
    row = new_token("tr_open", "tr", 1)
    row.map = [line, line + 1]
    row.level = level
    row.block = True
    made = [row]
    filled = len(cells)
    for i in range(count):
        token = new_token(opening, cell, 1)
        if aligns[i]:
            token.attrs = {"style": "text-align:" + aligns[i]}
        token.level = level + 1
        token.block = True
        inline = new_token("inline", "", 0)
        inline.map = [line, line + 1]
        inline.content = mdTrim(cells[i]) if i < filled and cells[i] else ""
        inline.children = []
        inline.level = level + 2
        inline.block = True
        token_close = new_token(closing, cell, -1)
        token_close.level = level + 1
        token_close.block = True
        made += (token, inline, token_close)
    row_close = new_token("tr_close", "tr", -1)
    row_close.level = level
    row_close.block = True
    made.append(row_close)
    state.tokens += made
