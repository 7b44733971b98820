"""Pages rendered by two processes: one takes them from the front of the site, one from
the back, until they meet.

Both processes list the same pages in the same order (``SiteRenderer.pages``: nothing is
rendered by listing them). The parent takes runs of pages from the front, the forked
child from the back, each run claimed in shared memory (:class:`PageEnds`), so both
finish together however the pages' costs vary (by kind, theme, file system).

Taking the two ends rather than alternating runs keeps each kind of page in one process
for the most part: in the default order the parent renders the home page and paper
pages, the child the subject, author and issue listings and the listing of all papers
from the end, then paper pages from the back of theirs. Each paper's card, rendered
once per renderer and filled in for each page (``render.cards.CardMemo``), is then
rendered by the child alone (the parent's only cards are the home page's few), and
neither process makes the context of a page the other renders.
"""

from __future__ import annotations

import multiprocessing
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from sitegen.errors import ContentError
from sitegen.render.theme import load_templates

if TYPE_CHECKING:
    from sitegen.output import Content
    from sitegen.render.pages import Planned, SiteRenderer


class PageEnds:
    """The pages nobody has taken yet: ``[front, back)`` of the site's page list, in
    memory both processes share. ``front()`` takes a run from the start, ``back()`` one
    from the end; each page is taken once, by whoever reaches it first."""

    RUN = 8
    """Pages a claim takes (a claim costs a few µs; a run of pages some 0.5-2 ms, the
    most one process can finish after the other)."""

    def __init__(self, context: Any) -> None:
        self._ends = context.Array("q", [0, -1])
        """front, back (-1: the end of the list, which either process knows)."""

    def front(self, count: int) -> range | None:
        """The next run from the front of ``count`` pages, or None when all are taken."""
        taken = self._take(count, from_back=False)
        return None if taken is None else range(*taken)

    def back(self, count: int) -> range | None:
        """The next run from the back (last page first), or None when all are taken."""
        taken = self._take(count, from_back=True)
        return None if taken is None else range(taken[1] - 1, taken[0] - 1, -1)

    def _take(self, count: int, *, from_back: bool) -> tuple[int, int] | None:
        """``[start, end)`` of the run taken from one end, or None when none is left."""
        with self._ends.get_lock():
            ends = self._ends.get_obj()
            start, stop = ends[0], ends[1]
            if stop < 0:
                stop = count
            if start >= stop:
                return None
            if from_back:
                begin = ends[1] = max(stop - self.RUN, start)
                return begin, stop
            end = ends[0] = min(start + self.RUN, stop)
            return start, end

    def stop(self) -> None:
        """Hand out nothing more: a process that failed stops the other at its next
        claim, so the build fails without rendering the rest of the site first."""
        with self._ends.get_lock():
            self._ends.get_obj()[0] = _NONE_LEFT


_NONE_LEFT = 2**62
"""A front beyond any page list."""


def render_split(renderer: SiteRenderer, rendered_pages: dict[str, str]) -> dict[str, Content]:
    """``renderer.render_all`` in two processes writing into the renderer's sink.

    Forking shares the site model without pickling it; only the child's page nodes (and
    whatever else its ``child_report`` holds) come back. The parent lists every page
    in site order before rendering any, and makes the site-wide files first (the
    sitemap needs only the list), so the tree, the keys and the sink's bytes are those
    of a single-process render.
    """
    if renderer.sink is None:
        raise ValueError("render_split needs a sink folder")
    from sitegen.render.pages import TEMPLATES

    load_templates(renderer.env, TEMPLATES)  # once, not in each process
    context = multiprocessing.get_context("fork")
    ends = PageEnds(context)
    receive, send = context.Pipe(duplex=False)
    child = context.Process(
        target=_render_child, args=(renderer, rendered_pages, ends, send), daemon=True
    )
    child.start()
    send.close()
    lists = renderer.lists_sink
    try:
        try:
            plan = list(renderer.pages(rendered_pages))
            order = [path for path, _ in plan]
            renderer.list_pages(order)
            renderer.site_files()  # listed as written: nobody lists them beforehand
            renderer.lists_sink = False
            _take(plan, ends.front)
        except BaseException:
            ends.stop()  # the child renders no more than the run in its hands
            raise
        try:
            status, payload = receive.recv()
        except EOFError:
            status, payload = "error", ("page rendering stopped unexpectedly", [])
    finally:
        renderer.lists_sink = lists
        receive.close()
        child.join()
    if status != "ok":
        message, diagnostics = payload
        raise ContentError(message, diagnostics)
    renderer.merge_child(payload, order)
    return renderer.tree


def _take(plan: Sequence[Planned], claim: Any) -> None:
    """Render the runs of ``plan`` that ``claim`` (``PageEnds.front`` or ``back``) hands
    out until none is left."""
    count = len(plan)
    while (run := claim(count)) is not None:
        for index in run:
            plan[index][1]()


def _render_child(
    renderer: SiteRenderer, rendered_pages: dict[str, str], ends: PageEnds, send: Any
) -> None:
    """The forked half of :func:`render_split`; reports its pages or the error, never
    raises."""
    renderer.lists_sink = False
    try:
        _take(list(renderer.pages(rendered_pages)), ends.back)
        result: tuple[str, object] = ("ok", renderer.child_report())
    except ContentError as exc:
        result = ("error", (exc.message, exc.diagnostics))
    except Exception as exc:  # reported in the parent, which raises it as a build error
        result = ("error", (f"page rendering failed: {type(exc).__name__}: {exc}", []))
    if result[0] != "ok":
        ends.stop()
    send.send(result)
    send.close()


__all__ = ["PageEnds", "render_split"]
