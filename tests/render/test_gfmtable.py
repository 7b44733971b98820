"""``gfmtable.table_rule`` makes the tokens markdown-it's ``table`` rule makes."""

from __future__ import annotations

import random
from typing import Any

import pytest
from markdown_it.rules_block import StateBlock
from markdown_it.rules_block.table import escapedSplit
from markdown_it.rules_block.table import table as markdown_table
from markdown_samples import markdown_sources
from test_dispatch import TRICKY

from sitegen.render import markdown as md_module
from sitegen.render.doc import RenderContext
from sitegen.render.gfmtable import _cells, table_rule
from sitegen.render.mdstate import ENV_KEY, DocState

TABLES = [
    "| a | b |\n|:--|--:|\n| 1 | 2 |\n| 3 |\n| 4 | 5 | 6 |\n\nafter\n",
    "a | b\n--|--\n1 | 2\n",
    "| a \\| b | c |\n|---|:-:|\n| x \\\\| y | z\\|w |\n| \\| | \\\\ |\n",
    "|a|\n|-|\n|b|\n> quote ends it\n\n|a|\n|-|\n|b|\n# heading ends it\n",
    "- a\n  | x | y |\n  |---|---|\n  | 1 | 2 |\n- b\n\n> | q |\n> |---|\n> | r |\n",
    "| a | b |\n| - | - |\n\n| a | b |\n|---|\n| 1 | 2 |\n\n| a |\n|---||---|\n",
    "- | - |\n\n|---|\n|---|\n\na\n-\n\na | b\n-|-\n",
    "    | code |\n    |---|\n\n| a |\n    |---|\n\n| a |\n|---|\n    | code row |\n",
    "| a |\n|---|\n|\u2003b\u2003|\n| |\n|\tc\t|\n\n|\u00a0x |\n|:-:|\n",
    "para\n| a | b |\n|---|---|\n| 1 | 2 |\n",
    "| a | b |\n|---|---|\n| 1 | 2 |\nlazy line\n\n| a |\n| --- |\n```\nfence\n```\n",
    "|a|b|\n|-:|:-|\n|1|2|\n|\n\nTable: caption {#tbl:t}\n",
]

SOURCES = markdown_sources([*TRICKY, *TABLES], "table")


def _env() -> dict[str, Any]:
    return {ENV_KEY: DocState(ctx=RenderContext(path="x.md"))}


def test_the_paper_parser_uses_it() -> None:
    md = md_module.make_parser()
    assert [r.fn for r in md.block.ruler.__rules__ if r.name == "table"] == [table_rule]


@pytest.mark.parametrize(("name", "text"), SOURCES, ids=[s[0] for s in SOURCES])
def test_tokens_are_markdown_its(name: str, text: str) -> None:
    ours = md_module.make_parser()
    theirs = md_module.make_parser.__wrapped__()
    theirs.block.ruler.at("table", markdown_table)
    tokens_a, tokens_b = ours.parse(text, _env()), theirs.parse(text, _env())
    assert [t.as_dict() for t in tokens_a] == [t.as_dict() for t in tokens_b]


CASES = SOURCES[: len(TRICKY) + len(TABLES) + 4]  # the cases, the fixture, three papers


@pytest.mark.parametrize(("name", "text"), CASES, ids=[s[0] for s in CASES])
def test_every_line_is_judged_as_markdown_it_judges_it(name: str, text: str) -> None:
    """At every line and end, silent or not: the same answer, line and tokens."""
    md = md_module.make_parser()
    lines = text.count("\n") + 1
    for start in range(lines):
        for end in (start + 1, start + 2, lines):
            for silent in (True, False):
                found = []
                for rule in (table_rule, markdown_table):
                    state = StateBlock(text, md, _env(), [])
                    if start >= state.lineMax:
                        continue
                    ok = rule(state, start, min(end, state.lineMax), silent)
                    found.append((ok, state.line, [t.as_dict() for t in state.tokens]))
                assert found[:1] == found[1:], (start, end, silent)


def test_cells_split_as_markdown_it_splits_them() -> None:
    rng = random.Random(11)
    for _ in range(20000):
        row = "".join(rng.choice("ab|\\ ") for _ in range(rng.randint(0, 10)))
        assert _cells(row) == escapedSplit(row), row
