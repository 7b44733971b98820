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


def test_split_write_equals_one_process_and_survives_a_failed_half(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import os

    from sitegen import output
    from sitegen.output import SPLIT_FROM, write_tree, write_tree_split

    previous = tmp_path / "previous"
    tree: dict[str, bytes | Path] = {}
    for i in range(SPLIT_FROM + 100):
        rel = f"papers/p{i % 97}/f{i}.html"
        if i % 3:
            (previous / rel).parent.mkdir(parents=True, exist_ok=True)
            (previous / rel).write_bytes(b"old %d" % i)
            tree[rel] = previous / rel
        else:
            tree[rel] = b"new %d" % i

    def files(root: Path) -> dict[str, bytes]:
        return {
            p.relative_to(root).as_posix(): p.read_bytes() for p in root.rglob("*") if p.is_file()
        }

    write_tree(tree, tmp_path / "one", link_from=previous)
    assert write_tree_split(tree, tmp_path / "two", link_from=previous) == len(tree)
    assert files(tmp_path / "two") == files(tmp_path / "one")
    linked = tmp_path / "two" / "papers" / "p1" / "f1.html"
    assert linked.stat().st_ino == (previous / "papers/p1/f1.html").stat().st_ino
    parent = os.getpid()
    real = output.write_tree

    def failing_in_the_child(*args: object, **kwargs: object) -> int:
        if os.getpid() != parent:
            real(*args, **kwargs)  # type: ignore[arg-type]
            raise OSError("the forked half fails after writing")
        return real(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(output, "write_tree", failing_in_the_child)
    write_tree_split(tree, tmp_path / "three", link_from=previous)
    assert files(tmp_path / "three") == files(tmp_path / "one")
