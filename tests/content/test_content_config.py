from __future__ import annotations

from pathlib import Path

import pytest

from sitegen.content.config import load_config
from sitegen.errors import errors_in

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "journals"


def _write(root: Path, text: str) -> Path:
    root.mkdir(parents=True, exist_ok=True)
    (root / "sitegen.yaml").write_text(text, encoding="utf-8")
    return root


def test_minimal_config_loads_with_defaults(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(FIXTURES / "minimal")
    config, diags = load_config(Path("."))
    assert diags == []
    assert config is not None
    assert config.title == "The Minimal Journal"
    assert config.publisher == "Test Press"
    assert config.root == (FIXTURES / "minimal").resolve()
    assert config.path == "sitegen.yaml"
    assert config.citation_style == "author-year"
    assert config.cid_profile == "unixfs-v1-2025"
    assert config.gateways == ("dweb.link", "w3s.link", "4everland.io")
    assert config.lines["publisher"] == 3


def test_bad_config_reports_every_problem_with_line_and_hint(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.chdir(FIXTURES / "bad-config")
    config, diags = load_config(Path("."))
    assert [d.format() for d in diags] == [
        "sitegen.yaml:2: titel: unknown setting (did you mean 'title'?)",
        "sitegen.yaml:3: citation_style: must be one of author-year, numeric, not 'apa'",
        "sitegen.yaml:4: license: 'CC-BY-4' is not an SPDX licence id (did you mean 'CC-BY-4.0'?)",
        "sitegen.yaml:5: base_url: 'journal.example' is not an absolute http(s) URL"
        " (e.g. https://journal.example/)",
        "sitegen.yaml:6: gateways: must be a list of host names",
        "sitegen.yaml:7: language: '12' is not a language tag (e.g. en, de, pt-BR)",
    ]
    # Best effort: the rest of the config is still usable so `check` can go on.
    assert config is not None and config.title == "Bad Config Journal"
    assert config.license == "CC-BY-4.0" and config.citation_style == "author-year"


def test_missing_config_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    config, diags = load_config(tmp_path / "journal")
    assert config is None
    assert diags[0].path == "journal/sitegen.yaml"
    assert "no sitegen.yaml" in diags[0].message


def test_path_outside_cwd_is_absolute(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = _write(tmp_path / "j", "title: T\nfoo: 1\n")
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    _, diags = load_config(root)
    assert diags[0].path == (root / "sitegen.yaml").as_posix()


def test_broken_yaml_and_non_mapping(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    _write(tmp_path / "a", "title: T\ngateways: [a.b\n")
    config, diags = load_config(Path("a"))
    assert config is None
    assert diags[0].path == "a/sitegen.yaml" and diags[0].field == "yaml"
    assert diags[0].line in (2, 3)
    _write(tmp_path / "b", "- just\n- a list\n")
    config, diags = load_config(Path("b"))
    assert config is None and diags[0].message == "must be a mapping of settings"
    _write(tmp_path / "c", "")
    config, diags = load_config(Path("c"))
    assert config is None and diags[0].field == "title"


def test_types_and_values_are_checked(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    _write(
        tmp_path,
        "title: [not, text]\n"
        "issn: 2475-9067\n"
        "cid_profile: unixfs-v1\n"
        "gateways:\n  - dweb.link\n  - https://w3s.link/\n"
        "theme: ../evil\n"
        "description: {a: 1}\n",
    )
    config, diags = load_config(Path("."))
    formatted = [d.format() for d in diags]
    assert formatted[0] == "sitegen.yaml:1: title: must be text, not a list"
    assert formatted[1].startswith("sitegen.yaml:2: issn: '2475-9067' is not a valid ISSN")
    assert formatted[2] == (
        "sitegen.yaml:3: cid_profile: must be one of unixfs-v1-2025, unixfs-v0-2015,"
        " not 'unixfs-v1' (did you mean 'unixfs-v1-2025'?)"
    )
    assert formatted[3].startswith("sitegen.yaml:6: gateways[1]: 'https://w3s.link/'")
    assert formatted[4].startswith("sitegen.yaml:7: theme:")
    assert formatted[5] == "sitegen.yaml:8: description: must be text, not a mapping"
    assert config is not None and config.gateways == ("dweb.link",)


def test_missing_title_is_an_error(tmp_path: Path) -> None:
    _write(tmp_path, "description: no title\n")
    _, diags = load_config(tmp_path)
    assert [(d.line, d.field) for d in errors_in(diags)] == [(1, "title")]


def test_valid_full_config(tmp_path: Path) -> None:
    _write(
        tmp_path,
        "title: Full\n"
        "issn: 2475-9066\n"
        "language: de-CH\n"
        "base_url: https://journal.example\n"
        "license: cc-by-sa-4.0\n"
        "citation_style: numeric\n"
        "cid_profile: unixfs-v0-2015\n"
        "gateways: [dweb.link]\n"
        "deploy:\n"
        "  production:\n"
        "    provider: filebase\n"
        "    bucket: my-journal\n"
        "    mode: car\n",
    )
    config, diags = load_config(tmp_path)
    assert errors_in(diags) == []
    assert config is not None
    assert config.base_url == "https://journal.example/"
    assert config.license == "CC-BY-SA-4.0"
    assert config.citation_style == "numeric"
    assert config.cid_profile == "unixfs-v0-2015"
    assert config.deploy["production"].bucket == "my-journal"
