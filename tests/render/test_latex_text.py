"""LaTeX-to-Unicode decoding of BibTeX text."""

from __future__ import annotations

import pytest

from sitegen.render.latex_text import latex_to_unicode, verbatim_to_unicode


@pytest.mark.parametrize(
    ("tex", "plain"),
    [
        (r"G{\"o}del", "Gödel"),
        (r"\AA{}ngstr{\"o}m", "Ångström"),
        (r"M\"{u}ller", "Müller"),
        (r"M\"uller", "Müller"),
        (r"Gar\c{c}on", "Garçon"),
        (r"Gar\c con", "Garçon"),
        (r"{\o}rsted", "ørsted"),
        (r"Mart\'{\i}n", "Martín"),
        (r"\v{S}imon", "Šimon"),
        (r"Erd\H{o}s", "Erdős"),
        (r"We\ss{}els", "Weßels"),
        (r"H{\ifmmode\ddot{a}\else\"{a}\fi}uselmann", "Häuselmann"),
        (r"Rosi\ifmmode \acute{n}\else \'{n}\fi{}ska", "Rosińska"),
        (r"{M}ixed elements in $\mathbb{{R}}^3$", "Mixed elements in ℝ³"),
        (r"CO$_2$ at T$_{eff}$", "CO₂ at Teff"),
        (r"{$\gamma$}H2AX {$>$}105", "γH2AX >105"),
        (r"1--2 --- ``quoted''", "1–2 — “quoted”"),
        (r"\textit{Italic} and \textbf{bold} \emph{x}", "Italic and bold x"),
        (r"H\textsubscript{2}O", "H₂O"),
        (r"\url{https://x.org}", "https://x.org"),
        (r"\href{https://x.org}{text}", "text"),
        (r"{\noopsort{a}}Zeta", "Zeta"),
        (r"5\% \& \$ \#1 \_", "5% & $ #1 _"),
        (r"\apj", "ApJ"),
        ("  many \n  spaces  ", "many spaces"),
        (r"unknown \foo{arg} \baz", "unknown arg baz"),
        ("unbalanced } and { braces", "unbalanced and braces"),
        ("trailing \\", "trailing"),
    ],
)
def test_latex_to_unicode(tex: str, plain: str) -> None:
    assert latex_to_unicode(tex) == plain


def test_verbatim_fields_keep_url_characters() -> None:
    assert verbatim_to_unicode(r"https://x.org/~me/a--b\_c\%20{}") == "https://x.org/~me/a--b_c%20"
    assert verbatim_to_unicode(r"\url{https://x.org/\textasciitilde{}me}") == "https://x.org/~me"
