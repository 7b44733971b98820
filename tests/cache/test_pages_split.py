"""Pages rendered in two processes (``render_split``) keep the keys of a one-process render.

Each process works out the memo keys of the pages it renders; the forked one sends its
keys back with its nodes. The cache must end up with every page's key, in page order,
exactly as a ``--jobs 1`` build stores them.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from synthetic import make_journal

from sitegen.cache.store import BuildCache
from sitegen.pipeline import BuildOptions, build
from sitegen.workers import PARALLEL_THRESHOLD

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture(autouse=True)
def _reproducible(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")


def _cold_build(source: Path, out: Path, jobs: int) -> tuple[str | None, dict[str, str]]:
    """A build with an empty cache; the root CID and the page keys it stored."""
    shutil.rmtree(source / ".sitegen", ignore_errors=True)
    result = build(BuildOptions(source=source, output=out, jobs=jobs))
    return result.root, {path: key for path, (key, _) in BuildCache(source).pages.items()}


def test_split_render_stores_the_keys_of_a_single_process_render(tmp_path: Path) -> None:
    source = make_journal(tmp_path / "journal", PARALLEL_THRESHOLD + 6)
    root_one, keys_one = _cold_build(source, tmp_path / "one", jobs=1)
    root_two, keys_two = _cold_build(source, tmp_path / "two", jobs=2)
    assert root_two == root_one
    assert list(keys_two.items()) == list(keys_one.items())  # same keys, same order
    assert all(keys_two.values())
    pages = {p.relative_to(tmp_path / "two").as_posix() for p in (tmp_path / "two").rglob("*")}
    assert {p for p in pages if p.startswith("authors/") and p.endswith("index.html")} <= set(
        keys_two
    )


def test_merged_report_lists_reused_pages_and_orders_the_keys(tmp_path: Path) -> None:
    """The forked half's pages join the parent's: nodes, keys in site order, and the
    pages it took from the previous OUT listed as that OUT's files."""
    from sitegen.cache.pages import MemoRenderer
    from sitegen.ipfs.files import Node

    made = MemoRenderer.__new__(MemoRenderer)
    made.nodes, made.reused, made.tree = {"a": Node(b"1", 1)}, {}, {"a": tmp_path / "a"}
    made.keys = {"c": "kc", "a": "ka"}
    made.previous_out = tmp_path / "old"
    report = ({"b": Node(b"2", 2)}, {"b": "kb", "d": "kd"}, {"d": ("cid", 3, 3)})
    made.merge_child(report, ["a", "b", "c", "d", "e"])
    assert list(made.keys.items()) == [("a", "ka"), ("b", "kb"), ("c", "kc"), ("d", "kd")]
    assert set(made.nodes) == {"a", "b"}
    assert made.reused == {"d": ("cid", 3, 3)}
    assert made.tree["d"] == tmp_path / "old" / "d"
