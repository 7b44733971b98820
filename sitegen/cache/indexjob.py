"""A build with nothing to reuse makes the whole search index beside its page rendering.

After the paper pool, a cold build renders every page in two processes, then (in one)
makes the full search index, hashes its files and addresses the site. The index needs
only the papers' search docs, known before the first page is rendered, so a forked
process makes it while the pages render: it writes the files into the staging folder,
hashes them, and sends back their nodes and the index state. Three processes on two
cores share them; the page split (``render.split.PageEnds``) gives the page renderers
fewer pages while this one runs, so the index costs half its time instead of all of it
(~1 s of CPU at 10k papers).

If the process fails, :meth:`IndexJob.finish` returns None and the index is made in this
process as before: the job is only speed.

The state comes back without its ``terms``, which are the docs' own strings (97% of the
state: 48 MB pickled at 10k benchmark papers, ~30 ms to pickle in the process, a pipe
of 48 MB and ~10-25 ms to load in this one, and a second copy of every doc's terms
here); :meth:`IndexJob.finish` puts back the docs' strings, which makes the state
``write_index`` returns.
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, replace
from pathlib import Path

from sitegen.cache.address import node_of_bytes
from sitegen.forked import Forked
from sitegen.ipfs.files import Node
from sitegen.ipfs.profiles import Profile
from sitegen.output import write_tree
from sitegen.searchindex import IndexState, SearchDoc, write_index


@dataclass(frozen=True, slots=True)
class MadeIndex:
    """The index files written into the staging folder, with their nodes."""

    nodes: dict[str, Node]
    state: IndexState


class IndexJob:
    """The full index of ``docs``, made by a forked process into ``sink``."""

    def __init__(self, docs: Sequence[SearchDoc], sink: Path, profile: Profile) -> None:
        self._docs = docs
        self._helper = Forked(lambda: _make(docs, sink, profile))

    @property
    def pending(self) -> bool:
        """Whether the process runs and :meth:`finish` was not called yet."""
        return self._helper.started

    def finish(self) -> MadeIndex | None:
        """The index, or None if the process could not make it (the caller makes it)."""
        made = self._helper.result()
        if not isinstance(made, MadeIndex):
            return None
        terms = tuple(d.terms for d in self._docs)
        return MadeIndex(made.nodes, replace(made.state, terms=terms))


def _make(docs: Sequence[SearchDoc], sink: Path, profile: Profile) -> MadeIndex:
    """The forked process's work; its state's ``terms`` are left for ``finish`` to add."""
    files, state = write_index(docs, None, None)
    write_tree(files.changed, sink)
    nodes = {path: node_of_bytes(data, profile) for path, data in files.changed.items()}
    return MadeIndex(nodes, replace(state, terms=()))


@contextmanager
def index_beside(
    jobs: int | None,
    sink: Path | None,
    docs: list[SearchDoc],
    profile: Profile,
    *,
    stopping: bool,
) -> Iterator[IndexJob | None]:
    """In a cold build on more than one core (``jobs``: the build's ``--jobs``), the
    search index made by a forked process from right after the paper pool: beside the
    serial work before the pages (attestations, the site model) as well as beside the
    pages. However the build ends, the process is waited for before the staging folder
    can be discarded, so none is started for a build that ``stopping`` (its papers'
    errors) already dooms."""
    from sitegen.workers import PARALLEL_THRESHOLD

    workers = jobs or os.cpu_count() or 1
    if sink is None or workers < 2 or len(docs) < PARALLEL_THRESHOLD or stopping:
        yield None
        return
    job = IndexJob(docs, sink, profile)
    try:
        yield job
    finally:
        if job.pending:  # the build stopped before the pages took its result
            job.finish()
