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
