"""The site's CIDs from one UnixFS node per file, so unchanged files are never re-read.

Gives exactly what ``sitegen.ipfs.site.address_site`` gives for the same folder (a test
holds the two together): ``cids.json`` maps every file and folder but itself and the
root, and the root folder links ``cids.json`` too. It relies on the site tree having
no empty folders and no symlinks, which holds for what ``build`` writes.
"""

from __future__ import annotations

import hashlib
import io
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from sitegen.ipfs.cid import cid_to_str
from sitegen.ipfs.dirs import build_directory
from sitegen.ipfs.files import Node, import_stream
from sitegen.ipfs.profiles import Profile
from sitegen.ipfs.site import CIDS_JSON, cids_json_bytes, patch_cids_json


@dataclass(slots=True)
class AddressMemo:
    """What the last build learnt, so an unchanged folder is not re-encoded and re-hashed.

    Plain bytes/str/int tuples only: they pickle and unpickle at C speed.
    """

    names: dict[bytes, str] = field(default_factory=dict)
    """CID bytes -> CID string."""
    folders: dict[str, tuple[bytes, bytes, int]] = field(default_factory=dict)
    """folder -> (a digest of its links: names, CIDs and sizes; its CID; its tsize)."""
    profile: str = ""

    def text(self, cid: bytes) -> str:
        found = self.names.get(cid)
        if found is None:
            found = self.names[cid] = cid_to_str(cid)
        return found


@dataclass(frozen=True, slots=True)
class SiteAddress:
    root: str
    cids_json: bytes
    """The bytes to write at ``OUT/cids.json``."""


def _links_digest(entries: list[tuple[bytes, Node]]) -> bytes:
    """16 bytes standing for a folder's sorted links: the memo keeps this, not the links
    (most of a large site's cache state was folder links kept only to compare them)."""
    h = hashlib.blake2b(digest_size=16)
    for name, node in entries:
        h.update(b"%d:%s%d:%s%d;" % (len(name), name, len(node.cid), node.cid, node.tsize))
    return h.digest()


def _folder(
    folder: str, entries: list[tuple[bytes, Node]], memo: AddressMemo, profile: Profile
) -> tuple[bytes, bytes, int]:
    """The memo entry of a folder over sorted ``entries``: its node is reused when the
    memo has the same links for it, else encoded."""
    links = _links_digest(entries)
    known = memo.folders.get(folder)
    if known is not None and known[0] == links:
        return known
    node = build_directory(entries, profile)
    return (links, node.cid, node.tsize)


def node_of_bytes(data: bytes, profile: Profile) -> Node:
    return import_stream(io.BytesIO(data), profile)


def node_of(content: bytes | Path, profile: Profile) -> Node:
    """The UnixFS node of a tree entry: bytes in hand, or a file to read."""
    if isinstance(content, Path):
        with content.open("rb") as fh:
            return import_stream(fh, profile)
    return node_of_bytes(content, profile)


def address_nodes(
    files: Mapping[str, Node], profile: Profile, memo: AddressMemo | None = None
) -> SiteAddress:
    """Folders bottom-up over ``files`` (site path -> node), then ``cids.json`` and the root.

    With ``memo`` (updated in place), a folder whose links did not change reuses its node.
    """
    if memo is None:
        memo = AddressMemo(profile=profile.name)
    elif memo.profile != profile.name:
        memo.names, memo.folders, memo.profile = {}, {}, profile.name
    seen: dict[str, tuple[bytes, bytes, int]] = {}
    children: dict[str, list[tuple[bytes, Node]]] = {"": []}
    mapping: dict[str, str] = {}
    for path, node in files.items():
        mapping[path] = memo.text(node.cid)
        parent, _, name = path.rpartition("/")
        folder = parent
        while folder not in children:
            children[folder] = []
            folder = folder.rpartition("/")[0]
        children[parent].append((name.encode("utf-8"), node))
    # deepest folders first, so every child folder is finished before its parent
    for folder in sorted(children, key=lambda d: d.count("/") if d else -1, reverse=True):
        if not folder:
            continue
        entries = sorted(children[folder], key=lambda e: e[0])
        seen[folder] = _folder(folder, entries, memo, profile)
        node = Node(seen[folder][1], seen[folder][2])
        mapping[folder] = memo.text(node.cid)
        parent, _, name = folder.rpartition("/")
        children[parent].append((name.encode("utf-8"), node))
    data = cids_json_bytes(mapping)
    cids_node = node_of_bytes(data, profile)
    root = build_directory([*children[""], (CIDS_JSON.encode(), cids_node)], profile)
    memo.folders = seen
    memo.names = {n.cid: memo.names[n.cid] for n in files.values()} | {
        v[1]: memo.names[v[1]] for v in seen.values()
    }
    return SiteAddress(cid_to_str(root.cid), data)


def readdress(
    files: Mapping[str, tuple[bytes, int, int]],
    changed: Iterable[str],
    cids_json: bytes,
    profile: Profile,
    memo: AddressMemo,
) -> SiteAddress | None:
    """``address_nodes`` for a tree that differs from the memo's in ``changed`` files only.

    ``files`` is the whole new tree (site path -> node as ``(cid, tsize, size)``, the
    cache's flat form), ``changed`` the paths added, replaced or removed since the build
    that the memo (updated in place) and ``cids_json`` (its ``cids.json`` bytes) describe.
    Only the folders above a changed path are encoded again; the others keep their node,
    found by one pass over the paths, and ``cids.json`` is patched line by line.
    None when the memo or ``cids_json`` cannot serve (another profile, nothing recorded).
    """
    if memo.profile != profile.name or not memo.folders:
        return None
    changed = list(changed)
    dirty: set[str] = set()
    for path in changed:
        folder = path.rpartition("/")[0]
        while folder and folder not in dirty:
            dirty.add(folder)
            folder = folder.rpartition("/")[0]
    children: dict[str, list[tuple[bytes, Node]]] = {folder: [] for folder in dirty}
    children[""] = []
    for path, flat in files.items():
        parent, _, name = path.rpartition("/")
        if parent in children:
            children[parent].append((name.encode("utf-8"), Node(*flat)))
    for folder, (_, cid, tsize) in memo.folders.items():
        parent, _, name = folder.rpartition("/")
        if folder not in dirty and parent in children:
            children[parent].append((name.encode("utf-8"), Node(cid, tsize)))
    updates: dict[str, str | None] = {}
    for path in changed:
        updates[path] = memo.text(files[path][0]) if path in files else None
    for folder in sorted(dirty, key=lambda d: d.count("/"), reverse=True):
        entries = sorted(children[folder], key=lambda e: e[0])
        if not entries:  # every file below it is gone: so is the folder
            memo.folders.pop(folder, None)
            updates[folder] = None
            continue
        memo.folders[folder] = _folder(folder, entries, memo, profile)
        node = Node(memo.folders[folder][1], memo.folders[folder][2])
        updates[folder] = memo.text(node.cid)
        parent, _, name = folder.rpartition("/")
        children[parent].append((name.encode("utf-8"), node))
    data = patch_cids_json(cids_json, updates)
    if data is None:
        return None
    cids_node = node_of_bytes(data, profile)
    root = build_directory([*children[""], (CIDS_JSON.encode(), cids_node)], profile)
    return SiteAddress(cid_to_str(root.cid), data)
