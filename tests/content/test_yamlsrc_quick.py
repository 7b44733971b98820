"""The quick YAML roads (the line reader of yamllines; libyaml nodes with our resolver and
builder) against PyYAML's own construction with our constructors: same objects, same
types, same lines, same errors."""

from __future__ import annotations

import random
from pathlib import Path
from typing import Any

import pytest
import yaml

from sitegen.content import yamllines, yamlsrc
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


SYNTHETIC = """title: "A Dynamic Framework for Narratives in Reef Ecosystems"
authors:
  - name: "Luis Park"
    orcid: "0000-0001-8986-4208"
    affiliation: "Department of Astronomy, Kessler Institute"
  - name: "Oren O'Brien"
    orcid: 0000-0002-9158-4894
    affiliation: 1, 2
    corresponding: true
date: 2000-02-24
volume: 1
issue: 1
doi: "10.5555/jss.2000.001"
keywords:
  - "cosmology"
  - machine learning
abstract: "We such trials the changes more in as for without a model: the community."
license: CC-BY-4.0
bibliography: references.bib
"""
COMPACT = """title: Plain title, with a comma [and brackets] {and braces}
authors:
- name: Ada
  orcid: '0000-0002-1825-0097'
  equal-contrib: yes
- Ingrid Søreide
affiliations:
-   name: Institute
    index: 1
nested:
  deeper:
    deepest: null
    list:
    - 1.5
    - 1_000
    - 0x1F
  empty:
received: 2023-11-02
accepted: 2024-02-31
when: 2001-12-14 21.59.43
version: "1.0"
"""


def _front_matters() -> list[str]:
    found = [SYNTHETIC, COMPACT]
    folders = [ROOT / "content" / "papers", ROOT / "tests" / "fixtures" / "journals"]
    folders.append(ROOT.parent / "shared" / "corpus" / "joss")
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


def test_line_reader_takes_plain_front_matter() -> None:
    """The shapes it is for are read by it, not left to libyaml."""
    for text in (SYNTHETIC, COMPACT, "a: 1\n", "a:\n- b\n", "a:\n  - b: c\n    d:\n"):
        assert _by_lines(text) is not None, text
    for text in ("a: 1 # c\n", "a: |\n  x\n", "a: [1]\n", "- a\n", "a: &x 1\n", "a: b\n  c\n"):
        assert _by_lines(text) is None, text


def _by_lines(text: str) -> Any:
    return yamllines.load_lines(
        text, 1, yamlsrc._BY_FIRST, yamlsrc._WILDCARD, yamlsrc._construct_plain
    )


PIECES = [
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
    " ",
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
    "-",
    ":",
    "\n  - ",
    "\n- ",
    "\nk: ",
    "\n  k: ",
    "\n    k:",
    "null",
    "y",
    "1.5",
    "---",
    "...",
    "|",
    ">",
    "%",
    "@",
    "\\",
    "\u2028",
    "\x85",
    "\ufeff",
]


@pytest.mark.parametrize("seed", range(2))
def test_mutated_front_matter_matches_reference(seed: int) -> None:
    """Random cuts, swaps and insertions of YAML-significant pieces into real front
    matter; the line reader must take a good share of them (its edge cases)."""
    rng = random.Random(8 + seed)
    texts = _front_matters()
    taken = 0
    for _ in range(1200):
        text = rng.choice(texts)
        for _ in range(rng.randint(1, 4)):
            at = rng.randrange(len(text) + 1)
            if rng.random() < 0.3:
                text = text[:at] + text[at + rng.randint(1, 5) :]
            else:
                text = text[:at] + rng.choice(PIECES) + text[at:]
        taken += _by_lines(text) is not None
        assert _quick(text, 1) == _reference(text, 1), text
    assert taken > 120


LINES = ["- a", "- k: v", "k:", "k: v", "-", "- ", "k: 'x'", 'k: "y"', "yes: 1", "k: 1.0"]


def test_reindented_front_matter_matches_reference() -> None:
    """Lines moved in or out, dropped, repeated, split after their key or added: the
    indentation rules of the line reader against libyaml's."""
    rng = random.Random(11)
    texts = _front_matters()
    taken = 0
    for _ in range(1500):
        lines = rng.choice(texts).split("\n") or ["a: 1"]
        for _ in range(rng.randint(1, 4)):
            i = rng.randrange(len(lines))
            op = rng.random()
            if op < 0.3:
                lines[i] = " " * rng.choice([0, 1, 2, 3, 4, 6]) + lines[i].lstrip(" ")
            elif op < 0.5 and len(lines) > 1:
                del lines[i]
            elif op < 0.7:
                lines.insert(i, rng.choice(lines))
            elif op < 0.85:
                split = ":\n" + " " * rng.choice([0, 2, 4]) + rng.choice(["- ", ""])
                lines[i] = lines[i].replace(": ", split, 1)
            else:
                lines.insert(i, " " * rng.choice([0, 2, 4]) + rng.choice(LINES))
        text = "\n".join(lines)
        taken += _by_lines(text) is not None
        assert _quick(text, 1) == _reference(text, 1), text
    assert taken > 150


def test_resolver_table_is_pyyaml_own() -> None:
    """The quick resolver answers as BaseResolver.resolve for plain and quoted scalars."""
    loader = yamlsrc._QuickLoader("")
    reference = yamlsrc._LOADER("")
    assert loader.resolve is yamlsrc._resolve
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


def _yaml_printable(code: int) -> bool:
    """YAML 1.1's c-printable, less what it reads as a line break or byte order mark."""
    return (
        code in (0x0A, 0x20)
        or 0x21 <= code <= 0x7E
        or 0xA0 <= code <= 0xD7FF
        or 0xE000 <= code <= 0xFFFD
        or 0x10000 <= code <= 0x10FFFF
    ) and code not in (0x2028, 0x2029, 0xFEFF)


def test_plain_characters_are_printable_yaml() -> None:
    """Every character the line reader lets through is one YAML reads as itself."""
    for code in range(0x110000):
        char = chr(code)
        if yamllines.plain_characters(char):
            assert _yaml_printable(code) and char not in "#\\", hex(code)
    assert yamllines.plain_characters("a: b\nc: d\n")
    for refused in ("a: 1 # c", "a: \\x", "a:\tb", "a: b\r\n", "a: \u2028", "\ufeffa: 1"):
        assert not yamllines.plain_characters(refused)
