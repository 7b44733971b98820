from __future__ import annotations

from pathlib import Path

from sitegen.content.frontmatter import (
    load_markdown,
    normalize_text,
    parse_front_matter,
    split_front_matter,
)


def test_split_keeps_file_lines() -> None:
    fm, diags = split_front_matter("---\ntitle: T\ndate: 2020-01-01\n---\n\n# Body\n", "p.md")
    assert diags == []
    assert fm.yaml == "title: T\ndate: 2020-01-01\n"
    assert (fm.open_line, fm.yaml_line, fm.body_line) == (1, 2, 5)
    assert fm.body == "\n# Body\n"
    assert fm.body.split("\n")[1] == "# Body"  # file line body_line + 1


def test_pandoc_dot_fence_and_trailing_spaces_close_the_block() -> None:
    fm, _ = split_front_matter("--- \ntitle: T\n... \nBody\n", "p.md")
    assert fm.yaml == "title: T\n"
    assert fm.body == "Body\n"
    assert fm.body_line == 4


def test_dashes_inside_a_value_are_not_a_fence() -> None:
    fm, _ = split_front_matter("---\ndate: ---\nx: 1\n---\nB\n", "p.md")
    assert fm.yaml == "date: ---\nx: 1\n"


def test_no_front_matter_means_all_body() -> None:
    fm, diags = split_front_matter("# Title\n\ntext\n", "p.md")
    assert diags == [] and fm.yaml is None
    assert fm.body == "# Title\n\ntext\n" and fm.body_line == 1


def test_unclosed_front_matter_is_an_error_at_the_opening_fence() -> None:
    _, diags = split_front_matter("---\ntitle: T\n\nBody\n", "p.md")
    assert [d.format() for d in diags] == [
        "p.md:1: front matter: front matter opened with '---' is never closed ('---' or '...')"
    ]


def test_bom_and_crlf_are_normalised(tmp_path: Path) -> None:
    path = tmp_path / "paper.md"
    path.write_bytes(b"\xef\xbb\xbf---\r\ntitle: T\r\nbad: [\r\n---\r\nA\r\nB\r\n")
    fm, data, diags = load_markdown(path, "paper.md")
    assert data is None
    assert diags[0].line in (3, 4)  # the YAML error is reported at a file line
    path.write_bytes(b"\xef\xbb\xbf---\r\ntitle: T\r\n---\r\nA\r\nB\r\n")
    fm, data, diags = load_markdown(path, "paper.md")
    assert diags == []
    assert data == {"title": "T"} and data.lines == {"title": 2}
    assert fm is not None and fm.body == "A\nB\n" and fm.body_line == 4


def test_non_utf8_is_reported_with_its_line(tmp_path: Path) -> None:
    path = tmp_path / "paper.md"
    path.write_bytes(b"---\ntitle: T\n---\n\xff\n")
    _, data, diags = load_markdown(path, "paper.md")
    assert data is None
    assert diags[0].format() == "paper.md:4: file is not valid UTF-8"


def test_empty_front_matter_gives_empty_mapping_at_the_fence() -> None:
    fm, _ = split_front_matter("---\n---\nBody\n", "p.md")
    data, diags = parse_front_matter(fm, "p.md")
    assert diags == [] and data == {} and data is not None and data.line == 1


def test_scalar_front_matter_is_an_error() -> None:
    fm, _ = split_front_matter("---\njust text\n---\n", "p.md")
    data, diags = parse_front_matter(fm, "p.md")
    assert data is None
    assert diags[0].format() == "p.md:1: front matter: must be a mapping of fields"


def test_normalize_text_handles_lone_cr() -> None:
    assert normalize_text(b"a\rb\r\nc") == "a\nb\nc"
