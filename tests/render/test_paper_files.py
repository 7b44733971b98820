"""``_file_inside``: the link checker's test that a target is a file beside the paper."""

from __future__ import annotations

from pathlib import Path

from sitegen.render.paper import _file_inside


def _reference(root: Path, rel: str) -> bool:
    target = (root / rel).resolve()
    return target.is_file() and root in target.parents


def test_agrees_with_resolving_the_whole_path(tmp_path: Path) -> None:
    outside = tmp_path / "outside.txt"
    outside.write_text("x")
    root = tmp_path / "paper"
    (root / "figures" / "sub").mkdir(parents=True)
    (root / "figures" / "a.png").write_bytes(b"png")
    (root / "figures" / "sub" / "b.csv").write_text("1")
    (root / "linked.png").symlink_to(root / "figures" / "a.png")
    (root / "escape.txt").symlink_to(outside)
    (root / "dirlink").symlink_to(root / "figures")
    (root / "away").symlink_to(tmp_path)
    (tmp_path / "alias").symlink_to(root)
    spellings = [root, tmp_path / "alias", tmp_path / "alias" / ".." / "paper"]
    root = root.resolve()
    cases = {
        "figures/a.png": True,
        "figures/sub/b.csv": True,
        "linked.png": True,
        "dirlink/a.png": True,
        "escape.txt": False,
        "away/outside.txt": False,
        "figures": False,
        "figures/missing.png": False,
        "figures/a.png/x": False,
        "..": False,
        "/etc/passwd": False,
    }
    for rel, expected in cases.items():
        for folder in spellings:  # the folder as written, resolved or not
            assert _file_inside(folder, str(folder), rel) is expected, (folder, rel)
        assert _reference(root, rel) is expected, rel
