"""Math: every delimiter papers use becomes MathML; bad TeX degrades with a warning."""

from __future__ import annotations

import html
import re

import pytest
from formula_samples import EDGE_CASES, corpus_formulas, generated_formulas, random_formulas

from sitegen.render.doc import RenderContext
from sitegen.render.markdown import render_markdown
from sitegen.render.math import MathResult, _normalise, tex_to_html
from sitegen.render.sanitize import presanitize


def _render(text: str):  # type: ignore[no-untyped-def]
    return render_markdown(text, RenderContext(path="m.md", first_line=3))


@pytest.mark.parametrize(
    "source",
    [
        "a $x_1^2$ b",
        "a $$\\sum_i x_i$$ b",
        "a \\(x\\) b",
        "a \\[x = 1\\] b",
        "$$\n\\frac{a}{b}\n$$",
        "\\begin{equation}\nE = mc^2\n\\end{equation}",
        "\\begin{align}\na &= b \\\\\nc &= d\n\\end{align}",
        "text, \\begin{eqnarray}\na &=& b\n\\end{eqnarray}\nmore",
    ],
)
def test_delimiters_become_mathml(source: str) -> None:
    doc = _render(source)
    assert "<math" in doc.html, doc.html
    for raw in ("$", "\\begin{", "\\[", "\\("):
        assert raw not in doc.html
    assert doc.has_math and not doc.diagnostics


def test_emphasis_characters_inside_math_are_not_markdown() -> None:
    doc = _render("$a_1 * b_2 * c$")
    assert "<em>" not in doc.html and "<math" in doc.html


def test_display_math_marked_as_block() -> None:
    doc = _render("$$x$$")
    assert 'display="block"' in doc.html


def test_unconvertible_formula_degrades_with_warning_and_line() -> None:
    doc = _render("one\n\nbad $\\frac{1}{$ here")
    assert '<code class="math-error">\\frac{1}{</code>' in doc.html
    (diag,) = doc.diagnostics
    assert diag.severity == "warning" and diag.field == "math" and diag.line == 5


def test_unknown_command_is_warned_not_fatal() -> None:
    result = tex_to_html(r"\foobar x", display=False)
    assert result.error and "\\foobar" in result.error
    assert result.html.startswith("<math")


def test_labels_and_tags_do_not_leak_into_output() -> None:
    result = tex_to_html(r"x = 1 \label{eq:x} \nonumber", display=True, env="equation")
    assert result.error is None and "label" not in result.html


def test_starred_environment_is_unnumbered() -> None:
    doc = _render(
        "\\begin{equation*}\nx\n\\end{equation*}\n\n\\begin{equation}\ny\n\\end{equation}"
    )
    assert doc.html.count('class="eqno"') == 1 and "(1)" in doc.html


def test_math_cache_miss_stores_and_hit_returns_the_same_result() -> None:
    cache: dict[str, object] = {}
    first = tex_to_html(r"\frac{a}{b}", display=True, env="equation", cache=cache)  # type: ignore[arg-type]
    assert len(cache) == 1
    assert first == tex_to_html(r"\frac{a}{b}", display=True, env="equation")
    again = tex_to_html(r"\frac{a}{b}", display=True, env="equation", cache=cache)  # type: ignore[arg-type]
    assert again is first and len(cache) == 1


def test_math_cache_keys_tell_display_and_environment_apart() -> None:
    cache: dict[str, object] = {}
    variants = [
        tex_to_html("a &= b", display=display, env=env, cache=cache)  # type: ignore[arg-type]
        for display, env in ((False, None), (True, None), (True, "align"), (True, "gather"))
    ]
    assert len(cache) == 4
    for (display, env), got in zip(
        ((False, None), (True, None), (True, "align"), (True, "gather")), variants, strict=True
    ):
        assert got == tex_to_html("a &= b", display=display, env=env)


def test_math_cache_keeps_degraded_results_and_their_warning() -> None:
    cache: dict[str, object] = {}
    bad = tex_to_html("a^", display=False, cache=cache)  # type: ignore[arg-type]
    assert bad.error and "math-error" in bad.html
    hit = tex_to_html("a^", display=False, cache=cache)  # type: ignore[arg-type]
    assert hit == bad == tex_to_html("a^", display=False)


def test_a_rendered_document_is_the_same_with_a_cold_or_warm_math_cache() -> None:
    text = (
        "Inline $x^2$ and $x^2$ again.\n\n$$\\sum_i x_i$$\n\n\\begin{align}\na &= b\n\\end{align}\n"
    )
    plain = render_markdown(text, RenderContext(path="m.md"))
    cache: dict[str, object] = {}
    cold = render_markdown(text, RenderContext(path="m.md", math_cache=cache))  # type: ignore[arg-type]
    warm = render_markdown(text, RenderContext(path="m.md", math_cache=cache))  # type: ignore[arg-type]
    assert plain == cold == warm


def test_arg_is_an_operator_not_an_unsupported_command() -> None:
    """``\\arg`` (as in ``\\arg\\max``) is standard LaTeX that latex2mathml lacks."""
    result = tex_to_html(r"\arg\max_x f(x) = \arg z", display=False)
    assert result.error is None
    assert result.html.count("<mo>arg</mo>") == 2
    assert "\\arg" not in result.html


def _reference_result(
    tex: str, display: bool, env: str | None
) -> tuple[str, str | None, str | None]:
    """A cached conversion as it was made before our own tokenizer and writers:
    latex2mathml's ``convert``, then the whole formula through the sanitizer."""
    from latex2mathml.converter import convert

    source = _normalise(tex, env)
    try:
        mathml = convert(source, display="block" if display else "inline")
    except Exception as exc:
        cls = "math-error math-display" if display else "math-error"
        mathml = f'<code class="{cls}">{html.escape(tex.strip())}</code>'
        error: str | None = f"cannot convert TeX: {str(exc) or type(exc).__name__}"
    else:
        unknown = sorted(set(re.findall(r"<mi>(\\[A-Za-z]+)</mi>", mathml)))
        error = "unsupported TeX command(s): " + ", ".join(unknown) if unknown else None
        mathml = re.sub(r"<mi>(\\[A-Za-z]+)</mi>", r"<mtext>\1</mtext>", mathml)
    safe = presanitize(mathml)
    return mathml, error, mathml if safe == mathml else safe


def test_cached_conversions_are_what_latex2mathml_and_the_sanitizer_make() -> None:
    """Every formula of the real papers, the demo, the benchmark generator, the edge
    cases and random TeX: the same HTML, warning and sanitized form as before."""
    edge = [
        (tex, display, env)
        for tex in EDGE_CASES
        for display, env in ((False, None), (True, "align"))
    ]
    samples = corpus_formulas() + generated_formulas(600) + edge + random_formulas(3000, seed=3)
    cache: dict[str, MathResult] = {}
    errors = 0
    for tex, display, env in samples:
        got = tex_to_html(tex, display=display, env=env, cache=cache)
        assert (got.html, got.error, got.safe) == _reference_result(tex, display, env), tex
        assert got == tex_to_html(tex, display=display, env=env)  # the same without a cache
        errors += got.error is not None
    assert 0 < errors < len(samples) / 2


def _closing_by_steps(src: str, start: int, end: int, closer: str) -> int:
    """The character-by-character scan ``_find_closing`` replaced (the reference)."""
    pos = start
    while pos < end:
        if src[pos] == "\\":
            pos += 2
            continue
        if src.startswith(closer, pos):
            return pos
        pos += 1
    return -1


def test_find_closing_matches_a_scan_by_steps() -> None:
    import random

    from sitegen.render.math import _find_closing

    rng = random.Random(7)
    for _ in range(20000):
        src = "".join(rng.choice("$$\\\\ax}") for _ in range(rng.randint(0, 12)))
        end = rng.randint(0, len(src))
        start = rng.randint(0, end)
        for closer in ("$", "$$", "\\)"):
            expected = _closing_by_steps(src, start, end, closer)
            assert _find_closing(src, start, end, closer) == expected, (src, start, end)
