from __future__ import annotations

from pathlib import Path

import pytest

from sitegen.output import discard, stage_dir, swap_in, write_tree


def test_write_tree_and_swap(tmp_path: Path):
    out = tmp_path / "public"
    out.mkdir()
    (out / "old.html").write_text("old")
    src = tmp_path / "data.csv"
    src.write_bytes(b"a,b\n1,2\n")
    staged = stage_dir(out)
    assert staged.parent == out.parent and staged != out
    n = write_tree({"index.html": b"<p>new</p>", "papers/x/source/data.csv": src}, staged)
    assert n == 2
    swap_in(staged, out)
    assert (out / "index.html").read_bytes() == b"<p>new</p>"
    assert (out / "papers/x/source/data.csv").read_bytes() == src.read_bytes()
    assert not (out / "old.html").exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["data.csv", "public"]


def test_paths_outside_the_tree_are_refused(tmp_path: Path):
    staged = stage_dir(tmp_path / "public")
    for rel in ("../escape.html", "a/../../escape.html", "a/..", "/etc/x", "..", "", ".", "./"):
        with pytest.raises(ValueError):
            write_tree({rel: b"x"}, staged)
    assert not (tmp_path / "escape.html").exists()
    discard(staged)
    assert not staged.exists()
