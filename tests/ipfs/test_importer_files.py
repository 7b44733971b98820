"""``import_tree(with_files=True)``: the file nodes and small-file bytes of one walk.

A paper's research object is addressed from these (``sitegen.render.paper``), so they must
be exactly what hashing each file on its own gives, for exactly the files of
``source_files``.
"""

from __future__ import annotations

import dataclasses
import os
from pathlib import Path

import pytest

from sitegen.ipfs.files import import_stream
from sitegen.ipfs.importer import add_path, import_tree
from sitegen.ipfs.profiles import get_profile
from sitegen.render.paper import not_in_bundle, source_files

V1 = get_profile("unixfs-v1-2025")
V0 = get_profile("unixfs-v0-2015")
SMALL = dataclasses.replace(V1, chunk_size=1024)


def _folder(root: Path, chunk: int) -> Path:
    """A paper folder with every kind of entry the bundle rules distinguish."""
    (root / "data" / "sub").mkdir(parents=True)
    (root / "a-b").mkdir()
    (root / "attestations").mkdir()
    (root / "sub" / "attestations").mkdir(parents=True)
    (root / ".git").mkdir()
    (root / "emptydir").mkdir()
    (root / "paper.md").write_bytes(b"---\ntitle: T\n---\nBody\n")
    (root / "a-b" / "y.txt").write_bytes(b"y")
    (root / "data" / "sub" / "x.csv").write_bytes(b"x,y\n1,2\n")
    (root / "data" / "empty.txt").write_bytes(b"")
    (root / "data" / "exact.bin").write_bytes(os.urandom(chunk))
    (root / "data" / "big.bin").write_bytes(os.urandom(3 * chunk + 17))
    (root / "data" / "under.bin").write_bytes(os.urandom(chunk - 1))
    (root / "attestations" / "a.json").write_bytes(b"{}")
    (root / "sub" / "attestations" / "kept.txt").write_bytes(b"kept")
    (root / ".hidden").write_bytes(b"h")
    (root / ".git" / "config").write_bytes(b"c")
    (root / "data-é.txt").write_bytes("é".encode())
    (root / "link.md").symlink_to("paper.md")
    (root / "linkdir").symlink_to("data")
    return root


@pytest.mark.parametrize("profile", [SMALL, V0, V1], ids=lambda p: p.name + str(p.chunk_size))
def test_file_nodes_are_the_source_files_hashed_alone(tmp_path: Path, profile) -> None:
    folder = _folder(tmp_path / "paper", profile.chunk_size)
    tree = import_tree(folder, profile, exclude=not_in_bundle, with_files=True)

    expected = {}
    for rel, path in source_files(folder):
        with path.open("rb") as fh:
            expected[rel] = import_stream(fh, profile)
    assert tree.file_nodes == expected
    # the walk visits folders depth-first in byte order: the same order as source_files
    assert list(tree.file_nodes) == list(expected)
    assert "sub/attestations/kept.txt" in expected and "link.md" not in expected

    # bytes are kept for exactly the files read whole in one chunk, and are their content
    small = {rel for rel, path in source_files(folder) if path.stat().st_size < profile.chunk_size}
    assert set(tree.file_bytes) == small
    for rel, data in tree.file_bytes.items():
        assert data == (folder / rel).read_bytes()

    # the rest of the result is what add_path gives
    assert tree.result == add_path(folder, profile, exclude=not_in_bundle)


def test_without_with_files_nothing_is_collected(tmp_path: Path) -> None:
    folder = _folder(tmp_path / "paper", V1.chunk_size)
    tree = import_tree(folder, V1, exclude=not_in_bundle)
    assert tree.file_nodes == {} and tree.file_bytes == {}
    assert tree.result == import_tree(folder, V1, exclude=not_in_bundle, with_files=True).result


def test_blocks_emitted_are_the_same(tmp_path: Path) -> None:
    folder = _folder(tmp_path / "paper", SMALL.chunk_size)
    plain: dict[bytes, bytes] = {}
    collected: dict[bytes, bytes] = {}
    import_tree(folder, SMALL, on_block=plain.__setitem__)
    import_tree(folder, SMALL, on_block=collected.__setitem__, with_files=True)
    assert plain == collected
