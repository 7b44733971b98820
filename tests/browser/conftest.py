"""Browser fixtures: built demo and corpus journals behind a path gateway, headless Chromium.

Chromium is Debian's (``/usr/bin/chromium``), driven by Playwright with
``executable_path`` since browser downloads are impossible here. On CI (``CI`` set) a
missing browser or axe-core fails the run; locally the suite skips with the reason.
"""

from __future__ import annotations

import importlib.util
import os
import posixpath
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType

import pytest
from gateway_imitation import Served, serve_site

from sitegen.pipeline import BuildOptions, build

REPO = Path(__file__).resolve().parents[2]
CHROMIUM = Path(os.environ.get("SITEGEN_CHROMIUM", "/usr/bin/chromium"))
AXE = REPO / "node_modules" / "axe-core" / "axe.min.js"
SCREENSHOTS = REPO / "test-artifacts" / "screenshots"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
    "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1",
]


def _journal_fixtures() -> ModuleType:
    """tests/pipeline/journal_fixtures.py: the demo copy and the corpus journal."""
    path = REPO / "tests" / "pipeline" / "journal_fixtures.py"
    spec = importlib.util.spec_from_file_location("browser_journal_fixtures", path)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _require(path: Path, what: str) -> None:
    if path.exists():
        return
    message = f"{what} not found at {path}"
    if os.environ.get("CI"):
        pytest.fail(message + " (CI must install it: .ci/run)")
    pytest.skip(message)


@dataclass(frozen=True, slots=True)
class Built:
    site: Path
    root: str
    missing: frozenset[str]
    """``papers/<slug>/source/<path>`` of files the build warned do not exist."""


MISSING = re.compile(r"'([^']+)' (?:does not exist beside|points outside the paper's folder)")


def _build(source: Path, out: Path) -> Built:
    result = build(BuildOptions(source=source, output=out))
    assert result.ok and result.root, result
    assert not any(w.field == "search" for w in result.warnings), result.warnings
    missing = set()
    for warning in result.warnings:
        found = MISSING.search(warning.message)
        if found and warning.path:
            slug = Path(warning.path).parent.name
            missing.add(posixpath.normpath(f"papers/{slug}/source/{found.group(1)}"))
    return Built(out, result.root, frozenset(missing))


@pytest.fixture(scope="session")
def demo_build(tmp_path_factory: pytest.TempPathFactory) -> Built:
    base = tmp_path_factory.mktemp("demo")
    source = _journal_fixtures().copy_demo(base / "journal")
    return _build(source, base / "public")


@pytest.fixture(scope="session")
def corpus_build(tmp_path_factory: pytest.TempPathFactory) -> Built:
    base = tmp_path_factory.mktemp("corpus")
    source = _journal_fixtures().corpus_journal(base / "journal")
    return _build(source, base / "public")


@pytest.fixture(scope="session")
def demo_gateway(demo_build: Built) -> Iterator[Served]:
    with serve_site(demo_build.site, f"/ipfs/{demo_build.root}") as served:
        yield served


@pytest.fixture(scope="session")
def demo_at_root(demo_build: Built) -> Iterator[Served]:
    with serve_site(demo_build.site, "") as served:
        yield served


@pytest.fixture(scope="session")
def corpus_gateway(corpus_build: Built) -> Iterator[Served]:
    with serve_site(corpus_build.site, f"/ipfs/{corpus_build.root}") as served:
        yield served


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    _require(CHROMIUM, "chromium")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        chromium = pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            yield chromium
        finally:
            chromium.close()


@pytest.fixture(scope="session")
def axe_source() -> str:
    _require(AXE, "axe-core (npm ci)")
    return AXE.read_text(encoding="utf-8")


@pytest.fixture(scope="session")
def screenshots() -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    return SCREENSHOTS


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    """Say where the screenshots are, whatever the capture settings (CI prints this)."""
    if SCREENSHOTS.is_dir() and any(SCREENSHOTS.iterdir()):
        terminalreporter.write_sep("-", "browser screenshots")
        terminalreporter.write_line(f"browser test screenshots: {SCREENSHOTS}")
