"""The ``deploy:`` section of ``sitegen.yaml``: named targets."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class DeployTarget:
    name: str
    provider: str
    """4everland | filebase | storj | s3"""
    bucket: str
    endpoint: str | None = None
    region: str | None = None
    prefix: str = ""
    mode: str = "files"
    """files | car"""
    domain: str | None = None
    """Domain for the DNSLink record printed after a deploy."""


def parse_deploy(raw: object, path: str) -> tuple[dict[str, DeployTarget], list]:
    """Validate the raw ``deploy:`` mapping (a ``LineDict``) from ``sitegen.yaml``.

    Returns ``{target name: DeployTarget}`` and a list of ``Diagnostic``.
    """
    from sitegen.errors import Diagnostic

    if raw is None:
        return {}, []
    if not isinstance(raw, dict):
        return {}, [Diagnostic(path, getattr(raw, "line", None), "deploy", "must be a mapping")]
    targets: dict[str, DeployTarget] = {}
    for name, spec in raw.items():
        if isinstance(spec, dict):
            targets[name] = DeployTarget(
                name=name,
                provider=str(spec.get("provider", "s3")),
                bucket=str(spec.get("bucket", "")),
                endpoint=spec.get("endpoint"),
                region=spec.get("region"),
                prefix=str(spec.get("prefix", "")),
                mode=str(spec.get("mode", "files")),
            )
    return targets, []
