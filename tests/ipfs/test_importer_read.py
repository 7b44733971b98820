"""How the importer reads files: unbuffered, sized by fstat, one leaf straight from bytes.

The CIDs must be those of streaming each file through ``import_stream`` whatever the
file's size says, and the top path's kind must be what pathlib's checks decided before.
"""

from __future__ import annotations

import dataclasses
import io
import os
import threading
from pathlib import Path

import pytest

from sitegen.errors import ContentError
from sitegen.ipfs.files import import_bytes, import_stream
from sitegen.ipfs.importer import _kind, _whole_if_small, import_tree
from sitegen.ipfs.profiles import get_profile

V1 = get_profile("unixfs-v1-2025")
V0 = get_profile("unixfs-v0-2015")
SIZES = [0, 1, 63, 64, 65, 64 * 3 + 5]


@pytest.mark.parametrize("profile", [V1, V0], ids=["v1", "v0"])
@pytest.mark.parametrize("size", SIZES)
def test_import_bytes_is_import_stream(profile, size: int) -> None:
    small = dataclasses.replace(profile, chunk_size=64, max_links=2)
    data = os.urandom(size)
    got: list[tuple[bytes, bytes]] = []
    want: list[tuple[bytes, bytes]] = []
    node = import_bytes(data, small, lambda c, b: got.append((c, b)))
    assert node == import_stream(io.BytesIO(data), small, lambda c, b: want.append((c, b)))
    assert got == want


@pytest.mark.parametrize("size", SIZES)
def test_tree_files_match_buffered_streaming(tmp_path: Path, size: int) -> None:
    small = dataclasses.replace(V1, chunk_size=64, max_links=2)
    (tmp_path / "f.bin").write_bytes(os.urandom(size))
    tree = import_tree(tmp_path, small, with_files=True)
    with (tmp_path / "f.bin").open("rb") as fh:
        assert tree.file_nodes["f.bin"] == import_stream(fh, small)
    if size < 64:
        assert tree.file_bytes["f.bin"] == (tmp_path / "f.bin").read_bytes()
    else:
        assert "f.bin" not in tree.file_bytes
    single = import_tree(tmp_path / "f.bin", small)
    assert single.root_node == tree.file_nodes["f.bin"]


def _pipe_with(data: bytes) -> io.FileIO:
    """A reader whose fstat size is 0 and whose reads come back short."""
    read_end, write_end = os.pipe()

    def feed() -> None:
        with open(write_end, "wb", buffering=0) as out:
            try:
                for start in range(0, len(data), 7):
                    out.write(data[start : start + 7])
            except BrokenPipeError:  # the reader stopped at its limit
                pass

    threading.Thread(target=feed, daemon=True).start()
    return open(read_end, "rb", buffering=0)  # closed by the caller


@pytest.mark.parametrize("size", [0, 5, 99, 100, 101, 350])
def test_whole_if_small_reads_past_a_wrong_size(size: int) -> None:
    data = os.urandom(size)
    with _pipe_with(data) as fh:
        got = _whole_if_small(fh.fileno(), 100)
    assert got == (data if size < 100 else None)


def _pathlib_kind(path: Path) -> str | None:
    """The checks import_tree made before, one pathlib call each."""
    if path.is_symlink() and not path.is_dir():
        return "symlink"
    if path.is_file():
        return "file"
    return "folder" if path.is_dir() else None


def test_kind_is_what_pathlib_said(tmp_path: Path) -> None:
    (tmp_path / "dir").mkdir()
    (tmp_path / "file").write_bytes(b"x")
    os.mkfifo(tmp_path / "fifo")
    (tmp_path / "to-dir").symlink_to("dir")
    (tmp_path / "to-file").symlink_to("file")
    (tmp_path / "broken").symlink_to("nowhere")
    (tmp_path / "loop").symlink_to("loop")
    (tmp_path / "to-fifo").symlink_to("fifo")
    names = ["dir", "file", "fifo", "to-dir", "to-file", "broken", "loop", "to-fifo", "none"]
    for name in names:
        path = tmp_path / name
        assert _kind(path) == _pathlib_kind(path), name
    assert _kind(tmp_path / "file" / "under") == _pathlib_kind(tmp_path / "file" / "under")
    assert _kind(Path("nul\0byte")) is None
    with pytest.raises(ContentError):
        import_tree(tmp_path / "fifo", V1)
    assert import_tree(tmp_path / "to-dir", V1).is_dir
    assert not import_tree(tmp_path / "broken", V1).is_dir
