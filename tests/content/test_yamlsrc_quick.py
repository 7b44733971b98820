"""The quick YAML road (libyaml nodes, our resolver and builder) against PyYAML's own
construction with our constructors: same objects, same types, same lines, same errors."""

from __future__ import annotations

import random
from pathlib import Path
from typing import Any

import pytest
import yaml

from sitegen.content import yamlsrc
from sitegen.content.frontmatter import read_markdown, split_front_matter
from sitegen.content.yamlsrc import LineDict, LineList, load_yaml

ROOT = Path(__file__).resolve().parents[2]

CASES = [
    "",
    "# only a comment\n",
    "~\n",
    "just text\n",
    "- a\n- b\n",
    "a: 1\nb: 2.5\nc: true\nd: null\ne: ~\nf: ''\ng:\nh: 0x1F\ni: 0o17\nj: 1_000\n",
    "k: .inf\nl: -.Inf\nm: .NaN\nn: 1e3\no: +12\np: -0\nq: 0b101\nr: 190:20:30\n",
    "yes: no\non: off\nY: n\nTrue: FALSE\nNULL: Null\n",
    "date: 2024-02-29\nbad: 2024-02-31\nwhen: 2001-12-14t21:59:43.10-05:00\nsp: 2001-12-14 21:59:43.10 -5\n",
    'q: "quoted 1"\ns: \'single: 2\'\nn: "2024-01-01"\nb: "true"\ne: ""\n',
    "a: 1\na: 2\nb: {x: 1, x: 2, y: [1, 2, {z: 3, z: 4}]}\n",
    "list:\n  - x\n  - - nested\n    - 2\n  - {c: 2}\n  -\n  - k: v\n    k2: v2\n",
    "folded: >\n  one\n  two\nliteral: |\n  a\n   b\n",
    "base: &b {x: 1, y: 2}\nother: *b\nseq: &s [1, 2]\nagain: *s\n",
    "base: &b {x: 1, x: 3}\nother: *b\n",
    "base: &b {x: 1}\nmerged:\n  <<: *b\n  y: 2\n",
    "m:\n  <<: [{a: 1}, {b: 2}]\n  a: 0\n",
    "=: value\n",
    "? [a, b]\n: complex key\n? {k: v}\n: map key\n1: int key\n2.5: float key\nnull: null key\n",
    "tagged: !!str 12\nbin: !!binary aGVsbG8=\nset: !!set {a, b}\nomap: !!omap [a: 1, b: 2]\n",
    "pairs: !!pairs [a: 1, a: 2]\nfloat: !!float 3\nint: !!int '7'\nstrmap: !!str {a: 1}\n",
    "unknown: !custom thing\n",
    "local: ! not resolved\n",
    "rec: &r [*r]\n",
    "rec: &r {a: *r}\n",
    "a: [1, 2\n",
    "a: b: c\n",
    "\tbad: tab\n",
    "- a\nb: c\n",
    "a: 1\n---\nb: 2\n",
    'key: value # comment\n\'odd key\': "x\\ty"\nunicode: "\\u00e9t\\u00e9"\n',
    "a:\n  b:\n    c:\n      d: [1, {e: [f, g]}]\n",
    "anchors: &x hello\nref: *x\nrefs: [*x, *x]\n",
    "yaml: !\n",
    "& : a\n",
    "stars: '*'\nbang: '!'\n",
]


def _shape(value: Any) -> Any:
    """Everything the loaders decide, including types, lines and duplicates."""
    if isinstance(value, LineDict):
        return (
            "map",
            value.line,
            [(k, value.lines[k], _shape(v)) for k, v in value.items()],
            list(value.duplicates),
        )
    if isinstance(value, LineList):
        return ("seq", value.line, list(value.lines), [_shape(v) for v in value])
    if isinstance(value, float) and value != value:
        return ("nan",)
    if isinstance(value, (list, dict, set, tuple)):
        return (type(value).__name__, repr(value))
    return (type(value).__name__, value)


def _reference(text: str, offset: int) -> Any:
    """The loading as it was before the quick road: PyYAML's construction throughout.

    Errors that are not YAML errors (``!!int word`` is a ValueError) escape both roads."""
    try:
        return _reference_or_raise(text, offset)
    except Exception as exc:  # compared with the quick road's
        return ("raised", type(exc), str(exc))


def _reference_or_raise(text: str, offset: int) -> tuple[Any, list[str]]:
    try:
        data = yamlsrc._load_reference(text, offset, yamlsrc._LOADER)
    except yaml.YAMLError:
        data, diags = yamlsrc._load_slowly(text, "f.yaml", offset)
        return _shape(data), [d.format() for d in diags]
    diags_out: list[Any] = []
    yamlsrc._collect_duplicates(data, "f.yaml", diags_out)
    return _shape(data), [d.format() for d in diags_out]


def _quick(text: str, offset: int) -> Any:
    try:
        data, diags = load_yaml(text, "f.yaml", line_offset=offset)
    except Exception as exc:  # compared with the reference's
        return ("raised", type(exc), str(exc))
    return _shape(data), [d.format() for d in diags]


@pytest.mark.parametrize("text", CASES)
@pytest.mark.parametrize("offset", [0, 3])
def test_quick_road_matches_reference(text: str, offset: int) -> None:
    assert _quick(text, offset) == _reference(text, offset)


def _front_matters() -> list[str]:
    found = []
    folders = [ROOT / "content" / "papers", ROOT / "tests" / "fixtures" / "journals"]
    for base in folders:
        for path in sorted(base.rglob("*.md")):
            text, _ = read_markdown(path, "x")
            if text is None:
                continue
            fm, _ = split_front_matter(text, "x")
            if fm.yaml is not None:
                found.append(fm.yaml)
    return found


def test_front_matter_of_demo_and_fixtures_matches_reference() -> None:
    texts = _front_matters()
    assert len(texts) > 5
    for text in texts:
        assert _quick(text, 1) == _reference(text, 1)


def test_mutated_front_matter_matches_reference() -> None:
    """Random cuts, swaps and insertions of YAML-significant pieces into real front matter."""
    rng = random.Random(8)
    pieces = [
        ": ",
        "- ",
        "&a ",
        "*a",
        "<<: ",
        "!!int ",
        "'",
        '"',
        "[",
        "]",
        "{",
        "}",
        "\n",
        "  ",
        "#",
        "yes",
        "0x10",
        "2024-13-01",
        "volume",
        "~",
        "?",
        ",",
        "!!set ",
        "\t",
        "=",
    ]
    texts = _front_matters()
    for _ in range(1500):
        text = rng.choice(texts)
        for _ in range(rng.randint(1, 4)):
            at = rng.randrange(len(text) + 1)
            if rng.random() < 0.3:
                text = text[:at] + text[at + rng.randint(1, 5) :]
            else:
                text = text[:at] + rng.choice(pieces) + text[at:]
        assert _quick(text, 1) == _reference(text, 1), text


def test_resolver_table_is_pyyaml_own() -> None:
    """The quick resolver answers as BaseResolver.resolve for plain and quoted scalars."""
    loader = yamlsrc._QuickLoader("")
    reference = yamlsrc._LOADER("")
    try:
        samples = [
            "",
            "~",
            "null",
            "Null",
            "yes",
            "No",
            "on",
            "1",
            "-1.5",
            "0x1F",
            "1_0",
            ".inf",
            "2024-01-01",
            "=",
            "<<",
            "!",
            "*",
            "&",
            "text",
            "12:30",
            "+.5",
        ]
        for value in samples:
            for implicit in [(True, False), (False, True), (False, False)]:
                expected = reference.resolve(yaml.ScalarNode, value, implicit)
                assert loader.resolve(yaml.ScalarNode, value, implicit) == expected
        for kind in (yaml.SequenceNode, yaml.MappingNode):
            expected = reference.resolve(kind, None, (True, False))
            assert loader.resolve(kind, None, (True, False)) == expected
    finally:
        loader.dispose()
        reference.dispose()
