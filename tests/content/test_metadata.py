from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from sitegen.content.journal import load_paper
from sitegen.content.model import Paper
from sitegen.errors import Diagnostic, errors_in


def _paper(tmp_path: Path, front: str, body: str = "Body.\n", files: tuple[str, ...] = ()):
    folder = tmp_path / "content" / "papers" / "p"
    folder.mkdir(parents=True, exist_ok=True)
    for name in files:
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).write_text("x", encoding="utf-8")
    (folder / "paper.md").write_text(f"---\n{front}---\n{body}", encoding="utf-8")
    return load_paper(folder)


@pytest.fixture(autouse=True)
def _in_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)


def _ok(result: tuple[Paper | None, list[Diagnostic]]) -> Paper:
    paper, diags = result
    assert errors_in(diags) == []
    assert paper is not None
    return paper


def test_affiliation_refs_in_every_form(tmp_path: Path) -> None:
    paper = _ok(
        _paper(
            tmp_path,
            "title: T\n"
            "authors:\n"
            "  - name: A One\n    affiliation: 1\n"
            '  - name: B Two\n    affiliation: "1, 2"\n'
            "  - name: C Three\n    affiliation: [2, 1]\n"
            "  - name: D Four\n    affiliation: Lab Two\n"
            "  - name: E Five\n    affiliation: University of Nowhere, Atlantis\n"
            "  - name: F Six\n    affiliations: ['1']\n"
            "affiliations:\n"
            "  - {name: Lab One, index: 1}\n"
            "  - {name: Lab Two, index: 2, ror: 05gq02987}\n",
        )
    )
    names = [[a.name for a in au.affiliations] for au in paper.authors]
    assert names == [
        ["Lab One"],
        ["Lab One", "Lab Two"],
        ["Lab Two", "Lab One"],
        ["Lab Two"],
        ["University of Nowhere, Atlantis"],
        ["Lab One"],
    ]
    assert paper.affiliations[1].ror == "https://ror.org/05gq02987"
    assert paper.affiliations[0].index == "1"


def test_author_details(tmp_path: Path) -> None:
    paper = _ok(
        _paper(
            tmp_path,
            "title: T\n"
            "authors:\n"
            "  - name: Jane van Doe^[Corresponding author]^[Deceased [2020]]\n"
            "    orcid: https://orcid.org/0000-0002-1825-0097\n"
            "    corresponding: true\n"
            "    equal-contrib: yes\n"
            "    email: jane@example.org\n"
            "  - name:\n      given-names: Ludwig\n      dropping-particle: van\n"
            "      surname: Beethoven\n"
            "  - Plain Name\n",
        )
    )
    jane, ludwig, plain = paper.authors
    assert jane.name == "Jane van Doe"
    assert jane.notes == ("Corresponding author", "Deceased [2020]")
    assert jane.orcid == "0000-0002-1825-0097"
    assert jane.corresponding and jane.equal_contrib and jane.email == "jane@example.org"
    assert (jane.given, jane.family) == ("Jane", "van Doe")
    assert (ludwig.name, ludwig.given, ludwig.family) == (
        "Ludwig van Beethoven",
        "Ludwig",
        "van Beethoven",
    )
    assert plain.name == "Plain Name" and plain.family == "Name"


def test_every_author_problem_has_its_line(tmp_path: Path) -> None:
    _, diags = _paper(
        tmp_path,
        "title: T\n"  # 2
        "authors:\n"  # 3
        "  - name: A\n"  # 4
        "    orcid: 0000-0002-1825-0098\n"  # 5
        "    affiliation: 4\n"  # 6
        "    email: not-an-email\n"  # 7
        "  - orcid: 0000-0002-1825-0097\n"  # 8
        "  - 42.5\n"  # 9
        "  - name: C\n"  # 10
        "    afiliation: 1\n"  # 11
        "affiliations:\n"  # 12
        "  - {name: X, index: 1}\n"  # 13
        "  - {name: Y, index: 1}\n"  # 14
        "  - {index: 2}\n",  # 15
    )
    got = [d.format() for d in diags]
    p = "content/papers/p/paper.md"
    assert got == [
        f"{p}:5: authors[0].orcid: '0000-0002-1825-0098' is not a valid ORCID iD"
        " (checksum digit does not match)",
        f"{p}:6: authors[0].affiliation: affiliation index 4 is not in affiliations (1, 1, 2)",
        f"{p}:7: authors[0].email: 'not-an-email' is not an email address",
        f"{p}:8: authors[1].name: missing author name",
        f"{p}:9: authors[2]: must be a mapping with a name, or a name",
        f"{p}:11: warning: authors[3].afiliation: unknown field (did you mean 'affiliation'?)",
        f"{p}:14: affiliations[1].index: index 1 is used twice (first on line 13)",
        f"{p}:15: affiliations[2].name: missing affiliation name",
    ]


def test_journal_fields(tmp_path: Path) -> None:
    paper = _ok(
        _paper(
            tmp_path,
            "title: 1984\n"
            "subtitle: Sub\n"
            "date: 2020-05-01\n"
            "received: 1 March 2020\n"
            "accepted: April 2, 2020\n"
            "tags: [a, b]\n"
            "keywords: b, c\n"
            "abstract: |\n  An *abstract*.\n"
            "doi: doi:10.5555/xyz\n"
            "license: mit\n"
            "volume: '2'\n"
            "issue: 3\n"
            "status: retracted\n"
            "retraction_note: Data were fabricated.\n"
            "version: 1.10\n"
            "pdf: paper.pdf\n"
            "bibliography: refs.bib\n"
            "nocite: |\n  @one, @two; @one\n"
            "data:\n  - data/a.csv\n  - {path: data/b.csv, description: B, title: Bee}\n"
            "attestations:\n  - {chain: base, uid: 0x" + "0a" * 32 + "}\n"
            "header-includes:\n  - \\usepackage{tikz}\n"
            "codeRepository: https://example.org/repo\n",
            files=("paper.pdf", "refs.bib", "data/a.csv", "data/b.csv"),
        )
    )
    assert paper.title == "1984" and paper.subtitle == "Sub"
    assert paper.date == dt.date(2020, 5, 1)
    assert (paper.received, paper.accepted) == (dt.date(2020, 3, 1), dt.date(2020, 4, 2))
    assert paper.keywords == ("a", "b", "c")
    assert paper.abstract == "An *abstract*."
    assert paper.doi == "10.5555/xyz"
    assert paper.license == "MIT"
    assert (paper.volume, paper.issue, paper.status) == (2, 3, "retracted")
    assert paper.retraction_note == "Data were fabricated."
    assert paper.version == "1.10"
    assert (paper.pdf, paper.bibliography) == ("paper.pdf", "refs.bib")
    assert paper.nocite == ("one", "two")
    assert [(d.path, d.description, d.title) for d in paper.data] == [
        ("data/a.csv", "", ""),
        ("data/b.csv", "B", "Bee"),
    ]
    assert [(a.chain, a.uid, a.line) for a in paper.attestations] == [
        ("base", "0x" + "0a" * 32, 26)
    ]
    assert paper.extra == {
        "header-includes": ["\\usepackage{tikz}"],
        "codeRepository": "https://example.org/repo",
    }
    assert paper.lines["doi"] == 11
    assert paper.body == "Body.\n" and paper.body_line == 31


def test_typo_of_a_known_key_warns_but_is_kept(tmp_path: Path) -> None:
    paper, diags = _paper(tmp_path, "title: T\nautors: [x]\naffiliation: []\n")
    assert paper is not None and paper.extra == {"autors": ["x"], "affiliation": []}
    assert [(d.severity, d.line, d.field) for d in diags] == [
        ("warning", 3, "autors"),
        ("warning", 4, "affiliation"),
    ]
    assert "did you mean 'authors'?" in diags[0].message


def test_wrong_types(tmp_path: Path) -> None:
    _, diags = _paper(
        tmp_path,
        "title: {a: 1}\n"
        "authors: 5\n"
        "tags: {x: 1}\n"
        "issue: 1.5\n"
        "attestations: base\n"
        "received: 2020-02-01\n"
        "accepted: 2020-01-01\n",
    )
    got = [(d.line, d.field, d.message) for d in diags]
    assert got == [
        (2, "title", "must be text, not a mapping"),
        (3, "authors", "must be a list of authors"),
        (4, "tags", "must be a list of text, not a mapping"),
        (5, "issue", "must be a whole number, not a number 1.5"),
        (6, "attestations", "must be a list of {chain, uid}"),
        (8, "accepted", "is before the received date"),
    ]


def test_files_must_stay_inside_the_paper_folder(tmp_path: Path) -> None:
    (tmp_path / "content" / "papers" / "secret.bib").parent.mkdir(parents=True)
    (tmp_path / "content" / "papers" / "secret.bib").write_text("x")
    _, diags = _paper(tmp_path, "title: T\nbibliography: ../secret.bib\npdf: /etc/passwd\n")
    assert [(d.line, d.field, d.message) for d in diags] == [
        (3, "bibliography", "'../secret.bib' points outside the paper folder"),
        (4, "pdf", "'/etc/passwd' must be a path relative to the paper folder"),
    ]


def test_placeholder_date_is_a_warning(tmp_path: Path) -> None:
    paper, diags = _paper(tmp_path, "title: T\ndate: XX Month 20XX\n")
    assert paper is not None and paper.date is None
    assert [(d.severity, d.line, d.field) for d in diags] == [("warning", 3, "date")]


def test_no_front_matter_at_all(tmp_path: Path) -> None:
    folder = tmp_path / "content" / "papers" / "bare"
    folder.mkdir(parents=True)
    (folder / "paper.md").write_text("# Just a body\n")
    paper, diags = load_paper(folder)
    assert [d.format() for d in diags] == [
        "content/papers/bare/paper.md:1: title: missing required field 'title'"
    ]
    assert paper is not None and paper.body == "# Just a body\n" and paper.body_line == 1


def test_default_license_applies(tmp_path: Path) -> None:
    folder = tmp_path / "content" / "papers" / "p"
    folder.mkdir(parents=True)
    (folder / "paper.md").write_text("---\ntitle: T\n---\n")
    paper, _ = load_paper(folder, default_license="CC0-1.0")
    assert paper is not None and paper.license == "CC0-1.0"


def test_blank_identifiers_count_as_absent(tmp_path: Path) -> None:
    paper, diags = _paper(
        tmp_path, 'title: T\ndoi: ""\ndate:\nauthors:\n  - name: A\n    orcid: ""\n'
    )
    assert paper is not None and paper.doi is None and paper.authors[0].orcid is None
    assert [(d.severity, d.line, d.field) for d in diags] == [("warning", 4, "date")]
