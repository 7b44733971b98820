"""The cache state's journal: applied to its base, it gives back the state that was saved."""

from __future__ import annotations

import copy
import itertools
import pickle
import random
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from synthetic import make_journal

import sitegen.cache.store as store
from sitegen.cache.journal import (
    apply_dict,
    apply_record,
    diff_dict,
    diff_record,
    merge_dict,
    merge_record,
)
from sitegen.cache.store import JOURNAL, BuildCache
from sitegen.pipeline import BuildOptions, build
from tests.cache.test_delta import append, check_against_fresh, papers_of


def mutate(rng: random.Random, d: dict[str, Any]) -> dict[str, Any]:
    new = dict(d)
    for key in rng.sample(sorted(new), k=min(len(new), 5)):
        if rng.random() < 0.5:
            del new[key]
        else:
            new[key] = (key, rng.randrange(1000))
    for _ in range(rng.randrange(4)):
        new[f"k{rng.randrange(60)}"] = ("added", rng.randrange(1000))
    return new


def test_merged_dict_diffs_take_the_base_to_the_last_state() -> None:
    rng = random.Random(7)
    for _ in range(200):
        base = {f"k{i}": (f"k{i}", i) for i in range(40)}
        states = [base]
        for _ in range(rng.randrange(1, 6)):
            states.append(mutate(rng, states[-1]))
        journal = diff_dict(states[0], states[1])
        for before, after in itertools.pairwise(states[1:]):
            journal = merge_dict(journal, diff_dict(before, after))
        target = dict(base)
        apply_dict(target, journal)
        assert target == states[-1]


@dataclass(frozen=True, slots=True)
class Record:
    format: int
    urls: tuple[str, ...]
    sums: tuple[bytes, ...]


def test_merged_record_diffs_take_the_base_to_the_last_state() -> None:
    base = Record(1, ("a", "b", "c"), (b"1", b"2", b"3"))
    one = Record(1, ("a", "B", "c"), (b"1", b"2", b"3"))
    two = Record(1, ("a", "B", "c", "d"), (b"1", b"2", b"3", b"4"))  # lengths change: whole
    three = Record(2, ("A", "B", "c", "d"), (b"1", b"2", b"x", b"4"))  # then positions
    steps = [diff_record(a, b) for a, b in ((base, one), (one, two), (two, three))]
    assert all(step is not None for step in steps)
    journal: dict[str, Any] = {}
    for step in steps:
        assert step is not None
        journal = merge_record(journal, step)
    assert apply_record(base, journal) == three
    assert diff_record(base, "not a record") is None


def test_rebuilds_write_a_journal_that_loads_as_the_state_they_saved(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    saved: list[dict[str, Any]] = []
    real_next = store.next_journal

    def watching(loaded: Any, generation: int, dicts: Any, last: Any) -> Any:
        journal = real_next(loaded, generation, dicts, last)
        if journal is not None:  # what this save means the next load to see
            saved.append(copy.deepcopy({"dicts": dicts, "last": last}))
        return journal

    monkeypatch.setattr(store, "next_journal", watching)
    source = make_journal(tmp_path / "journal", 6)
    out = tmp_path / "public"
    build(BuildOptions(source=source, output=out))
    state = source / ".sitegen" / "cache" / "state.pickle"
    base_bytes = state.read_bytes()
    target = papers_of(source)[2] / "paper.md"
    for i in range(3):
        append(target, f"\nAn edit, number {i}.\n")
        result = build(BuildOptions(source=source, output=out))
        assert state.read_bytes() == base_bytes, "a one-paper edit leaves the base alone"
        assert (state.parent / JOURNAL).is_file()
        assert len(saved) == i + 1
        loaded = BuildCache(source)
        expected = saved[-1]
        assert loaded._loaded is not None
        got = {
            "files": loaded.files.memo,
            "paper_keys": loaded.paper_keys,
            "pages": loaded.pages,
            "pack": loaded.pack.index,
            "manifest": loaded.last["manifest"],
            "folders": loaded.last["address"][1],
            "signatures": loaded.last["paper_signatures"],
        }
        assert got == expected["dicts"]
        assert {k: v for k, v in loaded.last.items() if k != "delta"} == {
            k: v for k, v in expected["last"].items() if k != "delta"
        }
        loaded.pack.close()
    check_against_fresh(source, out, tmp_path, result)
    (source / "sitegen.yaml").write_text(
        (source / "sitegen.yaml").read_text(encoding="utf-8") + "\n# edited\n", encoding="utf-8"
    )
    build(BuildOptions(source=source, output=out))  # a full build writes a new base
    assert state.read_bytes() != base_bytes
    assert not (state.parent / JOURNAL).exists()


def test_a_journal_for_another_base_is_not_applied(tmp_path: Path) -> None:
    source = make_journal(tmp_path / "journal", 3)
    out = tmp_path / "public"
    build(BuildOptions(source=source, output=out))
    append(papers_of(source)[0] / "paper.md", "\nEdited.\n")
    build(BuildOptions(source=source, output=out))
    cache_dir = source / ".sitegen" / "cache"
    journal = (cache_dir / JOURNAL).read_bytes()
    edited = BuildCache(source)
    edited_manifest = dict(edited.last["manifest"])
    edited.pack.close()
    (cache_dir / JOURNAL).unlink()
    base_only = BuildCache(source)
    assert base_only.last["manifest"] != edited_manifest
    base_only.pack.close()
    other = pickle.loads(journal)
    other["base"] = "0123456789abcdef"  # the token of a base that is no longer there
    (cache_dir / JOURNAL).write_bytes(pickle.dumps(other))
    stale = BuildCache(source)
    assert stale.last["manifest"] == base_only.last["manifest"]
    stale.pack.close()


def test_a_damaged_journal_costs_a_full_build_never_a_wrong_site(tmp_path: Path) -> None:
    """Garbage in journal.pickle leaves the base, which is older than OUT: the build sees
    that OUT is not what the base recorded and builds in full, to the same bytes."""
    source = make_journal(tmp_path / "journal", 4)
    out = tmp_path / "public"
    build(BuildOptions(source=source, output=out))
    papers = papers_of(source)
    append(papers[0] / "paper.md", "\nFirst edit.\n")
    build(BuildOptions(source=source, output=out))
    journal = source / ".sitegen" / "cache" / JOURNAL
    assert journal.is_file()
    journal.write_bytes(b"\x80\x05 not a pickle at all")
    append(papers[1] / "paper.md", "\nSecond edit.\n")
    result = build(BuildOptions(source=source, output=out))
    check_against_fresh(source, out, tmp_path, result)
