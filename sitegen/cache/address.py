"""The site's CIDs from one UnixFS node per file, so unchanged files are never re-read.

Gives exactly what ``sitegen.ipfs.site.address_site`` gives for the same folder (a test
holds the two together): ``cids.json`` maps every file and folder but itself and the
root, and the root folder links ``cids.json`` too. It relies on the site tree having
no empty folders and no symlinks, which holds for what ``build`` writes.
"""

from __future__ import annotations

import io
from collections.abc import Mapping
from dataclasses import dataclass

from sitegen.ipfs.cid import cid_to_str
from sitegen.ipfs.dirs import build_directory
from sitegen.ipfs.files import Node, import_stream
from sitegen.ipfs.profiles import Profile
from sitegen.ipfs.site import CIDS_JSON, cids_json_bytes


@dataclass(frozen=True, slots=True)
class SiteAddress:
    root: str
    cids_json: bytes
    """The bytes to write at ``OUT/cids.json``."""


def node_of_bytes(data: bytes, profile: Profile) -> Node:
    return import_stream(io.BytesIO(data), profile)


def address_nodes(files: Mapping[str, Node], profile: Profile) -> SiteAddress:
    """Folders bottom-up over ``files`` (site path -> node), then ``cids.json`` and the root."""
    children: dict[str, list[tuple[bytes, Node]]] = {"": []}
    mapping: dict[str, str] = {}
    for path, node in files.items():
        mapping[path] = cid_to_str(node.cid)
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
        node = build_directory(children[folder], profile)
        mapping[folder] = cid_to_str(node.cid)
        parent, _, name = folder.rpartition("/")
        children[parent].append((name.encode("utf-8"), node))
    data = cids_json_bytes(mapping)
    cids_node = node_of_bytes(data, profile)
    root = build_directory([*children[""], (CIDS_JSON.encode(), cids_node)], profile)
    return SiteAddress(cid_to_str(root.cid), data)
