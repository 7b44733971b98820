"""display_path by string prefix against pathlib's relative_to, from several folders."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from sitegen.content.discover import display_path


def _by_pathlib(path: Path) -> str:
    absolute = Path(os.path.abspath(path))
    try:
        return absolute.relative_to(Path.cwd()).as_posix()
    except ValueError:
        return absolute.as_posix()


@pytest.mark.parametrize("where", ["tmp", "sub", "root", "prefix"])
def test_display_path_as_pathlib(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, where: str
) -> None:
    (tmp_path / "a" / "b").mkdir(parents=True)
    (tmp_path / "ab").mkdir()
    cwd = {"tmp": tmp_path, "sub": tmp_path / "a", "root": Path("/"), "prefix": tmp_path / "a"}
    monkeypatch.chdir(cwd[where])
    paths = [
        "x.md",
        "./x.md",
        "b/paper.md",
        "b/../paper.md",
        "..",
        ".",
        "../ab/x",
        "b/",
        "/",
        "//",
        "//x/y",
        "///x",
        tmp_path,
        tmp_path / "a",
        tmp_path / "ab" / "p.md",
        tmp_path / "a" / "b" / "paper.md",
        f"{tmp_path}/a/../a/b",
        "/usr/../etc/x",
    ]
    for path in paths:
        assert display_path(Path(path)) == _by_pathlib(Path(path)), path
