"""Stage a prepared site beside OUT, index it, address it: the write half of ``build``.

Three ways to fill the staging folder, cheapest first:

1. sync the *spare* tree (the OUT of the build before last, kept after the previous
   swap) to the new tree: only files whose CID differs are replaced;
2. else hard-link unchanged files from the previous OUT into a fresh folder;
3. else write everything (no cache, or nothing trustworthy to reuse).

Either way OUT is only replaced by the final rename, so a failed build leaves it as it
was. The search index is reused from the previous OUT when no indexed page changed.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from sitegen.cache.address import address_nodes, node_of_bytes
from sitegen.cache.store import BuildCache, sha256_hex
from sitegen.errors import Diagnostic
from sitegen.ipfs.files import Node, import_stream
from sitegen.ipfs.profiles import Profile, get_profile
from sitegen.ipfs.site import CIDS_JSON
from sitegen.output import discard, spare_dir, stage_dir, swap_in, sync_tree, take_spare, write_tree
from sitegen.search import BUNDLE_DIR, find_pagefind, index_search

if TYPE_CHECKING:
    from sitegen.pipeline import Prepared

INDEXED = ("papers/", "/index.html")
"""Pages the search index reads: ``papers/<slug>/index.html``."""


@dataclass(frozen=True, slots=True)
class Staged:
    root: str
    files: int
    search_diagnostics: list[Diagnostic]
    manifest: dict[str, Node] = field(default_factory=dict)
    """Every file of the new OUT but ``cids.json`` -> its node (empty after ``--car``)."""
    search_key: str | None = None


def publish(
    prepared: Prepared,
    out: Path,
    *,
    cache: BuildCache | None,
    previous: Path | None,
    car: Path | None,
    into: Path | None = None,
) -> Staged:
    """Write, index and address the site beside ``out``, then swap it in.

    ``into`` is a staging folder the renderer already wrote pages into (a build with
    nothing to reuse); the rest of the tree is written beside them.
    """
    config = prepared.config
    profile = get_profile(config.cid_profile)
    tree = dict(prepared.tree)
    nodes = dict(prepared.nodes)
    last = cache.last if cache is not None else {}
    old_manifest: Mapping[str, tuple[bytes, int, int]] = (
        last.get("manifest", {}) if previous else {}
    )
    search_key = _search_key(prepared) if cache is not None else None
    reuse_search = (
        search_key is not None
        and previous is not None
        and last.get("search_key") == search_key
        and any(p.startswith(BUNDLE_DIR + "/") for p in old_manifest)
    )
    if reuse_search:
        assert previous is not None
        for path, node in old_manifest.items():
            if path.startswith(BUNDLE_DIR + "/"):
                tree[path] = previous / path
                nodes[path] = Node(*node)
    want = complete_nodes(tree, nodes, profile)
    spare = _take_known_spare(out, cache) if into is None else None
    staged = into if into is not None else spare if spare is not None else stage_dir(out)
    try:
        if spare is not None and cache is not None:
            sync_tree(
                tree,
                staged,
                have={p: n[0] for p, n in cache.last["spare_manifest"].items()},
                want={p: n.cid for p, n in want.items()},
                link_from=previous,
            )
        else:
            write_tree(tree, staged, link_from=previous)
        if reuse_search:
            search_diags = list(last.get("search_diagnostics", []))
        else:
            search_diags = index_search(staged, config)
            want.update(_new_files(staged, tree, profile))
        (staged / CIDS_JSON).unlink(missing_ok=True)
        if car is None:
            memo = cache.address_memo() if cache is not None else None
            addressed = address_nodes(want, profile, memo)
            (staged / CIDS_JSON).write_bytes(addressed.cids_json)
            root = addressed.root
        else:
            from sitegen.ipfs.site import address_site

            root = address_site(staged, profile, car=car).root
        swap_in(staged, out, keep=spare_dir(out) if cache is not None else None)
    except BaseException:
        discard(staged)
        raise
    return Staged(root, len(want) + 1, search_diags, want, search_key)


def complete_nodes(
    tree: Mapping[str, bytes | Path], known: Mapping[str, Node], profile: Profile
) -> dict[str, Node]:
    """A UnixFS node for every file of the tree, hashing only those not known already."""
    nodes: dict[str, Node] = {}
    for path, content in tree.items():
        node = known.get(path)
        if node is None:
            if isinstance(content, Path):
                with content.open("rb") as fh:
                    node = import_stream(fh, profile)
            else:
                node = node_of_bytes(content, profile)
        nodes[path] = node
    return nodes


def _take_known_spare(out: Path, cache: BuildCache | None) -> Path | None:
    """The spare tree, if the cache knows exactly what it holds; else it is removed."""
    spare = spare_dir(out)
    if cache is None or not spare.is_dir():
        return None
    from sitegen.cache.incremental import out_signature

    last = cache.last
    if not last.get("spare_manifest") or out_signature(spare) != last.get("spare_sig"):
        shutil.rmtree(spare, ignore_errors=True)
        return None
    return take_spare(out)


def _search_key(prepared: Prepared) -> str | None:
    """What the search index depends on: the indexed pages and the indexer itself."""
    binary = find_pagefind()
    if binary is None:
        return None
    st = binary.stat()
    pages = sorted(
        (p, k)
        for p, k in prepared.page_keys.items()
        if p.startswith(INDEXED[0]) and p.endswith(INDEXED[1]) and p.count("/") == 2
    )
    indexed = sum(1 for p in prepared.tree if p.startswith(INDEXED[0]) and p.endswith(INDEXED[1]))
    if len(pages) != indexed:
        return None
    return sha256_hex(str(binary), str(st.st_size), str(st.st_mtime_ns), repr(pages))


def _new_files(staged: Path, tree: Mapping[str, object], profile: Profile) -> dict[str, Node]:
    """Nodes of files the indexer added (top-level folders the tree does not have)."""
    tops = {p.split("/", 1)[0] for p in tree}
    found: dict[str, Node] = {}
    for name in sorted(os.listdir(staged)):
        if name in tops or name == CIDS_JSON:
            continue
        base = staged / name
        paths = [base] if base.is_file() else sorted(p for p in base.rglob("*") if p.is_file())
        for path in paths:
            with path.open("rb") as fh:
                found[path.relative_to(staged).as_posix()] = import_stream(fh, profile)
    return found
