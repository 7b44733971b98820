"""Fixtures for the serve tests: small journals copied into tmp_path, and a built site."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture
def journal(tmp_path: Path) -> Path:
    """A writable copy of the minimal fixture journal (two papers)."""
    dest = tmp_path / "journal"
    shutil.copytree(REPO / "tests" / "fixtures" / "journals" / "minimal", dest)
    return dest


@pytest.fixture
def demo(tmp_path: Path) -> Path:
    """A writable copy of the demo journal at the repository root."""
    dest = tmp_path / "demo"
    dest.mkdir()
    shutil.copytree(REPO / "content", dest / "content")
    shutil.copy2(REPO / "sitegen.yaml", dest / "sitegen.yaml")
    return dest
