from __future__ import annotations

import shutil
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
CORPUS = REPO.parent / "shared" / "corpus" / "joss"


def copy_demo(dest: Path) -> Path:
    """The repo's demo journal (sitegen.yaml + content/), copied so tests can edit it."""
    dest.mkdir(parents=True, exist_ok=True)
    shutil.copy(REPO / "sitegen.yaml", dest / "sitegen.yaml")
    shutil.copytree(REPO / "content", dest / "content")
    return dest


def corpus_journal(dest: Path) -> Path:
    """All real JOSS/JOSE papers, unmodified, as one journal."""
    papers = dest / "content" / "papers"
    papers.mkdir(parents=True)
    for folder in sorted(CORPUS.iterdir()):
        if (folder / "paper.md").is_file():
            shutil.copytree(folder, papers / folder.name)
    (dest / "sitegen.yaml").write_text(
        "title: Corpus Journal\ndescription: Real published papers.\nlicense: CC-BY-4.0\n"
        # One published paper cites a key its own bibliography lacks; a back catalogue must
        # still build, as pandoc would, so unknown keys are warnings for this journal.
        "unknown_citations: warning\n",
        encoding="utf-8",
    )
    return dest
