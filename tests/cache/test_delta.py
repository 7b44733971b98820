"""The body-only rebuild: taken exactly when its conditions hold, byte-identical to a full build.

Whether the full pipeline ran is observed by counting calls of ``pipeline._prepare`` (the
stage every full build goes through); the output is compared file by file, and by root
CID, with an uncached build of the same journal into its own folder.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from synthetic import make_journal

import sitegen.pipeline as pipeline
from sitegen.pipeline import BuildOptions, BuildResult, build

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture(autouse=True)
def _reproducible(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")


@pytest.fixture
def full_builds(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """How many builds went through the full pipeline (``_prepare``) so far."""
    calls: list[int] = []
    original: Callable[..., object] = pipeline._prepare

    def counting(*args: object, **kwargs: object) -> object:
        calls.append(1)
        return original(*args, **kwargs)

    monkeypatch.setattr(pipeline, "_prepare", counting)
    return calls


def snapshot(out: Path) -> dict[str, bytes]:
    return {p.relative_to(out).as_posix(): p.read_bytes() for p in out.rglob("*") if p.is_file()}


def check_against_fresh(source: Path, out: Path, tmp: Path, result: BuildResult) -> None:
    ref_out = tmp / "fresh"
    shutil.rmtree(ref_out, ignore_errors=True)
    ref = build(BuildOptions(source=source, output=ref_out, cache=False))
    assert result.root == ref.root
    assert (result.papers, result.pages, result.files) == (ref.papers, ref.pages, ref.files)
    mine, theirs = snapshot(out), snapshot(ref_out)
    assert sorted(mine) == sorted(theirs)
    assert [p for p in mine if mine[p] != theirs[p]] == []


def papers_of(source: Path) -> list[Path]:
    return sorted(p for p in (source / "content" / "papers").iterdir() if p.is_dir())


def append(path: Path, text: str) -> None:
    path.write_text(path.read_text(encoding="utf-8") + text, encoding="utf-8")


def test_body_edits_take_the_fast_path_and_equal_a_full_build(
    tmp_path: Path, full_builds: list[int], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("sitegen.render.feeds.FEED_SIZE", 3)  # some papers out of the feeds
    source = make_journal(tmp_path / "j", 8)
    out = tmp_path / "public"
    build(BuildOptions(source=source, output=out))
    assert len(full_builds) == 1
    papers = papers_of(source)
    steps: list[Callable[[], None]] = [
        lambda: append(papers[0] / "paper.md", "\nA first added sentence.\n"),  # no spare yet
        lambda: append(papers[0] / "paper.md", "\nA second one, synced from the spare.\n"),
        lambda: append(papers[-1] / "paper.md", "\nA paper outside the feeds.\n"),
        lambda: (papers[2] / "notes.txt").write_text("a new file in the bundle\n"),
        lambda: (papers[2] / "notes.txt").unlink(),
        lambda: [append(p / "paper.md", "\nTwo papers at once.\n") for p in papers[3:5]],
        lambda: os.utime(papers[1] / "paper.md", ns=(1, 1)),  # touched, content unchanged
    ]
    for number, change in enumerate(steps):
        change()
        before = len(full_builds)
        result = build(BuildOptions(source=source, output=out))
        assert len(full_builds) == before, f"step {number} ran the full pipeline"
        check_against_fresh(source, out, tmp_path, result)
    page = (out / "papers" / papers[0].name / "index.html").read_bytes()
    assert b"synced from the spare" in page
    assert not (out / "papers" / papers[2].name / "source" / "notes.txt").exists()


def test_edits_other_pages_show_run_the_full_pipeline(
    tmp_path: Path, full_builds: list[int]
) -> None:
    source = make_journal(tmp_path / "j", 6)
    out = tmp_path / "public"
    build(BuildOptions(source=source, output=out))
    paper = papers_of(source)[1]
    md = paper / "paper.md"
    edits: list[Callable[[], None]] = [
        # the title is on listing pages
        lambda: md.write_text(md.read_text().replace("title: ", "title: Retitled ", 1)),
        # a new paper folder
        lambda: shutil.copytree(paper, paper.with_name("zz-copy-of-a-paper")),
        # the config (a frame input)
        lambda: append(source / "sitegen.yaml", "\n# a comment\n"),
        # a paper that now has a warning (an unknown citation key is an error by default,
        # so make it a warning first: that is a config change, also a full build)
        lambda: append(source / "sitegen.yaml", "\nunknown_citations: warning\n"),
        lambda: append(md, "\nSee [@no-such-key].\n"),
        # ... and a body edit of that paper: its warning must be reported again
        lambda: append(md, "\nStill warned.\n"),
    ]
    for number, change in enumerate(edits):
        change()
        before = len(full_builds)
        result = build(BuildOptions(source=source, output=out))
        assert len(full_builds) == before + 1, f"edit {number} took the fast path"
        check_against_fresh(source, out, tmp_path, result)
    assert any(w.field == "citation" for w in result.warnings)


def test_attested_paper_body_edit_is_a_full_build(tmp_path: Path, full_builds: list[int]) -> None:
    """The demo's attestations vouch for bundle CIDs: a body edit changes the CID, so the
    badges (shown on listings) change and the fast path must not be taken."""
    source = tmp_path / "demo"
    source.mkdir()
    shutil.copy(REPO / "sitegen.yaml", source / "sitegen.yaml")
    shutil.copytree(REPO / "content", source / "content")
    out = tmp_path / "public"
    build(BuildOptions(source=source, output=out))
    attested = [p for p in papers_of(source) if (p / "attestations").is_dir()]
    plain = [p for p in papers_of(source) if not (p / "attestations").is_dir()]
    assert attested and plain
    append(plain[0] / "paper.md", "\nAn unattested paper's edit.\n")
    before = len(full_builds)
    result = build(BuildOptions(source=source, output=out))
    assert len(full_builds) == before
    check_against_fresh(source, out, tmp_path, result)
    append(attested[0] / "paper.md", "\nAn attested paper's edit.\n")
    before = len(full_builds)
    result = build(BuildOptions(source=source, output=out))
    assert len(full_builds) == before + 1
    check_against_fresh(source, out, tmp_path, result)
