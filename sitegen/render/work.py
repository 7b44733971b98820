"""A paper's work: what one pool worker makes of a paper folder, and its cached forms.

``process_paper`` (``sitegen.render.paper``) makes a :class:`PaperWork`; the build keeps
its light form in memory (``light_work``) and the cache stores both forms in one pack
entry (``pack_work``, ``whole_work``); ``meta_digest`` tells listings whether anything
they show of the paper changed.
"""

from __future__ import annotations

import hashlib
import io
import pickle
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, TypeVar

from sitegen.cache.pack import LIGHT, stream_entry
from sitegen.content.model import Paper
from sitegen.errors import Diagnostic
from sitegen.ipfs.files import Node
from sitegen.render.model import PaperRender
from sitegen.searchindex.doc import SearchDoc


@dataclass(frozen=True)  # not slotted: see sitegen.cache.pack
class PaperWork:
    """Everything one paper contributes to a build, made in one worker and cached whole.

    Loading, addressing, rendering and citation exports all happen here, so the pool
    parallelises every per-paper cost and the parent only assembles. It is keyed in the
    build cache by the content hash of the paper's folder (see ``sitegen.cache``).
    """

    slug: str
    paper: Paper | None
    """None when the front matter could not be read (the error is in ``load_diagnostics``)."""
    load_diagnostics: tuple[Diagnostic, ...]
    """From the content stage (front matter, metadata)."""
    render_diagnostics: tuple[Diagnostic, ...] = ()
    """From markdown, math and citations."""
    render: PaperRender | None = None
    bundle_cid: str | None = None
    file_cids: Mapping[str, str] = field(default_factory=dict)
    """Path relative to the paper folder -> CID, as ``add_path`` reports it."""
    source_nodes: Mapping[str, Node] = field(default_factory=dict)
    """``source/`` file (relative to the paper folder) -> its UnixFS node, for addressing."""
    citations: Mapping[str, bytes] = field(default_factory=dict)
    """``cite.bib`` / ``cite.ris`` / ``cite.json`` bytes."""
    citation_nodes: Mapping[str, Node] = field(default_factory=dict)
    """Their UnixFS nodes, so the parent never hashes them."""
    search: SearchDoc | None = None
    """The paper's entry in the site's search index (``sitegen.searchindex``)."""
    meta_digest: str = ""
    """Hash of the light paper and render (``light_work``): what a listing can show of
    this paper besides its CIDs. An edit of the body alone leaves it unchanged, so the
    listing pages the paper appears on are not rendered again (``sitegen.cache.pages``)."""


def light_work(work: PaperWork) -> PaperWork:
    """``work`` without what only its own page needs: body HTML, references, markdown.

    A build keeps every paper's work in memory for the cross-paper model (listings,
    authors, feeds); that needs metadata, not bodies, which are most of a paper's bytes.
    The paper page reads the whole work back from the cache (``full_work``).
    """
    if work.paper is None or work.render is None:
        return work
    return with_changes(work, paper=light_paper_of(work.paper), render=light_render_of(work.render))


def light_paper_of(paper: Paper) -> Paper:
    return with_changes(paper, body="")


def light_render_of(render: PaperRender) -> PaperRender:
    body = with_changes(
        render.body, html="", references=(), first_section_html=None, first_section_split=None
    )
    return with_changes(render, body=body)


def whole_work(light: Any, more: Any) -> PaperWork | None:
    """The work :func:`pack_work` stored: its light work with ``more`` put back (what
    :func:`light_work` left out), or None if the two are not such a pair."""
    if not isinstance(light, PaperWork) or not _is_left_out(more):
        return None
    if light.paper is None or light.render is None:
        return light
    parts = whole_parts(light.paper, light.render, more)
    return None if parts is None else with_changes(light, paper=parts[0], render=parts[1])


def whole_parts(
    light_paper: Paper, light_render: PaperRender, more: Any
) -> tuple[Paper, PaperRender] | None:
    """:func:`whole_work` for a light work's paper and render alone (a paper page's
    entry holds them): the whole paper and render, or None if ``more`` is not what
    :func:`light_work` left out of a work."""
    if not _is_left_out(more) or more[0] is None:
        return None
    paper_body, html, references, first_section_html, first_section_split = more
    body = with_changes(
        light_render.body,
        html=html,
        references=references,
        first_section_html=first_section_html,
        first_section_split=first_section_split,
    )
    return with_changes(light_paper, body=paper_body), with_changes(light_render, body=body)


def _is_left_out(more: Any) -> bool:
    return type(more) is tuple and len(more) == 5


def _left_out(work: PaperWork) -> tuple[Any, ...]:
    """What :func:`light_work` takes out of ``work`` (:func:`whole_work` puts it back)."""
    if work.paper is None or work.render is None:
        return (None, None, None, None, None)
    body = work.render.body
    return (
        work.paper.body,
        body.html,
        body.references,
        body.first_section_html,
        body.first_section_split,
    )


_T = TypeVar("_T")


def with_changes(obj: _T, **changes: Any) -> _T:
    """``dataclasses.replace(obj, **changes)`` for the plain frozen dataclasses a work is
    made of (no slots, no ``__post_init__``, every field an ``__init__`` field; a test
    checks them): a new instance dict, copied in C. ``replace`` goes through ``fields``
    and the generated ``__init__`` (an ``object.__setattr__`` per field: 27 for a
    ``Paper``), ~5 us a call, and a paper took ten."""
    new = object.__new__(type(obj))
    new.__dict__.update(obj.__dict__, **changes)
    return new


@dataclass(frozen=True, slots=True)
class PackedWork:
    """A work as a pool worker returns it to a parent that caches it, when it could not
    append it to the pack itself (``workers._worker_batch``).

    The worker pickles the cache entry itself, so the parent neither unpickles the
    bulky whole work nor pickles it again: it appends the bytes and keeps ``light``.
    """

    light: PaperWork
    entry: bytes
    """The light work, then what it leaves out (``sitegen.cache.pack.stream_entry``)."""
    light_length: int
    """Length of the entry's first pickle: the light work's own entry."""


def pack_work(key: str, work: PaperWork, light: PaperWork) -> PackedWork:
    """``work`` (and ``light``, its :func:`light_work`) as one pack entry, under ``key``
    whole and ``key + LIGHT`` light: the light work is pickled once and, being the
    entry's first pickle, read back alone."""
    entry, light_length = stream_entry((key, key + LIGHT), light, _left_out(work))
    return PackedWork(light, entry, light_length)


def meta_digest(work: PaperWork) -> str:
    """See ``PaperWork.meta_digest``: a hash of the light paper and render."""
    light = light_work(work)
    return light_digest(light.paper, light.render)


def light_digest(light_paper: Paper | None, light_render: PaperRender | None) -> str:
    """A pickle is a faithful, cheap serialisation here.

    Pickled without its memo (``fast``): a memo writes a string seen twice as a
    back-reference, so two equal works whose strings happen to be shared differently
    (a slug that is also its folder's name, or not) would get different digests. (So
    the pack entry's pickle, made with a memo, cannot stand in for this one.)
    """
    buffer = io.BytesIO()
    pickler = pickle.Pickler(buffer, pickle.HIGHEST_PROTOCOL)
    pickler.fast = True  # the work holds no cycles
    pickler.dump((light_paper, light_render))
    return hashlib.sha256(buffer.getvalue()).hexdigest()
