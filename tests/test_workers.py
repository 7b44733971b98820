"""workers: pool batches appended to the pack by the workers, read back by the parent."""

from __future__ import annotations

from pathlib import Path

import pytest

from sitegen.cache.pack import StoredBatch, StoredWork
from sitegen.cache.store import BuildCache
from sitegen.content.config import JournalConfig
from sitegen.render.paper import process_paper
from sitegen.render.work import PackedWork, PaperWork, light_work

REPO = Path(__file__).resolve().parent.parent
DEMO = sorted((REPO / "content" / "papers").iterdir())


def test_a_batch_appended_by_a_worker_reads_back_as_the_papers_works(
    tmp_path: Path, demo_config: JournalConfig
) -> None:
    from sitegen.workers import _worker_batch

    cache = BuildCache(tmp_path)
    cache.pack.folder.mkdir(parents=True)
    cache.pack.add("before", "the parent's")  # entries of others come first
    keys = [f"key-{folder.name}" for folder in DEMO]
    sent, _ = _worker_batch(DEMO, demo_config, None, keys, cache.pack.path())
    assert isinstance(sent, StoredBatch)
    stored = sent.works(cache.pack.path(), keys)
    assert stored is not None
    for key, folder, one in zip(keys, DEMO, stored, strict=True):
        work = process_paper(folder, demo_config)
        assert one.light == light_work(work)
        assert cache.put_stored(key, one) == one.light
        assert cache.get_paper(key) == work
        assert cache.get_light_paper(key) == light_work(work)
    assert cache.pack.get("before") == "the parent's"
    assert sent.works(cache.pack.path(), keys[::-1]) is None  # not the keys it was made for
    assert sent.works(cache.pack.path(), keys[1:]) is None
    with cache.pack.path().open("r+b") as fh:
        fh.truncate(sent.offset + sum(sent.lengths) - sent.lengths[-1] + 10)
    assert sent.works(cache.pack.path(), keys) is None  # a light work cut short
    cache.pack.close()


def test_the_pool_gives_stored_works_or_else_processes_the_batch_again(
    tmp_path: Path, demo_config: JournalConfig, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Should the pack not give a worker's batch back, the parent makes those works
    itself: slower, same works."""
    import sitegen.workers as workers

    monkeypatch.setattr(workers, "PARALLEL_THRESHOLD", 1)
    folders = DEMO * 2  # enough for two workers
    pack = tmp_path / "papers.0.pack"

    def run() -> list[PaperWork | PackedWork | StoredWork]:
        return list(workers._process(folders, demo_config, 2, {}, None, None, _key, pack))

    want = {folder.name: process_paper(folder, demo_config) for folder in DEMO}
    got = run()
    assert len(got) == len(folders)
    for one in got:
        assert isinstance(one, StoredWork) and one.light == light_work(want[one.light.slug])
    monkeypatch.setattr(StoredBatch, "works", lambda self, pack, keys: None)
    again = run()
    assert len(again) == len(folders)
    for work in again:
        assert isinstance(work, PaperWork) and work == want[work.slug]


def _key(folder: Path) -> str:
    return f"key-{folder.name}"
