from __future__ import annotations

from pathlib import Path

import pytest
from journal_fixtures import copy_demo


@pytest.fixture
def demo(tmp_path: Path) -> Path:
    return copy_demo(tmp_path / "journal")
