"""The fragment store: what was saved comes back, shard by shard, only from the same code."""

from __future__ import annotations

from pathlib import Path

import pytest

from sitegen.cache import fragments
from sitegen.cache.fragments import FragmentStore, shard_of
from sitegen.render.math import math_key, tex_to_html


def filled(folder: Path, count: int = 40) -> tuple[FragmentStore, dict[str, object]]:
    store = FragmentStore(folder, "code-1")
    for i in range(count):
        tex_to_html(f"x_{{{i}}}", display=False, cache=store)
    return store, dict(store.copy())


def test_saved_fragments_come_back_reading_only_the_shards_asked_for(tmp_path: Path) -> None:
    store, expected = filled(tmp_path / "a")
    assert len(store) == len(expected) == 40 and store.changed
    store.save(tmp_path / "a")
    assert len(list((tmp_path / "a").iterdir())) == len({shard_of(k) for k in expected})
    again = FragmentStore(tmp_path / "a", "code-1")
    key = math_key("x_{7}", display=False, env=None)
    assert again.get(key) == expected[key]
    assert list(again._shards) == [shard_of(key)]  # one file read for one lookup
    assert again.get("not there") is None
    assert again.copy() == expected and not again.changed


def test_other_code_or_a_damaged_shard_reads_as_empty(tmp_path: Path) -> None:
    store, expected = filled(tmp_path / "a")
    store.save(tmp_path / "a")
    assert FragmentStore(tmp_path / "a", "code-2").copy() == {}
    key = next(iter(expected))
    damaged = tmp_path / "a" / f"{shard_of(key):02x}.pickle"
    damaged.write_bytes(b"not a pickle")
    survivors = FragmentStore(tmp_path / "a", "code-1").copy()
    assert key not in survivors
    assert survivors == {k: v for k, v in expected.items() if shard_of(k) != shard_of(key)}


def test_every_writes_all_shards_read_and_limit_keeps_the_newest(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    store, expected = filled(tmp_path / "user")
    store.save(tmp_path / "user")
    read = FragmentStore(tmp_path / "user", "code-1")
    everything = read.copy()
    read.save(tmp_path / "journal")
    assert not (tmp_path / "journal").exists()  # nothing changed, nothing written
    read.save(tmp_path / "journal", every=True)
    assert FragmentStore(tmp_path / "journal", "code-1").copy() == everything
    monkeypatch.setattr(fragments, "LIMIT", fragments.SHARDS)  # one per shard
    crowded = FragmentStore(tmp_path / "c", "code-1")
    for i in range(300):
        crowded[f"k{i}"] = expected[next(iter(expected))]  # type: ignore[assignment]
    crowded.save(tmp_path / "c")
    kept = FragmentStore(tmp_path / "c", "code-1").copy()
    newest: dict[int, str] = {}
    for i in range(300):
        newest[shard_of(f"k{i}")] = f"k{i}"
    assert sorted(kept) == sorted(newest.values())
