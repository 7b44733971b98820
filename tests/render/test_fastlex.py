"""The joined-alternation lexer driver gives Pygments' tokens exactly."""

from __future__ import annotations

import inspect
import random

import pygments.lexers.python as pygments_python
import pytest
from pygments.lexers import get_lexer_by_name

from sitegen.render.fastlex import FastRegexLexer, segments, wrap

SAMPLES = [
    "",
    "\n",
    "x",
    'import numpy as np\n\n\ndef f(a, b=0.5):\n    """Doc."""\n    return rb"x" + f"{a!r}"\n',
    "s = 'unterminated\nnext = 1\r\n\tz = 2 # comment\n",
    'cat <<-EOF\nhello $USER\nEOF\nfor i in $(seq 3); do echo "$i"; done\n',
    "x <- c(1, 2)\nlibrary(ggplot2)\nfunction(a) { a %>% head }\n",
    "using LinearAlgebra\nf(x::Float64) = x^2 # ü ∑\n",
    "€ ünïcode \x00 @@@ ```\n",
    '#include <stdio.h>\n/* block\n comment */ int main(void) { printf("%d\\n", 0x1F); }\n',
    "<html><!-- c --><a href='x' class=\"y\">t &amp; u</a><script>var x = /re/g;</script></html>\n",
    "\\begin{equation} \\alpha_{i} = \\frac{1}{2} % note\n\\end{equation}\n",
    '[section]\nkey = "value" # c\nlist = [1, 2.5e-3, true]\n{"a": [null, -1]}\n',
    "(defun f (x) (* x 2)) ; lisp\nlet rec f x = match x with | 0 -> 1 | n -> n * f (n-1)\n",
    "SELECT a, COUNT(*) FROM t WHERE b = 'x''y' GROUP BY a; -- c\n",
    'fn main() { let s: &str = r#"raw"#; println!("{}", \'c\'); } // ok\n',
    "@decorator\nclass Ünïcode(Base):\n    λ = 1_000.5j; __init__ = None; self.x = ...\n",
    "    indented\n\ttabbed\t\r\nwindows\r\n\n\n   trailing   ",
]


def _known(names: list[str]) -> list[str]:
    """The names the installed Pygments has a lexer for (releases drop some: 2.21 has no
    ``ipython``); what is compared is each of those against Pygments itself."""
    from pygments.lexers import find_lexer_class_by_name
    from pygments.util import ClassNotFound

    known = []
    for name in names:
        try:
            find_lexer_class_by_name(name)
        except ClassNotFound:
            continue
        known.append(name)
    return known


LANGUAGES = _known([
    "python", "python2", "cython", "ipython", "bash", "zsh", "r", "julia", "rust",
    "javascript", "typescript", "jsx", "toml", "html", "xml", "css", "scss", "less", "java",
    "go", "perl", "sql", "tex", "latex", "matlab", "octave", "fortran", "haskell", "scala",
    "kotlin", "docker", "ini", "markdown", "rst", "diff", "powershell", "csharp", "ocaml",
    "erlang", "clojure", "nim", "zig", "dart", "stan", "mathematica", "stata", "cmake", "nix",
    "awk", "tcl", "prolog", "coq", "idris", "sparql", "turtle", "graphql", "protobuf",
    "gnuplot", "nginx", "groovy", "d", "ada", "verilog", "llvm", "nasm",
])  # fmt: skip
"""Regular-expression lexers across the languages papers show, all driven by fastlex."""


def _fuzz(seed: int, count: int = 6, size: int = 160) -> list[str]:
    """Random strings of code-like characters: they reach states and rule orders no
    hand-written sample does (unterminated strings, stray escapes, odd nesting)."""
    alphabet = "abcdefxyzABCXYZ_019 \t\n\n\r\"'`\\#%$@!?.,:;=+-*/<>()[]{}|&^~éλ€∑ü"
    rng = random.Random(seed)
    return ["".join(rng.choices(alphabet, k=size)) for _ in range(count)]


def _corpus() -> list[str]:
    real = inspect.getsource(pygments_python)
    return [*SAMPLES, real[:6000], real[20000:24000], *_fuzz(1)]


@pytest.mark.parametrize("lang", LANGUAGES)
def test_same_tokens_as_pygments(lang: str) -> None:
    lexer = get_lexer_by_name(lang, stripnl=False, ensurenl=False)
    fast = wrap(lexer)
    assert isinstance(fast, FastRegexLexer)
    for text in _corpus():
        assert list(fast.get_tokens_unprocessed(text)) == list(lexer.get_tokens_unprocessed(text))
        assert list(fast.get_tokens(text)) == list(lexer.get_tokens(text))
        assert fast.token_list(text) == list(lexer.get_tokens(text))


def test_same_tokens_on_many_random_texts() -> None:
    """A few lexers with many states, over more random texts than the corpus above."""
    for lang in ["python", "bash", "r", "julia", "javascript", "html", "rust", "tex"]:
        lexer = get_lexer_by_name(lang, stripnl=False, ensurenl=False)
        fast = wrap(lexer)
        for text in _fuzz(sum(map(ord, lang)), count=40, size=120):
            assert list(fast.get_tokens_unprocessed(text)) == list(
                lexer.get_tokens_unprocessed(text)
            )


def test_costly_rules_are_kept_alone_and_the_rest_joined() -> None:
    lexer = get_lexer_by_name("python")
    rules = lexer._tokens["root"]
    assert len(rules) > 50
    parts = segments(rules)
    joined = [by_group for _, by_group, _ in parts if by_group is not None]
    alone = [rule for _, by_group, rule in parts if by_group is None]
    # word lists and the Unicode identifier sets keep their own compiled patterns
    costly = [
        r for r in rules if len(r[0].__self__.pattern) > 256 or not r[0].__self__.pattern.isascii()
    ]
    assert len(costly) >= 4 and all(any(rule is a for a in alone) for rule in costly)
    # the rest join (leading (?i) flags and empty default rules too), in a few runs
    assert sum(len(group) for group in joined) + len(alone) == len(rules)
    assert len(joined) <= len(costly) + 1 and len(alone) < 10


def test_only_rules_that_can_begin_at_a_character_are_tried() -> None:
    fast = wrap(get_lexer_by_name("python", stripnl=False, ensurenl=False))
    list(fast.get_tokens_unprocessed("x = (1, 'a')\n"))
    root = fast._tables["root"]
    tried = {ch: sum(len(g) if g else 1 for _, g, _ in root[ch]) for ch in root}
    assert tried["("] == 1 and tried["1"] < 7 and tried[" "] < 6
    assert tried["x"] < 6 < len(fast.lexer._tokens["root"])


def test_back_references_keep_their_rule_alone() -> None:
    lexer = get_lexer_by_name("bash")
    parts = segments(lexer._tokens["root"])
    alone = [rule for _, by_group, rule in parts if by_group is None]
    assert any(rule is not None and "\\2" in rule[0].__self__.pattern for rule in alone)
    assert len(parts) < len(lexer._tokens["root"])


def test_non_regex_lexer_is_left_alone() -> None:
    lexer = get_lexer_by_name("pycon")  # a lexer with its own token loop
    assert wrap(lexer) is lexer


def test_highlighter_joins_a_lexer_from_its_second_block() -> None:
    from sitegen.render.highlight import Highlighter

    highlighter = Highlighter()
    code = SAMPLES[3]
    first = highlighter(code, "python")
    assert not isinstance(highlighter._lexers["python"], FastRegexLexer)
    second = highlighter(code, "python")
    assert isinstance(highlighter._lexers["python"], FastRegexLexer)
    assert first == second == highlighter(code, "python")
    assert '<span class="kn">import</span>' in first


def test_token_list_applies_the_lexer_s_filters() -> None:
    """With filters, ``token_list`` is still ``list(get_tokens(...))`` (Pygments' path)."""
    lexer = get_lexer_by_name("python", stripnl=False, ensurenl=False)
    lexer.add_filter("keywordcase", case="upper")
    fast = wrap(lexer)
    text = "def f(x):\n    return None\n"
    assert fast.token_list(text) == list(lexer.get_tokens(text))
    assert ("DEF" in {v for _, v in fast.token_list(text)}) and fast.token_list("") == []
