"""Reading and writing offchain attestation documents in every shape found in the wild.

Shapes accepted (spec 3.2): the easscan package ``{"sig": …, "signer": …}`` and the bare
signed object; versions 0, 1 and 2 (``version`` on the object or only in ``message``);
``signature: {r, s, v}`` or the older top-level ``r, s, v``; chainId and times as numbers,
decimal or hex strings, or ethers v5 ``{"type": "BigNumber", "hex": …}``; a ``nonce``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sitegen.attest.eas import (
    OFFCHAIN_FIELDS,
    ZERO_ADDRESS,
    ZERO_BYTES32,
    OffchainMessage,
    checksum_address,
    hex_to_bytes,
)


class FormatError(ValueError):
    """The document is not an offchain attestation we can read; ``key`` locates the problem."""

    def __init__(self, message: str, key: str | None = None) -> None:
        super().__init__(message)
        self.key = key


@dataclass(frozen=True, slots=True)
class SignedOffchain:
    """A parsed offchain attestation: what was signed, how, and by whom it claims to be."""

    uid: str
    message: OffchainMessage
    domain_name: str
    domain_version: str
    chain_id: int
    contract: str
    primary_type: str
    r: bytes
    s: bytes
    v: int
    signer: str | None
    """The signer the wrapper claims (None for a bare object: the signature decides)."""


def _int(value: Any, key: str) -> int:
    if isinstance(value, dict):
        value = value.get("hex", value.get("_hex"))
    if isinstance(value, bool):
        raise FormatError(f"{key} must be a number", key)
    if isinstance(value, int):
        return value
    if isinstance(value, str):
        text = value.strip()
        try:
            return int(text, 16) if text[:2].lower() == "0x" else int(text, 10)
        except ValueError:
            pass
    raise FormatError(f"{key} must be a number, got {value!r}", key)


def _hex(value: Any, key: str, size: int | None = None) -> bytes:
    try:
        return hex_to_bytes(value, size)
    except (ValueError, TypeError) as exc:
        raise FormatError(f"{key}: {exc}", key) from exc


def _get(obj: dict[str, Any], key: str) -> Any:
    if key not in obj:
        raise FormatError(f"missing {key!r}", key)
    return obj[key]


def _check_types(sig: dict[str, Any], primary: str, version: int) -> None:
    types = sig.get("types")
    if types is None:
        return
    if not isinstance(types, dict) or not isinstance(types.get(primary), list):
        raise FormatError(f"types has no {primary!r} entry", "types")
    got = [(f.get("name"), f.get("type")) for f in types[primary] if isinstance(f, dict)]
    if got != list(OFFCHAIN_FIELDS[version]):
        raise FormatError(f"types.{primary} do not match offchain version {version}", "types")


def parse_signed(doc: Any) -> SignedOffchain:
    """Normalise any accepted shape; raises FormatError naming the first bad key."""
    if not isinstance(doc, dict):
        raise FormatError("an attestation file must hold a JSON object")
    inner = doc.get("sig")
    sig: dict[str, Any] = inner if isinstance(inner, dict) else doc
    signer = doc.get("signer") if sig is not doc else None
    if signer is not None:
        try:
            signer = checksum_address(signer)
        except (ValueError, TypeError) as exc:
            raise FormatError(f"signer is not an address: {signer!r}", "signer") from exc
    message = _get(sig, "message")
    domain = _get(sig, "domain")
    if not isinstance(message, dict) or not isinstance(domain, dict):
        raise FormatError("message and domain must be objects", "message")
    version = _int(sig.get("version", message.get("version", 0)), "version")
    if "version" in message and _int(message["version"], "version") != version:
        raise FormatError("version differs between the object and its message", "version")
    if version not in OFFCHAIN_FIELDS:
        raise FormatError(f"unknown offchain version {version}", "version")
    primary = sig.get("primaryType", "Attest")
    allowed = ("Attest", "Attestation") if version == 0 else ("Attest",)
    if primary not in allowed:
        raise FormatError(f"primaryType {primary!r} is not {' or '.join(allowed)}", "primaryType")
    _check_types(sig, primary, version)
    salt = _hex(_get(message, "salt"), "salt", 32) if version >= 2 else None
    schema = _get(message, "schema")
    _hex(schema, "schema", 32)
    recipient = message.get("recipient") or ZERO_ADDRESS
    _hex(recipient, "recipient", 20)
    ref_uid = message.get("refUID") or ZERO_BYTES32
    _hex(ref_uid, "refUID", 32)
    revocable = message.get("revocable", True)
    if not isinstance(revocable, bool):
        raise FormatError("revocable must be true or false", "revocable")
    msg = OffchainMessage(
        version=version,
        schema=schema,
        recipient=recipient,
        time=_int(_get(message, "time"), "time"),
        expiration_time=_int(message.get("expirationTime", 0), "expirationTime"),
        revocable=revocable,
        ref_uid=ref_uid,
        data=_hex(message.get("data", "0x"), "data"),
        salt=salt,
    )
    rsv = sig.get("signature")
    sigpart: dict[str, Any] = rsv if isinstance(rsv, dict) else sig
    uid = _get(sig, "uid")
    _hex(uid, "uid", 32)
    contract = _get(domain, "verifyingContract")
    _hex(contract, "verifyingContract", 20)
    return SignedOffchain(
        uid=uid,
        message=msg,
        domain_name=str(domain.get("name", "")),
        domain_version=str(_get(domain, "version")),
        chain_id=_int(_get(domain, "chainId"), "chainId"),
        contract=contract,
        primary_type=primary,
        r=_hex(_get(sigpart, "r"), "signature", 32),
        s=_hex(_get(sigpart, "s"), "signature", 32),
        v=_int(_get(sigpart, "v"), "signature"),
        signer=signer,
    )


def to_document(att: SignedOffchain) -> dict[str, Any]:
    """The easscan/SDK package ``{"sig": …, "signer": …}`` for a signed attestation."""
    m = att.message
    message: dict[str, Any] = {
        "version": m.version,
        "schema": m.schema,
        "recipient": m.recipient,
        "time": m.time,
        "expirationTime": m.expiration_time,
        "revocable": m.revocable,
        "refUID": m.ref_uid,
        "data": "0x" + m.data.hex(),
    }
    if m.version == 0:
        del message["version"]
    if m.salt is not None:
        message["salt"] = "0x" + m.salt.hex()
    sig: dict[str, Any] = {"version": m.version} if m.version else {}
    sig |= {
        "uid": att.uid,
        "domain": {
            "name": att.domain_name,
            "version": att.domain_version,
            "chainId": str(att.chain_id),
            "verifyingContract": att.contract,
        },
        "primaryType": att.primary_type,
        "types": {
            att.primary_type: [{"name": n, "type": t} for n, t in OFFCHAIN_FIELDS[m.version]]
        },
        "message": message,
        "signature": {"v": att.v, "r": "0x" + att.r.hex(), "s": "0x" + att.s.hex()},
    }
    return {"sig": sig, "signer": att.signer}


def to_compact(att: SignedOffchain, signer: str) -> list[object]:
    """eas-sdk ``createOffchainURL`` compact array; zero address/refUID become ``"0"``."""
    m = att.message
    out: list[object] = [
        att.domain_version,
        str(att.chain_id),
        att.contract,
        "0x" + att.r.hex(),
        "0x" + att.s.hex(),
        att.v,
        signer,
        att.uid,
        m.schema,
        "0" if int(m.recipient, 16) == 0 else m.recipient,
        m.time,
        m.expiration_time,
        "0" if int(m.ref_uid, 16) == 0 else m.ref_uid,
        m.revocable,
        "0x" + m.data.hex(),
        0,
        m.version,
    ]
    # Newer SDKs always end with the salt slot (null before v2); older URLs stop at 17.
    out.append("0x" + m.salt.hex() if m.salt is not None else None)
    return out


def from_compact(arr: list[Any]) -> dict[str, Any]:
    """Rebuild the ``{"sig", "signer"}`` document from a decoded shareable-URL array."""
    if len(arr) < 16:
        raise FormatError("compact attestation array is too short")
    version = int(arr[16]) if len(arr) > 16 else 0
    message: dict[str, Any] = {
        "version": version,
        "schema": arr[8],
        "recipient": ZERO_ADDRESS if arr[9] == "0" else arr[9],
        "time": arr[10],
        "expirationTime": arr[11],
        "refUID": ZERO_BYTES32 if arr[12] == "0" else arr[12],
        "revocable": arr[13],
        "data": arr[14],
        "nonce": arr[15],
    }
    if version >= 2:
        message["salt"] = arr[17] if len(arr) > 17 and arr[17] else ZERO_BYTES32
    sig = {
        "version": version,
        "domain": {
            "name": "EAS Attestation",
            "version": arr[0],
            "chainId": arr[1],
            "verifyingContract": arr[2],
        },
        "primaryType": "Attest" if version else "Attestation",
        "signature": {"r": arr[3], "s": arr[4], "v": arr[5]},
        "uid": arr[7],
        "message": message,
    }
    return {"sig": sig, "signer": arr[6]}
