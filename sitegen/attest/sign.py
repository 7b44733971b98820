"""Signing offchain attestations over a paper's bundle CID, and loading the signing key.

The key is only ever held as bytes in memory: never formatted into a message, an exception
or a log line (errors about keys say what is wrong with the *source*, not the value).
"""

from __future__ import annotations

import json
import os
import re
import secrets
from dataclasses import dataclass
from typing import Any

from Crypto.Cipher import AES
from Crypto.Hash import SHA256
from Crypto.Protocol.KDF import PBKDF2, scrypt

from sitegen.attest.abi import encode
from sitegen.attest.chains import Chain
from sitegen.attest.config import SchemaConfig
from sitegen.attest.eas import (
    ZERO_ADDRESS,
    ZERO_BYTES32,
    OffchainMessage,
    address_of_key,
    keccak256,
    offchain_uid,
    sign_digest,
    typed_data_digest,
)
from sitegen.attest.offchain import SignedOffchain, to_document
from sitegen.attest.verify import cid_digest
from sitegen.errors import UsageError


class SigningKeyError(UsageError):
    """The signing key could not be loaded (exit 2); the message never contains the key."""


def key_from_env(var: str, env: dict[str, str] | None = None) -> bytes:
    """A 32-byte secp256k1 private key from ``$VAR`` (hex, with or without ``0x``)."""
    value = (env if env is not None else os.environ).get(var)
    if not value:
        raise SigningKeyError(f"environment variable {var} is not set or empty")
    text = value.strip()
    text = text[2:] if text[:2].lower() == "0x" else text
    if not re.fullmatch(r"[0-9a-fA-F]{64}", text):
        raise SigningKeyError(f"environment variable {var} does not hold a 32-byte hex private key")
    return bytes.fromhex(text)


def _bytes(value: object) -> bytes:
    """pycryptodome's KDFs are typed as possibly returning a tuple of keys; we ask for one."""
    if not isinstance(value, bytes):
        raise SigningKeyError("keystore key derivation returned no key")
    return value


def key_from_keystore(keystore: dict[str, Any], password: str) -> bytes:
    """Decrypt a Web3 Secret Storage (v3) keystore: scrypt or pbkdf2, AES-128-CTR, Keccak MAC."""
    crypto = keystore.get("crypto") or keystore.get("Crypto")
    if not isinstance(crypto, dict) or keystore.get("version") != 3:
        raise SigningKeyError("keystore is not a version 3 JSON keystore")
    try:
        params = crypto["kdfparams"]
        salt = bytes.fromhex(params["salt"])
        secret = password.encode("utf-8")
        if crypto["kdf"] == "scrypt":
            derived = _bytes(
                scrypt(secret, salt, params["dklen"], N=params["n"], r=params["r"], p=params["p"])  # type: ignore[arg-type]
            )
        elif crypto["kdf"] == "pbkdf2" and params.get("prf", "hmac-sha256") == "hmac-sha256":
            derived = _bytes(
                PBKDF2(secret, salt, params["dklen"], params["c"], hmac_hash_module=SHA256)  # type: ignore[arg-type]
            )
        else:
            raise SigningKeyError(f"unsupported keystore kdf {crypto['kdf']!r}")
        ciphertext = bytes.fromhex(crypto["ciphertext"])
        iv = bytes.fromhex(crypto["cipherparams"]["iv"])
        mac = bytes.fromhex(crypto["mac"])
    except (KeyError, TypeError, ValueError) as exc:
        raise SigningKeyError(f"keystore is malformed (missing or bad {exc})") from None
    if crypto.get("cipher") != "aes-128-ctr":
        raise SigningKeyError(f"unsupported keystore cipher {crypto.get('cipher')!r}")
    if keccak256(derived[16:32] + ciphertext) != mac:
        raise SigningKeyError("wrong keystore password (MAC mismatch)")
    cipher = AES.new(derived[:16], AES.MODE_CTR, initial_value=iv, nonce=b"")
    return cipher.decrypt(ciphertext)


def paper_values(
    schema: SchemaConfig, *, cid: str, decision: str, comment: str | None
) -> list[Any]:
    """Values for each schema field, in order: CID, its digest, decision, comment; else zero."""
    if comment is not None and not schema.comment_field:
        raise UsageError(
            f"the schema {schema.definition!r} has no comment field; "
            "add one (e.g. 'string comment') and set comment_field"
        )
    if not schema.decision_field:
        raise UsageError(f"the schema {schema.definition!r} has no decision field")
    digest = cid_digest(cid)
    values: list[Any] = []
    for f in schema.fields:
        if f.name == schema.cid_field:
            values.append(cid)
        elif f.name == schema.decision_field:
            values.append(decision)
        elif f.name == schema.comment_field:
            values.append(comment or "")
        elif f.name == schema.hash_field:
            if digest is None:
                raise UsageError(f"{cid} is not a sha2-256 CID; cannot fill {f.name}")
            values.append("0x" + digest.hex())
        else:
            values.append(_zero(f.type))
    return values


def _zero(t: str) -> Any:
    if t.endswith("[]"):
        return []
    if t == "string":
        return ""
    if t == "bool":
        return False
    if t == "address":
        return ZERO_ADDRESS
    if t == "bytes":
        return "0x"
    if t.startswith("bytes"):
        return "0x" + "00" * int(t[5:])
    return 0


@dataclass(frozen=True, slots=True)
class SignRequest:
    """Everything an offchain attestation commits to, apart from the key."""

    chain: Chain
    schema: SchemaConfig
    values: tuple[Any, ...]
    time: int
    expiration_time: int = 0
    recipient: str = ZERO_ADDRESS
    ref_uid: str = ZERO_BYTES32
    version: int = 2
    salt: bytes | None = None
    """v2 only; 32 random bytes when None (as the SDK does)."""
    domain_version: str | None = None
    """EIP-712 domain version; the chain's EAS version when None."""


def sign_offchain(request: SignRequest, private_key: bytes) -> dict[str, Any]:
    """Sign and return the ``{"sig", "signer"}`` document the EAS SDK and easscan use."""
    data = encode([f.type for f in request.schema.fields], list(request.values))
    salt = None
    if request.version >= 2:
        salt = request.salt if request.salt is not None else secrets.token_bytes(32)
    msg = OffchainMessage(
        version=request.version,
        schema=(request.schema.uid or "").lower(),
        recipient=request.recipient,
        time=request.time,
        expiration_time=request.expiration_time,
        revocable=request.schema.revocable,
        ref_uid=request.ref_uid,
        data=data,
        salt=salt,
    )
    primary = "Attest" if request.version else "Attestation"
    version = request.domain_version or request.chain.version
    digest = typed_data_digest(
        msg,
        domain_version=version,
        chain_id=request.chain.chain_id,
        contract=request.chain.eas,
        primary_type=primary,
    )
    r, s, v = sign_digest(digest, private_key)
    att = SignedOffchain(
        uid=offchain_uid(msg),
        message=msg,
        domain_name="EAS Attestation",
        domain_version=version,
        chain_id=request.chain.chain_id,
        contract=request.chain.eas,
        primary_type=primary,
        r=r,
        s=s,
        v=v,
        signer=address_of_key(private_key),
    )
    return to_document(att)


def attestation_filename(decision: str, uid: str) -> str:
    """``accept-854d8e26.json``: decision (file-name safe) plus a short UID."""
    slug = re.sub(r"[^a-z0-9]+", "-", decision.lower()).strip("-") or "attestation"
    return f"{slug}-{uid[2:10]}.json"


def dump_document(doc: dict[str, Any]) -> str:
    return json.dumps(doc, indent=2, ensure_ascii=False) + "\n"
