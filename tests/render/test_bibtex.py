"""BibTeX parsing: real corpus files, macros, recovery and warnings with lines."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from sitegen.render.bibtex import Bibliography, parse_bibtex

CORPUS_BIBS = sorted(
    (Path(__file__).resolve().parents[2].parent / "shared/corpus/joss").glob("*/*.bib")
)


def test_corpus_is_present() -> None:
    assert len(CORPUS_BIBS) >= 30


@pytest.mark.parametrize("path", CORPUS_BIBS, ids=lambda p: p.parent.name)
def test_every_corpus_bib_parses(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    bib, diags = parse_bibtex(text, str(path))
    assert bib.entries, "no entries read"
    assert all(d.severity == "warning" and d.line for d in diags)
    for entry in bib.entries.values():
        assert entry.type == entry.type.lower()
        assert all(name == name.lower() for name in entry.fields)
        assert 1 <= entry.line <= text.count("\n") + 1
        assert text.replace("\r\n", "\n").split("\n")[entry.line - 1].lstrip().startswith("@")
        for name, value in entry.fields.items():
            if name not in ("abstract", "file", "shorttitle", "isbn", "annote", "note"):
                assert "{" not in value and "}" not in value, (entry.key, name, value)


def test_corpus_entry_counts_match_at_signs() -> None:
    """Every ``@type{`` that is not a comment/string/preamble becomes an entry (or a warning)."""
    for path in CORPUS_BIBS:
        text = path.read_text(encoding="utf-8").replace("\r\n", "\n")
        bib, diags = parse_bibtex(text, str(path))
        starts = [
            line
            for line in text.split("\n")
            if line.lstrip().startswith("@")
            and not line.lstrip().lower().startswith(("@comment", "@string", "@preamble"))
        ]
        duplicates = [d for d in diags if "duplicate key" in d.message]
        assert len(bib.entries) + len(duplicates) == len(starts), path


def test_accents_decoded_in_real_files() -> None:
    decoded = set()
    for path in CORPUS_BIBS:
        bib, _ = parse_bibtex(path.read_text(encoding="utf-8"), str(path))
        for entry in bib.entries.values():
            decoded.update(entry.fields.get("author", "").split())
    # {\"u}, \'{e}, {\o}, \ifmmode...\else\'{c}\fi from the corpus.
    for name in ("Häuselmann,", "Jørgen", "Stevanović,", "Rosińska,"):
        assert name in decoded, name


def test_crlf_file_lines(tmp_path: Path) -> None:
    text = "% header\r\n\r\n@article{a,\r\n  title = {One},\r\n  year = 2020\r\n}\r\n@book{b, title={Two}}\r\n"
    bib, diags = parse_bibtex(text, "x.bib")
    assert diags == []
    assert bib.entries["a"].line == 3
    assert bib.entries["b"].line == 7
    assert bib.entries["a"].fields == {"title": "One", "year": "2020"}


def test_string_macros_months_and_concatenation() -> None:
    text = """
@String{jgr = "Journal of " # {Geophysical} # " Research"}
@STRING(pre = {Pre})
@preamble{ "\\newcommand{\\noop}[1]{}" }
@Article{Key1,
  Journal = jgr,
  title = pre # "-" # {fix {\\"U}ber},
  month = aug,
  year = "20" # "21",
}
"""
    bib, diags = parse_bibtex(text, "m.bib")
    assert diags == []
    entry = bib.entries["Key1"]
    assert entry.type == "article"
    assert entry.fields["journal"] == "Journal of Geophysical Research"
    assert entry.fields["title"] == "Pre-fix Über"
    assert entry.fields["month"] == "August"
    assert entry.fields["year"] == "2021"
    assert entry.line == 5


def test_comments_stray_text_and_odd_types() -> None:
    text = """This file was made by hand.
@comment{jabref-meta: databaseType:bibtex;}
@COMMENT{ an { unbalanced comment
stray text
@software{soft, title = {A tool}, version = {1.0}}
@weirdtype{w, title = {Odd}}
"""
    bib, diags = parse_bibtex(text, "c.bib")
    assert set(bib.entries) == {"soft", "w"}
    assert bib.entries["w"].type == "weirdtype"
    assert bib.entries["soft"].fields["version"] == "1.0"
    assert diags == []


def test_problems_are_warnings_with_lines_and_parsing_continues() -> None:
    text = """@article{dup, title = {First}}
@article{dup, title = {Second}}
@article{fields, title = {A}, title = {B}, journal = undefinedmacro}
@article{broken, title = {never closed
@article{after, title = {Still read}}
@article{, title = {no key}}
@book{last, title = {Last}}
"""
    bib, diags = parse_bibtex(text, "p.bib")
    assert list(bib.entries) == ["dup", "fields", "after", "last"]
    assert bib.entries["dup"].fields["title"] == "First"
    assert bib.entries["fields"].fields["title"] == "A"
    assert bib.entries["fields"].fields["journal"] == "undefinedmacro"
    by_line = {d.line: d for d in diags}
    assert all(d.severity == "warning" and d.path == "p.bib" for d in diags)
    assert "duplicate key" in by_line[2].message
    assert set(by_line) == {2, 3, 4, 6}
    assert any("duplicate field" in d.message for d in diags if d.line == 3)
    assert any("undefined macro" in d.message for d in diags if d.line == 3)
    assert "no citation key" in by_line[6].message


def test_decoding_accents_math_and_urls() -> None:
    text = r"""@misc{k,
  author = {G{\"o}del, Kurt and \AA{}ngstr{\"o}m, Anders and M\"{u}ller, J. and Gar\c{c}on, F. and {\O}rsted, H.},
  title = {{CO$_2$} in $\alpha$-Fe -- a {\em study} of 5\% \& more~now},
  url = {https://example.org/a\_b\%20c},
  doi = {https://doi.org/10.1000/XYZ_1},
  journal = {\apj},
}"""
    bib, diags = parse_bibtex(text, "d.bib")
    assert diags == []
    f = bib.entries["k"].fields
    assert (
        f["author"]
        == "Gödel, Kurt and Ångström, Anders and Müller, J. and Garçon, F. and Ørsted, H."
    )
    assert f["title"] == "CO₂ in α-Fe – a study of 5% & more\u00a0now"
    assert f["url"] == "https://example.org/a_b%20c"
    assert f["doi"] == "https://doi.org/10.1000/XYZ_1"
    assert f["journal"] == "ApJ"
    assert bib.entries["k"].raw["author"].startswith(r"G{\"o}del")


def test_simple_and_general_fields_parse_alike() -> None:
    """Plain ``{text}`` fields take a one-match path; concatenation, nesting, escapes and
    duplicates still take the general one, with the same values and warnings."""
    text = (
        "@misc{k,\n"
        "  title = {Plain} # { joined},\n"
        "  note = {Nested {B}races and \\'e},\n"
        "  Note = {dup},\n"
        "  year={2020}  ,\n"
        "  howpublished = {a}\n"
        "}\n"
    )
    bib, diags = parse_bibtex(text, "x.bib")
    entry = bib.entries["k"]
    assert entry.fields == {
        "title": "Plain joined",
        "note": "Nested Braces and é",
        "year": "2020",
        "howpublished": "a",
    }
    assert entry.raw["note"] == "Nested {B}races and \\'e"
    assert [(d.line, d.field) for d in diags] == [(4, "note")]


_BRACED_VALUE = re.compile(r"=(\s*)\{([^{}\\@\"]*)\}")


@pytest.mark.parametrize("path", CORPUS_BIBS, ids=lambda p: p.parent.name)
def test_fast_fields_match_the_general_path_on_real_files(path: Path) -> None:
    # Quoting each plain ``{value}`` sends it through the general path (``_value``): the
    # entries, raw values, lines and warnings must come out the same as the fast path's.
    text = path.read_text(encoding="utf-8")
    quoted = _BRACED_VALUE.sub(lambda m: f'={m.group(1)}"{m.group(2)}"', text)
    assert quoted != text
    fast, fast_diags = parse_bibtex(text, "a.bib")
    slow, slow_diags = parse_bibtex(quoted, "a.bib")

    def seen(bib: Bibliography) -> list[tuple[object, ...]]:
        return [(e.key, e.type, e.fields, e.raw, e.line) for e in bib.entries.values()]

    assert seen(fast) == seen(slow)
    assert [(d.line, d.field, d.message) for d in fast_diags] == [
        (d.line, d.field, d.message) for d in slow_diags
    ]


def test_lines_counted_out_of_order() -> None:
    # An entry's own line is asked for after the warnings about its fields: the count
    # must go back, not on from the later position.
    text = "@misc{a,\n  title = {x},\n  title = {y}\n}\n@misc{b, note = {z}}\n"
    bib, diags = parse_bibtex(text, "x.bib")
    assert [d.line for d in diags] == [3]
    assert (bib.entries["a"].line, bib.entries["b"].line) == (1, 5)


_PLAIN_FILE = """% Encoding: UTF-8

@inproceedings{fernandez2014sampling,
  author = {Fern\u00e1ndez, Tomasz and Larsen, Ines and Torres, Wanjiru},
  title = {Evidence in Quantum Dots: A Variational Approach},
  year = {2014},
  booktitle = {Proceedings of the 7th Conference on Anthropology},
  pages = {77--89}
}

@Article{Ekstrom1984,
  author = {Ekstr\u00f6m, Nadia},
  title = {Diffusion and ``Communities'' in Labour Markets},
  year = {1984}, journal={Letters in Theoretical Physics},
  volume = {5},
  DOI = {10.5555/ref.1984.48576},
}
@book{k3, title = {}, url = {https://example.org/a b}}
"""


def test_plain_files_read_as_the_general_parser_reads_them() -> None:
    # A file of plain entries is read by one pattern per entry (``_read_plain_file``);
    # whatever it accepts, mutated any way, the general parser must read alike without
    # a warning, and anything it cannot read alike it must leave to that parser.
    import random

    from sitegen.render.bibtex import _Parser, _read_plain_file

    rng = random.Random(8)
    alphabet = ["@", "{", "}", ",", "=", '"', "#", "\\", "\n", " ", "%", "x", "@misc{", "--"]
    alphabet += ["@string{", "@comment{", "(", "K", "title = {a}", ",,", "\u00e9", "e\u0301"]
    texts = [_PLAIN_FILE, _PLAIN_FILE.replace("\n", "\r\n"), "", "@misc{a}", "@misc{a,}"]
    texts += ["@misc{a, title={x}}\n@misc{A, title={y}}", "@misc{a, t={x}, T={y}}"]
    for _ in range(3000):
        chars = list(_PLAIN_FILE)
        for _ in range(rng.randint(1, 3)):
            chars[rng.randrange(len(chars))] = rng.choice(alphabet)
        texts.append("".join(chars))
    fast_count = 0
    for text in texts:
        parser = _Parser(text, "x.bib")
        fast = _read_plain_file(parser.s, "x.bib")
        general, diags = _Parser(text, "x.bib").run()
        if fast is None:
            continue
        fast_count += 1
        assert not diags, text
        assert [(e.key, e.type, e.fields, e.raw, e.line) for e in fast.entries.values()] == [
            (e.key, e.type, e.fields, e.raw, e.line) for e in general.entries.values()
        ], text
    assert fast_count > 300  # the mutations that keep the file plain are read fast
    assert parse_bibtex(_PLAIN_FILE, "x.bib")[0].entries["k3"].fields == {
        "title": "",
        "url": "https://example.org/ab",
    }
