"""Writing pages into the sink: folders made as pathlib would make them."""

from __future__ import annotations

from pathlib import Path

from sitegen.output import make_folder as _make_folder
from sitegen.output import write_file as _write_file


def test_make_folder_makes_missing_parents_and_accepts_existing_folders(tmp_path: Path) -> None:
    _make_folder(f"{tmp_path}/authors")  # the parent is there: one mkdir
    _make_folder(f"{tmp_path}/authors")  # already there
    _make_folder(f"{tmp_path}/subjects/x/page/2")  # parents missing
    _make_folder(f"{tmp_path}/subjects/x/page/2")
    assert (tmp_path / "authors").is_dir()
    assert (tmp_path / "subjects" / "x" / "page" / "2").is_dir()
    _write_file(f"{tmp_path}/subjects/x/page/2/index.html", b"<p>2</p>")
    assert (tmp_path / "subjects/x/page/2/index.html").read_bytes() == b"<p>2</p>"


def test_make_folder_refuses_a_file_in_the_way(tmp_path: Path) -> None:
    (tmp_path / "papers").write_bytes(b"not a folder")
    for target in ("papers", "papers/x"):
        try:
            _make_folder(f"{tmp_path}/{target}")
        except OSError:
            continue
        raise AssertionError(f"{target}: a file stands where the folder goes")
