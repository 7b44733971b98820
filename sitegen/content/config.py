"""``sitegen.yaml``: the journal's configuration as frozen, validated dataclasses."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from sitegen.attest.config import AttestationConfig
from sitegen.deploy.config import DeployTarget

CONFIG_NAME = "sitegen.yaml"


@dataclass(frozen=True, slots=True)
class JournalConfig:
    root: Path
    """Folder that holds ``sitegen.yaml``; content paths are relative to it."""
    path: str
    """``sitegen.yaml`` as the user would name it in an error."""
    title: str
    """The journal's name, shown in the header and in citation metadata."""
    description: str = ""
    publisher: str = ""
    issn: str | None = None
    language: str = "en"
    base_url: str | None = None
    """Absolute URL of the hosted site; only sitemap, feeds and canonical links use it."""
    license: str = "CC-BY-4.0"
    """SPDX id applied to papers that name none."""
    theme: str = "default"
    citation_style: str = "author-year"
    """``author-year`` or ``numeric``."""
    cid_profile: str = "unixfs-v1-2025"
    gateways: tuple[str, ...] = ("dweb.link", "w3s.link", "4everland.io")
    """Subdomain gateways offered as "open via" links (host names)."""
    attestations: AttestationConfig = field(default_factory=AttestationConfig)
    deploy: dict[str, DeployTarget] = field(default_factory=dict)
    lines: dict[str, int] = field(default_factory=dict)
    """Top-level key -> line in ``sitegen.yaml``."""
