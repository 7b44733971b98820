"""local_file resolves the paper folder only when the target does not lie under it as
written: the answers must be those of always resolving it."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from sitegen.content.fields import Reporter, local_file


@pytest.fixture
def layout(tmp_path: Path) -> Path:
    real = tmp_path / "real" / "paper"
    (real / "data").mkdir(parents=True)
    (real / "refs.bib").write_text("x")
    (real / "data" / "t.csv").write_text("x")
    (tmp_path / "outside.bib").write_text("x")
    (real / "escape.bib").symlink_to(tmp_path / "outside.bib")
    (real / "inner.bib").symlink_to("data/t.csv")
    (tmp_path / "alias").symlink_to(tmp_path / "real")
    return tmp_path


VALUES = [
    "refs.bib",
    "./refs.bib",
    "data/t.csv",
    "data/../refs.bib",
    "escape.bib",
    "inner.bib",
    "../paper/refs.bib",
    "../../outside.bib",
    "missing.bib",
    "data",
    "data//t.csv",
    "data/",
    ".",
    "refs.bib/x",
    "data/missing/t.csv",
]


@pytest.mark.parametrize(
    "folder",
    ["real/paper", "alias/paper", "real/paper/../paper", "alias/paper/../paper"],
)
def test_same_as_resolving_the_folder(layout: Path, folder: str, monkeypatch) -> None:
    monkeypatch.chdir(layout)
    for base in (layout / folder, Path(folder)):
        for value in VALUES:
            rep = Reporter("p.md")
            got = local_file(rep, base, value, 3, "bibliography")
            target = (base / value).resolve()
            inside = target.is_relative_to(base.resolve())
            if not inside:
                assert got is None
                assert [d.message for d in rep.diags] == [
                    f"'{value}' points outside the paper folder"
                ]
            elif not target.exists():
                assert got is None and "does not exist" in rep.diags[0].message
            else:
                assert got == value.removeprefix("./") and rep.diags == []
    assert os.path.islink(layout / "alias")
