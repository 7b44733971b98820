"""Stage a prepared site beside OUT, index it, address it: the write half of ``build``.

Three ways to fill the staging folder, cheapest first:

1. sync the *spare* tree (the OUT of the build before last, kept after the previous
   swap) to the new tree: only files whose CID differs are replaced;
2. else hard-link unchanged files from the previous OUT into a fresh folder;
3. else write everything (no cache, or nothing trustworthy to reuse).

Either way OUT is only replaced by the final rename, so a failed build leaves it as it
was. The search index (``sitegen.searchindex``) is part of the tree like any page: only
its files that a changed paper touches are made again, the rest come from the previous OUT.
"""

from __future__ import annotations

import gc
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from sitegen.cache.address import address_nodes, node_of
from sitegen.cache.spare import spare_manifest, take_known_spare
from sitegen.cache.store import BuildCache
from sitegen.ipfs.files import Node
from sitegen.ipfs.profiles import Profile, get_profile
from sitegen.ipfs.site import CIDS_JSON
from sitegen.output import (
    IN_PLACE,
    Content,
    OutputTree,
    discard,
    spare_dir,
    stage_dir,
    swap_in,
    sync_tree,
    write_tree_split,
)
from sitegen.searchindex import IndexState, write_index

if TYPE_CHECKING:
    from sitegen.pipeline import Prepared


@dataclass(frozen=True, slots=True)
class Staged:
    root: str
    files: int
    manifest: dict[str, Node] = field(default_factory=dict)
    """Every file of the new OUT but ``cids.json`` -> its node (empty after ``--car``)."""
    search_state: IndexState | None = None


def publish(
    prepared: Prepared,
    out: Path,
    *,
    cache: BuildCache | None,
    previous: Path | None,
    car: Path | None,
    into: Path | None = None,
    before_address: Callable[[dict[str, Node], IndexState | None], object] | None = None,
) -> Staged:
    """Write, index and address the site beside ``out``, then swap it in.

    ``into`` is a staging folder the renderer already wrote pages into (a build with
    nothing to reuse); the rest of the tree is written beside them. ``before_address``
    is told every file's node and the search state as soon as they are known, before
    the tree is finished and addressed (``incremental.EarlySave`` starts there).
    """
    config = prepared.config
    profile = get_profile(config.cid_profile)
    tree = dict(prepared.tree)
    nodes = dict(prepared.nodes)
    last = cache.last if cache is not None else {}
    old_manifest: Mapping[str, tuple[bytes, int, int]] = (
        last.get("manifest", {}) if previous else {}
    )
    made = prepared.made_index
    if made is not None and into is not None:  # written into the staging folder already
        for path, node in made.nodes.items():
            tree[path] = IN_PLACE
            nodes[path] = node
        search_state = made.state
    else:
        search_state = _add_search_index(prepared, tree, nodes, last, old_manifest, previous)
    want = complete_nodes(tree, nodes, profile, into)
    gc.freeze()  # the whole tree's nodes, kept to the end (``pipeline._gc_frozen``)
    if before_address is not None:
        before_address(want, search_state)
    spare = take_known_spare(out, cache) if into is None else None
    staged = into if into is not None else spare if spare is not None else stage_dir(out)
    try:
        if spare is not None and cache is not None:
            sync_tree(
                tree,
                staged,
                have={p: n[0] for p, n in (spare_manifest(cache.last) or {}).items()},
                want={p: n.cid for p, n in want.items()},
                link_from=previous,
            )
        else:
            write_tree_split(tree, staged, link_from=previous)
        (staged / CIDS_JSON).unlink(missing_ok=True)
        if car is None:
            memo = cache.address_memo() if cache is not None else None
            addressed = address_nodes(want, profile, memo, split=into is not None)
            (staged / CIDS_JSON).write_bytes(addressed.cids_json)
            root = addressed.root
        else:
            from sitegen.ipfs.site import address_site

            root = address_site(staged, profile, car=car).root
        swap_in(staged, out, keep=spare_dir(out) if cache is not None else None)
    except BaseException:
        discard(staged)
        raise
    return Staged(root, len(want) + 1, want, search_state)


def complete_nodes(
    tree: OutputTree, known: Mapping[str, Node], profile: Profile, into: Path | None = None
) -> dict[str, Node]:
    """A UnixFS node for every file of the tree, hashing only those not known already
    (a file written ``IN_PLACE`` is read back from ``into``, the staging folder)."""
    nodes: dict[str, Node] = {}
    for path, content in tree.items():
        node = known.get(path)
        if node is None:
            if content is IN_PLACE:
                if into is None:
                    raise ValueError(f"{path}: written in place, but into no folder")
                content = into / path
            node = node_of(content, profile)
        nodes[path] = node
    return nodes


def _add_search_index(
    prepared: Prepared,
    tree: dict[str, Content],
    nodes: dict[str, Node],
    last: Mapping[str, object],
    old_manifest: Mapping[str, tuple[bytes, int, int]],
    previous: Path | None,
) -> IndexState:
    """Put the search index into ``tree``: changed files as bytes, the rest from ``previous``.

    A file the previous build had is only taken from there when its node is known too,
    so nothing of the old index is hashed again.
    """
    state = last.get("search_state")
    known = state if isinstance(state, IndexState) and previous is not None else None
    files, new_state = write_index(prepared.search_docs, known, previous)
    for path in files.unchanged:
        old = old_manifest.get(path)
        if previous is None or old is None:  # cannot happen after a checked update: be safe
            return _add_full_index(prepared, tree)
        tree[path] = previous / path
        nodes[path] = Node(*old)
    tree.update(files.changed)
    return new_state


def _add_full_index(prepared: Prepared, tree: dict[str, Content]) -> IndexState:
    files, state = write_index(prepared.search_docs, None, None)
    tree.update(files.changed)
    return state
