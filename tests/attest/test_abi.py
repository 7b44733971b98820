"""Schema parsing and ABI encoding of attestation data."""

from __future__ import annotations

import hashlib

import pytest
from attest_testkit import CID_A, PAPER_SCHEMA

from sitegen.attest.abi import AbiError, decode, decode_schema_data, encode, parse_schema


def test_spec_example_layout() -> None:
    fields = parse_schema(PAPER_SCHEMA)
    assert [f.type for f in fields] == ["bytes32", "string", "string"]
    content_hash = "0x" + hashlib.sha256(b"hello world\n").hexdigest()
    data = encode([f.type for f in fields], [content_hash, CID_A, "accept"])
    assert len(CID_A) == 59 and len(data) == 256
    words = [data[i : i + 32] for i in range(0, 256, 32)]
    assert words[0].hex() == content_hash[2:]
    assert int.from_bytes(words[1], "big") == 0x60
    assert int.from_bytes(words[2], "big") == 0xC0
    assert int.from_bytes(words[3], "big") == 0x3B
    assert int.from_bytes(words[6], "big") == 0x06
    assert decode_schema_data(fields, data) == {
        "contentHash": content_hash,
        "cid": CID_A,
        "decision": "accept",
    }


def test_round_trip_of_many_types() -> None:
    types = ["uint8", "int256", "address", "bool", "bytes4", "bytes", "string[]", "uint64[]"]
    values = [
        255,
        -5,
        "0x" + "ab" * 20,
        True,
        "0xdeadbeef",
        "0x" + "01" * 40,
        ["a", "ünï"],
        [1, 2, 3],
    ]
    assert decode(types, encode(types, values)) == values


def test_real_make_a_statement_data_decodes() -> None:
    data = bytes.fromhex(
        "0000000000000000000000000000000000000000000000000000000000000020"
        "000000000000000000000000000000000000000000000000000000000000002f"
        "5468697320697320616e206f6666636861696e2c20706565722d746f2d706565"
        "72206174746573746174696f6e21200000000000000000000000000000000000"
    )
    assert decode_schema_data(parse_schema("string message"), data) == {
        "message": "This is an offchain, peer-to-peer attestation! "
    }


@pytest.mark.parametrize(
    ("definition", "message"),
    [
        ("", "empty"),
        ("string", "type name"),
        ("uint7 x", "integer width"),
        ("bytes33 x", "fixed bytes"),
        ("string a,string a", "twice"),
        ("tuple(uint8) x", "unsupported"),
    ],
)
def test_bad_schema_definitions(definition: str, message: str) -> None:
    with pytest.raises(AbiError, match=message):
        parse_schema(definition)


def test_ipfs_hash_alias_is_bytes32() -> None:
    (field,) = parse_schema("ipfsHash h")
    assert field.type == "bytes32" and field.declared == "ipfsHash"


def test_truncated_or_malformed_data_is_rejected() -> None:
    fields = parse_schema(PAPER_SCHEMA)
    data = encode([f.type for f in fields], ["0x" + "00" * 32, CID_A, "accept"])
    with pytest.raises(AbiError):
        decode_schema_data(fields, data[:200])
    with pytest.raises(AbiError, match="padding"):
        decode(["address"], b"\x01" * 32)
    with pytest.raises(AbiError, match="UTF-8"):
        decode(["string"], (32).to_bytes(32, "big") + (1).to_bytes(32, "big") + b"\xff" + bytes(31))
