"""Turning an attestation (offchain document or on-chain record) into a :class:`Badge`.

Every check runs and every failure is named, so an editor sees at once that, say, the
signature is fine but the CID is another paper's. A badge is only ``verified`` or
``signed`` when nothing failed; expiry and revocation are judged after validity.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

from sitegen.attest.abi import AbiError, decode_schema_data
from sitegen.attest.badges import Badge, utc_date
from sitegen.attest.chains import (
    Chain,
    attestation_url,
    chain_by_id,
    offchain_url,
    schema_url,
)
from sitegen.attest.config import AttestationConfig, SchemaConfig
from sitegen.attest.eas import (
    DOMAIN_NAME,
    checksum_address,
    offchain_uid,
    recover_address,
    typed_data_digest,
)
from sitegen.attest.offchain import FormatError, SignedOffchain, parse_signed, to_compact


@dataclass(frozen=True, slots=True)
class Verification:
    """A badge plus the individual reasons (``attest verify --json`` lists them)."""

    badge: Badge
    reasons: tuple[str, ...]
    problem_key: str | None = None
    """JSON key of the first problem, to point a diagnostic at its line."""


def _cid_key(cid: str) -> tuple[int, int, bytes] | str:
    """Compare CIDs by content: ``Qm…`` and ``bafy…`` of the same dag-pb node are equal."""
    from sitegen.ipfs.cid import CidError, cid_from_str, cid_parts

    try:
        p = cid_parts(cid_from_str(cid))
    except (CidError, ValueError):
        return cid.strip()
    return (p.codec, p.hash_code, p.digest)


def cid_digest(cid: str) -> bytes | None:
    """The multihash digest of a sha2-256 CID: what the schema's ``contentHash`` holds."""
    from sitegen.ipfs.cid import SHA2_256, CidError, cid_from_str, cid_parts

    try:
        p = cid_parts(cid_from_str(cid))
    except (CidError, ValueError):
        return None
    return p.digest if p.hash_code == SHA2_256 else None


def same_cid(a: str, b: str) -> bool:
    return _cid_key(a) == _cid_key(b)


def _check_data(
    schema: SchemaConfig | None, data: bytes, expected_cid: str | None, reasons: list[str]
) -> dict[str, Any]:
    """Decode ``data`` by the schema and check its CID binding; append what failed."""
    if schema is None:
        return {}
    try:
        values = decode_schema_data(schema.fields, data)
    except AbiError as exc:
        reasons.append(f"data does not decode as the schema ({exc})")
        return {}
    cid = values.get(schema.cid_field)
    if not isinstance(cid, str) or not cid:
        reasons.append(f"the schema field {schema.cid_field!r} holds no CID")
    elif expected_cid is not None and not same_cid(cid, expected_cid):
        reasons.append(f"attests CID {cid}, but this paper's bundle CID is {expected_cid}")
    if schema.hash_field and isinstance(cid, str):
        digest = cid_digest(expected_cid or cid)
        got = values.get(schema.hash_field)
        if digest is not None and got != "0x" + digest.hex():
            reasons.append(f"{schema.hash_field} is not the sha2-256 digest of the CID")
    return values


def _judge(
    base: Badge, reasons: list[str], expiration: int, revoked_at: int, now: int, config: Any
) -> Badge:
    if reasons:
        return replace(base, state="invalid", reason="invalid: " + "; ".join(reasons))
    if revoked_at:
        return replace(base, state="revoked", reason=f"revoked on {utc_date(revoked_at)}")
    if expiration and expiration <= now:
        return replace(base, state="expired", reason=f"expired on {utc_date(expiration)}")
    who = config.attester(base.attester or "")
    if who is None:
        return replace(
            base,
            state="signed",
            reason=f"valid signature by {base.attester}, who is not one of the journal's attesters",
        )
    return replace(
        base,
        state="verified",
        attester_name=who.name,
        role=who.role,
        reason=f"verified: signed by {who.name} ({who.role}) for this paper's bundle CID",
    )


def _field(values: dict[str, Any], name: str | None) -> str | None:
    v = values.get(name) if name else None
    return str(v) if v is not None and v != "" else None


def check_offchain(
    doc: Any,
    *,
    expected_cid: str | None,
    config: AttestationConfig,
    now: int,
    file: str | None = None,
) -> Verification:
    """Verify one offchain attestation document against the journal's configuration."""
    try:
        att = parse_signed(doc)
    except FormatError as exc:
        reason = f"not an EAS offchain attestation we can read: {exc}"
        return Verification(Badge("invalid", "invalid: " + reason, file=file), (reason,), exc.key)
    reasons: list[str] = []
    key: str | None = None
    chain = chain_by_id(att.chain_id, config.chains)
    if chain is None:
        reasons.append(f"chain id {att.chain_id} is not a known EAS/BAS chain")
        key = "chainId"
    elif att.contract.lower() != chain.eas.lower():
        reasons.append(
            f"verifying contract {att.contract} is not the {chain.service} contract "
            f"on {chain.title} ({chain.eas})"
        )
        key = "verifyingContract"
    if att.domain_name != DOMAIN_NAME:
        reasons.append(f"EIP-712 domain name is {att.domain_name!r}, not {DOMAIN_NAME!r}")
        key = key or "domain"
    if offchain_uid(att.message).lower() != att.uid.lower():
        reasons.append("the UID does not match the signed contents (altered after signing?)")
        key = key or "uid"
    attester = _signer(att, reasons)
    if attester is None:
        key = key or "signature"
    schema = config.schema_by_uid(att.message.schema)
    if schema is None:
        reasons.append(f"schema {att.message.schema} is not one of the journal's schemas")
        key = key or "schema"
    bad_before = len(reasons)
    values = _check_data(schema, att.message.data, expected_cid, reasons)
    if len(reasons) > bad_before:
        key = key or "data"
    base = Badge(
        state="invalid",
        reason="",
        uid=att.uid,
        attester=attester or att.signer,
        decision=_field(values, schema.decision_field if schema else None),
        time=att.message.time,
        schema=att.message.schema,
        chain=chain.name if chain else None,
        chain_id=att.chain_id,
        cid=_field(values, schema.cid_field if schema else None),
        offchain=True,
        file=file,
        links=_offchain_links(att, chain, attester or att.signer),
        comment=_field(values, schema.comment_field if schema else None),
    )
    badge = _judge(base, reasons, att.message.expiration_time, 0, now, config)
    return Verification(badge, tuple(reasons), key)


def _signer(att: SignedOffchain, reasons: list[str]) -> str | None:
    digest = typed_data_digest(
        att.message,
        domain_version=att.domain_version,
        chain_id=att.chain_id,
        contract=att.contract,
        primary_type=att.primary_type,
    )
    try:
        recovered = recover_address(digest, att.r, att.s, att.v)
    except ValueError as exc:
        reasons.append(f"the signature is malformed ({exc})")
        return None
    if att.signer is not None and recovered != att.signer:
        reasons.append(f"the signature was not made by the stated signer {att.signer}")
        return None
    return recovered


def _offchain_links(
    att: SignedOffchain, chain: Chain | None, signer: str | None
) -> tuple[tuple[str, str], ...]:
    if chain is None or signer is None:
        return ()
    links = []
    url = offchain_url(chain, to_compact(att, signer))
    if url:
        links.append(("View on easscan", url))
    s_url = schema_url(chain, att.message.schema)
    if s_url:
        links.append(("Schema", s_url))
    return tuple(links)


@dataclass(frozen=True, slots=True)
class OnchainAttestation:
    """EAS ``getAttestation`` result (eas-contracts ``Common.sol`` ``Attestation``)."""

    uid: str
    schema: str
    time: int
    expiration_time: int
    revocation_time: int
    ref_uid: str
    recipient: str
    attester: str
    revocable: bool
    data: bytes


def check_onchain(
    uid: str,
    chain: Chain,
    record: OnchainAttestation | None,
    *,
    expected_cid: str | None,
    config: AttestationConfig,
    now: int,
    note: str = "",
) -> Badge:
    """Judge an on-chain attestation read by RPC (or replayed from the lock file)."""
    links: list[tuple[str, str]] = []
    url = attestation_url(chain, uid)
    if url:
        links.append((f"View on {chain.service} explorer", url))
    base = Badge("invalid", "", uid=uid, chain=chain.name, chain_id=chain.chain_id, offchain=False)
    base = replace(base, links=tuple(links))
    if record is None or int(record.uid, 16) == 0:
        return replace(base, reason=f"invalid: no attestation with this UID on {chain.title}{note}")
    reasons: list[str] = []
    if record.uid.lower() != uid.lower():
        reasons.append(f"the contract returned attestation {record.uid} instead")
    schema = config.schema_by_uid(record.schema)
    if schema is None:
        reasons.append(f"schema {record.schema} is not one of the journal's schemas")
    values = _check_data(schema, record.data, expected_cid, reasons)
    base = replace(
        base,
        attester=checksum_address(record.attester),
        decision=_field(values, schema.decision_field if schema else None),
        time=record.time,
        schema=record.schema,
        cid=_field(values, schema.cid_field if schema else None),
        comment=_field(values, schema.comment_field if schema else None),
    )
    badge = _judge(base, reasons, record.expiration_time, record.revocation_time, now, config)
    return replace(badge, reason=badge.reason + note)


def unchecked(uid: str, chain: Chain, reason: str) -> Badge:
    url = attestation_url(chain, uid)
    links = ((f"View on {chain.service} explorer", url),) if url else ()
    return Badge(
        "unchecked",
        reason,
        uid=uid,
        chain=chain.name,
        chain_id=chain.chain_id,
        offchain=False,
        links=links,
    )
