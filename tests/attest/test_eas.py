"""EAS primitives against the published vectors (spec section 3)."""

from __future__ import annotations

import hashlib

import pytest
from attest_testkit import (
    HARDHAT_ADDR_0,
    HARDHAT_ADDR_1,
    HARDHAT_KEY_0,
    HARDHAT_KEY_1,
    PAPER_SCHEMA,
    PAPER_SCHEMA_UID,
    load_vectors,
)

from sitegen.attest import eas
from sitegen.attest.offchain import parse_signed


def test_keccak_is_not_sha3() -> None:
    # Keccak-256("") is the famous c5d2…a470; NIST SHA3-256("") is a7ff…434a.
    assert eas.keccak256(b"").hex() == (
        "c5d2460186f7233c927e7db2dcc703c0e500b653ca82273b7bfad8045d85a470"
    )
    assert hashlib.sha3_256(b"").hexdigest() != eas.keccak256(b"").hex()


@pytest.mark.parametrize(
    ("definition", "uid"),
    [
        (
            "bytes32 schemaId,string name",
            "0x44d562ac1d7cd77e232978687fea027ace48f719cf1d58c7888e509663bb87fc",
        ),
        ("string message", "0x3969bb076acfb992af54d51274c5c868641ca5344e1aacd0b1f5e4f80ac0822f"),
        ("string statement", "0xf58b8b212ef75ee8cd7e8d803c37c03e0519890502d5e99ee2412aae1456cafe"),
        (PAPER_SCHEMA, PAPER_SCHEMA_UID),
    ],
)
def test_schema_uids(definition: str, uid: str) -> None:
    assert eas.schema_uid(definition) == uid


def test_schema_uid_depends_on_spaces_resolver_and_revocable() -> None:
    assert eas.schema_uid("string  message") != eas.schema_uid("string message")
    assert eas.schema_uid("string message", revocable=False) != eas.schema_uid("string message")
    other = "0x" + "11" * 20
    assert eas.schema_uid("string message", other) != eas.schema_uid("string message")


def test_type_hashes() -> None:
    hashes = {
        v: eas.keccak256(eas.type_string("Attestation" if v == 0 else "Attest", v).encode()).hex()
        for v in (0, 1, 2)
    }
    assert hashes[0].startswith("2fcbc49c") and hashes[0].endswith("b25d")
    assert hashes[1].startswith("9a1ef129") and hashes[1].endswith("32ec")
    assert hashes[2].startswith("258b757f") and hashes[2].endswith("1132")


def test_eas_sdk_v2_vector_domain_digest_uid_signer() -> None:
    vec = load_vectors("eas_sdk_offchain.json")["v2"]
    att = parse_signed(vec["attestation"])
    sep = eas.domain_separator(att.domain_version, att.chain_id, att.contract)
    assert "0x" + sep.hex() == vec["domain_separator"]
    digest = eas.typed_data_digest(
        att.message,
        domain_version=att.domain_version,
        chain_id=att.chain_id,
        contract=att.contract,
        primary_type=att.primary_type,
    )
    assert "0x" + digest.hex() == vec["digest"]
    assert eas.offchain_uid(att.message) == att.uid
    assert eas.recover_address(digest, att.r, att.s, att.v) == HARDHAT_ADDR_0


@pytest.mark.parametrize("name", ["v1", "v2"])
def test_eas_sdk_vectors_recover_stated_signer(name: str) -> None:
    vec = load_vectors("eas_sdk_offchain.json")[name]
    att = parse_signed(vec["attestation"])
    assert att.message.version == int(name[1])
    assert eas.offchain_uid(att.message) == att.uid
    digest = eas.typed_data_digest(
        att.message,
        domain_version=att.domain_version,
        chain_id=att.chain_id,
        contract=att.contract,
        primary_type="Attest",
    )
    assert eas.recover_address(digest, att.r, att.s, att.v) == vec["attestation"]["signer"]


def test_uid_uses_schema_string_bytes_not_raw_bytes() -> None:
    att = parse_signed(load_vectors("eas_sdk_offchain.json")["v2"]["attestation"])
    upper = eas.OffchainMessage(
        **{**_fields(att.message), "schema": att.message.schema.upper().replace("0X", "0x")}
    )
    assert eas.offchain_uid(upper) != att.uid


def _fields(m: eas.OffchainMessage) -> dict[str, object]:
    return {k: getattr(m, k) for k in m.__slots__}


def test_sign_and_recover_round_trip_with_both_test_keys() -> None:
    digest = eas.keccak256(b"sitegen")
    for key, addr in ((HARDHAT_KEY_0, HARDHAT_ADDR_0), (HARDHAT_KEY_1, HARDHAT_ADDR_1)):
        r, s, v = eas.sign_digest(digest, bytes.fromhex(key[2:]))
        assert int.from_bytes(s, "big") <= eas.SECP256K1_N // 2
        assert eas.recover_address(digest, r, s, v) == addr
        assert eas.address_of_key(bytes.fromhex(key[2:])) == addr


def test_recover_rejects_high_s_and_bad_v() -> None:
    digest = eas.keccak256(b"x")
    r, s, v = eas.sign_digest(digest, bytes.fromhex(HARDHAT_KEY_0[2:]))
    high = (eas.SECP256K1_N - int.from_bytes(s, "big")).to_bytes(32, "big")
    with pytest.raises(ValueError, match="out of range"):
        eas.recover_address(digest, r, high, 55 - v)
    with pytest.raises(ValueError, match="27 or 28"):
        eas.recover_address(digest, r, s, 29)


def test_checksum_address_eip55() -> None:
    assert eas.checksum_address(HARDHAT_ADDR_0.lower()) == HARDHAT_ADDR_0
    assert eas.checksum_address("0x5aaeb6053f3e94c9b9a09f33669435e7ef1beaed") == (
        "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed"
    )
    with pytest.raises(ValueError):
        eas.checksum_address("0x1234")
