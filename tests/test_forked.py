"""A job in a forked process: its result comes back, or None when it cannot."""

from __future__ import annotations

import os

import pytest

from sitegen.forked import Forked


def test_the_result_comes_back_even_past_a_pipe_buffer() -> None:
    data = {f"k{i}": "x" * 100 for i in range(20_000)}  # ~2.5 MB, far past 64 KB
    helper = Forked(lambda: (os.getpid(), data))
    assert helper.started
    pid, got = helper.result() or (0, {})
    assert got == data
    assert pid not in (0, os.getpid())  # it ran in another process


def test_a_failing_job_gives_none() -> None:
    def job() -> int:
        raise RuntimeError("no")

    helper = Forked(job)
    assert helper.started
    assert helper.result() is None
    assert helper.result() is None  # asked again: still nothing, no hang


def test_no_fork_gives_none(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse() -> int:
        raise OSError("fork refused")

    monkeypatch.setattr(os, "fork", refuse)
    helper = Forked(lambda: 1)
    assert not helper.started
    assert helper.result() is None
