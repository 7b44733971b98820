"""The paper pack: entries appended by several processes at once read back intact."""

from __future__ import annotations

import itertools
import multiprocessing
from pathlib import Path

from sitegen.cache.pack import PaperPack, append_entries, entry_bytes


def _append_many(path: str, who: str, count: int, queue: object) -> None:
    placed = {}
    for i in range(0, count, 4):  # batches of four, as a pool batch appends its works
        keys = [f"{who}-{j}" for j in range(i, min(i + 4, count))]
        entries = [entry_bytes(k, {"who": who, "payload": k * 50}) for k in keys]
        where = append_entries(Path(path), entries)
        assert where is not None
        placed.update(zip(keys, where, strict=True))
    queue.put(placed)  # type: ignore[attr-defined]


def test_processes_appending_at_once_each_get_their_own_entries_back(tmp_path: Path) -> None:
    pack = PaperPack(tmp_path)
    tmp_path.mkdir(exist_ok=True)
    pack.add("parent-first", {"who": "parent"})
    context = multiprocessing.get_context("fork")
    queue = context.Queue()
    workers = [
        context.Process(target=_append_many, args=(str(pack.path()), name, 200, queue))
        for name in ("a", "b", "c")
    ]
    for worker in workers:
        worker.start()
    pack.add("parent-during", {"who": "parent", "payload": "x" * 5000})
    placed: dict[str, tuple[int, int]] = {}
    for _ in workers:
        placed.update(queue.get(timeout=60))
    for worker in workers:
        worker.join(timeout=60)
        assert worker.exitcode == 0
    for key, where in placed.items():
        pack.add_located(key, where)
    assert len(placed) == 600
    for key in placed:
        assert pack.get(key) == {"who": key.split("-")[0], "payload": key * 50}
    assert pack.get("parent-first") == {"who": "parent"}
    assert pack.get("parent-during") == {"who": "parent", "payload": "x" * 5000}
    spans = sorted(pack.index.values())
    assert all(a[0] + a[1] <= b[0] for a, b in itertools.pairwise(spans))
    pack.close()


def test_a_stream_entry_answers_whole_and_by_each_of_its_pickles(tmp_path: Path) -> None:
    """A paper's light work is the first pickle of its entry: indexed at that prefix it
    reads back alone, at the whole entry with the rest; the rest reads back alone too
    (``get_more``: its pickle has a memo of its own, so it never refers into the first)."""
    from sitegen.cache.pack import entry_parts, entry_value, more_value, stream_entry

    shared = ["x" * 1000]
    value, more = {"light": shared}, {"rest": shared, "body": "b" * 5000, "again": shared}
    data, head = stream_entry(("k", "k/light"), value, more)
    assert entry_value(data[:head], "k/light") == entry_value(data, "k") == value
    parts = entry_parts(data, "k")
    assert parts == (value, more)
    assert parts is not None and parts[1]["rest"] is parts[1]["again"]  # memo within ``more``
    assert more_value(data[head:], "k") == more_value(data[head:], "k/light") == more
    assert entry_value(data, "other") is None and entry_parts(data, "other") is None
    assert more_value(data[head:], "other") is None
    assert entry_value(data[: head - 1], "k") is None  # cut short: a miss
    assert entry_parts(data[:head], "k") is None  # no ``more``: a miss, not the light work
    assert more_value(data[head:-1], "k") is None and more_value(data[:head], "k") is None
    assert entry_value(data[head:], "k") is None  # the second pickle is no entry of its own
    assert entry_parts(data[:head] + data[:head], "k") is None  # a second first pickle
    assert entry_value(entry_bytes("ab", 1), "a") is None  # a key, not a substring of one

    pack = PaperPack(tmp_path)
    offset, _ = pack.add_entry("k", data)
    pack.add_located("k/light", (offset, head))
    assert pack.get("k/light") == value and pack.get_parts("k") == (value, more)
    assert pack.get_more("k", "k/light") == more
    assert pack.get_more("k", "k/other") is None and pack.get_more("j", "k/light") is None
    other, _ = pack.add_entry("j", data)
    pack.add_located("j/light", (other, head))
    assert pack.get_more("j", "j/light") is None  # the entry holds another key
    for where in ((offset + 1, head), (offset, len(data)), (offset, len(data) + 1)):
        pack.add_located("k/light", where)  # not the first pickle of the whole entry
        assert pack.get_more("k", "k/light") is None
    pack.close()


def test_compaction_copies_an_entry_and_the_prefix_inside_it_once(tmp_path: Path) -> None:
    from sitegen.cache.pack import stream_entry

    pack = PaperPack(tmp_path)
    first = pack.generation
    for name in ("a", "b"):
        data, head = stream_entry((name, name + "/light"), name * 10, name * 1000)
        offset, _ = pack.add_entry(name, data)
        pack.add_located(name + "/light", (offset, head))
    pack.add("dead", "d" * (3 << 20))
    before = {k: pack.get_parts(k) for k in ("a", "b")}
    pack.save({"a", "a/light", "b", "b/light"})
    assert pack.generation == first + 1
    assert {k: pack.get_parts(k) for k in ("a", "b")} == before
    assert (pack.get("a/light"), pack.get("b/light")) == ("a" * 10, "b" * 10)
    assert pack.index["a"][0] == pack.index["a/light"][0]
    assert pack.path().stat().st_size == pack.index["a"][1] + pack.index["b"][1]
    pack.close()


def test_read_spans_reads_each_span_or_gives_none(tmp_path: Path) -> None:
    from sitegen.cache.pack import read_spans

    path = tmp_path / "p.pack"
    where = append_entries(path, [b"one", b"three", b"xy"])
    assert where == [(0, 3), (3, 5), (8, 2)]
    assert read_spans(path, [(3, 5), (0, 3)]) == [b"three", b"one"]
    assert read_spans(path, [(8, 3)]) is None  # past the end
    assert read_spans(tmp_path / "missing", [(0, 1)]) is None


def test_append_entries_joins_more_buffers_than_one_writev_takes(tmp_path: Path) -> None:
    from sitegen.cache.pack import IOV_MAX, read_spans

    entries = [str(i).encode() for i in range(IOV_MAX + 5)]
    where = append_entries(tmp_path / "p.pack", entries)
    assert where is not None and read_spans(tmp_path / "p.pack", where) == entries
