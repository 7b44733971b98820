"""Golden test: the minimal fixture journal builds to exactly the committed output.

Any change in what the site looks like shows up here as a readable diff. After an intended
change, run ``python -m pytest tests/pipeline/test_golden.py --update-golden`` and review the
diff of ``tests/golden/`` before committing it. Theme assets (copies of ``themes/``) and
``cids.json`` (which hashes them) are left out; the search index is in.
"""

from __future__ import annotations

import difflib
import shutil
from pathlib import Path

import pytest

from sitegen.pipeline import BuildOptions, build

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "journals" / "minimal"
GOLDEN = Path(__file__).resolve().parents[1] / "golden" / "minimal"
SKIP_PREFIXES = ("assets/",)
SKIP_FILES = {"cids.json"}


def _files(root: Path) -> dict[str, bytes]:
    out = {}
    for path in sorted(root.rglob("*")):
        rel = path.relative_to(root).as_posix()
        if path.is_file() and not rel.startswith(SKIP_PREFIXES) and rel not in SKIP_FILES:
            out[rel] = path.read_bytes()
    return out


def test_minimal_journal_matches_golden(tmp_path: Path, update_golden: bool, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    journal = tmp_path / "minimal"
    shutil.copytree(FIXTURE, journal)
    monkeypatch.chdir(tmp_path)  # only diagnostics depend on the cwd; keep it fixed
    build(BuildOptions(source=journal, cache=False))
    got = _files(journal / "public")
    if update_golden:
        shutil.rmtree(GOLDEN, ignore_errors=True)
        for rel, data in got.items():
            (GOLDEN / rel).parent.mkdir(parents=True, exist_ok=True)
            (GOLDEN / rel).write_bytes(data)
        pytest.skip("golden files rewritten; review `git diff tests/golden`")
    want = _files(GOLDEN)
    assert sorted(got) == sorted(want), "the set of output files changed"
    for rel in want:
        if got[rel] != want[rel]:
            diff = difflib.unified_diff(
                want[rel].decode("utf-8", "replace").splitlines(),
                got[rel].decode("utf-8", "replace").splitlines(),
                f"golden/{rel}",
                f"built/{rel}",
                lineterm="",
                n=2,
            )
            pytest.fail("output differs from golden:\n" + "\n".join(list(diff)[:60]))
