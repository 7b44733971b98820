"""render.paper: a paper's work made once, its light form, and both as one pack entry."""

from __future__ import annotations

import dataclasses
import shutil
from pathlib import Path

import pytest

from sitegen.content.config import JournalConfig
from sitegen.content.model import Paper
from sitegen.render.doc import RenderedDoc
from sitegen.render.model import PaperRender
from sitegen.render.paper import process_paper, process_papers, source_files
from sitegen.render.work import (
    PackedWork,
    PaperWork,
    _left_out,
    light_work,
    meta_digest,
    whole_parts,
    whole_work,
    with_changes,
)

REPO = Path(__file__).resolve().parents[2]
DEMO = sorted((REPO / "content" / "papers").iterdir())


@pytest.fixture(scope="module")
def works(demo_config: JournalConfig) -> list[PaperWork]:
    return [process_paper(folder, demo_config) for folder in DEMO]


def test_with_is_dataclasses_replace_for_the_classes_it_copies(works: list[PaperWork]) -> None:
    """``with_changes`` copies the instance dict: right only for classes without slots,
    ``__post_init__`` or fields outside ``__init__``."""
    for cls in (Paper, PaperRender, RenderedDoc, PaperWork):
        assert "__slots__" not in vars(cls) and not hasattr(cls, "__post_init__")
        assert all(f.init for f in dataclasses.fields(cls))
    for work in works:
        assert work.paper is not None and work.render is not None
        for obj, changes in (
            (work.paper, {"body": "", "title": "T"}),
            (work.render, {"abstract_html": "<p>a</p>"}),
            (work.render.body, {"html": "", "references": (), "first_section_split": None}),
            (work, {"meta_digest": "x", "paper": None}),
        ):
            made = with_changes(obj, **changes)
            assert made == dataclasses.replace(obj, **changes)
            assert type(made) is type(obj) and made is not obj
            assert list(vars(made)) == list(vars(obj))  # same order: same pickles
            for name in vars(obj):
                if name not in changes:
                    assert getattr(made, name) is getattr(obj, name)
        with pytest.raises(dataclasses.FrozenInstanceError):
            with_changes(work, slug="x").slug = "y"  # type: ignore[misc]


def test_whole_work_puts_back_what_light_work_leaves_out(works: list[PaperWork]) -> None:
    for work in works:
        light = light_work(work)
        assert light.paper is not None and light.render is not None
        assert light.paper.body == "" and light.render.body.html == ""
        assert light != work and whole_work(light, _left_out(work)) == work
        assert light.meta_digest == work.meta_digest == meta_digest(work)
    failed = PaperWork(slug="x", paper=None, load_diagnostics=())
    assert light_work(failed) is failed
    assert whole_work(failed, _left_out(failed)) is failed
    assert whole_work(failed, ("too", "short")) is None
    assert whole_work("not a work", _left_out(works[0])) is None
    assert whole_work(light_work(works[0]), _left_out(failed)) is None


def test_whole_parts_puts_back_the_paper_and_render_alone(works: list[PaperWork]) -> None:
    """What a paper page does with its entry's light paper and render (``stages.full_entry``)."""
    for work in works:
        light = light_work(work)
        assert light.paper is not None and light.render is not None
        assert whole_parts(light.paper, light.render, _left_out(work)) == (work.paper, work.render)
        assert whole_parts(light.paper, light.render, list(_left_out(work))) is None
        assert whole_parts(light.paper, light.render, _left_out(work)[:4]) is None
    failed = PaperWork(slug="x", paper=None, load_diagnostics=())
    paper, render = works[0].paper, works[0].render
    assert paper is not None and render is not None
    assert whole_parts(paper, render, _left_out(failed)) is None


def test_packed_works_read_back_equal_to_what_process_paper_makes(
    tmp_path: Path, demo_config: JournalConfig, works: list[PaperWork]
) -> None:
    """The pool's packed entries, stored by the parent (``put_packed``) or indexed where
    a worker appended them, give back each work and its light form."""
    from sitegen.cache.store import BuildCache

    keys = [f"key-{folder.name}" for folder in DEMO]
    packed, _ = process_papers(DEMO, demo_config, {}, keys=keys)
    cache = BuildCache(tmp_path)
    for key, pack, work in zip(keys, packed, works, strict=True):
        assert isinstance(pack, PackedWork)
        assert pack.light == light_work(work)
        assert cache.put_packed(key, pack) == light_work(work)
    for key, work in zip(keys, works, strict=True):
        assert cache.get_paper(key) == work
        assert cache.get_paper_more(key) == _left_out(work)
        assert cache.get_light_paper(key) == light_work(work)
        del cache.pack.index[key + "/light"]  # the whole entry begins with the light work
        assert cache.get_light_paper(key) == light_work(work)
    assert cache.put_paper("other", works[0]) == light_work(works[0])
    assert cache.get_paper("other") == works[0]
    cache.pack.close()


def test_staging_writes_the_research_object_and_citation_files(
    tmp_path: Path, demo_config: JournalConfig, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Source files in nested folders, a file of several chunks (copied, not kept in
    memory), no attestations, dot-files or symlinks; then the citation files."""
    folder = tmp_path / "papers" / "nested"
    shutil.copytree(DEMO[0], folder)
    (folder / "data" / "raw" / "deep").mkdir(parents=True)
    (folder / "data" / "raw" / "deep" / "a.csv").write_text("a,b\n1,2\n")
    (folder / "data" / "raw" / "big.bin").write_bytes(bytes(range(256)) * 9000)  # > 1 chunk
    (folder / ".hidden").write_text("no")
    (folder / "attestations").mkdir(exist_ok=True)
    (folder / "attestations" / "x.json").write_text("{}")
    (folder / "alias.png").symlink_to(folder / "paper.md")
    stage = tmp_path / "stage"
    copied: list[str] = []
    copy = shutil.copyfile

    def spy(src: Path, dst: str) -> object:
        copied.append(dst)
        return copy(src, dst)

    monkeypatch.setattr(shutil, "copyfile", spy)
    work = process_paper(folder, demo_config, stage=stage)
    assert copied == [str(stage / "papers" / "nested" / "source" / "data" / "raw" / "big.bin")]
    base = stage / "papers" / "nested"
    staged = {p.relative_to(base).as_posix() for p in base.rglob("*") if p.is_file()}
    want = {f"source/{rel}" for rel, _ in source_files(folder)}
    assert want >= {"source/data/raw/big.bin", "source/data/raw/deep/a.csv"}
    assert staged == want | set(work.citations)
    for rel, path in source_files(folder):
        assert (base / "source" / rel).read_bytes() == path.read_bytes()
    for name, data in work.citations.items():
        assert (base / name).read_bytes() == data
    assert work == process_paper(folder, demo_config)  # staging changes nothing in the work
