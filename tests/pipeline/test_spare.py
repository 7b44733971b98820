"""A build with nothing to reuse leaves a spare tree when asked (``spare_after_cold``:
``now`` as ``serve`` asks, ``later`` as ``sitegen build`` does; ``sitegen.cache.spare``),
so the first edit after it syncs a few files instead of linking every file of OUT again."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from test_cache import assert_same, cached, first_paper, fresh, make_journal, snapshot

import sitegen.output as output
from sitegen.cache.spare import make_spare
from sitegen.pipeline import BuildOptions, build


@pytest.fixture(autouse=True)
def _reproducible(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")


def test_the_first_edit_after_a_cold_build_syncs_the_spare(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    source = make_journal(tmp_path / "j")
    out = tmp_path / "public"
    plain = shutil.copytree(source, tmp_path / "k")
    build(BuildOptions(source=plain, output=tmp_path / "plain"))
    assert not output.spare_dir(tmp_path / "plain").exists()  # not unless asked
    first, cold = cached(source, out, spare_after_cold="now")
    spare = output.spare_dir(out)
    assert snapshot(spare) == cold
    for path in cold:  # links, not copies: the spare costs no file data
        assert os.stat(spare / path).st_ino == os.stat(out / path).st_ino

    whole_trees: list[int] = []
    real = output.write_tree_split

    def counting(tree: object, dest: Path, **kw: object) -> int:
        whole_trees.append(len(tree))  # type: ignore[arg-type]
        return real(tree, dest, **kw)  # type: ignore[arg-type]

    monkeypatch.setattr(output, "write_tree_split", counting)
    md = first_paper(source) / "paper.md"
    md.write_text(md.read_text(encoding="utf-8") + "\nA line after the cold build.\n")
    edited, tree = cached(source, out)
    assert whole_trees == []  # the spare was synced: no tree was linked whole
    ref, ref_tree = fresh(source, tmp_path)
    assert edited.root == ref.root != first.root
    assert_same(tree, ref_tree)
    assert_same(snapshot(spare), cold)  # the cold build's files, untouched through links

    md.write_text(md.read_text(encoding="utf-8") + "\nAnd a second one.\n")
    again, tree = cached(source, out)
    ref, ref_tree = fresh(source, tmp_path)
    assert again.root == ref.root
    assert_same(tree, ref_tree)


def test_no_spare_is_trusted_when_its_links_could_not_be_made(tmp_path: Path) -> None:
    """A spare is named only once whole; without one the next build links as before."""
    source = make_journal(tmp_path / "j")
    out = tmp_path / "public"
    build(BuildOptions(source=source, output=out, spare_after_cold="now"))
    output_spare = output.spare_dir(out)
    assert output_spare.is_dir()
    assert not make_spare(out, ["no/such/file.html"])  # a file that is not there
    assert not output_spare.exists()
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".public")] == []
    md = first_paper(source) / "paper.md"
    md.write_text(md.read_text(encoding="utf-8") + "\nEdited without a spare.\n")
    edited, tree = cached(source, out)
    ref, ref_tree = fresh(source, tmp_path)
    assert edited.root == ref.root
    assert_same(tree, ref_tree)
