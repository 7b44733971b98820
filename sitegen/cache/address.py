"""The site's CIDs from one UnixFS node per file, so unchanged files are never re-read.

Gives exactly what ``sitegen.ipfs.site.address_site`` gives for the same folder (a test
holds the two together): ``cids.json`` maps every file and folder but itself and the
root, and the root folder links ``cids.json`` too. It relies on the site tree having
no empty folders and no symlinks, which holds for what ``build`` writes.
"""

from __future__ import annotations

import gc
import hashlib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from sitegen.cache.address_split import Part, plain
from sitegen.cache.address_split import split as split_units
from sitegen.ipfs.cid import cid_to_str, cids_to_str
from sitegen.ipfs.dirs import LINK_NAME, Link, build_directory, folder_of_links, hamt_of_links
from sitegen.ipfs.files import Node, import_bytes, import_stream
from sitegen.ipfs.profiles import Profile
from sitegen.ipfs.site import (
    CIDS_JSON,
    cids_json_lines,
    cids_json_of_lines,
    cids_json_of_texts,
    patch_cids_json,
)


@dataclass(slots=True)
class AddressMemo:
    """What the last build learnt, so an unchanged folder is not re-encoded and re-hashed.

    Plain bytes/str/int tuples only: they pickle and unpickle at C speed.
    """

    names: dict[bytes, str] = field(default_factory=dict)
    """CID bytes -> CID string."""
    folders: dict[str, tuple[bytes, bytes, int]] = field(default_factory=dict)
    """folder -> (a digest of its links: names, CIDs and sizes, or ``b""`` for a basic
    folder (see ``_folder``); its CID; its tsize)."""
    profile: str = ""

    def text(self, cid: bytes) -> str:
        found = self.names.get(cid)
        if found is None:
            found = self.names[cid] = cid_to_str(cid)
        return found

    def texts(self, cids: list[bytes]) -> list[str]:
        """``[self.text(cid) for cid in cids]``, the unknown ones written all at once and
        not kept: ``address_nodes`` makes the memo's names anew from its parts."""
        known = self.names
        if not known:
            return cids_to_str(cids)
        found = list(map(known.get, cids))
        missing = [cid for cid, text in zip(cids, found, strict=True) if text is None]
        if not missing:
            return found  # type: ignore[return-value]
        made = iter(cids_to_str(missing))
        return [next(made) if text is None else text for text in found]


@dataclass(frozen=True, slots=True)
class SiteAddress:
    root: str
    cids_json: bytes
    """The bytes to write at ``OUT/cids.json``."""


def _links_digest(entries: list[Link]) -> bytes:
    """16 bytes standing for a folder's sorted links: the memo keeps this, not the links
    (most of a large site's cache state was folder links kept only to compare them)."""
    links = [
        b"%d:%s%d:%s%d;" % (len(name), name, len(cid), cid, tsize) for name, cid, tsize in entries
    ]
    return hashlib.blake2b(b"".join(links), digest_size=16).digest()


def _folder(
    folder: str, entries: list[Link], memo: AddressMemo, profile: Profile
) -> tuple[bytes, bytes, int]:
    """The memo entry of a folder over name-sorted ``entries``.

    A basic folder is made, whatever the memo holds: its block is its links, so knowing
    them unchanged would take writing the block, and hashing it is no dearer than
    digesting it. Its entry holds no digest (``b""``). A sharded folder (a HAMT: many
    blocks) is digested link by link and only built when that digest changed.
    """
    made = folder_of_links(entries, profile)
    if made is not None:
        return (b"", made[0], made[1])
    links = _links_digest(entries)
    known = memo.folders.get(folder)
    if known is not None and known[0] == links:
        return known
    node = hamt_of_links(entries, profile)
    return (links, node.cid, node.tsize)


def node_of_bytes(data: bytes, profile: Profile) -> Node:
    return import_bytes(data, profile)


def node_of(content: bytes | Path, profile: Profile) -> Node:
    """The UnixFS node of a tree entry's content: bytes in hand, or a file to read."""
    if isinstance(content, Path):
        with content.open("rb") as fh:
            return import_stream(fh, profile)
    return node_of_bytes(content, profile)


SPLIT_FILES = 4000
"""Sites of at least this many files are addressed by two processes (``address_nodes``)."""


def address_nodes(
    files: Mapping[str, Node],
    profile: Profile,
    memo: AddressMemo | None = None,
    *,
    split: bool = False,
) -> SiteAddress:
    """Folders bottom-up over ``files`` (site path -> node), then ``cids.json`` and the root.

    With ``memo`` (updated in place), a folder whose links did not change reuses its node.
    With ``split``, a site of ``SPLIT_FILES`` files or more is addressed by this process
    and a forked one, each taking about half of the folders: a cold build at 10k papers
    encodes ~56k folders and writes ~178k CID strings, ~0.7 s on one core (~1.9 s before
    the strings were written together and the links kept as triples).

    The cyclic garbage collector is off meanwhile (in the forked part too): addressing
    makes ~1M tuples, strings and bytes and no cycle, and at 10k papers the collector's
    passes over them took ~0.3 s of ~1.3 s.
    """
    collecting = gc.isenabled()
    gc.disable()
    try:
        return _address_nodes(files, profile, memo, split)
    finally:
        if collecting:
            gc.enable()


def _address_nodes(
    files: Mapping[str, Node], profile: Profile, memo: AddressMemo | None, split: bool
) -> SiteAddress:
    if memo is None:
        memo = AddressMemo(profile=profile.name)
    elif memo.profile != profile.name:
        memo.names, memo.folders, memo.profile = {}, {}, profile.name
    seen: dict[str, tuple[bytes, bytes, int]] = {}
    names: dict[bytes, str] = {}
    links: dict[str, list[Link]] = {}
    parts: list[Part] = []

    def take(part: Part) -> None:
        seen.update(part.seen)
        names.update(zip(part.cids, part.names, strict=True))
        for folder, entries in part.shared.items():
            links.setdefault(folder, []).extend(entries)
        parts.append(part)

    if split and len(files) >= SPLIT_FILES:
        from sitegen.forked import Forked

        shared, given, kept = split_units(files)
        job = Forked(lambda: _address_part(files, given, memo, profile, shared).packed())
        take(_address_part(files, kept, memo, profile, shared))  # while the helper works
        theirs = job.result()
        if theirs is None:  # the helper failed: its part is done here
            take(_address_part(files, given, memo, profile, shared))
        else:
            take(theirs.unpacked())
    else:
        take(_address_part(files, list(files), memo, profile, frozenset({""})))
    mapping: dict[str, str] = {}
    for folder in sorted(links, key=lambda d: d.count("/") if d else -1, reverse=True):
        if not folder:
            continue
        seen[folder] = _folder(folder, sorted(links[folder], key=LINK_NAME), memo, profile)
        _, cid, tsize = seen[folder]
        mapping[folder] = names[cid] = memo.text(cid)
        parent, _, name = folder.rpartition("/")
        links.setdefault(parent, []).append((name.encode("utf-8"), cid, tsize))
    # sorted runs, one per part: merged, not sorted again (paths are unique)
    lines = cids_json_lines(mapping)
    if all(part.texts is not None for part in parts) and plain(list(mapping)):
        texts = [line for _, line in lines]
        for part in parts:
            texts += part.texts or []
        texts.sort()
        data = cids_json_of_texts(texts)
    else:
        for part in parts:
            lines += part.pairs_or_plain()
        lines.sort()
        data = cids_json_of_lines(lines)
    cids_node = node_of_bytes(data, profile)
    top = [(name, Node(cid, tsize)) for name, cid, tsize in links.get("", [])]
    root = build_directory([*top, (CIDS_JSON.encode(), cids_node)], profile)
    memo.folders = seen
    memo.names = names
    return SiteAddress(cid_to_str(root.cid), data)


def _address_part(
    files: Mapping[str, Node],
    paths: list[str],
    memo: AddressMemo,
    profile: Profile,
    shared: frozenset[str],
) -> Part:
    """The files at ``paths`` and the folders below them; links to ``shared`` folders
    are returned, not encoded. CID strings are written all at once (``cids_to_str``)."""
    seen: dict[str, tuple[bytes, bytes, int]] = {}
    children: dict[str, list[Link]] = {"": []}
    order = list(paths)
    cids = []
    for path in paths:
        node = files[path]
        cid = node.cid
        cids.append(cid)
        parent, _, name = path.rpartition("/")
        folder = parent
        while folder not in children:
            children[folder] = []
            folder = folder.rpartition("/")[0]
        children[parent].append((name.encode("utf-8"), cid, node.tsize))
    # deepest folders first, so every child folder is finished before its parent
    for folder in sorted(children, key=lambda d: d.count("/") if d else -1, reverse=True):
        if folder in shared:
            continue
        entries = children[folder]
        entries.sort(key=LINK_NAME)
        seen[folder] = entry = _folder(folder, entries, memo, profile)
        order.append(folder)
        cids.append(entry[1])
        parent, _, name = folder.rpartition("/")
        children[parent].append((name.encode("utf-8"), entry[1], entry[2]))
    texts = memo.texts(cids)
    shared_links = {f: children[f] for f in shared if f in children}
    if plain(paths):  # so are the folders: each is the start of a path
        lines = [f'  "{path}": "{text}"' for path, text in zip(order, texts, strict=True)]
        lines.sort()
        return Part(seen, lines, None, cids, texts, shared_links)
    pairs = cids_json_lines(dict(zip(order, texts, strict=True)))
    pairs.sort()
    return Part(seen, None, pairs, cids, texts, shared_links)


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
    children: dict[str, list[Link]] = {folder: [] for folder in dirty}
    children[""] = []
    for path, flat in files.items():
        parent, _, name = path.rpartition("/")
        if parent in children:
            children[parent].append((name.encode("utf-8"), flat[0], flat[1]))
    for folder, (_, cid, tsize) in memo.folders.items():
        parent, _, name = folder.rpartition("/")
        if folder not in dirty and parent in children:
            children[parent].append((name.encode("utf-8"), cid, tsize))
    updates: dict[str, str | None] = {}
    for path in changed:
        updates[path] = memo.text(files[path][0]) if path in files else None
    for folder in sorted(dirty, key=lambda d: d.count("/"), reverse=True):
        entries = sorted(children[folder], key=LINK_NAME)
        if not entries:  # every file below it is gone: so is the folder
            memo.folders.pop(folder, None)
            updates[folder] = None
            continue
        memo.folders[folder] = _folder(folder, entries, memo, profile)
        _, cid, tsize = memo.folders[folder]
        updates[folder] = memo.text(cid)
        parent, _, name = folder.rpartition("/")
        children[parent].append((name.encode("utf-8"), cid, tsize))
    data = patch_cids_json(cids_json, updates)
    if data is None:
        return None
    cids_node = node_of_bytes(data, profile)
    top = [(name, Node(cid, tsize)) for name, cid, tsize in children[""]]
    root = build_directory([*top, (CIDS_JSON.encode(), cids_node)], profile)
    return SiteAddress(cid_to_str(root.cid), data)
