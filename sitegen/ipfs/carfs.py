"""A read-only UnixFS view of a CAR file, for ``sitegen serve --car``.

Blocks are located by one scan of the file and read on demand; every block is hashed when
read, so a corrupted CAR can never be served as if it were the published site.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Literal

from sitegen.errors import VerificationError
from sitegen.ipfs.carv1 import iter_sections, read_header
from sitegen.ipfs.cid import DAG_PB, RAW, CidError, block_matches, cid_codec, cid_to_str
from sitegen.ipfs.dagpb import (
    T_DIRECTORY,
    T_FILE,
    T_HAMT,
    T_RAW,
    PBNode,
    UnixFSData,
    decode_pbnode,
    decode_unixfs,
)
from sitegen.ipfs.dirs import hamt_hash

Kind = Literal["file", "dir"]


class CarFS:
    """Files and folders under the CAR's root; paths are POSIX, relative to the root."""

    def __init__(self, car_path: Path) -> None:
        self.path = Path(car_path)
        self._index: dict[bytes, tuple[int, int]] = {}
        try:
            with self.path.open("rb") as fh:
                roots = read_header(fh)
                for cid, block, offset in iter_sections(fh):
                    self._index.setdefault(cid, (offset, len(block)))
        except CidError as exc:
            raise VerificationError(f"{self.path}: not a readable CAR: {exc}") from None
        if not roots:
            raise VerificationError(f"{self.path}: CAR has no root")
        self._root = roots[0]
        self.root = cid_to_str(self._root)
        self._fd = os.open(self.path, os.O_RDONLY)

    def close(self) -> None:
        if self._fd >= 0:
            os.close(self._fd)
            self._fd = -1

    def __enter__(self) -> CarFS:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    def _block(self, cid: bytes) -> bytes:
        where = self._index.get(cid)
        if where is None:
            raise VerificationError(f"{self.path}: block {cid_to_str(cid)} missing from the CAR")
        block = os.pread(self._fd, where[1], where[0])
        if not block_matches(cid, block):
            raise VerificationError(
                f"{self.path}: block {cid_to_str(cid)} does not hash to its CID"
            )
        return block

    def _node(self, cid: bytes) -> tuple[PBNode | None, UnixFSData | None]:
        codec = cid_codec(cid)
        if codec == RAW:
            return None, None
        if codec != DAG_PB:
            return None, UnixFSData(-1)
        node = decode_pbnode(self._block(cid))
        return node, decode_unixfs(node.data or b"")

    def _resolve(self, relpath: str) -> bytes | None:
        cid = self._root
        for part in (p for p in relpath.split("/") if p not in ("", ".")):
            node, meta = self._node(cid)
            if node is None or meta is None or meta.type not in (T_DIRECTORY, T_HAMT):
                return None
            found = self._child(node, meta, os.fsencode(part))
            if found is None:
                return None
            cid = found
        return cid

    def _child(self, node: PBNode, meta: UnixFSData, name: bytes) -> bytes | None:
        if meta.type == T_DIRECTORY:
            return next((link.cid for link in node.links if link.name == name), None)
        key = int.from_bytes(hamt_hash(name), "big")
        consumed = 0
        while True:
            fanout = meta.fanout or 256
            width = fanout.bit_length() - 1
            pad = len(f"{fanout - 1:X}")
            index = (key >> (64 - consumed - width)) & (fanout - 1)
            prefix = b"%0*X" % (pad, index)
            link = next((lk for lk in node.links if lk.name[:pad] == prefix), None)
            if link is None:
                return None
            if len(link.name) > pad:
                return link.cid if link.name[pad:] == name else None
            consumed += width
            sub, sub_meta = self._node(link.cid)
            if sub is None or sub_meta is None or sub_meta.type != T_HAMT:
                return None
            node, meta = sub, sub_meta

    def stat(self, relpath: str) -> Kind | None:
        """``"file"``, ``"dir"`` or None (absent, or a symlink, which is never served)."""
        cid = self._resolve(relpath)
        if cid is None:
            return None
        _node, meta = self._node(cid)
        if meta is None or meta.type in (T_FILE, T_RAW):
            return "file"
        if meta.type in (T_DIRECTORY, T_HAMT):
            return "dir"
        return None

    def listdir(self, relpath: str) -> list[str]:
        """Entry names of a folder, sorted; NotADirectoryError / FileNotFoundError otherwise."""
        cid = self._resolve(relpath)
        if cid is None:
            raise FileNotFoundError(relpath)
        node, meta = self._node(cid)
        if node is None or meta is None or meta.type not in (T_DIRECTORY, T_HAMT):
            raise NotADirectoryError(relpath)
        if meta.type == T_DIRECTORY:
            return sorted(os.fsdecode(link.name) for link in node.links)
        names: list[str] = []
        self._hamt_names(node, meta, names)
        return sorted(names)

    def _hamt_names(self, node: PBNode, meta: UnixFSData, out: list[str]) -> None:
        pad = len(f"{(meta.fanout or 256) - 1:X}")
        for link in node.links:
            if len(link.name) > pad:
                out.append(os.fsdecode(link.name[pad:]))
            else:
                sub, sub_meta = self._node(link.cid)
                if sub is not None and sub_meta is not None:
                    self._hamt_names(sub, sub_meta, out)

    def read(self, relpath: str) -> bytes:
        """A file's whole content, every block hash-checked on the way."""
        cid = self._resolve(relpath)
        if cid is None:
            raise FileNotFoundError(relpath)
        if self.stat(relpath) != "file":
            raise IsADirectoryError(relpath)
        parts: list[bytes] = []
        self._content(cid, parts)
        return b"".join(parts)

    def _content(self, cid: bytes, out: list[bytes]) -> None:
        if cid_codec(cid) == RAW:
            out.append(self._block(cid))
            return
        node, meta = self._node(cid)
        if node is None or meta is None or meta.type not in (T_FILE, T_RAW):
            raise VerificationError(f"{self.path}: block {cid_to_str(cid)} is not file data")
        out.append(meta.data)
        for link in node.links:
            self._content(link.cid, out)
