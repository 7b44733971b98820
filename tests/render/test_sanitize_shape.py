"""The sanitizer's shortcut (``sanitize_shape``) writes exactly what ammonia writes, or
declines: differentially over the real papers, the markdown samples, generated
well-formed markup and generated hostile markup."""

from __future__ import annotations

import random
from collections.abc import Iterator

import pytest
from markdown_samples import markdown_sources

import sitegen.render.markdown as markdown
from sitegen.render import allowlist, sanitize
from sitegen.render.doc import RenderContext
from sitegen.render.html_nesting import BY_USE, VOID
from sitegen.render.math import MathResult
from sitegen.render.sanitize_shape import _GLOBAL, _TAG_ATTRS, ShapeGate, clean_known_shape

PREFIXES = ("", "source/")


def _ammonia(fragment: str, url_prefix: str) -> str:
    """The reference: ammonia as ``sanitize_html`` configures it, before its post-pass."""
    return str(sanitize._cleaner(False, url_prefix).clean(fragment))


def _check(fragment: str) -> bool:
    """Assert the shortcut agrees with ammonia under each prefix; True if it answered."""
    answered = False
    for prefix in PREFIXES:
        fast = clean_known_shape(fragment, prefix)
        if fast is not None:
            assert fast == _ammonia(fragment, prefix), (fragment, prefix)
            answered = True
    return answered


def _fragments(texts: list[tuple[str, str]]) -> Iterator[str]:
    """What the markdown renderer hands the sanitizer for each text, parked or not."""
    seen: list[str] = []
    real = markdown.sanitize_html

    def spy(fragment: str, **kw: object) -> str:
        seen.append(fragment)
        return real(fragment, **kw)  # type: ignore[arg-type]

    markdown.sanitize_html = spy  # type: ignore[assignment]
    try:
        for _, text in texts:
            for cache in (None, {}):
                math: dict[str, MathResult] | None = cache
                ctx = RenderContext(path="p.md", math_cache=math, link_prefix="source/")
                markdown.render_markdown(text, ctx)
    finally:
        markdown.sanitize_html = real
    yield from seen


SAMPLES = list(_fragments(markdown_sources([], "case")))


def test_the_renderers_markup_is_written_as_ammonia_writes_it() -> None:
    answered = sum(_check(f) for f in SAMPLES)
    assert len(SAMPLES) > 60
    assert answered > len(SAMPLES) // 4  # the shortcut is taken, not only declined


def test_every_accepted_tag_and_attribute_is_one_ammonia_keeps() -> None:
    allowed = sanitize._attributes(drop_ids=False)
    for name in BY_USE:
        assert name in allowlist.ALLOWED_TAGS
        own = set(_TAG_ATTRS.get(name, {}))
        assert own | set(_GLOBAL) <= allowed[name] | allowed["*"], name
        assert "cite" not in own  # the callback rewrites it
    assert set(_TAG_ATTRS) <= set(BY_USE) and len(set(BY_USE)) == len(BY_USE)


@pytest.mark.parametrize(
    "fragment",
    [
        "<p>a<p>b</p></p>",  # <p> closes the open paragraph
        "<p><div>x</div></p>",
        "<p><table><tbody></tbody></table></p>",
        "<p><hr></p>",
        "<h2><h3>x</h3></h2>",
        '<a href="#a"><a href="#b">x</a></a>',
        "<em><em>x</em></em>",
        "<li>x</li>",
        "<ul><p><li>x</li></p></ul>",
        "<dd>x</dd>",
        "<td>x</td>",
        "<table><tr><td>x</td></tr></table>",  # the parser adds a tbody
        "<table>x<tbody></tbody></table>",  # foster-parented text
        "<table><tbody><tr>x<td>y</td></tr></tbody></table>",
        "<table><p>x</p></table>",
        "<pre>\nx</pre>",
        "<p>open",
        "x</p>",
        "<p>a</em></p>",
        '<p id="a" id="b">x</p>',
        '<p class="a" title="x" class="b">x</p>',
        '<p onclick="x()">x</p>',
        "<P>x</P>",
        "<p>a > b</p>",
        "<p>a &copy; b</p>",
        "<p>a & b</p>",
        '<p title="&quot;">x</p>',
        "<p>a\rb</p>",
        "<p>a\x00b</p>",
        "<p>a\ud800b</p>",
        "\ufeff<p>x</p>",  # a byte order mark first is dropped
        "<br/>",
        "<p />",
        "<!-- c --><p>x</p>",
        "<script>x</script>",
        "<math><mi>x</mi></math>",
        '<a href="fig.png">x</a>',  # relative links: left to ammonia
        '<a href="javascript:alert(1)">x</a>',
        '<a href="//evil.org/x">x</a>',
        '<a href="http://1.2.3.4/">x</a>',
        '<a href="http://xn--nxasmq6b.com/">x</a>',
        '<a href="http://ex.org:80/">x</a>',
        '<a href="HTTP://ex.org/">x</a>',
        '<img src="data:image/png;base64,AAAA">',
        '<img src="https://evil.org/x.png">',
        '<img src="/x.png">',
        '<td style="color:red">x</td>',
        '<span style="width:1px">x</span>',
        '<q cite="x">y</q>',
    ],
)
def test_what_the_parser_or_cleaner_would_change_is_declined(fragment: str) -> None:
    assert clean_known_shape(fragment, "source/") is None
    assert clean_known_shape(fragment) is None


@pytest.mark.parametrize(
    "fragment",
    [
        '<p>a &quot;b&quot; &#39;c&#x27; &amp; &lt;d&gt;\xa0"e"</p>',
        '<figure id="fig-1" class="figure"><img src="fig%201.png" alt="A &amp; B" />'
        "<figcaption>x</figcaption></figure>",
        '<img alt="x" src="fig.png"><img src="b.png" style="width:50%;height:2em">',
        '<table id="t">\n<caption>c</caption><thead>\n<tr>\n<th style="text-align:left">a'
        "</th>\n</tr>\n</thead>\n<tbody>\n<tr>\n<td>1</td>\n</tr>\n</tbody>\n</table>",
        '<p><a href="https://ex.org/a?b=1&amp;c=2#d" title="t">x</a> <a href="#r">y</a> '
        '<a href="/root">z</a></p>',
        '<section class="footnotes"><ol class="footnotes-list"><li id="fn1" class="f">'
        '<p>n <a href="#fnref1">↩︎</a></p>\n</li>\n</ol>\n</section><hr class="s" />',
        "<pre><code>\nkeeps its newline</code></pre><dl><dt>t</dt><dd>d</dd></dl>",
        "<p>a\x01\x0b\x7f\x85\ufffe b</p>",
    ],
)
def test_well_formed_markup_is_answered(fragment: str) -> None:
    assert _check(fragment)


_TEXTS = ["x", " ", "\n", "a b", "&amp;", "&lt;", "&gt;", "&quot;", "&#39;", "&#x27;"]
_TEXTS += ["\xa0", '"', "'", "\x0c", "\t", "é", "\ue000", "\ufeff", "\u2028", "\x85"]
_TEXTS += ["&nbsp;", "&", ">", "\r", "\x00"]
_VALUES = ["x", "a b", "", "&amp;", "&quot;", "\xa0", "'", "=", " id=", "é", "a\x01b"]
_HREFS = ["#a", "#a b", "#a:b", "/x", "//x", "/\\x", "http://ex.org", "https://a.b.org/p?q=1"]
_HREFS += ["https://a-b.org#x", "http://ex.org:8/", "http://1.2.3.4", "http://a.1b/", "x.png"]
_HREFS += ["http://xn--a.org", "https://ab--cd.org/", "mailto:a@b.org", "javascript:x", ""]
_HREFS += ["http://-a.org", "http://a-.org", "http://a..b", "http://a.b./", "https://é.org"]
_HREFS += ["https://ex.org/a b", "https://ex.org/&amp;", "http://", "http:/ex.org", "#\x01"]
_SRCS = ["fig.png", "fig 1.png", "a/b.png", "../x.png", "./x", "x?y#z", "%41.png", "-x"]
_SRCS += ["data:image/png;base64,AA", "/x.png", "#x", "//x", "https://e.org/x", ""]
_STYLES = ["width:50%", "text-align:left", "width:1px;height:2em", "width: 5px", "color:red"]
_STYLES += ["text-align:right; ", "WIDTH:1px", "width:1px;;", "height:x y", "max-width:1e"]


def _attribute(rng: random.Random, tag: str) -> str:
    names = [*_GLOBAL, *_TAG_ATTRS.get(tag, {}), "onclick", "cite", "style", "href", "src"]
    name = rng.choice(names)
    pool = {"href": _HREFS, "src": _SRCS, "style": _STYLES}.get(name, _VALUES)
    return f' {name}="{rng.choice(pool)}"'


def _tree(rng: random.Random, depth: int) -> str:
    """Markup that nests as written, with random names, attributes and text."""
    parts = []
    for _ in range(rng.randint(0, 4)):
        if depth <= 0 or rng.random() < 0.4:
            parts.append(rng.choice(_TEXTS[:20]))
            continue
        tag = rng.choice(BY_USE[:30] if rng.random() < 0.8 else BY_USE)
        attrs = "".join(_attribute(rng, tag) for _ in range(rng.choice((0, 0, 1, 2))))
        if tag in VOID:
            parts.append(f"<{tag}{attrs}{rng.choice(('', ' /'))}>")
        else:
            parts.append(f"<{tag}{attrs}>{_tree(rng, depth - 1)}</{tag}>")
    return "".join(parts)


_TABLE = (
    '<table{a}>\n<caption>c{t}</caption><thead>\n<tr>\n<th style="text-align:left">h</th>'
    "\n</tr>\n</thead>\n<tbody>\n<tr>\n<td{a}>{t}</td>\n<td>{t}</td></tr>\n</tbody>\n</table>"
)


def _mutate(rng: random.Random, markup: str) -> str:
    """``markup`` with a random piece inserted, deleted or swapped."""
    pieces = [*_TEXTS, "<p>", "</p>", "<em>", "</em>", "<li>", "<tr>", "<td>", "</td>", " />"]
    pieces += ["<br>", "<pre>", "\n", '<a href="#x">', "</a>", "<!-- c -->", "<math>", "<"]
    at = rng.randint(0, len(markup))
    roll = rng.random()
    if roll < 0.5:
        return markup[:at] + rng.choice(pieces) + markup[at:]
    if roll < 0.8:
        return markup[:at] + markup[at + rng.randint(1, 8) :]
    cut = rng.randint(0, len(markup))
    return markup[cut:] + markup[:cut]


def test_generated_markup_agrees_with_ammonia() -> None:
    rng = random.Random(8)
    answered = 0
    for i in range(6000):
        markup = _tree(rng, rng.randint(1, 4))
        if i % 3 == 0:
            table = _TABLE.format(a=_attribute(rng, "table"), t=rng.choice(_TEXTS))
            markup = table + markup
        answered += _check(markup)
        for _ in range(2):
            markup = _mutate(rng, markup)
            answered += _check(markup)
    assert answered > 3000


_VOIDS = [
    '<img src="a.png" alt="x" />',
    '<img src="b c.png">',
    '<img src="e.png" alt="no slash">',
    '<img alt="no source" />',
    '<img alt="source later" src="d.png" />',
    '<img src="https://e.org/x.png" />',
    "<img />",
    "<img>",
    "<br />",
    "<br>",
    '<hr class="s" />',
    "<wbr />",
]


def test_void_tags_in_any_mix_agree_with_ammonia() -> None:
    """Images with and without `` />`` or a source (first or later), beside other void
    tags: the one-pass rewrite of void tags and sources, and its fallback."""
    rng = random.Random(43)
    answered = 0
    for _ in range(3000):
        inline = "".join(rng.choice([*_VOIDS[:10], "t", " & ", "&amp;"]) for _ in range(5))
        inline = inline.replace(" & ", " &amp; ")
        markup = f"<p>{inline}</p>" + rng.choice(
            ["", "<hr />", "<hr>", '<figure><img src="f.png" /></figure>']
        )
        if rng.random() < 0.2:
            markup += '<table><colgroup><col span="2" /><col></colgroup></table>'
        answered += _check(markup)
    assert answered > 1000  # a remote source is declined


def test_mutated_real_markup_agrees_with_ammonia() -> None:
    rng = random.Random(34)
    for fragment in SAMPLES[:40]:
        for _ in range(40):
            _check(_mutate(rng, fragment))


def test_the_gate_waits_its_warm_up_then_answers() -> None:
    gate = ShapeGate(warm_up=2)
    answers = [gate.clean("<p>x</p>", "") for _ in range(4)]
    assert answers == [None, None, "<p>x</p>", "<p>x</p>"]


def test_sanitize_html_with_the_shortcut_matches_without(monkeypatch: pytest.MonkeyPatch) -> None:
    """The post-pass (rel on links that leave, remote images) over the shortcut's output."""
    cases = [*SAMPLES, '<p><a href="https://ex.org" rel="x">l</a> <a href="#a">b</a></p>']
    monkeypatch.setattr(sanitize, "_shape_gate", lambda: ShapeGate(warm_up=10**9))
    without = [sanitize.sanitize_html(f, url_prefix="source/") for f in cases]
    monkeypatch.setattr(sanitize, "_shape_gate", lambda: ShapeGate(warm_up=0))
    assert [sanitize.sanitize_html(f, url_prefix="source/") for f in cases] == without
    assert 'rel="noopener noreferrer"' in without[-1]


_MORE_HREFS = ["https://EX.Org/A", "http://localhost", "https://x.y/%zz", "https://x.org?q"]
_MORE_HREFS += ["https://x.org/?a=&amp;b=", "http://a_b.org", "https://a.b-/", "#", "/"]
_MORE_HREFS += ["https://a.b/c:d@e", "https://a.b/\\", "https://a.b/\x7f", "https://0x1.org"]


@pytest.mark.parametrize("url", _HREFS + _SRCS + _MORE_HREFS)
def test_links_and_sources_as_ammonia_keeps_or_rewrites_them(url: str) -> None:
    _check(f'<p><a href="{url}" class="c">x</a><img src="{url}" alt="a"></p>')
    _check(f'<p><a href="{url}">x</a></p>')
    _check(f'<p><img alt="a" src="{url}" /></p>')


@pytest.mark.parametrize("style", _STYLES)
def test_styles_as_the_attribute_callback_keeps_or_drops_them(style: str) -> None:
    for tag in ("figure", "img"):
        _check(f'<{tag} style="{style}">' + ("" if tag == "img" else "x</figure>"))
    _check(_TABLE.format(a="", t="x").replace("<td>", f'<td style="{style}">'))
