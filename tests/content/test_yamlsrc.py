from __future__ import annotations

from sitegen.content.yamlsrc import load_yaml


def test_lines_are_recorded_with_offset():
    data, diags = load_yaml("a: 1\nb:\n  - x\n  - {c: 2}\n", "f.yaml", line_offset=1)
    assert diags == []
    assert data.lines == {"a": 2, "b": 3}
    assert data["b"].lines == [4, 5]
    assert data["b"][1].line == 5


def test_syntax_error_has_line():
    data, diags = load_yaml("a: 1\nb: [1, 2\n", "f.yaml")
    assert data is None
    assert diags[0].line == 3 or diags[0].line == 2
    assert diags[0].format().startswith("f.yaml:")


def test_duplicate_key_is_an_error():
    _, diags = load_yaml("a: 1\na: 2\n", "f.yaml")
    assert [(d.line, d.field) for d in diags] == [(2, "a")]


def test_impossible_date_stays_text_for_the_validator():
    data, diags = load_yaml("date: 2024-02-31\nok: 2024-02-29\n", "f.yaml")
    assert diags == []
    assert data["date"] == "2024-02-31"
    assert str(data["ok"]) == "2024-02-29"
