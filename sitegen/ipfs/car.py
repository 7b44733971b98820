"""CAR files: write a path as a CARv1, read one back, and verify one block by block."""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from sitegen.ipfs.carv1 import BlockSpool, iter_sections, links_of, read_header
from sitegen.ipfs.cid import CidError, block_matches, cid_from_str, cid_to_str
from sitegen.ipfs.importer import import_tree
from sitegen.ipfs.profiles import Profile


@dataclass(frozen=True, slots=True)
class VerifyReport:
    """Outcome of verifying a CAR or a folder; ``errors`` name the block or path at fault."""

    ok: bool
    root: str | None
    blocks: int
    errors: list[str]

    def to_json(self) -> dict[str, object]:
        return {"ok": self.ok, "root": self.root, "blocks": self.blocks, "errors": self.errors}


def write_car(path: Path, out: Path, profile: Profile, *, hidden: bool = False) -> str:
    """Pack a file or folder as a CARv1 like ``ipfs add`` + ``ipfs dag export``; returns root."""
    spool = BlockSpool()
    try:
        tree = import_tree(Path(path), profile, hidden=hidden, on_block=spool.put)
        root = cid_from_str(tree.result.root)
        write_spool_car(spool, root, Path(out))
    finally:
        spool.close()
    return tree.result.root


def write_spool_car(spool: BlockSpool, root: bytes, out: Path) -> int:
    """Write ``out`` atomically (temp file + rename) from the blocks in ``spool``."""
    tmp = out.with_name(f".{out.name}.tmp{os.getpid()}")
    try:
        with tmp.open("wb") as fh:
            count = spool.write_car(root, fh)
        os.replace(tmp, out)
    finally:
        tmp.unlink(missing_ok=True)
    return count


def read_car(file: Path) -> tuple[list[str], Iterator[tuple[str, bytes]]]:
    """Roots and a lazy iterator of (CID, block) in file order; blocks are not checked."""
    with Path(file).open("rb") as fh:
        roots = read_header(fh)

    def blocks() -> Iterator[tuple[str, bytes]]:
        with Path(file).open("rb") as fh:
            read_header(fh)
            for cid, block, _ in iter_sections(fh):
                yield cid_to_str(cid), block

    return [cid_to_str(r) for r in roots], blocks()


def verify_car(file: Path, *, root: str | None = None) -> VerifyReport:
    """Every block hashes to its CID, the DAG under the root is complete, the root is as given."""
    errors: list[str] = []
    links: dict[bytes, list[tuple[bytes, bytes]]] = {}
    count = 0
    header_root: bytes | None = None
    try:
        with Path(file).open("rb") as fh:
            roots = read_header(fh)
            if len(roots) != 1:
                errors.append(f"header: expected exactly one root, found {len(roots)}")
            header_root = roots[0] if roots else None
            for cid, block, offset in iter_sections(fh):
                count += 1
                name = cid_to_str(cid)
                try:
                    if not block_matches(cid, block):
                        errors.append(
                            f"block {name} (offset {offset}): content does not hash to its CID"
                        )
                        continue
                    if cid in links:
                        errors.append(f"block {name}: appears more than once")
                    links[cid] = links_of(cid, block)
                except CidError as exc:
                    errors.append(f"block {name} (offset {offset}): {exc}")
    except (CidError, OSError) as exc:
        errors.append(f"{file}: {exc}")
    root_str = cid_to_str(header_root) if header_root is not None else None
    if root is not None:
        try:
            expected = cid_from_str(root)
        except CidError as exc:
            errors.append(f"--root: {exc}")
        else:
            if header_root is not None and expected != header_root:
                errors.append(f"root is {root_str}, expected {root}")
    if header_root is not None:
        errors.extend(_missing(header_root, links))
    return VerifyReport(not errors, root_str, count, errors)


def _missing(root: bytes, links: dict[bytes, list[tuple[bytes, bytes]]]) -> list[str]:
    """Blocks reachable from ``root`` that the CAR lacks (or that failed their hash check)."""
    errors: list[str] = []
    seen: set[bytes] = set()
    stack: list[tuple[bytes, str]] = [(root, "")]
    while stack:
        cid, where = stack.pop()
        if cid in seen:
            continue
        seen.add(cid)
        if cid not in links:
            place = f" (at /{where})" if where else " (the root)"
            errors.append(f"block {cid_to_str(cid)} missing or invalid{place}")
            continue
        for child, name in reversed(links[cid]):
            label = name.decode("utf-8", "replace") or "<chunk>"
            stack.append((child, f"{where}/{label}" if where else label))
    return errors
