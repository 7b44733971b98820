"""PageEnds: two processes taking pages from the two ends take each page once."""

from __future__ import annotations

import functools
import multiprocessing
import os
import random
import time
from pathlib import Path

import jinja2
import pytest

from sitegen.errors import ContentError
from sitegen.render.split import PageEnds, render_split

COUNT = 40 * PageEnds.RUN + 3


def take(ends: PageEnds, front: bool, delay: float, seed: int, out: object) -> None:
    rng = random.Random(seed)
    taken: list[int] = []
    claim = ends.front if front else ends.back
    while (run := claim(COUNT)) is not None:
        for index in run:
            taken.append(index)
            time.sleep(rng.random() * delay)  # "rendering"
    out.send(taken)  # type: ignore[attr-defined]


def test_two_processes_take_every_page_once_from_their_ends() -> None:
    context = multiprocessing.get_context("fork")
    ends = PageEnds(context)
    results = []
    procs = []
    for front, seed, delay in ((True, 1, 0.0004), (False, 2, 0.0)):  # slow front, fast back
        receive, send = context.Pipe(duplex=False)
        proc = context.Process(target=take, args=(ends, front, delay, seed, send))
        proc.start()
        procs.append((proc, receive))
    for proc, receive in procs:
        results.append(receive.recv())
        proc.join()
        assert proc.exitcode == 0
    slow, fast = results
    assert sorted(slow + fast) == list(range(COUNT))  # all, none twice
    assert slow == list(range(len(slow)))  # the front, in order
    assert fast == list(range(COUNT - 1, len(slow) - 1, -1))  # the back, last first
    assert len(fast) > len(slow)  # the faster process took more


def test_one_process_alone_takes_everything() -> None:
    ends = PageEnds(multiprocessing.get_context("fork"))
    taken = [i for run in iter(lambda: ends.back(5), None) for i in run]
    assert taken == [4, 3, 2, 1, 0]
    assert ends.front(5) is None
    empty = PageEnds(multiprocessing.get_context("fork"))
    assert empty.front(0) is None and empty.back(0) is None


def test_stop_hands_out_nothing_more() -> None:
    ends = PageEnds(multiprocessing.get_context("fork"))
    assert ends.front(100) == range(0, PageEnds.RUN)
    ends.stop()
    assert ends.front(100) is None and ends.back(100) is None
    fresh = PageEnds(multiprocessing.get_context("fork"))
    fresh.stop()  # before anyone took anything
    assert fresh.back(100) is None and fresh.front(100) is None


class _Pages:
    """A renderer of ``COUNT`` pages that notes each page it renders in ``log``; the
    parent's first page fails."""

    def __init__(self, sink: Path, log: Path, parent: int) -> None:
        self.sink, self.log, self.parent = sink, log, parent
        self.env = jinja2.Environment()
        self.lists_sink = True
        self.tree: dict[str, object] = {}

    def pages(self, rendered_pages: object) -> list[tuple[str, object]]:
        return [(f"p{i}", functools.partial(self.render, i)) for i in range(COUNT * 10)]

    def render(self, index: int) -> None:
        if os.getpid() == self.parent:
            raise ContentError("the parent's page failed")
        time.sleep(0.002)
        with self.log.open("a") as fh:
            fh.write(f"{index}\n")

    def list_pages(self, paths: object) -> None:
        pass

    def site_files(self) -> None:
        pass

    def child_report(self) -> object:
        return {}


def test_a_failing_parent_stops_the_child_at_its_next_claim(tmp_path: Path) -> None:
    made = _Pages(tmp_path, tmp_path / "log", os.getpid())
    with pytest.raises(ContentError):
        render_split(made, {})  # type: ignore[arg-type]
    done = (tmp_path / "log").read_text().split() if (tmp_path / "log").exists() else []
    assert len(done) <= 4 * PageEnds.RUN  # not the ~3000 pages left
