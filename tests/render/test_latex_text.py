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


def _decoded_the_long_way(text: str) -> str:
    """``latex_to_unicode`` without its shortcuts: decode everything, collapse every run."""
    import unicodedata

    from sitegen.render.latex_text import _IFMMODE, _SPACES, _decode

    if "\\" in text:
        text = _IFMMODE.sub(lambda m: "{" + m.group(2) + "}", text)
    out, _ = _decode(text, 0, math=False, stop="")
    return _SPACES.sub(" ", unicodedata.normalize("NFC", out)).strip()


def test_shortcuts_decode_as_the_long_way() -> None:
    import random

    rng = random.Random(3)
    alphabet = "aZé e\u0301 -'`\t\n\u00a0\u2003{}\\$~^_\"o"
    samples = ["Non-linear O'Brien's `x' model", "a - b", "  two  spaces ", "x\u2003\u00a0y"]
    samples += ["1--2", "a---b", "----", "-----", "``q''", "'''", "```", "--``''--"]
    samples += [
        "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 16))) for _ in range(20000)
    ]
    for text in samples:
        assert latex_to_unicode(text) == _decoded_the_long_way(text), repr(text)


def test_plain_check_is_linear_on_long_text() -> None:
    # Long text that is plain up to its last character: a plain-text check written as a
    # nested repetition once took exponential time here; it must stay instant.
    import time

    text = "word-with-hyphens and O'Brien " * 40 + "{X}"
    start = time.process_time()
    assert latex_to_unicode(text).endswith("O'Brien X")
    assert time.process_time() - start < 0.5


def test_decodes_to_itself_only_when_it_does() -> None:
    import random

    from sitegen.render.latex_text import decodes_to_itself

    rng = random.Random(6)
    alphabet = "aZé e\u0301 -'`\t\n\u00a0\u2003{}\\$~^_\"o.,:\x00\u212b"
    samples = ["Plain Title: A Study", "O'Brien-Smith", "77--89", "2014", "Ekstr\u00f6m", ""]
    samples += [
        "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 12))) for _ in range(20000)
    ]
    claimed = [text for text in samples if decodes_to_itself(text)]
    assert len(claimed) > 1000
    for text in claimed:
        assert latex_to_unicode(text) == text, repr(text)
    assert decodes_to_itself("Plain Title: A Study") and not decodes_to_itself("77--89")
