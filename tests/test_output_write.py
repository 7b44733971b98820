"""Writing pages into the sink: folders made as pathlib would make them."""

from __future__ import annotations

from pathlib import Path

from sitegen.output import make_folder as _make_folder
from sitegen.output import write_file as _write_file


def test_make_folder_makes_missing_parents_and_accepts_existing_folders(tmp_path: Path) -> None:
    _make_folder(f"{tmp_path}/authors")  # the parent is there: one mkdir
    _make_folder(f"{tmp_path}/authors")  # already there
    _make_folder(f"{tmp_path}/subjects/x/page/2")  # parents missing
    _make_folder(f"{tmp_path}/subjects/x/page/2")
    assert (tmp_path / "authors").is_dir()
    assert (tmp_path / "subjects" / "x" / "page" / "2").is_dir()
    _write_file(f"{tmp_path}/subjects/x/page/2/index.html", b"<p>2</p>")
    assert (tmp_path / "subjects/x/page/2/index.html").read_bytes() == b"<p>2</p>"


def test_make_folder_refuses_a_file_in_the_way(tmp_path: Path) -> None:
    (tmp_path / "papers").write_bytes(b"not a folder")
    for target in ("papers", "papers/x"):
        try:
            _make_folder(f"{tmp_path}/{target}")
        except OSError:
            continue
        raise AssertionError(f"{target}: a file stands where the folder goes")


def test_files_written_in_place_are_left_as_they_are(tmp_path: Path) -> None:
    import os

    import pytest

    import sitegen.output as output
    from sitegen.output import IN_PLACE, sync_changes, write_tree, write_tree_split

    monkey = pytest.MonkeyPatch()
    monkey.setattr(output, "SPLIT_FROM", 2)  # the forked half too
    try:
        for write in (write_tree, write_tree_split):
            dest = tmp_path / write.__name__
            (dest / "papers/a").mkdir(parents=True)
            (dest / "papers/a/index.html").write_bytes(b"rendered here")
            inode = os.stat(dest / "papers/a/index.html").st_ino
            tree = {
                "papers/a/index.html": IN_PLACE,
                **{f"papers/{n}/cite.bib": n.encode() for n in "bcdef"},
            }
            write(tree, dest)
            assert (dest / "papers/a/index.html").read_bytes() == b"rendered here"
            assert os.stat(dest / "papers/a/index.html").st_ino == inode
            assert (dest / "papers/e/cite.bib").read_bytes() == b"e"
            with pytest.raises(ValueError):  # it would remove the file and make nothing
                sync_changes(dest, ["papers/a/index.html"], [], tree.__getitem__)
            assert (dest / "papers/a/index.html").read_bytes() == b"rendered here"
    finally:
        monkey.undo()


def test_the_node_of_a_file_written_in_place_is_read_from_the_staging_folder(
    tmp_path: Path,
) -> None:
    import pytest

    from sitegen.cache.address import node_of_bytes
    from sitegen.cache.stage import complete_nodes
    from sitegen.ipfs.profiles import get_profile
    from sitegen.output import IN_PLACE

    profile = get_profile("unixfs-v1-2025")
    (tmp_path / "a").mkdir()
    (tmp_path / "a/index.html").write_bytes(b"<p>a</p>")
    known = {"b.txt": node_of_bytes(b"b", profile)}
    tree = {"a/index.html": IN_PLACE, "b.txt": IN_PLACE, "c.txt": b"c"}
    nodes = complete_nodes(tree, known, profile, tmp_path)
    assert nodes == {
        "a/index.html": node_of_bytes(b"<p>a</p>", profile),
        "b.txt": known["b.txt"],
        "c.txt": node_of_bytes(b"c", profile),
    }
    with pytest.raises(ValueError):
        complete_nodes(tree, known, profile)
