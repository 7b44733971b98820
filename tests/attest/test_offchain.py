"""Every offchain shape in the wild parses and verifies; easscan URLs decode and encode."""

from __future__ import annotations

import copy
from typing import Any

import pytest
from attest_testkit import HARDHAT_ADDR_0, load_vectors

from sitegen.attest.chains import chain_by_name, decode_shareable, encode_shareable, offchain_url
from sitegen.attest.config import parse_attestations
from sitegen.attest.offchain import FormatError, from_compact, parse_signed, to_compact
from sitegen.attest.verify import check_offchain

SDK = load_vectors("eas_sdk_offchain.json")
DOCS = load_vectors("easscan_docs.json")
HARDHAT_CHAIN = {
    "hardhat": {
        "chain_id": 31337,
        "eas": "0x6f2E42BB4176e9A7352a8bF8886255Be9F3D2d13",
        "version": "1.3.0",
        "easscan": "https://example.invalid",
    }
}


def _sdk_config() -> Any:
    config, diags = parse_attestations({"chains": HARDHAT_CHAIN}, "sitegen.yaml")
    assert diags == []
    return config


def _only_schema_unknown(doc: Any) -> None:
    """The SDK vectors use a schema nobody configured: every other check must pass."""
    result = check_offchain(doc, expected_cid=None, config=_sdk_config(), now=1_690_300_000)
    assert result.badge.state == "invalid"
    assert result.reasons == (
        "schema 0x33e9094830a5cba5554d1954310e4fbed2ef5f859ec1404619adea4207f391fd "
        "is not one of the journal's schemas",
    )


def _v2() -> dict[str, Any]:
    return copy.deepcopy(SDK["v2"]["attestation"])


def test_wrapper_v2_and_v1() -> None:
    _only_schema_unknown(_v2())
    _only_schema_unknown(copy.deepcopy(SDK["v1"]["attestation"]))


def test_bare_signed_object_recovers_the_attester() -> None:
    bare = _v2()["sig"]
    assert parse_signed(bare).signer is None
    result = check_offchain(bare, expected_cid=None, config=_sdk_config(), now=0)
    assert result.badge.attester == HARDHAT_ADDR_0


def test_legacy_top_level_rsv_numeric_chain_id_and_nonce() -> None:
    doc = _v2()
    sig = doc["sig"]
    sig.update(sig.pop("signature"))
    sig["domain"]["chainId"] = 31337
    sig["message"]["time"] = 1690299812
    assert sig["message"]["nonce"] == "0"
    _only_schema_unknown(doc)


def test_ethers_v5_bignumber_and_hex_strings() -> None:
    doc = _v2()
    doc["sig"]["domain"]["chainId"] = {"type": "BigNumber", "hex": "0x7a69"}
    doc["sig"]["message"]["expirationTime"] = "0x" + format(1692891810, "x")
    _only_schema_unknown(doc)


def test_version_only_in_message() -> None:
    doc = _v2()
    del doc["sig"]["version"]
    _only_schema_unknown(doc)


@pytest.mark.parametrize(
    ("mutate", "key"),
    [
        (lambda d: d["sig"].pop("message"), "message"),
        (lambda d: d["sig"]["message"].pop("salt"), "salt"),
        (lambda d: d["sig"].__setitem__("version", 7), "version"),
        (lambda d: d["sig"].__setitem__("primaryType", "Foo"), "primaryType"),
        (lambda d: d["sig"]["types"]["Attest"].pop(), "types"),
        (lambda d: d.__setitem__("signer", "nobody"), "signer"),
        (lambda d: d["sig"]["domain"].__setitem__("chainId", "x"), "chainId"),
    ],
)
def test_malformed_documents_name_the_key(mutate: Any, key: str) -> None:
    doc = _v2()
    mutate(doc)
    with pytest.raises(FormatError) as info:
        parse_signed(doc)
    assert info.value.key == key
    result = check_offchain(doc, expected_cid=None, config=_sdk_config(), now=0)
    assert result.badge.state == "invalid" and result.problem_key == key


@pytest.mark.parametrize("name", ["v1", "v2"])
def test_sdk_shareable_encoding_is_byte_exact(name: str) -> None:
    vec = SDK[name]
    att = parse_signed(vec["attestation"])
    compact = to_compact(att, vec["attestation"]["signer"])
    assert encode_shareable(compact) == vec["encoded"]
    chain = chain_by_name("hardhat", _sdk_config().chains)
    assert chain is not None
    assert offchain_url(chain, compact) == "https://example.invalid" + vec["url"]
    assert decode_shareable(vec["encoded"]) == compact


@pytest.mark.parametrize("net", ["sepolia", "mainnet"])
def test_real_easscan_urls_decode_and_fully_verify(net: str) -> None:
    vec = DOCS[net]
    doc = from_compact(decode_shareable(vec["url"].split("#attestation=")[1]))
    att = parse_signed(doc)
    assert att.uid == vec["uid"] and att.chain_id == vec["chain_id"]
    assert att == parse_signed(vec["document"])  # the URL and the docs' JSON agree
    config, diags = parse_attestations(
        {
            "schemas": [
                {"definition": d, "cid_field": d.split()[1], "decision_field": d.split()[1]}
                for d in ("string message", "string statement")
            ],
            "attesters": [{"address": vec["signer"], "name": "EAS docs", "role": "editor"}],
        },
        "sitegen.yaml",
    )
    assert diags == []
    for source in (doc, vec["document"]):
        result = check_offchain(source, expected_cid=None, config=config, now=1_700_000_000)
        assert result.reasons == ()
        assert result.badge.state == "verified"
        assert result.badge.attester == vec["signer"]
        assert result.badge.decision == vec["message"]
        _label, url = result.badge.links[0]
        host = "https://sepolia.easscan.org" if net == "sepolia" else "https://easscan.org"
        assert url.startswith(host + "/offchain/url/#attestation=")
        # our own link decodes back to the same attestation
        assert parse_signed(from_compact(decode_shareable(url.split("=", 1)[1]))) == att
