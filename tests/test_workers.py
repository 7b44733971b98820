"""workers: pool batches appended to the pack by the workers, read back by the parent."""

from __future__ import annotations

import gc
import shutil
from pathlib import Path

import pytest

from sitegen.cache.digests import FileDigests
from sitegen.cache.folderkeys import FolderKeys
from sitegen.cache.pack import StoredBatch, StoredWork
from sitegen.cache.store import BuildCache
from sitegen.content.config import JournalConfig
from sitegen.render.paper import process_paper
from sitegen.render.work import PackedWork, PaperWork, light_work
from sitegen.workers import _kept

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
    sent, _, made = _worker_batch(DEMO, demo_config, None, keys, cache.pack.path())
    assert made is None  # the keys were given
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
    frozen = gc.get_freeze_count()
    try:  # the parent reads them with the collector off, and freezes them at once
        kept = _kept(sent, cache.pack.path(), keys)
        assert kept is not None and [k.light for k in kept] == [s.light for s in stored]
        assert gc.isenabled() and gc.get_freeze_count() > frozen
        gc.disable()
        assert _kept(sent, cache.pack.path(), keys) is not None
        assert not gc.isenabled()
    finally:
        gc.enable()
        gc.unfreeze()
    assert sent.works(cache.pack.path(), keys[::-1]) is None  # not the keys it was made for
    assert sent.works(cache.pack.path(), keys[1:]) is None
    with cache.pack.path().open("r+b") as fh:
        fh.truncate(sent.offset + sum(sent.lengths) - sent.lengths[-1] + 10)
    assert sent.works(cache.pack.path(), keys) is None  # a light work cut short
    cache.pack.close()


@pytest.mark.parametrize("given", [True, False], ids=["keys given", "keys made by workers"])
def test_the_pool_gives_stored_works_or_else_processes_the_batch_again(
    tmp_path: Path, demo_config: JournalConfig, monkeypatch: pytest.MonkeyPatch, given: bool
) -> None:
    """Should the pack not give a worker's batch back, the parent makes those works
    itself: slower, same works."""
    import sitegen.workers as workers

    monkeypatch.setattr(workers, "PARALLEL_THRESHOLD", 1)
    folders = DEMO * 2  # enough for two workers
    pack = tmp_path / "papers.0.pack"

    def run() -> list[PaperWork | PackedWork | StoredWork]:
        keys = FolderKeys("inputs", FileDigests())
        if given:
            keys.made.update({folder.name: f"key-{folder.name}" for folder in DEMO})
        try:
            done = list(workers._process(folders, demo_config, 2, {}, None, None, keys, pack))
        finally:
            assert gc.isenabled()
            gc.unfreeze()  # the light works read back were frozen (pipeline unfreezes)
        want_keys = {folder.name: FolderKeys("inputs", FileDigests()).of(folder) for folder in DEMO}
        assert keys.made == ({k: f"key-{k}" for k in want_keys} if given else want_keys)
        return done

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


def test_a_worker_makes_the_keys_the_parent_would_reading_only_what_it_did_not_hash(
    tmp_path: Path, demo_config: JournalConfig, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A worker given no keys makes each folder's key (``FolderKeys.of``'s, byte for
    byte) and the file digests behind it. The research object's files are named by the
    CIDs processing made of the bytes it read; only the files it does not read (hidden
    ones, ``attestations/``) or whose CID is not their sha256 (several chunks) are read
    again to be hashed."""
    import sitegen.workers as workers

    folders = []
    for demo in DEMO:
        folder = tmp_path / "papers" / demo.name
        shutil.copytree(demo, folder, symlinks=True)
        folders.append(folder)
    odd = folders[0]
    (odd / ".hidden").write_text("not in the bundle\n", encoding="utf-8")
    (odd / "attestations").mkdir(exist_ok=True)
    (odd / "attestations" / "extra.json").write_text("{}\n", encoding="utf-8")
    (odd / "sub" / "deeper").mkdir(parents=True)
    (odd / "sub" / "deeper" / "big.bin").write_bytes(b"\x01" * (1 << 20) + b"\x02")
    (odd / "sub" / "empty").write_bytes(b"")
    (odd / "sub" / "link").symlink_to("../paper.md")
    hashed: list[str] = []
    digest = FileDigests.digest

    def counting(self: FileDigests, path: str, st: object) -> str:
        hashed.append(path)
        return digest(self, path, st)  # type: ignore[arg-type]

    monkeypatch.setattr(FileDigests, "digest", counting)
    cache = BuildCache(tmp_path)
    cache.pack.folder.mkdir(parents=True)
    sent, _, made = workers._worker_batch(
        folders, demo_config, None, None, cache.pack.path(), "inputs"
    )
    assert isinstance(sent, StoredBatch) and made is not None
    not_read = [str(odd / ".hidden"), str(odd / "sub" / "deeper" / "big.bin")]
    for folder in folders:
        not_read += [str(p) for p in (folder / "attestations").rglob("*") if p.is_file()]
    assert sorted(hashed) == sorted(not_read)
    monkeypatch.setattr(FileDigests, "digest", digest)
    parent = FolderKeys("inputs", FileDigests())
    assert list(made.keys) == [parent.of(folder) for folder in folders]
    assert made.files == parent.digests.memo
    stored = sent.works(cache.pack.path(), made.keys)
    assert stored is not None
    for key, folder, one in zip(made.keys, folders, stored, strict=True):
        assert cache.put_stored(key, one) == one.light
        assert cache.get_paper(key) == process_paper(folder, demo_config)
    cache.pack.close()


@pytest.mark.parametrize("profile", ["unixfs-v1-2025", "unixfs-v0-2015"])
def test_cid_digests_are_the_sha256_of_the_files_or_absent(
    tmp_path: Path, demo_config: JournalConfig, profile: str
) -> None:
    """A raw leaf's CID names the sha256 of the file's bytes (the folder digest's hash);
    a file of several chunks or any file under a CIDv0 profile gives none."""
    import dataclasses
    import hashlib

    from sitegen.cache.folderkeys import cid_digests

    folder = tmp_path / DEMO[0].name
    shutil.copytree(DEMO[0], folder)
    (folder / "big.bin").write_bytes(b"\x03" * (1 << 20) + b"\x04")
    (folder / "empty.txt").write_bytes(b"")
    config = dataclasses.replace(demo_config, cid_profile=profile)
    work = process_paper(folder, config)
    found = cid_digests(work)
    if profile == "unixfs-v0-2015":
        assert found == {}
        return
    small = {rel for rel in work.source_nodes if (folder / rel).stat().st_size <= 1 << 20}
    assert set(found) == small and "empty.txt" in small and "big.bin" not in small
    for rel, (size, digest) in found.items():
        data = (folder / rel).read_bytes()
        assert (size, digest) == (len(data), hashlib.sha256(data).hexdigest())
