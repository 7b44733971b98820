"""What a paper page shows for each attestation: a state, a reason in words, and details."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

STATES = ("verified", "signed", "invalid", "expired", "revoked", "unchecked")
"""verified: valid, trusted attester; signed: valid, attester not in the journal's list;
invalid: failed a check (the reason says which); expired / revoked: valid once, not now;
unchecked: an on-chain reference an offline build could not read."""


@dataclass(frozen=True, slots=True)
class Badge:
    state: str
    """One of :data:`STATES`."""
    reason: str
    """In words, shown on the page (never colour alone)."""
    uid: str | None = None
    attester: str | None = None
    attester_name: str | None = None
    role: str | None = None
    decision: str | None = None
    time: int | None = None
    """Unix seconds the attester put in the attestation."""
    schema: str | None = None
    """Schema UID."""
    chain: str | None = None
    chain_id: int | None = None
    cid: str | None = None
    """The CID the attestation names (may differ from the paper's when invalid)."""
    offchain: bool = True
    file: str | None = None
    """File name of the offchain JSON (published at papers/<slug>/attestations/<file>)."""
    links: tuple[tuple[str, str], ...] = ()
    """(label, absolute URL): explorer / easscan offchain URL."""
    comment: str | None = None

    @property
    def valid(self) -> bool:
        """True for states whose signature and binding checked out (even if not trusted)."""
        return self.state in ("verified", "signed")


def utc_date(ts: int) -> str:
    """``2026-11-26`` for a Unix time; reasons name dates, not raw seconds."""
    return dt.datetime.fromtimestamp(ts, dt.UTC).strftime("%Y-%m-%d")
