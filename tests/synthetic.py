"""Synthetic journals for tests, made by the benchmark's generator
(``../shared/bench/make_corpus.py``): papers in the dialect authors write, with math,
tables, code, figures and references, as many as a test needs."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
MAKE_CORPUS = REPO.parent / "shared" / "bench" / "make_corpus.py"


def make_journal(dest: Path, papers: int, *, seed: int = 5) -> Path:
    """A journal of ``papers`` papers at ``dest`` (the same for the same seed)."""
    command = [sys.executable, str(MAKE_CORPUS), "--papers", str(papers), "--seed", str(seed)]
    subprocess.run([*command, "--out", str(dest)], check=True, capture_output=True)
    return dest
