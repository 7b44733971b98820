from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest

from sitegen.content.config import load_config
from sitegen.content.journal import load_journal
from sitegen.content.model import Journal
from sitegen.errors import Diagnostic, errors_in

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "journals"


def _load(root: Path) -> tuple[Journal, list[Diagnostic]]:
    config, diags = load_config(root)
    assert errors_in(diags) == []
    assert config is not None
    return load_journal(config)


def test_minimal_journal(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(FIXTURES / "minimal")
    journal, diags = _load(Path("."))
    assert diags == []
    assert [p.slug for p in journal.papers] == ["second-look", "hello-world"]  # newest first
    hello = journal.papers[1]
    assert hello.source_path == "content/papers/hello-world/paper.md"
    assert hello.dir == (FIXTURES / "minimal" / "content" / "papers" / "hello-world").resolve()
    assert hello.title == "Hello, World: a first paper"
    assert hello.date == dt.date(2017, 8, 13)
    assert hello.doi == "10.5555/12345678"
    assert [a.orcid for a in hello.authors] == ["0000-0002-1825-0097", "0000-0002-1694-233X"]
    assert hello.authors[0].notes == ("Corresponding author",)
    assert [a.name for a in hello.authors[0].affiliations] == [
        "Brown University",
        "University of Examples",
    ]
    assert hello.keywords == ("testing", "examples", "fixtures")
    assert hello.bibliography == "paper.bib"
    assert hello.body.startswith("\n# Summary\n")
    lines = (FIXTURES / "minimal" / hello.source_path).read_text().split("\n")
    assert lines[hello.body_line] == "# Summary"
    assert journal.papers[0].status == "preprint"
    assert journal.papers[0].license == "CC-BY-4.0"  # the journal default
    assert [(p.slug, p.title, p.order) for p in journal.pages] == [
        ("board", "Editorial board", 2),
        ("about", "About this journal", 100),
    ]
    assert [(i.volume, i.issue, i.title) for i in journal.issues] == [(1, 1, "The first issue")]


def test_bad_yaml_is_reported_and_other_papers_still_load(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.chdir(FIXTURES / "bad-yaml")
    journal, diags = _load(Path("."))
    assert [d.format() for d in diags] == [
        "content/papers/broken/paper.md:5: yaml: invalid YAML: expected ',' or ']', "
        "but got ':' (while parsing a flow sequence)"
    ]
    assert [p.slug for p in journal.papers] == ["fine"]


def test_bad_meta_reports_every_problem_at_once(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(FIXTURES / "bad-meta")
    journal, diags = _load(Path("."))
    p = "content/papers/everything-wrong/paper.md"
    assert [d.format() for d in diags] == [
        f"{p}:3: warning: autors: unknown field kept as extra data (did you mean 'authors'?)",
        f"{p}:6: authors[0].orcid: '0000-0002-1825-0098' is not a valid ORCID iD"
        " (checksum digit does not match)",
        f"{p}:7: authors[0].affiliation: affiliation index 3 is not in affiliations (1)",
        f"{p}:8: authors[0].corresponding: must be true or false, not str 'maybe'",
        f"{p}:12: date: '31 February 2020' is not a real date (day is out of range for month)",
        f"{p}:13: doi: '11.1234/nope' is not a valid DOI (expected 10.<registrant>/<suffix>)",
        f"{p}:14: license: 'CC-BY-4' is not an SPDX licence id (did you mean 'CC-BY-4.0'?)",
        f"{p}:15: volume: must be a whole number, not str 'one'",
        f"{p}:16: status: must be one of published, preprint, retracted, not 'draft'",
        f"{p}:17: bibliography: file 'missing.bib' does not exist in everything-wrong/",
        f"{p}:18: pdf: file 'paper.pdf' does not exist in everything-wrong/",
        f"{p}:20: data[0].path: file 'data/missing.csv' does not exist in everything-wrong/",
        f"{p}:24: attestations[0].uid: '0x1234' is not an attestation UID"
        " (0x followed by 64 hex digits)",
        "content/papers/no-title/paper.md:1: title: missing required field 'title'",
    ]
    # Best effort: both papers come back so later stages can add their own problems.
    assert sorted(p.slug for p in journal.papers) == ["everything-wrong", "no-title"]


def _journal(tmp_path: Path) -> Path:
    root = tmp_path / "j"
    (root / "content" / "papers").mkdir(parents=True)
    (root / "sitegen.yaml").write_text("title: J\n")
    return root


def _add(root: Path, slug: str, front: str) -> None:
    folder = root / "content" / "papers" / slug
    folder.mkdir(parents=True)
    (folder / "paper.md").write_text(f"---\n{front}---\nBody\n")


def test_ordering_is_deterministic(tmp_path: Path) -> None:
    root = _journal(tmp_path)
    _add(root, "b-old", "title: B\ndate: 2019-01-01\n")
    _add(root, "z-new", "title: Z\ndate: 2021-01-01\n")
    _add(root, "a-new", "title: A\ndate: 2021-01-01\n")
    _add(root, "undated", "title: U\n")
    _add(root, "also-undated", "title: U2\n")
    first, _ = _load(root)
    second, _ = _load(root)
    order = ["a-new", "z-new", "b-old", "also-undated", "undated"]
    assert [p.slug for p in first.papers] == order
    assert first == second


def test_unsafe_slug_and_folder_without_paper(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = _journal(tmp_path)
    _add(root, "my paper", "title: Spaces\n")
    (root / "content" / "papers" / "empty").mkdir()
    (root / "content" / "papers" / ".hidden").mkdir()
    monkeypatch.chdir(root)
    _, diags = _load(Path("."))
    assert [(d.severity, d.path, d.field) for d in diags] == [
        ("warning", "content/papers/empty", None),
        ("error", "content/papers/my paper", "slug"),
    ]


def test_pages_titles_and_fields(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = _journal(tmp_path)
    pages = root / "content" / "pages"
    pages.mkdir()
    (pages / "plain.md").write_text("No heading here.\n")
    (pages / "headed.md").write_text("```\n# not a heading\n```\n\n## Real heading ##\n")
    (pages / "meta.md").write_text("---\ntitle: Meta\norder: first\nmenu: false\nttle: x\n---\n")
    (pages / "notes.txt").write_text("ignored")
    monkeypatch.chdir(root)
    journal, diags = _load(Path("."))
    assert [(p.slug, p.title, p.menu) for p in journal.pages] == [
        ("headed", "Real heading", True),
        ("meta", "Meta", False),
        ("plain", "plain", True),
    ]
    assert [d.format() for d in diags] == [
        "content/pages/meta.md:3: order: must be a whole number, not str 'first'",
        "content/pages/meta.md:5: warning: ttle: unknown page field ignored"
        " (did you mean 'title'?)",
    ]


def test_issues_yaml(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = _journal(tmp_path)
    (root / "content" / "issues.yaml").write_text(
        "- {volume: 2, title: Two}\n"
        "- volume: 1\n  issue: 2\n  date: 5 May 2020\n"
        "- volume: 1\n  issue: 1\n  titel: One\n"
        "- {volume: 1, issue: 1}\n"
        "- {issue: 3}\n"
    )
    monkeypatch.chdir(root)
    journal, diags = _load(Path("."))
    assert [(i.volume, i.issue, i.date) for i in journal.issues] == [
        (1, 1, None),
        (1, 2, dt.date(2020, 5, 5)),
        (2, None, None),
    ]
    assert [d.format() for d in diags] == [
        "content/issues.yaml:7: [2].titel: unknown field (did you mean 'title'?)",
        "content/issues.yaml:8: [3]: volume 1 issue 1 is listed twice",
        "content/issues.yaml:9: [4].volume: missing volume number",
    ]


def test_corpus_loads_without_errors(tmp_path: Path, shared_dir: Path) -> None:
    """All published papers of the shared corpus, unmodified, as one journal."""
    corpus = shared_dir / "corpus" / "joss"
    root = _journal(tmp_path)
    names = sorted(p.name for p in corpus.iterdir() if (p / "paper.md").is_file())
    assert len(names) == 38
    for name in names:
        shutil.copytree(corpus / name, root / "content" / "papers" / name)
    journal, diags = _load(root)
    assert errors_in(diags) == []
    # The two unfilled dates in the corpus are warnings with their lines.
    assert sorted((Path(d.path).parent.name, d.line, d.field) for d in diags) == [
        ("gwpopulation", 41, "date"),
        ("mlj-jl", 44, "date"),
    ]
    assert len(journal.papers) == 38
    for paper in journal.papers:
        assert paper.title and paper.authors, paper.slug
        assert paper.bibliography and (paper.dir / paper.bibliography).is_file()
        assert all(a.name and "^[" not in a.name for a in paper.authors)
    by_slug = {p.slug: p for p in journal.papers}
    assert by_slug["beambending"].nocite[:2] == ("beamguru", "structuralbeam")
    assert by_slug["copro"].authors[0].notes == ("corresponding author",)
    assert by_slug["emiproc"].authors[2].equal_contrib
    assert by_slug["pyautolens"].license == "MIT"
    assert "codeRepository" in by_slug["pyautolens"].extra
    assert [a.name for a in by_slug["biopixr"].authors[2].affiliations][1].startswith("BTU Cottbus")
    dated = [p.date for p in journal.papers if p.date is not None]
    assert dated == sorted(dated, reverse=True)
