"""Load a whole journal: every paper, page and issue, with every problem in one list.

This is the content stage's entry point for the pipeline. Nothing stops at the first
bad paper: each file is validated on its own and all diagnostics come back together,
sorted by file and line so the report reads top to bottom.
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any

from sitegen.content.config import JournalConfig
from sitegen.content.discover import PAPER_FILE, Layout, discover, display_path
from sitegen.content.fields import Reporter, as_bool, as_int, as_text, checked, line_in
from sitegen.content.frontmatter import load_markdown
from sitegen.content.metadata import build_paper
from sitegen.content.model import IssueInfo, Journal, Page, Paper
from sitegen.content.validate import InvalidValueError, check_date, check_slug, did_you_mean
from sitegen.content.yamlsrc import load_yaml
from sitegen.errors import Diagnostic

PAGE_KEYS = frozenset({"title", "order", "menu", "description"})
ISSUE_KEYS = frozenset({"volume", "issue", "title", "date", "description"})
_HEADING = re.compile(r"^#{1,6}\s+(.+?)\s*#*\s*$")


def load_paper(
    folder: Path, *, default_license: str | None = None
) -> tuple[Paper | None, list[Diagnostic]]:
    """``folder/paper.md`` as a :class:`Paper`; None only when its YAML cannot be read."""
    source = folder / PAPER_FILE
    display = display_path(source)
    diags: list[Diagnostic] = []
    slug = folder.name
    try:
        check_slug(slug)
    except InvalidValueError as exc:
        diags.append(Diagnostic(display_path(folder), None, "slug", f"paper folder {exc}"))
    fm, data, read_diags = load_markdown(source, display)
    diags.extend(read_diags)
    if fm is None or data is None:
        return None, diags
    paper, paper_diags = build_paper(
        slug=slug,
        # Path.resolve's extra stat only looks for a symlink loop, and the folder's
        # paper.md has just been read through it
        folder=Path(os.path.realpath(folder)),
        source_path=display,
        fm=fm,
        data=data,
        default_license=default_license,
    )
    diags.extend(paper_diags)
    return paper, _sorted_diags(diags)


def _first_heading(body: str) -> str | None:
    in_fence = False
    for line in body.split("\n"):
        if line.lstrip().startswith(("```", "~~~")):
            in_fence = not in_fence
        if not in_fence:
            m = _HEADING.match(line)
            if m:
                return m[1].strip()
    return None


def load_page(path: Path) -> tuple[Page | None, list[Diagnostic]]:
    """A static page; its title is ``title:``, else its first heading, else its slug."""
    display = display_path(path)
    rep = Reporter(display)
    slug = path.stem
    try:
        check_slug(slug)
    except InvalidValueError as exc:
        rep.error(None, "slug", f"page file name {exc}")
    fm, data, read_diags = load_markdown(path, display)
    rep.diags.extend(read_diags)
    if fm is None or data is None:
        return None, rep.diags
    title = as_text(rep, data.get("title"), data.line_of("title"), "title")
    order = as_int(rep, data.get("order"), data.line_of("order"), "order")
    menu = as_bool(rep, data.get("menu"), data.line_of("menu"), "menu")
    for key in data:
        if key not in PAGE_KEYS:
            rep.warning(
                data.line_of(key), key, "unknown page field ignored" + did_you_mean(key, PAGE_KEYS)
            )
    page = Page(
        slug=slug,
        title=title or _first_heading(fm.body) or slug,
        body=fm.body,
        body_line=fm.body_line,
        source_path=display,
        order=100 if order is None else order,
        menu=True if menu is None else menu,
    )
    return page, _sorted_diags(rep.diags)


def load_issues(path: Path) -> tuple[tuple[IssueInfo, ...], list[Diagnostic]]:
    """``content/issues.yaml``: a list of ``{volume, issue, title, date, description}``."""
    display = display_path(path)
    rep = Reporter(display)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        rep.error(None, None, f"cannot read file: {exc}")
        return (), rep.diags
    raw, yaml_diags = load_yaml(text, display)
    rep.diags.extend(yaml_diags)
    if raw is None:
        return (), rep.diags
    if isinstance(raw, dict) and "issues" in raw:
        raw = raw["issues"]
    if not isinstance(raw, list):
        rep.error(getattr(raw, "line", 1), "issues", "must be a list of {volume, issue, title}")
        return (), rep.diags
    out: dict[tuple[int, int | None], IssueInfo] = {}
    for i, item in enumerate(raw):
        iline = line_in(raw, i, 1)
        if not isinstance(item, dict):
            rep.error(iline, f"[{i}]", "must be a mapping with volume, issue, title, date")
            continue
        issue = _issue(rep, item, iline, i)
        if issue is None:
            continue
        key = (issue.volume, issue.issue)
        if key in out:
            rep.error(iline, f"[{i}]", f"volume {issue.volume} issue {issue.issue} is listed twice")
        out[key] = issue
    ordered = sorted(out.values(), key=lambda x: (x.volume, x.issue or 0))
    return tuple(ordered), rep.diags


def _issue(rep: Reporter, item: dict[str, Any], iline: int | None, i: int) -> IssueInfo | None:
    def at(key: str) -> int | None:
        return line_in(item, key, iline)

    for key in item:
        if key not in ISSUE_KEYS:
            rep.error(at(key), f"[{i}].{key}", "unknown field" + did_you_mean(key, ISSUE_KEYS))
    volume = as_int(rep, item.get("volume"), at("volume"), f"[{i}].volume")
    if "volume" not in item:
        rep.error(iline, f"[{i}].volume", "missing volume number")
    issue = as_int(rep, item.get("issue"), at("issue"), f"[{i}].issue")
    title = as_text(rep, item.get("title"), at("title"), f"[{i}].title")
    date = checked(rep, check_date, item.get("date"), at("date"), f"[{i}].date")
    desc = as_text(rep, item.get("description"), at("description"), f"[{i}].description")
    if volume is None:
        return None
    return IssueInfo(
        volume=volume, issue=issue, title=title or None, date=date, description=desc or None
    )


def paper_order(paper: Paper) -> tuple[int, int, str]:
    """Newest first; undated papers after dated ones; slug breaks ties."""
    if paper.date is None:
        return (1, 0, paper.slug)
    return (0, -paper.date.toordinal(), paper.slug)


def _sorted_diags(diags: list[Diagnostic]) -> list[Diagnostic]:
    return sorted(diags, key=lambda d: (d.path, d.line or 0))


def load_journal(config: JournalConfig) -> tuple[Journal, list[Diagnostic]]:
    """Every paper, page and issue of the journal at ``config.root``.

    Papers whose metadata has errors are still included (best effort) so later stages
    can report their own problems in the same run; callers decide from the diagnostics.
    A paper whose YAML cannot be parsed is left out (its error is in the list).
    """
    layout, diags = discover(config.root)
    papers: list[Paper] = []
    for folder in layout.paper_dirs:
        paper, paper_diags = load_paper(folder, default_license=config.license)
        diags.extend(paper_diags)
        if paper is not None:
            papers.append(paper)
    return assemble_journal(config, layout, papers, diags)


def assemble_journal(
    config: JournalConfig, layout: Layout, papers: list[Paper], diags: list[Diagnostic]
) -> tuple[Journal, list[Diagnostic]]:
    """Add pages and issues to papers loaded elsewhere (here, or by the build's pool)."""
    pages: list[Page] = []
    for path in layout.page_files:
        page, page_diags = load_page(path)
        diags.extend(page_diags)
        if page is not None:
            pages.append(page)
    issues: tuple[IssueInfo, ...] = ()
    if layout.issues_file is not None:
        issues, issue_diags = load_issues(layout.issues_file)
        diags.extend(issue_diags)
    journal = Journal(
        root=config.root,
        papers=tuple(sorted(papers, key=paper_order)),
        pages=tuple(sorted(pages, key=lambda p: (p.order, p.slug))),
        issues=issues,
    )
    return journal, _sorted_diags(diags)
