"""Shared fixtures: paths to the repo, the shared corpus, and small helpers."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from sitegen.content.config import JournalConfig

REPO = Path(__file__).resolve().parent.parent
SHARED = REPO.parent / "shared"


@pytest.fixture(autouse=True, scope="session")
def _shared_cache_in_tmp(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """Builds in tests keep their per-user cache (``user_cache_dir``) in a temporary
    folder, never in the user's home: tests must not leave anything behind."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("SITEGEN_CACHE_DIR", str(tmp_path_factory.mktemp("user-cache")))
        yield


@pytest.fixture
def repo_root() -> Path:
    return REPO


@pytest.fixture(scope="session")
def demo_config() -> JournalConfig:
    """The demo journal's config (the repository's own ``sitegen.yaml``)."""
    from sitegen.content.config import load_config

    found, _ = load_config(REPO)
    assert found is not None
    return found


@pytest.fixture
def shared_dir() -> Path:
    if not SHARED.is_dir():
        pytest.fail(f"../shared not found beside the repo at {SHARED}")
    return SHARED


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--update-golden",
        action="store_true",
        help="rewrite tests/golden/ from the current build instead of comparing with it",
    )


@pytest.fixture
def update_golden(request: pytest.FixtureRequest) -> bool:
    return bool(request.config.getoption("--update-golden"))
