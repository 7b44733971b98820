"""EAS primitives: Keccak-256, addresses, schema UIDs, offchain UIDs, EIP-712 digests, ECDSA.

Everything here is pure and byte-exact with eas-sdk ``src/offchain/offchain.ts`` and
eas-contracts ``SchemaRegistry._getUID``, and is tested against their vectors.
``hashlib.sha3_256`` is the NIST padding, not Ethereum's Keccak-256, hence pycryptodome.
"""

from __future__ import annotations

from dataclasses import dataclass

ZERO_ADDRESS = "0x" + "00" * 20
ZERO_BYTES32 = "0x" + "00" * 32
SECP256K1_N = 0xFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFEBAAEDCE6AF48A03BBFD25E8CD0364141
DOMAIN_NAME = "EAS Attestation"
DOMAIN_TYPE = "EIP712Domain(string name,string version,uint256 chainId,address verifyingContract)"

_COMMON_FIELDS = (
    ("schema", "bytes32"),
    ("recipient", "address"),
    ("time", "uint64"),
    ("expirationTime", "uint64"),
    ("revocable", "bool"),
    ("refUID", "bytes32"),
    ("data", "bytes"),
)
OFFCHAIN_FIELDS: dict[int, tuple[tuple[str, str], ...]] = {
    0: _COMMON_FIELDS,
    1: (("version", "uint16"), *_COMMON_FIELDS),
    2: (("version", "uint16"), *_COMMON_FIELDS, ("salt", "bytes32")),
}
"""EIP-712 fields of the offchain ``Attest`` type, per offchain version (0 = legacy)."""


def keccak256(data: bytes) -> bytes:
    # imported here: pycryptodome loads its C code through cffi, which parses C
    # declarations at import (tens of ms), and most builds verify no attestation
    from Crypto.Hash import keccak

    return keccak.new(digest_bits=256, data=data).digest()


def hex_to_bytes(value: str, size: int | None = None) -> bytes:
    """``0x``-hex to bytes; ValueError unless it is hex (and ``size`` bytes when given)."""
    if not isinstance(value, str) or not value[:2].lower() == "0x":
        raise ValueError(f"expected 0x-prefixed hex, got {value!r}")
    raw = bytes.fromhex(value[2:])
    if size is not None and len(raw) != size:
        raise ValueError(f"expected {size} bytes, got {len(raw)}: {value!r}")
    return raw


def checksum_address(address: str | bytes) -> str:
    """EIP-55 mixed-case form; raises ValueError for anything but 20 bytes."""
    raw = address if isinstance(address, bytes) else hex_to_bytes(address, 20)
    if len(raw) != 20:
        raise ValueError("an address is 20 bytes")
    low = raw.hex()
    digest = keccak256(low.encode("ascii")).hex()
    return "0x" + "".join(c.upper() if int(digest[i], 16) >= 8 else c for i, c in enumerate(low))


def is_address(value: object) -> bool:
    if not isinstance(value, str):
        return False
    try:
        hex_to_bytes(value, 20)
    except ValueError:
        return False
    return True


def schema_uid(definition: str, resolver: str = ZERO_ADDRESS, revocable: bool = True) -> str:
    """``keccak256(abi.encodePacked(schema, resolver, revocable))``; the string is hashed as is."""
    packed = definition.encode("utf-8") + hex_to_bytes(resolver, 20) + bytes([int(revocable)])
    return "0x" + keccak256(packed).hex()


@dataclass(frozen=True, slots=True)
class OffchainMessage:
    """The signed fields of an offchain attestation, normalised (ints as int, hex as str)."""

    version: int
    schema: str
    """Schema UID as written in the message (the offchain UID hashes this very string)."""
    recipient: str
    time: int
    expiration_time: int
    revocable: bool
    ref_uid: str
    data: bytes
    salt: bytes | None = None


def offchain_uid(msg: OffchainMessage) -> str:
    """eas-sdk ``getOffchainUID``: keccak of solidityPacked fields (see spec 3.2).

    The quirk: the schema goes in as the UTF-8 bytes of its ``0x…`` string, not 32 raw bytes.
    """
    parts = [
        msg.schema.encode("utf-8"),
        hex_to_bytes(msg.recipient, 20),
        bytes(20),
        msg.time.to_bytes(8, "big"),
        msg.expiration_time.to_bytes(8, "big"),
        bytes([int(msg.revocable)]),
        hex_to_bytes(msg.ref_uid, 32),
        msg.data,
    ]
    if msg.version >= 1:
        parts.insert(0, msg.version.to_bytes(2, "big"))
    if msg.version >= 2:
        parts.append(msg.salt or bytes(32))
    parts.append(bytes(4))
    return "0x" + keccak256(b"".join(parts)).hex()


def type_string(primary_type: str, version: int) -> str:
    fields = ",".join(f"{t} {n}" for n, t in OFFCHAIN_FIELDS[version])
    return f"{primary_type}({fields})"


def domain_separator(version: str, chain_id: int, contract: str) -> bytes:
    return keccak256(
        keccak256(DOMAIN_TYPE.encode())
        + keccak256(DOMAIN_NAME.encode())
        + keccak256(version.encode("utf-8"))
        + chain_id.to_bytes(32, "big")
        + hex_to_bytes(contract, 20).rjust(32, b"\0")
    )


def struct_hash(msg: OffchainMessage, primary_type: str = "Attest") -> bytes:
    words = [keccak256(type_string(primary_type, msg.version).encode())]
    if msg.version >= 1:
        words.append(msg.version.to_bytes(32, "big"))
    words += [
        hex_to_bytes(msg.schema, 32),
        hex_to_bytes(msg.recipient, 20).rjust(32, b"\0"),
        msg.time.to_bytes(32, "big"),
        msg.expiration_time.to_bytes(32, "big"),
        int(msg.revocable).to_bytes(32, "big"),
        hex_to_bytes(msg.ref_uid, 32),
        keccak256(msg.data),
    ]
    if msg.version >= 2:
        words.append(msg.salt or bytes(32))
    return keccak256(b"".join(words))


def typed_data_digest(
    msg: OffchainMessage, *, domain_version: str, chain_id: int, contract: str, primary_type: str
) -> bytes:
    """The EIP-712 digest ``keccak(0x1901 ‖ domainSeparator ‖ structHash)`` that is signed."""
    return keccak256(
        b"\x19\x01"
        + domain_separator(domain_version, chain_id, contract)
        + struct_hash(msg, primary_type)
    )


def recover_address(digest: bytes, r: bytes, s: bytes, v: int) -> str:
    """The checksummed address whose key made signature (r, s, v) over ``digest``.

    Raises ValueError for out-of-range values (high ``s`` included, as EIP-2 forbids it).
    """
    recid = v - 27 if v >= 27 else v
    if recid not in (0, 1):
        raise ValueError(f"signature v must be 27 or 28, got {v}")
    r_n, s_n = int.from_bytes(r, "big"), int.from_bytes(s, "big")
    if not (0 < r_n < SECP256K1_N and 0 < s_n <= SECP256K1_N // 2):
        raise ValueError("signature r or s is out of range")
    sig = r.rjust(32, b"\0") + s.rjust(32, b"\0") + bytes([recid])
    try:
        import coincurve

        pub = coincurve.PublicKey.from_signature_and_message(sig, digest, hasher=None)
    except Exception as exc:  # coincurve raises a bare Exception on unrecoverable input
        raise ValueError("signature does not recover to a public key") from exc
    return checksum_address(keccak256(pub.format(compressed=False)[1:])[-20:])


def sign_digest(digest: bytes, private_key: bytes) -> tuple[bytes, bytes, int]:
    """Deterministic (RFC 6979) low-s secp256k1 signature as (r, s, v∈{27,28})."""
    import coincurve

    sig = coincurve.PrivateKey(private_key).sign_recoverable(digest, hasher=None)
    return sig[:32], sig[32:64], 27 + sig[64]


def address_of_key(private_key: bytes) -> str:
    import coincurve

    pub = coincurve.PrivateKey(private_key).public_key.format(compressed=False)
    return checksum_address(keccak256(pub[1:])[-20:])
