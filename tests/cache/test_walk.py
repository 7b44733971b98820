"""The paper folders' stat walk, split with a forked helper, signs like a one-process walk."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from sitegen.cache import walk
from sitegen.cache.walk import FORK_FROM, SignatureWalk, list_folder, sign_entry


def make_folders(root: Path, count: int) -> None:
    for i in range(count):
        folder = root / f"paper-{i:04d}"
        (folder / "figures").mkdir(parents=True)
        (folder / "paper.md").write_text(f"# Paper {i}\n", encoding="utf-8")
        (folder / "figures" / "a.svg").write_text("<svg/>" * (i % 7), encoding="utf-8")
    (root / "stray.txt").write_text("not a folder", encoding="utf-8")


def one_process(root: Path, skip: set[str]) -> dict[str, str]:
    return {e.name: sign_entry(e, skip) for e in list_folder(root, skip)}


def test_split_walk_equals_one_process_walk(tmp_path: Path) -> None:
    make_folders(tmp_path, FORK_FROM + 45)
    skip = {str(tmp_path / "paper-0003")}
    expected = one_process(tmp_path, skip)
    pending = SignatureWalk(tmp_path, skip)
    assert pending._helper is not None and pending._helper.started, "walked with a helper"
    found = pending.finish()
    assert found == expected
    assert list(found) == sorted(found)
    assert "paper-0003" not in found and "stray.txt" in found
    assert found["paper-0001"].startswith("d:")


def test_a_change_in_one_folder_changes_only_its_signature(tmp_path: Path) -> None:
    make_folders(tmp_path, FORK_FROM + 1)
    before = SignatureWalk(tmp_path, set()).finish()
    target = tmp_path / "paper-0100" / "paper.md"
    target.write_text("# Paper 100, longer now\n", encoding="utf-8")
    after = SignatureWalk(tmp_path, set()).finish()
    assert {name for name in after if after[name] != before[name]} == {"paper-0100"}


def test_helper_failure_is_walked_here(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    make_folders(tmp_path, FORK_FROM + 10)
    expected = one_process(tmp_path, set())

    parent = os.getpid()
    real = walk.SignatureWalk._walk_claims

    def broken(self: SignatureWalk, claims: int) -> dict[str, str]:
        found = real(self, claims)
        if os.getpid() != parent:  # the forked helper walks its share, then fails
            raise RuntimeError("helper cannot report")
        return found

    monkeypatch.setattr(walk.SignatureWalk, "_walk_claims", broken)
    assert SignatureWalk(tmp_path, set()).finish() == expected


def test_no_fork_walks_here(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    make_folders(tmp_path, FORK_FROM + 10)
    expected = one_process(tmp_path, set())

    def no_fork() -> int:
        raise OSError("fork refused")

    monkeypatch.setattr(os, "fork", no_fork)
    pending = SignatureWalk(tmp_path, set())
    assert pending._helper is not None and not pending._helper.started
    assert pending.finish() == expected


def test_missing_folder_signs_nothing(tmp_path: Path) -> None:
    assert SignatureWalk(tmp_path / "absent", set()).finish() == {}
