"""A build with nothing to reuse writes its cache state beside its addressing
(``incremental.EarlySave``) and completes it with a tail once OUT is swapped in."""

from __future__ import annotations

import os
import pickle
import shutil
import time
from pathlib import Path
from typing import Any

import pytest
from synthetic import make_journal

import sitegen.cache.stage as stage
from sitegen.cache.incremental import EarlySave, out_signature
from sitegen.cache.store import TAIL, BuildCache
from sitegen.pipeline import BuildOptions, BuildResult, build
from tests.cache.test_delta import append, check_against_fresh, papers_of


@pytest.fixture(autouse=True)
def _reproducible(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")


def _children() -> set[int]:
    """This process's child processes, running or not yet waited for (Linux /proc)."""
    found: set[int] = set()
    for task in Path("/proc/self/task").iterdir():
        found.update(int(pid) for pid in (task / "children").read_text().split())
    return found


def _state(source: Path) -> dict[str, Any]:
    data = (source / ".sitegen" / "cache" / "state.pickle").read_bytes()
    state: dict[str, Any] = pickle.loads(data)
    return state


def _full_save(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every early save fails in its helper: the build then saves in full itself."""

    def failing(self: EarlySave, *args: object) -> bool:
        raise OSError("no space left (simulated)")

    monkeypatch.setattr(EarlySave, "_save", failing)


def test_the_state_is_written_while_the_site_is_addressed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    source = make_journal(tmp_path / "j", 6)
    out = tmp_path / "public"
    state = source / ".sitegen" / "cache" / "state.pickle"
    real = stage.address_nodes
    seen: list[bool] = []

    def addressing(*args: Any, **kw: Any) -> Any:
        deadline = time.monotonic() + 20  # the helper writes it meanwhile; nobody else does
        while not state.exists() and time.monotonic() < deadline:
            time.sleep(0.01)
        seen.append(state.exists())
        return real(*args, **kw)

    monkeypatch.setattr(stage, "address_nodes", addressing)
    result = build(BuildOptions(source=source, output=out))
    assert seen == [True]
    assert _state(source)["tail"] is True
    loaded = BuildCache(source)
    assert loaded.last["out_sig"] == out_signature(out)
    assert isinstance(loaded.last["result"], BuildResult)
    assert loaded.last["result"].root == result.root


def test_the_state_with_its_tail_loads_as_a_full_save_would_have_written_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    source = make_journal(tmp_path / "j", 6)
    build(BuildOptions(source=source, output=tmp_path / "early"))
    early = BuildCache(source)
    assert (early.dir / TAIL).is_file()
    shutil.rmtree(early.dir)
    with monkeypatch.context() as patch:
        _full_save(patch)
        build(BuildOptions(source=source, output=tmp_path / "full"))
    full = BuildCache(source)
    assert _state(source)["tail"] is False and not (full.dir / TAIL).exists()
    assert early.files.memo == full.files.memo
    assert early.paper_keys == full.paper_keys
    assert early.pages == full.pages
    assert early.last["address"] == full.last["address"]
    assert early.last["address"][1], "the folder memo came with the tail"
    ignore = {"out", "out_sig", "time", "result"}  # each build's own
    assert {k: v for k, v in early.last.items() if k not in ignore} == {
        k: v for k, v in full.last.items() if k not in ignore
    }
    assert early.last["result"].root == full.last["result"].root


def test_after_an_early_save_rebuilds_reuse_out_and_match_fresh_builds(tmp_path: Path) -> None:
    source = make_journal(tmp_path / "j", 6)
    out = tmp_path / "public"
    first = build(BuildOptions(source=source, output=out))
    stamp = os.stat(out / "cids.json").st_ino
    again = build(BuildOptions(source=source, output=out))
    assert again.root == first.root
    assert os.stat(out / "cids.json").st_ino == stamp, "the no-change rebuild trusted OUT"
    append(papers_of(source)[1] / "paper.md", "\nAn edit.\n")
    check_against_fresh(source, out, tmp_path, build(BuildOptions(source=source, output=out)))


def test_a_state_without_its_tail_never_trusts_out(tmp_path: Path) -> None:
    """As if the build had stopped after the helper wrote the state: the next build
    cannot know OUT, so it builds the site again (reusing the papers' works)."""
    source = make_journal(tmp_path / "j", 6)
    out = tmp_path / "public"
    first = build(BuildOptions(source=source, output=out))
    (source / ".sitegen" / "cache" / TAIL).unlink()
    assert BuildCache(source).last["out_sig"] != out_signature(out)
    stamp = os.stat(out / "cids.json").st_ino
    again = build(BuildOptions(source=source, output=out))
    assert again.root == first.root
    assert os.stat(out / "cids.json").st_ino != stamp, "OUT was built again, not trusted"
    check_against_fresh(source, out, tmp_path, again)
    assert BuildCache(source).last["out_sig"] == out_signature(out)


def test_a_failed_helper_means_a_full_save(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _full_save(monkeypatch)
    source = make_journal(tmp_path / "j", 6)
    out = tmp_path / "public"
    first = build(BuildOptions(source=source, output=out))
    assert _state(source)["tail"] is False
    stamp = os.stat(out / "cids.json").st_ino
    assert build(BuildOptions(source=source, output=out)).root == first.root
    assert os.stat(out / "cids.json").st_ino == stamp


def test_a_build_failing_while_addressed_waits_for_the_helper(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    source = make_journal(tmp_path / "j", 6)
    site = tmp_path / "site"
    before_children = _children()

    def broken(*args: Any, **kw: Any) -> Any:
        raise RuntimeError("addressing failed (simulated)")

    with monkeypatch.context() as patch:
        patch.setattr(stage, "address_nodes", broken)
        with pytest.raises(RuntimeError):
            build(BuildOptions(source=source, output=site / "out"))
    assert _children() <= before_children  # the helper was waited for
    assert not (site / "out").exists() and sorted(site.iterdir()) == []
    result = build(BuildOptions(source=source, output=site / "out"))
    check_against_fresh(source, site / "out", tmp_path, result)
