"""PageEnds: two processes taking pages from the two ends take each page once."""

from __future__ import annotations

import multiprocessing
import random
import time

from sitegen.render.split import PageEnds

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
