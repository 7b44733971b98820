"""``sitegen build`` leaves its spare tree *later*: a detached process links it after the
command has exited, holding a lock that the next build waits on (``sitegen.cache.spare``)."""

from __future__ import annotations

import fcntl
import os
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from synthetic import make_journal

import sitegen.cache.spare as spare_mod
import sitegen.output as output
from sitegen.cache.store import BuildCache, cache_dir
from sitegen.pipeline import BuildOptions, BuildResult, build
from tests.cache.test_delta import append, check_against_fresh, papers_of, snapshot

GATED_CLI = """
import pathlib, sys, time
import sitegen.cache.spare as spare

real = spare.make_spare
go = pathlib.Path(sys.argv[1])


def gated(out, files):
    # the test says when: until then the command must have exited, the lock still held
    deadline = time.monotonic() + 60
    while not go.exists() and time.monotonic() < deadline:
        time.sleep(0.01)
    return real(out, files)


spare.make_spare = gated
spare.LATER_FROM = 0  # the test journal is small: detach all the same
sys.argv = ["sitegen", "build", "-s", sys.argv[2], "-o", sys.argv[3]]
from sitegen.cli import run

run()
"""


@pytest.fixture(autouse=True)
def _reproducible(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    monkeypatch.setenv("CI", "1")


def _lock_is_held(source: Path) -> bool:
    fd = os.open(cache_dir(source) / spare_mod.LOCK, os.O_RDWR)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return True
    finally:
        os.close(fd)
    return False


def test_the_command_exits_first_and_the_next_build_waits_for_the_spare(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    source = make_journal(tmp_path / "j", 6)
    out = tmp_path / "public"
    go = tmp_path / "go"
    done = subprocess.run(
        [sys.executable, "-c", GATED_CLI, str(go), str(source), str(out)],
        capture_output=True,  # read to its end: the detached process must not hold the pipes
        text=True,
        timeout=120,
        env={**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[2])},
    )
    assert done.returncode == 0, done.stderr
    assert "root CID:" in done.stdout
    cold = snapshot(out)
    spare = output.spare_dir(out)
    assert _lock_is_held(source)  # the detached process is waiting for ``go``
    assert not spare.exists()

    whole_trees: list[int] = []
    real = output.write_tree_split

    def counting(tree: object, dest: Path, **kw: object) -> int:
        whole_trees.append(len(tree))  # type: ignore[arg-type]
        return real(tree, dest, **kw)  # type: ignore[arg-type]

    monkeypatch.setattr(output, "write_tree_split", counting)
    append(papers_of(source)[0] / "paper.md", "\nEdited while the spare is made.\n")
    built: list[BuildResult] = []
    edit = threading.Thread(target=lambda: built.append(build(BuildOptions(source, out))))
    edit.start()
    edit.join(0.5)
    assert edit.is_alive()  # waiting for the lock, not linking OUT itself
    go.touch()
    edit.join(120)
    assert not edit.is_alive() and built
    assert whole_trees == []  # the spare was synced
    check_against_fresh(source, out, tmp_path, built[0])
    assert snapshot(spare) == cold  # the cold OUT, kept as the next spare
    assert not _lock_is_held(source)
    litter = [p.name for p in tmp_path.iterdir() if p.name.startswith(".public.spare-")]
    assert litter == []


def test_a_detached_process_that_fails_leaves_no_spare_and_no_litter(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    source = make_journal(tmp_path / "j", 3)
    out = tmp_path / "public"
    build(BuildOptions(source, out))
    cache = BuildCache(source)
    monkeypatch.setattr(spare_mod, "LATER_FROM", 0)
    assert spare_mod.leave_spare("later", out, ["no/such/file.html"], cache)  # started
    spare_mod.wait_for_spare(cache)
    assert not output.spare_dir(out).exists()
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".public")] == []


def test_a_small_site_gets_its_spare_at_once(tmp_path: Path) -> None:
    source = make_journal(tmp_path / "j", 3)
    out = tmp_path / "public"
    build(BuildOptions(source, out))
    cold = snapshot(out)
    files = sorted(p for p in cold if p != "cids.json")
    assert len(files) < spare_mod.LATER_FROM
    assert spare_mod.leave_spare("later", out, files, BuildCache(source))
    spare = output.spare_dir(out)
    assert snapshot(spare) == cold  # made before returning: no lock was ever taken
    assert not (cache_dir(source) / spare_mod.LOCK).exists()
    assert not spare_mod.leave_spare("never", out, files, BuildCache(source))
