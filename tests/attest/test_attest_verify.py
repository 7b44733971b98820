"""Sign/verify round trips and every failure mode giving the right state and reason."""

from __future__ import annotations

import copy
from typing import Any

import pytest
from attest_testkit import (
    CID_A,
    CID_B,
    HARDHAT_ADDR_0,
    HARDHAT_ADDR_1,
    HARDHAT_KEY_0,
    HARDHAT_KEY_1,
)

from sitegen.attest.abi import encode
from sitegen.attest.chains import chain_by_name
from sitegen.attest.config import AttestationConfig
from sitegen.attest.eas import offchain_uid
from sitegen.attest.offchain import parse_signed
from sitegen.attest.sign import SignRequest, paper_values, sign_offchain
from sitegen.attest.stage import verify_offchain_document
from sitegen.attest.verify import check_offchain

NOW = 1_800_000_000


def _sign(
    config: AttestationConfig,
    *,
    key: str = HARDHAT_KEY_0,
    version: int = 2,
    cid: str = CID_A,
    chain: str = "sepolia",
    expires: int = 0,
    schema: int = 0,
    comment: str | None = None,
) -> dict[str, Any]:
    sch = config.schemas[schema]
    values = paper_values(sch, cid=cid, decision="accept", comment=comment)
    found = chain_by_name(chain, config.chains)
    assert found is not None
    req = SignRequest(found, sch, tuple(values), NOW - 100, expires, version=version)
    return sign_offchain(req, bytes.fromhex(key[2:]))


@pytest.mark.parametrize("version", [0, 1, 2])
@pytest.mark.parametrize("chain", ["sepolia", "base", "bsc", "opbnb-testnet"])
def test_round_trip_verified(config: AttestationConfig, version: int, chain: str) -> None:
    doc = _sign(config, version=version, chain=chain)
    assert doc["signer"] == HARDHAT_ADDR_0
    assert parse_signed(doc).message.version == version
    result = check_offchain(doc, expected_cid=CID_A, config=config, now=NOW)
    assert result.reasons == ()
    badge = result.badge
    assert badge.state == "verified"
    assert (badge.attester_name, badge.role, badge.decision) == (
        "Editorial board",
        "editor",
        "accept",
    )
    assert badge.cid == CID_A and badge.chain == chain and badge.offchain
    assert "Editorial board" in badge.reason
    if chain in ("sepolia", "base"):
        assert badge.links[0][1].startswith(f"https://{chain}.easscan.org/offchain/url/#")
    else:
        assert badge.links == ()  # BAS has no offchain viewer we can link to


def test_v2_salt_makes_each_signature_unique(config: AttestationConfig) -> None:
    a, b = _sign(config), _sign(config)
    assert a["sig"]["uid"] != b["sig"]["uid"]


def test_unknown_attester_is_signed_not_verified(config: AttestationConfig) -> None:
    badge = verify_offchain_document(
        _sign(config, key=HARDHAT_KEY_1), expected_cid=CID_A, config=config, now=NOW
    )
    assert badge.state == "signed"
    assert badge.attester == HARDHAT_ADDR_1 and badge.attester_name is None
    assert "not one of the journal's attesters" in badge.reason


def test_comment_is_signed_data(config: AttestationConfig) -> None:
    doc = _sign(config, schema=1, comment="Replicated on fresh data.")
    badge = verify_offchain_document(doc, expected_cid=CID_A, config=config, now=NOW)
    assert badge.state == "verified" and badge.comment == "Replicated on fresh data."


def test_tampered_data(config: AttestationConfig) -> None:
    doc = _sign(config)
    sch = config.schemas[0]
    forged = encode(
        [f.type for f in sch.fields], paper_values(sch, cid=CID_A, decision="reject", comment=None)
    )
    doc["sig"]["message"]["data"] = "0x" + forged.hex()
    result = check_offchain(doc, expected_cid=CID_A, config=config, now=NOW)
    assert result.badge.state == "invalid"
    assert any("UID does not match" in r for r in result.reasons)
    # Recomputing the UID does not help: the signature no longer matches the signer.
    doc["sig"]["uid"] = offchain_uid(parse_signed(doc).message)
    result = check_offchain(doc, expected_cid=CID_A, config=config, now=NOW)
    assert result.reasons == (f"the signature was not made by the stated signer {HARDHAT_ADDR_0}",)
    assert result.badge.reason.startswith("invalid: ")


def test_tampered_signature(config: AttestationConfig) -> None:
    doc = _sign(config)
    r = doc["sig"]["signature"]["r"]
    doc["sig"]["signature"]["r"] = r[:-1] + ("0" if r[-1] != "0" else "1")
    result = check_offchain(doc, expected_cid=CID_A, config=config, now=NOW)
    assert result.badge.state == "invalid"
    assert result.problem_key == "signature"
    assert any("signature" in r for r in result.reasons)


def test_swapped_cid(config: AttestationConfig) -> None:
    badge = verify_offchain_document(_sign(config), expected_cid=CID_B, config=config, now=NOW)
    assert badge.state == "invalid"
    assert f"attests CID {CID_A}, but this paper's bundle CID is {CID_B}" in badge.reason
    assert "contentHash is not the sha2-256 digest" in badge.reason


def test_cid_compared_by_content_not_spelling(config: AttestationConfig) -> None:
    v0 = "QmT78zSuBmuS4z925WZfrqQ1qHaJ56DQaTfyMUF7F8ff5o"
    from sitegen.ipfs.cid import cid_from_str, cid_parts, cid_to_str, sha256_cid

    p = cid_parts(cid_from_str(v0))
    v1 = cid_to_str(sha256_cid(p.codec, p.digest, 1))
    badge = verify_offchain_document(_sign(config, cid=v0), expected_cid=v1, config=config, now=NOW)
    assert badge.state == "verified"


def test_unknown_schema(config: AttestationConfig) -> None:
    doc = _sign(config)
    only_other = AttestationConfig(schemas=config.schemas[1:], attesters=config.attesters)
    badge = verify_offchain_document(doc, expected_cid=CID_A, config=only_other, now=NOW)
    assert badge.state == "invalid"
    assert "is not one of the journal's schemas" in badge.reason


def test_wrong_chain_id(config: AttestationConfig) -> None:
    doc = _sign(config)
    doc["sig"]["domain"]["chainId"] = "1"
    result = check_offchain(doc, expected_cid=CID_A, config=config, now=NOW)
    assert result.badge.state == "invalid"
    assert result.problem_key == "verifyingContract"
    assert "is not the EAS contract on Ethereum" in result.reasons[0]
    assert "not made by the stated signer" in result.reasons[1]
    doc["sig"]["domain"]["chainId"] = 424242
    result = check_offchain(doc, expected_cid=CID_A, config=config, now=NOW)
    assert "chain id 424242 is not a known EAS/BAS chain" in result.reasons[0]


def test_expired(config: AttestationConfig) -> None:
    doc = _sign(config, expires=NOW - 10)
    badge = verify_offchain_document(doc, expected_cid=CID_A, config=config, now=NOW)
    assert badge.state == "expired" and badge.reason == "expired on 2027-01-15"
    still = verify_offchain_document(doc, expected_cid=CID_A, config=config, now=NOW - 20)
    assert still.state == "verified"


def test_invalid_beats_expired(config: AttestationConfig) -> None:
    doc = copy.deepcopy(_sign(config, expires=NOW - 10))
    badge = verify_offchain_document(doc, expected_cid=CID_B, config=config, now=NOW)
    assert badge.state == "invalid"
