"""The repo's own demo journal: builds clean, and its attestations show every badge kind."""

from __future__ import annotations

import re
from pathlib import Path

from sitegen.pipeline import BuildOptions, build


def test_demo_builds_without_warnings_but_the_intended_invalid_badge(demo: Path):
    result = build(BuildOptions(source=demo))
    assert result.papers >= 6
    unexpected = [w for w in result.warnings if w.field != "attestations"]
    assert unexpected == []
    invalid = [w for w in result.warnings if w.field == "attestations"]
    assert len(invalid) == 1 and "invalid" in invalid[0].message
    assert invalid[0].path.endswith(".json") and invalid[0].line


def test_demo_badges_cover_every_offline_state(demo: Path):
    build(BuildOptions(source=demo))
    states: set[str] = set()
    for page in (demo / "public" / "papers").glob("*/index.html"):
        states |= set(re.findall(r'class="badge badge-([a-z]+)"', page.read_text()))
    assert {"verified", "signed", "invalid", "unchecked"} <= states
    published = list((demo / "public" / "papers").glob("*/attestations/*.json"))
    assert len(published) >= 4
