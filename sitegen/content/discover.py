"""Find what a journal folder holds: paper folders, static pages, ``issues.yaml``.

Discovery only lists paths (sorted, so every later stage sees the same order on every
machine); reading and validating them is :mod:`sitegen.content.journal`'s job.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from sitegen.errors import Diagnostic

PAPER_FILE = "paper.md"


def display_path(path: Path) -> str:
    """``path`` as the user would type it: relative to the cwd when under it, POSIX."""
    absolute = os.path.abspath(path)
    cwd = os.getcwd()
    if absolute.startswith("//") or cwd.startswith("//"):  # POSIX's own root: pathlib's way
        try:
            return Path(absolute).relative_to(Path(cwd)).as_posix()
        except ValueError:
            return Path(absolute).as_posix()
    # Both normalised (no trailing "/", "." or ".."): pathlib's part-wise relative_to
    # is a prefix test on whole parts.
    if absolute == cwd:
        return "."
    prefix = cwd if cwd.endswith("/") else cwd + "/"
    return absolute[len(prefix) :] if absolute.startswith(prefix) else absolute


@dataclass(frozen=True, slots=True)
class Layout:
    """The content files of a journal, in a stable order."""

    paper_dirs: tuple[Path, ...]
    """Folders under ``content/papers/`` that hold a ``paper.md``."""
    page_files: tuple[Path, ...]
    """``content/pages/*.md``."""
    issues_file: Path | None
    """``content/issues.yaml`` when present."""


def _visible(path: Path) -> bool:
    return not path.name.startswith((".", "_"))


def discover(root: Path) -> tuple[Layout, list[Diagnostic]]:
    """List the journal under ``root``; a paper folder without ``paper.md`` is a warning."""
    content = root / "content"
    diags: list[Diagnostic] = []
    paper_dirs: list[Path] = []
    papers_root = content / "papers"
    if papers_root.is_dir():
        for entry in sorted(papers_root.iterdir(), key=lambda p: p.name):
            if not entry.is_dir() or not _visible(entry):
                continue
            if (entry / PAPER_FILE).is_file():
                paper_dirs.append(entry)
            else:
                diags.append(
                    Diagnostic(
                        display_path(entry),
                        None,
                        None,
                        f"folder has no {PAPER_FILE}; it is not a paper and is skipped",
                        "warning",
                    )
                )
    pages_root = content / "pages"
    page_files: list[Path] = []
    if pages_root.is_dir():
        page_files = sorted(
            (p for p in pages_root.iterdir() if p.suffix == ".md" and p.is_file() and _visible(p)),
            key=lambda p: p.name,
        )
    issues = content / "issues.yaml"
    if not issues.is_file() and (content / "issues.yml").is_file():
        issues = content / "issues.yml"
    return (
        Layout(tuple(paper_dirs), tuple(page_files), issues if issues.is_file() else None),
        diags,
    )
