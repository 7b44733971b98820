"""Page memo keys: the fast fingerprint gives the text of the plain ``isinstance`` walk."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections import OrderedDict
from collections.abc import Mapping
from types import SimpleNamespace
from typing import Any

import pytest
from markupsafe import Markup

from sitegen.cache.pages import MemoRenderer
from sitegen.render.model import AuthorEntry, IssueEntry, PaperEntry, SubjectEntry, VolumeEntry


def reference(value: object, fps: Mapping[str, str]) -> str:
    """The fingerprint as the page cache first defined it (one ``isinstance`` chain)."""
    if isinstance(value, list) and all(isinstance(v, PaperEntry) for v in value):
        return "[" + ",".join("P" + fps[v.slug] for v in value) + "]"
    if isinstance(value, PaperEntry):
        return "P" + fps[value.slug]
    if isinstance(value, Mapping):
        inner = ",".join(f"{k!r}:{reference(v, fps)}" for k, v in sorted(value.items()))
        return "{" + inner + "}"
    if isinstance(value, list | tuple):
        return "[" + ",".join(reference(v, fps) for v in value) + "]"
    if dataclasses.is_dataclass(value) or isinstance(value, str | int | float | bool | None):
        return repr(value)
    raise TypeError(type(value).__name__)


def entry(slug: str) -> PaperEntry:
    return PaperEntry(paper=SimpleNamespace(slug=slug), render=None)  # type: ignore[arg-type]


@dataclasses.dataclass(frozen=True)
class Other:
    name: str


class Sub(str):
    pass


def renderer(fps: dict[str, str]) -> MemoRenderer:
    made = MemoRenderer.__new__(MemoRenderer)
    made.listing_fp = fps
    return made


def test_fingerprints_equal_the_isinstance_walk() -> None:
    fps = {"a": "f" * 64, "b": "0" * 64}
    a, b = entry("a"), entry("b")
    author = AuthorEntry("k", "Zoë <b>", "0000-0001", ("Uni",), ("a", "b"))
    issue = IssueEntry(1, 2, "Vol 1", dt.date(2020, 1, 2), None, ("a",))
    values: list[Any] = [
        {"papers": [a, b], "pager": {"number": 1, "pages": 2, "prev": None, "next": "p/2/"}},
        {"author": author, "title": "T", "papers": [], "flag": True, "x": 1.5},
        {"mixed": [a, "s", 3, None], "tuple": (b, (a,)), "nested": {"z": [{"y": a}]}},
        {"issue": issue, "volume": VolumeEntry(1, "V", None, None, (issue,), ("a",))},
        {"subject": SubjectEntry("s", "S", ("b",)), "other": Other("o")},
        {"markup": Markup("<i>x</i>"), "sub": Sub("s"), "od": OrderedDict([("b", 1), ("a", a)])},
        [a, b],
        (a, b),
        a,
        [],
        {},
        "plain",
        False,
    ]
    made = renderer(fps)
    for value in values:
        assert made._fingerprint(value) == reference(value, fps), value


def test_unknown_objects_are_refused() -> None:
    with pytest.raises(TypeError):
        renderer({})._fingerprint({"x": object()})
