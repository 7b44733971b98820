"""Synthetic journals for tests, made by the benchmark's generator
(``../shared/bench/make_corpus.py``): papers in the dialect authors write, with math,
tables, code, figures and references, as many as a test needs."""

from __future__ import annotations

import importlib.util
import subprocess
import sys
from pathlib import Path
from types import ModuleType

REPO = Path(__file__).resolve().parents[1]
MAKE_CORPUS = REPO.parent / "shared" / "bench" / "make_corpus.py"


def make_journal(dest: Path, papers: int, *, seed: int = 5) -> Path:
    """A journal of ``papers`` papers at ``dest`` (the same for the same seed)."""
    command = [sys.executable, str(MAKE_CORPUS), "--papers", str(papers), "--seed", str(seed)]
    subprocess.run([*command, "--out", str(dest)], check=True, capture_output=True)
    return dest


def generator() -> ModuleType | None:
    """The generator as a module, for tests that want its pieces (bibliographies,
    formulas) rather than a journal; None where ``../shared`` lacks it."""
    if not MAKE_CORPUS.is_file():
        return None
    spec = importlib.util.spec_from_file_location("make_corpus", MAKE_CORPUS)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclasses look their module up while made
    try:
        spec.loader.exec_module(module)
    finally:
        del sys.modules[spec.name]
    return module
