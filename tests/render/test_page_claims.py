"""PageClaims: two processes walking the same pages split them as they go, each page once."""

from __future__ import annotations

import multiprocessing
import random
import time

from sitegen.render.pages import PageClaims


def walk(claims: PageClaims, pages: list[str], delay: float, seed: int, out: object) -> None:
    rng = random.Random(seed)
    taken = []
    for page in pages:
        if claims.mine(page):
            taken.append(page)
            time.sleep(rng.random() * delay)  # "rendering"
        assert claims.mine(page) == (taken[-1:] == [page])  # asked again: same answer
    out.send(taken)  # type: ignore[attr-defined]


def test_two_processes_take_every_page_exactly_once_and_share_by_speed() -> None:
    context = multiprocessing.get_context("fork")
    pages = [f"authors/a{i}/index.html" for i in range(40 * PageClaims.RUN)]
    claims = PageClaims(context)
    results = []
    procs = []
    for seed, delay in ((1, 0.0004), (2, 0.0)):  # one slow renderer, one fast
        receive, send = context.Pipe(duplex=False)
        proc = context.Process(target=walk, args=(claims, pages, delay, seed, send))
        proc.start()
        procs.append((proc, receive))
    for proc, receive in procs:
        results.append(receive.recv())
        proc.join()
        assert proc.exitcode == 0
    slow, fast = results
    assert sorted(slow + fast) == sorted(pages)  # all, none twice
    assert not set(slow) & set(fast)
    assert len(fast) > len(slow)  # the faster process took more runs
    runs = {page: i // PageClaims.RUN for i, page in enumerate(pages)}
    for taken in results:  # whole runs only
        for run in {runs[p] for p in taken}:
            assert sum(1 for p in taken if runs[p] == run) == PageClaims.RUN
