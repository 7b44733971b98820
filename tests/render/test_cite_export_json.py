"""cite.json is written without json's pure-Python indenting encoder: same bytes."""

from __future__ import annotations

import json
import random

from sitegen.render.cite_export import _json_indented

ALPHABET = 'ab "\\/\n\t\u00e9\u2028\U0001f600<>&\x00\x1f'


def _value(rng: random.Random, depth: int) -> object:
    kind = rng.randrange(8 if depth < 4 else 4)
    if kind == 0:
        return "".join(rng.choice(ALPHABET) for _ in range(rng.randrange(6)))
    if kind == 1:
        return rng.randrange(-(10**6), 10**6)
    if kind == 2:
        return rng.choice([None, True, False, 1.5, -0.0])
    if kind == 3:
        return ""
    if kind in (4, 5):
        return [_value(rng, depth + 1) for _ in range(rng.randrange(4))]
    return {
        "".join(rng.choice(ALPHABET) for _ in range(rng.randrange(4))): _value(rng, depth + 1)
        for _ in range(rng.randrange(4))
    }


def test_same_bytes_as_json_dumps_indent_2() -> None:
    rng = random.Random(8)
    for _ in range(3000):
        value = [_value(rng, 0)]
        assert _json_indented(value, "\n") == json.dumps(value, ensure_ascii=False, indent=2)


def test_csl_item_shape() -> None:
    item = {
        "id": "Smith2020",
        "author": [{"family": "Smith", "given": "Ann"}, {"literal": "Team"}],
        "issued": {"date-parts": [[2020, 1, 2]]},
        "keyword": "",
        "empty": {},
        "none": [],
    }
    expected = json.dumps([item], ensure_ascii=False, indent=2)
    assert _json_indented([item], "\n") == expected
