"""``sitegen.yaml``: the journal's configuration as frozen, validated dataclasses."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sitegen.attest.config import AttestationConfig, parse_attestations
from sitegen.content.discover import display_path
from sitegen.content.fields import Reporter, as_text, checked, line_in
from sitegen.content.frontmatter import read_markdown
from sitegen.content.validate import (
    InvalidValueError,
    check_base_url,
    check_host,
    check_issn,
    check_language,
    check_license,
    check_slug,
    did_you_mean,
)
from sitegen.content.yamlsrc import LineDict, load_yaml
from sitegen.deploy.config import DeployTarget, parse_deploy
from sitegen.errors import Diagnostic

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
    unknown_citations: str = "error"
    """``error`` (default) or ``warning``: how a ``[@key]`` missing from the paper's
    bibliography is reported. ``warning`` suits back catalogues of already-published papers,
    which must build as they were published (pandoc itself only warns)."""
    cid_profile: str = "unixfs-v1-2025"
    gateways: tuple[str, ...] = ("dweb.link", "w3s.link", "4everland.io")
    """Subdomain gateways offered as "open via" links (host names)."""
    attestations: AttestationConfig = field(default_factory=AttestationConfig)
    deploy: dict[str, DeployTarget] = field(default_factory=dict)
    lines: dict[str, int] = field(default_factory=dict)
    """Top-level key -> line in ``sitegen.yaml``."""


CONFIG_KEYS: tuple[str, ...] = (
    "title",
    "description",
    "publisher",
    "issn",
    "language",
    "base_url",
    "license",
    "theme",
    "citation_style",
    "unknown_citations",
    "cid_profile",
    "gateways",
    "attestations",
    "deploy",
)
"""Top-level keys of ``sitegen.yaml``; any other key is an error with a hint."""

CITATION_STYLES = ("author-year", "numeric")
CID_PROFILES = ("unixfs-v1-2025", "unixfs-v0-2015")
SEVERITIES = ("error", "warning")


def load_config(root: Path) -> tuple[JournalConfig | None, list[Diagnostic]]:
    """Read and validate ``root/sitegen.yaml``.

    Returns None only when there is nothing to work with (no file, broken YAML, not a
    mapping). Otherwise a best-effort config comes back, invalid values replaced by their
    defaults, so ``check`` can go on to report content problems in the same run; the
    diagnostics (every one with its line) decide whether a build may proceed.
    """
    file = root / CONFIG_NAME
    display = display_path(file)
    if not file.is_file():
        return None, [
            Diagnostic(display, None, None, f"no {CONFIG_NAME} here; is this a journal folder?")
        ]
    text, read_diags = read_markdown(file, display)
    if text is None:
        return None, read_diags
    raw, diags = load_yaml(text, display)
    if raw is None and not diags:
        diags.append(Diagnostic(display, 1, "title", "missing required field 'title'"))
    if raw is None:
        return None, diags
    if not isinstance(raw, LineDict):
        diags.append(
            Diagnostic(display, getattr(raw, "line", 1), None, "must be a mapping of settings")
        )
        return None, diags
    rep = Reporter(display, diags)
    config = _build(rep, raw, root.resolve(), display)
    return config, sorted(rep.diags, key=lambda d: d.line or 0)


def _build(rep: Reporter, raw: LineDict, root: Path, display: str) -> JournalConfig:
    def at(key: str) -> int | None:
        return raw.line_of(key)

    for key in raw:
        if key not in CONFIG_KEYS:
            rep.error(at(key), key, "unknown setting" + did_you_mean(key, CONFIG_KEYS, 0.6))
    values: dict[str, Any] = {}
    title = as_text(rep, raw.get("title"), at("title"), "title")
    if "title" not in raw:
        rep.error(1, "title", "missing required field 'title' (the journal's name)")
    elif _blank(raw.get("title")):
        rep.error(at("title"), "title", "must not be empty")
    for key in ("description", "publisher"):
        text = as_text(rep, raw.get(key), at(key), key)
        if text is not None:
            values[key] = text
    theme = as_text(rep, raw.get("theme"), at("theme"), "theme")
    if theme is not None:
        try:
            values["theme"] = check_slug(theme)
        except InvalidValueError:
            rep.error(
                at("theme"), "theme", f"'{theme}' is not a theme name (a folder name under themes/)"
            )
    checks = {
        "issn": check_issn,
        "language": check_language,
        "base_url": check_base_url,
        "license": check_license,
    }
    for key, check in checks.items():
        value = checked(rep, check, raw.get(key), at(key), key)
        if value is not None:
            values[key] = value
    for key, allowed in (
        ("citation_style", CITATION_STYLES),
        ("cid_profile", CID_PROFILES),
        ("unknown_citations", SEVERITIES),
    ):
        value = as_text(rep, raw.get(key), at(key), key)
        if value is None:
            continue
        if value in allowed:
            values[key] = value
        else:
            rep.error(
                at(key),
                key,
                f"must be one of {', '.join(allowed)}, not '{value}'"
                + did_you_mean(value, allowed, 0.6),
            )
    if "gateways" in raw:
        gateways = raw["gateways"]
        if isinstance(gateways, list):
            hosts = [
                checked(rep, check_host, g, line_in(gateways, i, at("gateways")), f"gateways[{i}]")
                for i, g in enumerate(gateways)
            ]
            values["gateways"] = tuple(h for h in hosts if h)
        elif gateways is not None:
            rep.error(at("gateways"), "gateways", "must be a list of host names")
    attestations, att_diags = parse_attestations(raw.get("attestations"), display)
    deploy, dep_diags = parse_deploy(raw.get("deploy"), display)
    rep.diags.extend(att_diags)
    rep.diags.extend(dep_diags)
    return JournalConfig(
        root=root,
        path=display,
        title=title or root.resolve().name,
        attestations=attestations,
        deploy=deploy,
        lines=dict(raw.lines),
        **values,
    )


def _blank(value: object) -> bool:
    """True for a missing or whitespace-only value (wrong types are reported elsewhere)."""
    return value is None or (isinstance(value, str) and not value.strip())
