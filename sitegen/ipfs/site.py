"""Content-address a built site: ``cids.json`` plus the site root CID (and CAR) for ``build``.

The tree is hashed once; only the top folder's node is rebuilt with the ``cids.json`` link
added, so the final root equals ``sitegen cid OUT --hidden`` without hashing the site twice.
"""

from __future__ import annotations

import bisect
import io
import json
import os
from collections.abc import Mapping
from json.encoder import encode_basestring
from pathlib import Path

from sitegen.ipfs.car import write_spool_car
from sitegen.ipfs.carv1 import BlockSpool
from sitegen.ipfs.cid import cid_to_str
from sitegen.ipfs.dirs import build_directory
from sitegen.ipfs.files import import_stream
from sitegen.ipfs.importer import AddResult, import_tree
from sitegen.ipfs.profiles import Profile

CIDS_JSON = "cids.json"


def cids_json_bytes(mapping: Mapping[str, str]) -> bytes:
    """Deterministic bytes for ``cids.json``: sorted keys, two-space indent, final newline.

    The bytes of ``json.dumps(mapping, indent=2, sort_keys=True, ensure_ascii=False)``
    plus a newline (a test holds them equal), made with json's C string encoder: with an
    indent, ``json.dumps`` runs its pure-Python encoder, twice as slow on 120k entries.
    """
    return cids_json_of_lines(sorted(cids_json_lines(mapping)))


def cids_json_lines(mapping: Mapping[str, str]) -> list[tuple[str, str]]:
    """``(path, its line of cids.json)`` for every entry of ``mapping``, in its order:
    sorted (by path), they are :func:`cids_json_of_lines`' input. Two processes that
    address halves of a site each make their own lines (``cache.address``)."""
    quote = encode_basestring
    return [(k, f"  {quote(k)}: {quote(v)}") for k, v in mapping.items()]


def cids_json_of_lines(lines: list[tuple[str, str]]) -> bytes:
    """``cids.json`` from :func:`cids_json_lines`, sorted by path."""
    if not lines:
        return b"{}\n"
    body = ",\n".join([line for _, line in lines])
    return f"{{\n{body}\n}}\n".encode()


def cids_json_of_texts(texts: list[str]) -> bytes:
    """``cids.json`` from its lines alone, sorted (``cids_json_of_lines`` without paths)."""
    if not texts:
        return b"{}\n"
    body = ",\n".join(texts)
    return f"{{\n{body}\n}}\n".encode()


def address_site(out_dir: Path, profile: Profile, *, car: Path | None = None) -> AddResult:
    """Write ``out_dir/cids.json`` and return the CIDs of the site, ``cids.json`` included.

    Hidden files are included (a site may ship ``.well-known/``). With ``car=`` the whole
    site is also written as a CARv1 rooted at the returned root, in ``ipfs dag export`` order.
    """
    out_dir = Path(out_dir)
    spool = BlockSpool() if car is not None else None
    emit = spool.put if spool is not None else None
    try:
        tree = import_tree(
            out_dir, profile, hidden=True, exclude=lambda rel: rel == CIDS_JSON, on_block=emit
        )
        mapping = {**tree.result.files, **tree.result.dirs}
        data = cids_json_bytes(mapping)
        target = out_dir / CIDS_JSON
        tmp = out_dir / f".{CIDS_JSON}.tmp{os.getpid()}"
        tmp.write_bytes(data)
        os.replace(tmp, target)
        cids_node = import_stream(io.BytesIO(data), profile, emit)
        entries = [*tree.root_entries, (CIDS_JSON.encode(), cids_node)]
        root = build_directory(entries, profile, emit)
        if spool is not None and car is not None:
            write_spool_car(spool, root.cid, Path(car))
    finally:
        if spool is not None:
            spool.close()
    files = dict(sorted({**tree.result.files, CIDS_JSON: cid_to_str(cids_node.cid)}.items()))
    return AddResult(cid_to_str(root.cid), files, dict(tree.result.dirs))


def patch_cids_json(data: bytes, updates: Mapping[str, str | None]) -> bytes | None:
    """``data`` (bytes :func:`cids_json_bytes` made) with ``updates`` applied: a path to a
    new CID, or to None to remove it. Equal to ``cids_json_bytes`` of the patched mapping
    (tested), in time that hardly grows with the site: the lines are spliced, not parsed.
    None when ``data`` is not in that form.
    """
    text = data.decode("utf-8", "replace")
    if text == "{}\n":
        lines: list[str] = []
    elif text.startswith("{\n") and text.endswith("\n}\n"):
        lines = text[2:-3].split(",\n")  # keys are JSON strings: no raw newline inside
    else:
        return None
    try:
        for path, cid in updates.items():
            at = bisect.bisect_left(lines, path, key=_line_key)
            present = at < len(lines) and _line_key(lines[at]) == path
            if cid is None:
                if present:
                    del lines[at]
                continue
            line = f"  {encode_basestring(path)}: {encode_basestring(cid)}"
            if present:
                lines[at] = line
            else:
                lines.insert(at, line)
    except ValueError:
        return None
    if not lines:
        return b"{}\n"
    body = ",\n".join(lines)
    return f"{{\n{body}\n}}\n".encode()


def _line_key(line: str) -> str:
    """The path of one ``cids.json`` line (``  "path": "cid"``); CIDs hold no ``": "``."""
    key = json.loads(line[2 : line.rindex(": ")])
    if not isinstance(key, str):
        raise ValueError(f"not a cids.json line: {line!r}")
    return key
