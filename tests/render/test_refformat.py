"""The reference formatter against its former self (``refformat_former``): each piece
escaped as added. Inputs: every entry of the real corpus's ``.bib`` files, entries of the
benchmark generator, and variants of them reaching every kind, optional part and
character to escape."""

from __future__ import annotations

import random
from dataclasses import fields, replace
from pathlib import Path

import pytest
from synthetic import generator

from sitegen.render.bibtex import BibEntry, parse_bibtex
from sitegen.render.names import PersonName
from sitegen.render.refformat import (
    STYLES,
    RefData,
    _initials,
    _name_list,
    format_reference,
    ref_from_entry,
)
from tests.render.refformat_former import (
    former_format_reference,
    former_name_list,
    former_ref_from_entry,
)

REPO = Path(__file__).resolve().parents[2]
CORPUS = REPO.parent / "shared" / "corpus" / "joss"
KINDS = ("article", "chapter", "book", "thesis", "report", "software", "webpage", "dataset", "misc")
ODD = ["&", "<", ">", '"', "'", " ", "  ", ",", ", ", ".", "?", "\n", "x", "&amp;", "<em>"]


def generated_bib(count: int) -> str:
    """``count`` entries of the benchmark corpus generator (empty if it is absent)."""
    module = generator()
    if module is None:
        return ""
    return "\n".join(entry.text for entry in module.make_bib(random.Random(4), count))


def sample_entries() -> list[BibEntry]:
    texts = [p.read_text(encoding="utf-8") for p in sorted(CORPUS.glob("*/*.bib"))]
    texts.append(generated_bib(400))
    entries: list[BibEntry] = []
    for text in texts:
        bib, _ = parse_bibtex(text, "x.bib")
        entries.extend(bib.entries.values())
    return entries


def sample_refs() -> list[RefData]:
    return [ref_from_entry(entry) for entry in sample_entries()]


ENTRY_FIELDS = [
    "title",
    "shorttitle",
    "author",
    "editor",
    "year",
    "date",
    "journal",
    "journaltitle",
    "booktitle",
    "howpublished",
    "publisher",
    "institution",
    "school",
    "organization",
    "url",
    "eprint",
    "archiveprefix",
    "eprinttype",
    "pages",
    "type",
    "volume",
    "number",
    "issue",
    "edition",
    "version",
    "doi",
]
ENTRY_VALUES = [
    "",
    "x",
    "2004",
    "c. 1999a",
    "12--34",
    "12–34",
    "https://e.org/a",
    "arXiv",
    "doi:10.1234/x.",
    "10.1/y",
    "Doe, J. and Roe, R.",
    "{W H O} and others",
]


def entry_variant(rng: random.Random, entry: BibEntry) -> BibEntry:
    """``entry`` with another type, and fields dropped, added or changed."""
    fields_ = dict(entry.fields)
    raw = dict(entry.raw)
    for _ in range(rng.randint(1, 5)):
        name = rng.choice(ENTRY_FIELDS)
        if rng.random() < 0.3:
            fields_.pop(name, None)
            raw.pop(name, None)
        else:
            fields_[name] = raw[name] = rng.choice(ENTRY_VALUES)
    kind = rng.choice([entry.type, "misc", "phdthesis", "mastersthesis", "online", "odd"])
    return BibEntry(entry.key, kind, fields_, entry.line, raw)


def test_ref_from_entry_matches_the_former_mapping() -> None:
    entries = sample_entries()
    assert len(entries) > 1000
    rng = random.Random(12)
    entries += [entry_variant(rng, rng.choice(entries)) for _ in range(6000)]
    for entry in entries:
        assert ref_from_entry(entry) == former_ref_from_entry(entry), entry


def _odd(rng: random.Random, value: str) -> str:
    at = rng.randint(0, len(value))
    return value[:at] + rng.choice(ODD) + value[at:]


def variant(rng: random.Random, ref: RefData) -> RefData:
    """``ref`` with a few fields changed: another kind, parts dropped or added, names
    cut, and characters to escape or trim put into the text."""
    changes: dict[str, object] = {}
    for _ in range(rng.randint(1, 4)):
        f = rng.choice(fields(RefData))
        old = getattr(ref, f.name)
        if f.name == "kind":
            changes["kind"] = rng.choice(KINDS)
        elif f.name in ("authors", "editors"):
            names = list(old) or [PersonName("Roe", "Richard")]
            pick = rng.random()
            if pick < 0.3:
                names = []
            elif pick < 0.5:
                names.append(PersonName("", others=True))
            elif pick < 0.7:
                names = [PersonName(_odd(rng, "O Co"), literal=True), *names]
            else:
                names = [replace(n, family=_odd(rng, n.family)) for n in names] * rng.randint(1, 9)
            changes[f.name] = tuple(names)
        elif f.name != "key":
            pick = rng.random()
            if pick < 0.3:
                changes[f.name] = None if f.name != "title" else ""
            else:
                changes[f.name] = _odd(rng, old or rng.choice(["", "1", "Text"]))
    return replace(ref, **changes)  # type: ignore[arg-type]


@pytest.mark.parametrize("style", STYLES)
def test_format_reference_matches_the_former_formatter(style: str) -> None:
    refs = sample_refs()
    assert len(refs) > 1000
    rng = random.Random(11)
    refs += [variant(rng, rng.choice(refs)) for _ in range(6000)]
    escaped = 0
    for ref in refs:
        suffix = rng.choice(["", "", "a", "&"])
        got = format_reference(ref, style, year_suffix=suffix)
        assert got == former_format_reference(ref, style, year_suffix=suffix), ref
        escaped += any(c in got[1] for c in '<>"')
    assert escaped > 300  # the escaping writer's turn comes, too


def test_page_ranges_and_dois_as_the_patterns_read_them() -> None:
    from sitegen.render.refformat import _DOI, _DOI_PREFIX, _PAGE_RANGE, normalize_doi

    rng = random.Random(5)
    alphabet = [
        "1",
        "2",
        "a",
        "-",
        "–",
        "--",
        " ",
        "_",
        "é",
        "\u2009",
        "x",
        ".",
        "/",
        "10.",
        "1234",
    ]
    for _ in range(20000):
        value = "".join(rng.choice(alphabet) for _ in range(rng.randint(1, 7)))
        entry = BibEntry("k", "article", {"pages": value, "doi": value}, 1)
        pages = ref_from_entry(entry).pages
        assert pages == (_PAGE_RANGE.sub("–", value) if "-" in value or "–" in value else value)
        m = _DOI.match(_DOI_PREFIX.sub("", value.strip()).strip())
        assert normalize_doi(value) == (m.group(0).rstrip(".,;") if m else None), value
    assert ref_from_entry(BibEntry("k", "article", {"pages": "9–37"}, 1)).pages == "9–37"
    assert normalize_doi(" 10.1234/x. ") == "10.1234/x"


@pytest.mark.parametrize("style", STYLES)
def test_name_list_matches_the_former_one(style: str) -> None:
    lists = [ref.authors for ref in sample_refs()] + [ref.editors for ref in sample_refs()]
    rng = random.Random(15)
    odd = [
        PersonName("Doe", "Jane", "Jr."),
        PersonName("WHO", "x", literal=True),
        PersonName("Roe", "Jean-Paul"),
        PersonName("Poe", "É."),
        PersonName("Lee", "K2"),
        PersonName("Kim", ""),
        PersonName("", others=True),
        PersonName("Ng", "Ánh"),
    ]
    for _ in range(3000):
        names = list(rng.choice(lists))
        for _ in range(rng.randint(0, 3)):
            names.insert(rng.randint(0, len(names)), rng.choice(odd))
        lists.append(tuple(names * rng.choice([1, 1, 5])))
    for names in lists:
        assert _name_list(names, style) == former_name_list(names, style), names


def test_initials_as_the_name_gives_them() -> None:
    names = [n for ref in sample_refs() for n in (*ref.authors, *ref.editors) if n.given]
    rng = random.Random(16)
    pieces = ["Anne", "J.", "J", "-", ".", "Jean-Paul", "É.", "é", "Ph.D.", "A.B.", "2", "x"]
    pieces += ["ǅ", "\u0301", "Ünal", "J.-P.", "--", " ", "  ", "\t", "O'", "ß", "K2", "_"]
    for _ in range(20000):
        given = "".join(rng.choice(pieces) for _ in range(rng.randint(1, 5)))
        names.append(PersonName("Doe", given))
    inplace = 0
    for name in names:
        assert name.given is not None
        assert _initials(name, name.given) == name.initials(), name
        inplace += all(w.isalpha() or w[1:] == "." for w in name.given.split())
    assert inplace > 5000
