"""Formulas to compare our latex2mathml path with latex2mathml's own, from real sources.

Every formula of the real papers (../shared/corpus) and of the demo journal, formulas
made by the benchmark corpus generator (../shared/bench/make_corpus.py), the edge cases
below, and seeded random mixtures of TeX pieces (most of which latex2mathml rejects,
which is the point: errors must match too).
"""

from __future__ import annotations

import random
from pathlib import Path

from markdown_it.token import Token
from synthetic import generator

from sitegen.render.doc import RenderContext
from sitegen.render.markdown import parse_markdown

REPO = Path(__file__).resolve().parents[2]
CORPUS = REPO.parent / "shared" / "corpus" / "joss"

Formula = tuple[str, bool, str | None]
"""TeX without delimiters, display or not, the LaTeX environment if any."""

EDGE_CASES = [
    r"\text{<script>alert(1)</script>}",
    r"\text{a<b} < c",
    r"\text{x<}",
    r"\text{a > b} > c",
    r"\text{a /> b}",
    r"\text{<a href=x>y</a>} x",
    r"\text{ id=3} x",
    r"\text{&amp;} \& a && b",
    r"\text{&lt} \text{&#x41;} \text{&#128;} \text{&#x0;} \text{&#9;}",
    r"\text{\"quoted\" and 'single'}",
    r"\text{é ü 中 😀} ∑ 𝑥",
    "\\text{a\u00a0b} \u00a0 x",
    "\\text{tab\there}",
    r"\foobar x + \unknowncmd",
    r"\frac{1}{",
    r"a^",
    r"x_1_2",
    r"\left( x",
    r"\verbx",
    r"\verb|a<b|",
    r"\mathrm{d}x \mathbb{R} \mathcal{L} \mathit{ab} \mathring{a}",
    r"\hspace{1em} \hspace{3 mm} 3 em \rule{1em}{2pt} \, \; \! \quad",
    r"\color{red} x \textcolor{blue}{z} \colorbox{red}{x}",
    r"\operatorname {x y} \operatorname*{argmax} \arg\max_x",
    r"\begin{pmatrix}a & b \\ c & d\end{pmatrix}",
    r"\begin{array}{c|l} a & b \\ \hline c & d \end{array}",
    r"\binom{n}{k} \overbrace{x} \underbrace{y} \xrightarrow{f} \sideset{}{'}\sum",
    r"\href{javascript:alert(1)}{x}",
    r"% a comment" + "\n" + r"x %",
    r"\newcommand{\x}{y} \x",
    r"\lVert x \rVert_2 \langle a \rangle",
]


def corpus_formulas() -> list[Formula]:
    """Every formula of the real papers and of the demo journal, in order, repeats kept."""
    files = sorted(CORPUS.glob("*/paper.md")) if CORPUS.is_dir() else []
    files += sorted((REPO / "content").rglob("*.md"))
    found: list[Formula] = []
    for path in files:
        parsed = parse_markdown(path.read_text(encoding="utf-8"), RenderContext(path="p.md"))
        stack = list(reversed(parsed.tokens))
        while stack:
            tok: Token = stack.pop()
            if tok.type in ("math_inline", "math_display"):
                found.append((tok.content, tok.type == "math_display", tok.meta.get("env")))
            stack.extend(reversed(tok.children or []))
    return found


def generated_formulas(count: int) -> list[Formula]:
    """``count`` formulas from the benchmark corpus generator (none if it is absent)."""
    module = generator()
    if module is None:
        return []
    writer = module.Writer(random.Random(1), ["key"])
    found: list[Formula] = []
    for n in range(count):
        if n % 3:
            found.append((writer.inline_math()[1:-1], False, None))
        else:
            found.append((writer.display_math().strip("$\n"), True, None))
    return found


_SPACED = r"""x y 2 3.5 .5 + - = < > & && \& " ' / | \| \{ \} { } { } ( ) [ ] _ ^ _2 ^3 ' '' \, \;
\! \: \\ \quad \alpha \sum \int \lim \frac \frac12 \sqrt \sqrt[3] \hat \vec \overline
\mathrm{d} \mathbb{R} \mathbf{x} \mathrm \mathit{ab} \boldsymbol \text{a<b} \text{&amp;}
\text{"q"&'r'} \text{é} \textbf{b} \operatorname{arg} \left( \right) \left. \middle|
\begin{matrix} \end{matrix} \begin{array}{cc} \end{array} \begin{cases} \end{cases} \color{red}
\hspace{1em} 3 em 2pt \foo \verb|x| \verbx \% % \# é 中 𝑥 \infty \binom{n}{k} \limits
\nolimits \displaystyle \tfrac \substack \pmod{p} \bmod \tag{1} \label{x} \lvert \rVert
\langle \over \hline \newcommand{\x}{y} \x \mathop{x} \dot \prime &#x41; &lt;"""
_ODD = ["\u00a0", "\t", "\n", "\r", "\x00", "\x85", "\ufffe", "\\text{\x0c}", "\\text{&#xD800;}"]
_PIECES = [*_SPACED.split(), *_ODD]


def random_formulas(count: int, seed: int = 1) -> list[Formula]:
    """Seeded random mixtures of TeX pieces, some spaced, some run together."""
    rng = random.Random(seed)
    envs = (None, None, "align", "equation*", "gather", "eqnarray")
    found: list[Formula] = []
    for _ in range(count):
        pieces = rng.choices(_PIECES, k=rng.randint(1, 10))
        tex = " ".join(pieces) if rng.random() < 0.7 else "".join(pieces)
        found.append((tex, rng.random() < 0.5, rng.choice(envs)))
    return found
