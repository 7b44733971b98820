"""``serve`` builds in a process forked before its threads (``sitegen.serve.builder``).

Builds fork (the paper pool, the page renderer, helpers); a fork of a process with
threads can inherit a lock held for good. Each test forbids ``os.fork`` in this
(threaded) process once the builder exists, then builds a journal large enough for a
process pool: it must build all the same, in the builder.
"""

from __future__ import annotations

import os
import signal
import threading
import time
from pathlib import Path

import pytest
from synthetic import make_journal

from sitegen.errors import ContentError
from sitegen.pipeline import BuildOptions, build
from sitegen.serve import LiveSite, ServeState
from sitegen.serve.builder import Builder, BuilderGoneError
from sitegen.workers import PARALLEL_THRESHOLD

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture(autouse=True)
def _quiet(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    monkeypatch.setenv("SITEGEN_CACHE_DIR", "off")
    monkeypatch.setenv("CI", "1")


def _no_fork_here(monkeypatch: pytest.MonkeyPatch) -> None:
    def refused() -> int:
        raise AssertionError("forked in the server's process")

    monkeypatch.setattr(os, "fork", refused)


def test_a_pooled_build_runs_in_the_builder_and_equals_one_built_here(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    source = make_journal(tmp_path / "j", PARALLEL_THRESHOLD + 2)
    here = build(BuildOptions(source=source, output=tmp_path / "here", jobs=2, cache=False))
    builder = Builder()
    waiting = threading.Event()
    threads = [threading.Thread(target=waiting.wait) for _ in range(3)]
    try:
        for thread in threads:
            thread.start()
        _no_fork_here(monkeypatch)
        result = builder.build(
            BuildOptions(source=source, output=tmp_path / "there", jobs=2, cache=False)
        )
        assert builder.pid != os.getpid()
        assert result.ok and result.papers == PARALLEL_THRESHOLD + 2
        assert result.root == here.root
        (source / "content" / "papers").joinpath(
            sorted(os.listdir(source / "content" / "papers"))[0], "paper.md"
        ).write_text("---\ntitle: [\n---\n", encoding="utf-8")
        with pytest.raises(ContentError) as caught:
            builder.build(
                BuildOptions(source=source, output=tmp_path / "there", jobs=2, cache=False)
            )
        assert any(
            d.path.endswith("paper.md") and d.line == 3 and d.field == "yaml"
            for d in caught.value.diagnostics
        )
        assert (tmp_path / "there" / "index.html").is_file()  # the last good build stays
    finally:
        waiting.set()
        builder.close()
    assert not builder.running()
    with pytest.raises(BuilderGoneError):
        builder.build(BuildOptions(source=source, output=tmp_path / "again"))


def test_stopping_in_the_middle_of_a_build_leaves_no_staging_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The builder is stopped while its build sits in the site model (the staging folder
    is there and the paper pool has run); the build unwinds and discards the folder."""
    import sitegen.render.model as model

    source = make_journal(tmp_path / "j", PARALLEL_THRESHOLD + 2)
    reached = tmp_path / "reached"
    real_model = model.build_site_model

    def slow_model(*args: object, **kwargs: object) -> object:
        reached.touch()
        time.sleep(60)  # SIGTERM ends it
        return real_model(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(model, "build_site_model", slow_model)  # inherited by the fork
    previous_mask = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGTERM})
    try:  # as if the server's thread had SIGTERM blocked: the builder must still hear it
        builder = Builder()
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, previous_mask)
    _no_fork_here(monkeypatch)
    failures: list[BaseException] = []

    def run() -> None:
        try:
            builder.build(BuildOptions(source=source, output=tmp_path / "site" / "out", jobs=2))
        except BaseException as exc:
            failures.append(exc)

    thread = threading.Thread(target=run)
    thread.start()
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and not reached.exists():
        time.sleep(0.01)
    site = tmp_path / "site"
    assert reached.exists() and any(site.iterdir())  # mid-build, staging folder made
    started = time.monotonic()
    builder.close()
    thread.join(10)
    assert time.monotonic() - started < 10  # it heard SIGTERM (no SIGKILL after 30 s)
    assert not thread.is_alive()
    assert failures and isinstance(failures[0], BuilderGoneError)
    assert not builder.running()
    assert list(site.iterdir()) == []


def test_serve_s_live_site_builds_in_its_own_process(
    demo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    state = ServeState()
    live = LiveSite(demo, state, own_process=True)
    try:
        _no_fork_here(monkeypatch)
        report = live.build_once()
        assert report.ok and report.root and report.papers >= 1
        assert (live.workdir / "site" / "index.html").is_file()
        assert (live.workdir / ".site.spare" / "index.html").is_file()  # for the first edit
    finally:
        live.stop()
    assert live.builder is not None and not live.builder.running()
    assert not live.workdir.exists()


def test_a_builder_that_died_is_reported_not_raised(demo: Path) -> None:
    """The watch loop calls ``build_once`` for every change: a builder gone for another
    reason than ``stop`` gives a failed build with a message, never an exception that
    would end the loop's thread."""
    live = LiveSite(demo, ServeState(), own_process=True)
    try:
        assert live.builder is not None
        os.kill(live.builder.pid, signal.SIGKILL)
        report = live.build_once()
        assert not report.ok
        assert report.error_lines() == [
            "build failed: the build process stopped; restart sitegen serve"
        ]
    finally:
        live.stop()
    assert not live.workdir.exists()
