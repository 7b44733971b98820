"""The last commit of the git repository holding a journal, if there is one.

The build takes its timestamp from it (reproducible CI builds), the cache folds it into
its fingerprint, and deploys record it in their log.
"""

from __future__ import annotations

import subprocess
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True, slots=True)
class Commit:
    sha: str
    time: int
    """Committer time, Unix seconds."""


def last_commit(path: Path) -> Commit | None:
    """HEAD of the repository holding ``path``; None outside git or without git."""
    try:
        proc = subprocess.run(
            ["git", "log", "-1", "--format=%H %ct"],
            cwd=path,
            capture_output=True,
            text=True,
            timeout=10,
            check=False,
        )
    except (OSError, subprocess.SubprocessError):
        return None
    parts = proc.stdout.split()
    if proc.returncode != 0 or len(parts) != 2 or not parts[1].isdigit():
        return None
    return Commit(sha=parts[0], time=int(parts[1]))
