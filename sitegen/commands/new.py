"""``sitegen new DIR``: scaffold a small, complete journal.

The templates live in ``sitegen/scaffold/`` and are read with ``importlib.resources`` so
they ship inside the wheel. ``scaffold/journal/`` is copied as-is (``gitignore`` becomes
``.gitignore``, because dotfiles are easy to lose in packaging); ``scaffold/ci/<kind>/``
adds the CI file for the chosen ``--ci``. A few ``@@NAME@@`` markers in the text files are
replaced with values derived from DIR; the markers cannot clash with the ``${{ }}`` and
``$VAR`` syntax the CI files are full of.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import re
from dataclasses import dataclass
from importlib.resources import files
from importlib.resources.abc import Traversable
from pathlib import Path, PurePosixPath

from sitegen import __version__
from sitegen.errors import UsageError

CI_FILES: dict[str, dict[str, str]] = {
    "github": {"publish.yml": ".github/workflows/publish.yml"},
    "gitlab": {"gitlab-ci.yml": ".gitlab-ci.yml"},
    "none": {},
}
"""Per ``--ci`` choice: template name under ``scaffold/ci/<kind>/`` -> path in the journal."""

RENAMES = {"gitignore": ".gitignore"}
"""Journal template files stored without their leading dot."""

TEXT_SUFFIXES = (".yaml", ".yml", ".md", ".txt", ".toml", ".bib")
"""Files in which ``@@NAME@@`` markers are replaced; everything else is copied byte-for-byte."""


@dataclass(frozen=True, slots=True)
class ScaffoldValues:
    """What the markers in the templates are replaced with."""

    title: str
    """Journal title, derived from the folder name (``my-journal`` -> ``My Journal``)."""
    slug: str
    """Lower-case bucket-safe name, derived from the folder name."""
    date: dt.date
    """Date of the welcome paper."""
    requirement: str
    """The pip requirement that installs this sitegen (``sitegen==X.Y.Z``)."""

    def substitute(self, text: str) -> str:
        return (
            text.replace("@@TITLE_YAML@@", json.dumps(self.title, ensure_ascii=False))
            .replace("@@TITLE@@", self.title)
            .replace("@@SLUG@@", self.slug)
            .replace("@@DATE@@", self.date.isoformat())
            .replace("@@REQUIREMENT@@", self.requirement)
        )


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser("new", help="scaffold a journal (config, demo paper, CI, netlify.toml)")
    p.add_argument("dir", metavar="DIR")
    p.add_argument("--ci", choices=("github", "gitlab", "none"), default="github")
    p.set_defaults(func=run)


def values_for(target: Path, today: dt.date) -> ScaffoldValues:
    """Derive the marker values from the target folder's name."""
    name = target.resolve().name or "journal"
    words = [w for w in re.split(r"[-_\s.]+", name) if w]
    title = " ".join(w[:1].upper() + w[1:] for w in words) or "My Journal"
    slug = re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")
    if len(slug) < 3:
        slug = f"journal-{slug}".strip("-")
    return ScaffoldValues(
        title=title, slug=slug[:63], date=today, requirement=f"sitegen=={__version__}"
    )


def scaffold_files(ci: str) -> dict[PurePosixPath, Traversable]:
    """Every file ``new`` writes: relative destination -> packaged template."""
    root = files("sitegen").joinpath("scaffold")
    plan: dict[PurePosixPath, Traversable] = {}

    def walk(node: Traversable, rel: PurePosixPath) -> None:
        for child in sorted(node.iterdir(), key=lambda t: t.name):
            if child.is_dir():
                walk(child, rel / child.name)
            elif child.name != "__init__.py":
                plan[rel / RENAMES.get(child.name, child.name)] = child

    walk(root.joinpath("journal"), PurePosixPath())
    for template, dest in CI_FILES[ci].items():
        plan[PurePosixPath(dest)] = root.joinpath("ci", ci, template)
    return dict(sorted(plan.items()))


def write_scaffold(target: Path, ci: str, values: ScaffoldValues) -> list[PurePosixPath]:
    """Write the journal into ``target`` (which must be absent or empty); return what was written."""
    if target.exists() and not target.is_dir():
        raise UsageError(f"{target}: exists and is not a folder; choose a new folder name")
    if target.is_dir() and any(target.iterdir()):
        raise UsageError(
            f"{target}: folder is not empty; `sitegen new` only writes into a new or empty "
            "folder so it never overwrites your files"
        )
    written = []
    for rel, template in scaffold_files(ci).items():
        dest = target.joinpath(*rel.parts)
        dest.parent.mkdir(parents=True, exist_ok=True)
        data = template.read_bytes()
        if rel.suffix in TEXT_SUFFIXES or rel.name == ".gitignore":
            data = values.substitute(data.decode("utf-8")).encode("utf-8")
        dest.write_bytes(data)
        written.append(rel)
    return written


def run(args: argparse.Namespace) -> int:
    target = Path(args.dir)
    written = write_scaffold(target, args.ci, values_for(target, dt.date.today()))
    print(f"Created a journal in {target} ({len(written)} files):")
    for rel in written:
        print(f"  {rel}")
    print(
        f"\nNext:\n  cd {target}\n  sitegen build      # builds content/ into public/\n"
        "  sitegen serve      # preview with live reload"
    )
    return 0
