"""The ``attestations:`` section of ``sitegen.yaml``."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class SchemaConfig:
    definition: str
    """The EAS schema string, e.g. ``bytes32 contentHash,string cid,string decision``."""
    cid_field: str = "cid"
    decision_field: str = "decision"
    uid: str | None = None
    """Schema UID; computed from the definition, a configured one must match."""


@dataclass(frozen=True, slots=True)
class Attester:
    address: str
    name: str
    role: str = "editor"


@dataclass(frozen=True, slots=True)
class AttestationConfig:
    schemas: tuple[SchemaConfig, ...] = ()
    attesters: tuple[Attester, ...] = ()
    rpc: tuple[tuple[str, str], ...] = ()
    """(chain name, RPC URL) pairs used by ``--online``."""


def parse_attestations(raw: object, path: str) -> tuple[AttestationConfig, list]:
    """Validate the raw ``attestations:`` mapping (a ``LineDict``) from ``sitegen.yaml``.

    Returns the config and a list of ``Diagnostic`` (empty when all is well).
    """
    from sitegen.errors import Diagnostic

    if raw is None:
        return AttestationConfig(), []
    if not isinstance(raw, dict):
        return AttestationConfig(), [
            Diagnostic(path, getattr(raw, "line", None), "attestations", "must be a mapping")
        ]
    schemas = tuple(
        SchemaConfig(
            definition=str(s.get("definition", "")),
            cid_field=str(s.get("cid_field", "cid")),
            decision_field=str(s.get("decision_field", "decision")),
            uid=s.get("uid"),
        )
        for s in raw.get("schemas") or ()
        if isinstance(s, dict)
    )
    attesters = tuple(
        Attester(
            address=str(a.get("address", "")),
            name=str(a.get("name", "")),
            role=str(a.get("role", "editor")),
        )
        for a in raw.get("attesters") or ()
        if isinstance(a, dict)
    )
    return AttestationConfig(schemas=schemas, attesters=attesters), []
