"""The process pool: one worker or several, the site is the same to the byte."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from test_cache import assert_same, make_journal, snapshot

from sitegen.pipeline import BuildOptions, build
from sitegen.workers import PARALLEL_THRESHOLD


@pytest.fixture(autouse=True)
def _reproducible(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")


def test_one_worker_and_a_pool_give_identical_sites(tmp_path: Path) -> None:
    source = make_journal(tmp_path / "j", papers=PARALLEL_THRESHOLD + 6)
    serial = build(BuildOptions(source=source, output=tmp_path / "one", jobs=1, cache=False))
    seen: list[tuple[int, int]] = []
    pooled = build(
        BuildOptions(
            source=source,
            output=tmp_path / "two",
            jobs=2,
            cache=False,
            progress=lambda done, total: seen.append((done, total)),
        )
    )
    assert serial.root == pooled.root
    assert serial.papers == pooled.papers == PARALLEL_THRESHOLD + 6
    assert [w.format() for w in serial.warnings] == [w.format() for w in pooled.warnings]
    assert_same(snapshot(tmp_path / "one"), snapshot(tmp_path / "two"))
    done = [d for d, _ in seen]
    assert done == sorted(done) and done[-1] == PARALLEL_THRESHOLD + 6 and len(done) > 1
    assert {t for _, t in seen} == {PARALLEL_THRESHOLD + 6}


def test_a_pooled_cached_rebuild_of_some_papers_matches_a_serial_fresh_build(
    tmp_path: Path,
) -> None:
    source = make_journal(tmp_path / "j", papers=PARALLEL_THRESHOLD + 6)
    out = tmp_path / "public"
    build(BuildOptions(source=source, output=out, jobs=2))
    folders = sorted((source / "content" / "papers").iterdir())
    for folder in folders[: PARALLEL_THRESHOLD + 1]:  # enough to use the pool again
        md = folder / "paper.md"
        md.write_text(md.read_text(encoding="utf-8") + "\nRevised.\n", encoding="utf-8")
    cached = build(BuildOptions(source=source, output=out, jobs=2))
    fresh = build(BuildOptions(source=source, output=tmp_path / "ref", jobs=1, cache=False))
    assert cached.root == fresh.root
    assert_same(snapshot(out), snapshot(tmp_path / "ref"))


def test_the_progress_bar_draws_on_a_terminal_only(monkeypatch: pytest.MonkeyPatch) -> None:
    import io
    import os

    from sitegen.commands.build import progress_bar

    monkeypatch.delenv("CI", raising=False)
    assert progress_bar(io.StringIO()) is None
    master, slave = os.openpty()
    with os.fdopen(slave, "w") as tty:
        bar = progress_bar(tty)
        assert bar is not None
        bar(10, 100)  # a small build: nothing drawn
        bar(250, 500)
        bar(-1, 0)
        drawn = _read_until(master, "\r\x1b[K")
        monkeypatch.setenv("CI", "true")
        assert progress_bar(tty) is None
    os.close(master)
    assert "250/500" in drawn and "10/100" not in drawn and drawn.endswith("\r\x1b[K")


def _read_until(fd: int, end: str, timeout: float = 5.0) -> str:
    """What a pty's other side has written, up to ``end``: the kernel hands written bytes
    to the reading side asynchronously, so one read on a busy machine can get a part."""
    import os
    import select

    text = ""
    while not text.endswith(end):
        ready, _, _ = select.select([fd], [], [], timeout)
        if not ready:
            break
        text += os.read(fd, 4096).decode()
    return text


def test_a_template_error_in_the_forked_half_fails_the_build_and_leaves_out(
    tmp_path: Path,
) -> None:
    from test_cache import REPO

    from sitegen.errors import ContentError

    source = make_journal(tmp_path / "j", papers=PARALLEL_THRESHOLD + 2)
    out = tmp_path / "public"
    build(BuildOptions(source=source, output=out, jobs=2, cache=False))
    before = snapshot(out)
    original = (REPO / "themes" / "default" / "templates" / "paper.html").read_text("utf-8")
    (source / "templates").mkdir()
    broken = original.replace("{% block main %}", "{% block main %}{{ paper.nothing.here }}")
    (source / "templates" / "paper.html").write_text(broken, encoding="utf-8")
    with pytest.raises(ContentError) as caught:
        build(BuildOptions(source=source, output=tmp_path / "new", jobs=2, cache=False))
    assert "papers/" in caught.value.diagnostics[0].message
    assert not (tmp_path / "new").exists()
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []
    assert_same(snapshot(out), before)


def test_pages_rendered_into_the_staging_folder_match_pages_rendered_in_memory(
    tmp_path: Path,
) -> None:
    source = make_journal(tmp_path / "j", papers=PARALLEL_THRESHOLD + 2)
    streamed = build(BuildOptions(source=source, output=tmp_path / "a", jobs=2, cache=False))
    cached = build(BuildOptions(source=source, output=tmp_path / "b", jobs=2))
    papers = sorted((source / "content" / "papers").iterdir())
    md = papers[0] / "paper.md"
    md.write_text(md.read_text(encoding="utf-8") + "\nMore.\n", encoding="utf-8")
    build(BuildOptions(source=source, output=tmp_path / "b", jobs=2))  # renders in memory
    md.write_text(md.read_text(encoding="utf-8").removesuffix("\nMore.\n"), encoding="utf-8")
    again = build(BuildOptions(source=source, output=tmp_path / "b", jobs=2))
    assert streamed.root == cached.root == again.root
    assert_same(snapshot(tmp_path / "a"), snapshot(tmp_path / "b"))


def test_pool_batches_cover_every_paper_once_and_shrink_towards_the_end() -> None:
    from sitegen.workers import BATCH_MAX, BATCH_MIN, batch_sizes

    for total in (PARALLEL_THRESHOLD, 100, 1000, 10_000, 12_345):
        for workers in (2, 3, 8):
            sizes = batch_sizes(total, workers)
            assert sum(sizes) == total
            assert max(sizes) <= BATCH_MAX
            assert all(size >= BATCH_MIN for size in sizes[:-1])
            assert sizes == sorted(sizes, reverse=True)  # the last batches are the smallest
    assert batch_sizes(1000, 2)[-1] <= BATCH_MIN


def test_the_index_made_beside_the_pages_equals_one_made_after_them(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A cold pooled build makes the search index in a forked process (cache.indexjob);
    when that process fails the build makes it itself: the same site either way."""
    import sitegen.cache.indexjob as indexjob

    source = make_journal(tmp_path / "j", papers=PARALLEL_THRESHOLD + 2)
    made: list[object] = []
    real_finish = indexjob.IndexJob.finish

    def watching(self: indexjob.IndexJob) -> object:
        result = real_finish(self)
        made.append(result)
        return result

    monkeypatch.setattr(indexjob.IndexJob, "finish", watching)
    beside = build(BuildOptions(source=source, output=tmp_path / "beside", jobs=2, cache=False))
    assert len(made) == 1 and isinstance(made[0], indexjob.MadeIndex)
    assert any(path.startswith("search/") for path in made[0].nodes)

    def broken(*_: object) -> object:  # the forked process inherits it, fails, exits 1
        raise RuntimeError("no index here")

    monkeypatch.setattr(indexjob, "_make", broken)
    after = build(BuildOptions(source=source, output=tmp_path / "after", jobs=2, cache=False))
    assert made[1] is None
    serial = build(BuildOptions(source=source, output=tmp_path / "one", jobs=1, cache=False))
    assert beside.root == after.root == serial.root
    assert_same(snapshot(tmp_path / "beside"), snapshot(tmp_path / "after"))


def test_a_build_leaves_nothing_frozen_from_the_collector(tmp_path: Path) -> None:
    """``_prepare`` freezes what it keeps (gc.freeze); a long-lived ``serve`` must get it
    back after every build, finished or failed, or it would never free old sites."""
    import gc

    from sitegen.errors import SitegenError

    source = make_journal(tmp_path / "j", papers=PARALLEL_THRESHOLD + 1)
    assert gc.get_freeze_count() == 0
    build(BuildOptions(source=source, output=tmp_path / "out", jobs=2, cache=False))
    assert gc.get_freeze_count() == 0
    broken = sorted((source / "content" / "papers").iterdir())[3] / "paper.md"
    broken.write_text("---\ntitle: [unclosed\n---\nBody.\n", encoding="utf-8")
    with pytest.raises(SitegenError):  # raised after the papers were loaded and frozen
        build(BuildOptions(source=source, output=tmp_path / "out", jobs=2, cache=False))
    assert gc.get_freeze_count() == 0


def test_a_worker_batch_runs_without_the_collector_and_turns_it_back_on(tmp_path: Path) -> None:
    """``_worker_batch`` switches the cyclic collector off for the batch; it must be on
    again afterwards, also when the batch fails, and what the batch kept is frozen."""
    import gc

    from sitegen.content.config import load_config
    from sitegen.workers import _worker_batch

    source = make_journal(tmp_path / "j", papers=2)
    config, _ = load_config(source)
    assert config is not None
    folders = sorted((source / "content" / "papers").iterdir())
    try:
        works, _learned, _made = _worker_batch(folders, config, None, None)
        assert [w.slug for w in works] == [f.name for f in folders]  # type: ignore[union-attr]
        assert gc.isenabled()
        assert gc.get_freeze_count() > 0
        with pytest.raises(AttributeError):
            _worker_batch(folders, None, None, None)  # type: ignore[arg-type]
        assert gc.isenabled()
    finally:
        gc.enable()
        gc.unfreeze()


def test_keys_made_while_the_pool_runs_equal_keys_made_first(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """In a cold build the pool workers make each folder's key (from the CIDs of what
    they read); a build with papers in the cache makes every key first, here. Both must
    give the same keys, the cold build's works must be found under them, and the file
    digests the workers made must spare the next build every read."""
    from sitegen.cache.digests import FileDigests, sha256_hex
    from sitegen.cache.store import BuildCache
    from sitegen.content.config import load_config
    from sitegen.workers import load_papers, paper_inputs_key

    source = make_journal(tmp_path / "j", papers=PARALLEL_THRESHOLD + 6)
    config, _ = load_config(source)
    assert config is not None
    folders = sorted((source / "content" / "papers").iterdir())
    _odd_entries(folders[0], folders[1])
    digests = FileDigests()
    part = paper_inputs_key(config)
    want = {f.name: sha256_hex(part, f.name, digests.folder_digest(f)) for f in folders}
    cache = BuildCache(source)
    assert not cache.pack.index  # cold: keys are made lazily, by the workers
    _, works, keys, _, _ = load_papers(config, cache, jobs=2)
    assert keys == want
    assert list(keys) == [f.name for f in folders]
    assert all(cache.get_light_paper(keys[name]) is not None for name in works)
    # The workers' file digests are the parent's, as if it had hashed every file itself.
    assert cache.files.memo == digests.memo
    assert cache.files.seen == digests.seen == set(digests.memo)
    reads = _count_reads(monkeypatch)
    _, again, keys_again, _, _ = load_papers(config, cache, jobs=2)  # every key first
    assert keys_again == want
    assert again.keys() == works.keys()
    assert reads == []  # nothing changed: no file is read to make the keys


def _odd_entries(folder: Path, other: Path) -> None:
    """What a folder digest covers beyond the research object: hidden files and folders,
    ``attestations/``, a symlink, a file of several chunks, an empty file, a subfolder."""
    (folder / ".notes").write_text("hidden\n", encoding="utf-8")
    (folder / ".git").mkdir()
    (folder / ".git" / "HEAD").write_text("ref: refs/heads/main\n", encoding="utf-8")
    (folder / "attestations").mkdir()
    (folder / "attestations" / "a.json").write_text("{}\n", encoding="utf-8")
    (folder / "data" / "raw").mkdir(parents=True)
    (folder / "data" / "raw" / "big.bin").write_bytes(bytes(range(256)) * 5000)  # > 1 MiB
    (folder / "data" / "empty.txt").write_bytes(b"")
    (folder / "figure-link.png").symlink_to("paper.md")
    (other / "dangling").symlink_to("nowhere")


def _count_reads(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Paths ``FileDigests`` opens to hash from now on (in this process)."""
    import builtins

    import sitegen.cache.store as store

    reads: list[str] = []

    def counting(path: str, *args: Any, **kwargs: Any) -> Any:
        reads.append(path)
        return builtins.open(path, *args, **kwargs)

    monkeypatch.setattr(store, "open", counting, raising=False)
    return reads


def test_the_pool_forks_where_the_system_can() -> None:
    """Workers inherit the formula cache by forking; Python 3.14 made ``forkserver`` the
    default start method on Linux, so the pool names ``fork`` itself."""
    import multiprocessing

    from sitegen.workers import pool_context

    context = pool_context()
    assert "fork" in multiprocessing.get_all_start_methods()  # Linux, where CI runs
    assert context is not None and context.get_start_method() == "fork"


def test_a_cold_build_that_fails_after_the_pool_leaves_nothing_behind(tmp_path: Path) -> None:
    """The index process starts right after the pool; a build that then fails (here a
    broken template) waits for it before discarding the staging folder: no folder is
    left beside OUT, the last OUT is untouched, and no child process outlives the build."""
    from sitegen.errors import ContentError

    source = make_journal(tmp_path / "j", papers=PARALLEL_THRESHOLD + 2)
    site = tmp_path / "site"
    before_children = _children()  # other tests' servers may be running
    first = build(BuildOptions(source=source, output=site / "out", jobs=2, cache=False))
    before = snapshot(site / "out")
    (source / "templates").mkdir()
    (source / "templates" / "paper.html").write_text("{% block main %}{{ oops(}}\n")
    with pytest.raises(ContentError) as caught:
        build(BuildOptions(source=source, output=site / "out", jobs=2, cache=False))
    assert any(d.field == "template" for d in caught.value.diagnostics)
    assert sorted(p.name for p in site.iterdir()) == ["out"]
    assert_same(before, snapshot(site / "out"))
    assert first.root is not None
    assert _children() <= before_children  # every child of the build was waited for


def _children() -> set[int]:
    """This process's child processes, running or not yet waited for (Linux /proc)."""
    found: set[int] = set()
    for task in Path("/proc/self/task").iterdir():
        found.update(int(pid) for pid in (task / "children").read_text().split())
    return found
