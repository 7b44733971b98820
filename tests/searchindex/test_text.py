"""Tokenizer and HTML-to-text: what gets indexed, and that it folds case and accents."""

from __future__ import annotations

from collections import Counter

from sitegen.searchindex import html_to_text, make_doc, tokenize
from sitegen.searchindex.doc import EXCERPT_CHARS, MAX_WEIGHT, SearchDoc
from sitegen.searchindex.index import shard_items
from sitegen.searchindex.text import STOPWORDS, fold, token_counts


def test_tokens_are_lowercase_letters_and_digits_without_stopwords_or_single_chars() -> None:
    assert tokenize("The Quick-brown fox, 2024 a b IPFS_CID x2") == [
        "quick",
        "brown",
        "fox",
        "2024",
        "ipfs",
        "cid",
        "x2",
    ]


def test_accents_and_compatibility_forms_fold_to_ascii() -> None:
    assert tokenize("Müller Ångström café") == ["muller", "angstrom", "cafe"]
    # decomposed input (combining diaeresis) gives the same token as precomposed
    assert tokenize("Mu\u0308ller") == ["muller"]
    # ligatures, fullwidth letters and superscripts decompose (NFKD)
    assert tokenize("ﬁnite ＩＰＦＳ x²") == ["finite", "ipfs", "x2"]
    # capital dotted I lowercases to i + combining dot, which is dropped
    assert fold("İstanbul") == "istanbul"


def test_non_latin_scripts_stay_words() -> None:
    assert tokenize("Сеть данных 数据 δίκτυο") == ["сеть", "данных", "数据", "δικτυο"]


def test_stopwords_are_short_function_words() -> None:
    assert "the" in STOPWORDS and "of" in STOPWORDS
    assert all(w == w.lower() and w.isascii() and w.isalpha() for w in STOPWORDS)
    assert tokenize("the of and") == []


def test_html_to_text_drops_math_tags_and_decodes_entities() -> None:
    html = (
        "<h2>Intro</h2><p>We use <em>con</em>tent &amp; <a href='x'>links</a>"
        '<math display="block"><mi>x</mi><mo>=</mo><mn>42</mn></math>'
        "end.</p><p>Next&nbsp;para &lt;tag&gt;</p><script>var a=1;</script>"
    )
    text = html_to_text(html)
    assert text == "Intro We use content & links end. Next\xa0para <tag>".replace("\xa0", " ")
    assert "42" not in text


def test_html_to_text_keeps_block_boundaries_apart() -> None:
    assert html_to_text("<ul><li>alpha</li><li>beta</li></ul><p>gamma<br>delta</p>") == (
        "alpha beta gamma delta"
    )


def test_html_to_text_uncollapsed_has_the_same_tokens_and_words() -> None:
    html = (
        "<h2>Intro\u00a0 x</h2>\n\n<p>We  use\t<em>con</em>tent &amp;\n"
        '<math display="block"><mi>x</mi></math>  Σύνολο ΟΔΟΣ end.</p>\n<ul><li>a</li></ul>'
    )
    raw = html_to_text(html, collapse=False)
    assert raw != html_to_text(html)
    assert " ".join(raw.split()) == html_to_text(html)
    assert token_counts(raw) == token_counts(html_to_text(html))


def make(**overrides: object) -> SearchDoc:
    fields: dict[str, object] = {
        "url": "papers/a/",
        "title": "Content addressing",
        "authors": ["A. Müller", "B. Two"],
        "meta": "Volume 1 · 2024-01-01",
        "abstract_text": "We archive journals on IPFS.",
        "keywords": ["archives"],
        "body_text": "archive " * 50 + "content",
    }
    fields.update(overrides)
    return make_doc(**fields)  # type: ignore[arg-type]


def test_make_doc_weights_fields_and_caps() -> None:
    doc = make()
    w = doc.term_weights()
    assert doc.authors == "A. Müller, B. Two"
    assert w["content"] > w["archive"] > w["journals"]  # title beats a body repeated 50 times
    assert w["muller"] == w["archives"]  # authors and keywords weigh the same
    assert max(w.values()) <= MAX_WEIGHT
    assert "we" not in w and "on" not in w
    assert sorted(doc.terms.split(" ")) == sorted(f"{t}:{n}" for t, n in w.items())
    assert set(shard_items(doc.terms)) == {t[:2] for t in w}


def test_excerpt_is_the_start_of_the_abstract_cut_at_a_word() -> None:
    long = "word " * 200
    doc = make(abstract_text=long)
    assert len(doc.excerpt) <= EXCERPT_CHARS + 1 and doc.excerpt.endswith("word…")
    assert make(abstract_text="", body_text="Body text here").excerpt == "Body text here"


def test_excerpt_collapses_whitespace_however_it_is_spread() -> None:
    words = [f"w{i}" + "x" * (i % 7) for i in range(150)]
    for gaps in (" ", "  \n\t ", " " * 40):
        for lead in ("", "   ", " " * 700):
            text = lead + gaps.join(words) + gaps
            expected = make(abstract_text=" ".join(words)).excerpt
            assert make(abstract_text=text).excerpt == expected
            assert make(abstract_text="", body_text=text).excerpt == expected
    assert make(abstract_text="", body_text=" " * 900 + "short").excerpt == "short"
    assert make(abstract_text="a" * 700).excerpt == "a" * EXCERPT_CHARS + "…"


def test_digest_changes_with_every_field_and_only_then() -> None:
    base = make()
    assert make().digest == base.digest
    variants = [
        make(url="papers/b/"),
        make(title="Other"),
        make(authors=["C. Three"]),
        make(meta="Volume 2"),
        make(abstract_text="Different"),
        make(body_text="else"),
    ]
    assert len({base.digest, *(v.digest for v in variants)}) == 1 + len(variants)


def test_token_counts_are_the_counted_tokens() -> None:
    text = "The Müller–Lyon model: a b ab AB x2 of the ﬁeld, ﬁeld², and_so_on; naïve Naive."
    assert token_counts(text) == Counter(tokenize(text))
    assert token_counts(text)["naive"] == 2 and "the" not in token_counts(text)


def test_token_counts_fold_like_tokenize_in_hard_cases() -> None:
    """Accents, ligatures, letterlike capitals, CJK, fractions, and a sigma whose case
    depends on its neighbours (which token_counts hands back to tokenize)."""
    for text in (
        "Ångström naïve e\u0301te\u0301 CAFÉ ﬁeld² x_y 日本語テキスト a↩b ab↩cd",
        "İstanbul ǅemal ⅫI ℌello ½ ⑴x",
        "AB𝚺 x𝚺y 𝚺 ΣΑΣ ΟΔΟΣ",
        "",
    ):
        assert token_counts(text) == Counter(tokenize(text)), text


def test_block_tags_separate_words_and_inline_tags_join_them() -> None:
    markup = "<P>one</P><pre>two</pre><PRE>three</PRE><dt>four</dt>H<sub>2</sub>O<tdx>five</tdx>"
    assert html_to_text(markup) == "one two three four H2Ofive"
