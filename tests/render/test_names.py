"""Splitting display names and BibTeX name lists into given and family parts."""

from __future__ import annotations

import pytest

from sitegen.render.names import PersonName, parse_bibtex_names, split_name


@pytest.mark.parametrize(
    ("name", "parts"),
    [
        ("Jane Doe", ("Jane", "Doe")),
        ("Jane Q. Public", ("Jane Q.", "Public")),
        ("Jane van der Berg", ("Jane", "van der Berg")),
        ("Ludwig van Beethoven", ("Ludwig", "van Beethoven")),
        ("Charles de la Vallée Poussin", ("Charles", "de la Vallée Poussin")),
        ("Doe, Jane", ("Jane", "Doe")),
        ("van Gogh, Vincent", ("Vincent", "van Gogh")),
        ("Smith, Jr., John", ("John", "Smith Jr.")),
        ("Martin Luther King Jr.", ("Martin Luther", "King Jr.")),
        ("Plato", (None, "Plato")),
        ("  Kurt   Gödel ", ("Kurt", "Gödel")),
        ("", (None, "")),
    ],
)
def test_split_name(name: str, parts: tuple[str | None, str]) -> None:
    assert split_name(name) == parts


def test_bibtex_name_forms() -> None:
    raw = (
        "Wells, Garth N. and J{\\o}rgen S. Dokken and {World Health Organization} and "
        "Charles Louis de la Vall{\\'e}e Poussin and van der Schaaf, Jr., L.\n   AND\n"
        'M{\\"u}ller, Ann and Plato and others'
    )
    names = parse_bibtex_names(raw)
    got = [(n.given, n.family, n.suffix, n.literal, n.others) for n in names]
    assert got == [
        ("Garth N.", "Wells", None, False, False),
        ("Jørgen S.", "Dokken", None, False, False),
        (None, "World Health Organization", None, True, False),
        ("Charles Louis", "de la Vallée Poussin", None, False, False),
        ("L.", "van der Schaaf", "Jr.", False, False),
        ("Ann", "Müller", None, False, False),
        (None, "Plato", None, False, False),
        (None, "", None, False, True),
    ]


def test_braces_protect_and_inside_names() -> None:
    names = parse_bibtex_names("{Barnes and Noble} and Smith, J.")
    assert [n.family for n in names] == ["Barnes and Noble", "Smith"]


def test_initials() -> None:
    (name,) = parse_bibtex_names("Jean-Paul Marie Sartre")
    assert name.initials() == "J.-P. M."


def test_brace_free_lists_split_as_braced_ones() -> None:
    # A leading ``{}`` sends a list through the brace-masking split; without it the plain
    # string split is taken. Both must read every form alike (a first name of one word would
    # turn literal, ``{}Plato``, so none of these starts with one).
    lists = [
        "Doe, Jane and Smith, J. and others",
        "Jane  Doe AND Ludwig van Beethoven and\tKing, Jr, Martin Luther",
        "de la Fontaine, Jean and Plato and Jean-Paul~Sartre",
        "Ekström, Nadia and O'Brien, Oren",
    ]
    for raw in lists:
        assert parse_bibtex_names("{}" + raw) == parse_bibtex_names(raw), raw


def test_plain_name_lists_read_as_the_general_path() -> None:
    # Lists ``_is_plain`` accepts skip brace handling and decoding (``_plain_name``): each
    # name must come out as ``_bibtex_name`` reads it.
    import random

    from sitegen.render.names import PersonName, _bibtex_name, _is_plain, _split_top

    rng = random.Random(2)
    words = ["Jane", "van", "der", "Berg", "O'Brien", "Jean-Paul", "J.", "Ekstr\u00f6m", "de"]
    words += [
        "Jr",
        "and",
        "AND",
        "others",
        ",",
        " ",
        "  ",
        "\t",
        "\n",
        "\r\n",
        "-",
        "'",
        "\u00e9",
        "e\u0301",
        "2",
    ]
    words += ["\u212b", "{X}", "\\'e", "~", "--", "''", "\u00a0", "_"]
    lists = [
        "".join(rng.choice(words) + rng.choice(["", " "]) for _ in range(rng.randint(1, 10)))
        for _ in range(5000)
    ]
    plain = [raw for raw in lists if _is_plain(raw)]
    assert len(plain) > 1000
    for raw in plain:
        chunks = [chunk.strip() for chunk in _split_top(raw, " and ")]
        general = tuple(
            PersonName(family="", others=True) if c.lower() == "others" else _bibtex_name(c)
            for c in chunks
            if c
        )
        assert parse_bibtex_names(raw) == general, repr(raw)


def test_initials_of_one_plain_given_name() -> None:
    assert PersonName("Doe", "Jane").initials() == "J."
    assert PersonName("Doe", "\u00c9mile").initials() == "\u00c9."
    assert PersonName("Doe", "Jane Ann").initials() == "J. A."
