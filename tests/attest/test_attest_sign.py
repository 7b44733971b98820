"""Signing keys: from an environment variable or a Web3 v3 keystore, never echoed."""

from __future__ import annotations

import pytest
from attest_testkit import HARDHAT_ADDR_1, HARDHAT_KEY_1, journal_config
from eth_account import Account

from sitegen.attest.eas import address_of_key
from sitegen.attest.sign import (
    SigningKeyError,
    attestation_filename,
    key_from_env,
    key_from_keystore,
    paper_values,
)
from sitegen.errors import UsageError


def test_key_from_env_accepts_hex_with_or_without_prefix() -> None:
    for value in (HARDHAT_KEY_1, HARDHAT_KEY_1[2:], f"  {HARDHAT_KEY_1}\n"):
        key = key_from_env("K", {"K": value})
        assert address_of_key(key) == HARDHAT_ADDR_1


@pytest.mark.parametrize("value", ["", "0x1234", HARDHAT_KEY_1 + "00", "zz" * 32])
def test_key_from_env_errors_never_contain_the_value(value: str) -> None:
    with pytest.raises(SigningKeyError) as info:
        key_from_env("K", {"K": value} if value else {})
    assert info.value.exit_code == 2
    if value:
        assert value.strip() not in str(info.value)
        assert HARDHAT_KEY_1[2:10] not in str(info.value)


@pytest.mark.parametrize("kdf", ["scrypt", "pbkdf2"])
def test_keystore_made_by_eth_account_decrypts(kdf: str) -> None:
    store = Account.encrypt(
        HARDHAT_KEY_1, "correct horse", kdf=kdf, iterations=2 if kdf == "scrypt" else 1000
    )
    assert address_of_key(key_from_keystore(store, "correct horse")) == HARDHAT_ADDR_1
    with pytest.raises(SigningKeyError, match="wrong keystore password"):
        key_from_keystore(store, "battery staple")


def test_malformed_keystore() -> None:
    with pytest.raises(SigningKeyError, match="version 3"):
        key_from_keystore({"version": 1}, "x")
    with pytest.raises(SigningKeyError, match="malformed"):
        key_from_keystore({"version": 3, "crypto": {"kdf": "scrypt"}}, "x")


def test_paper_values_fill_schema_fields() -> None:
    config = journal_config()
    cid = "bafkreifjjcie6lypi6ny7amxnfftagclbuxndqonfipmb64f2km2devei4"
    values = paper_values(config.schemas[0], cid=cid, decision="accept", comment=None)
    import hashlib

    assert values == ["0x" + hashlib.sha256(b"hello world\n").hexdigest(), cid, "accept"]
    with pytest.raises(UsageError, match="no comment field"):
        paper_values(config.schemas[0], cid=cid, decision="accept", comment="hi")
    assert paper_values(config.schemas[1], cid=cid, decision="accept", comment="hi")[3] == "hi"


def test_attestation_filename() -> None:
    uid = "0x854d8e26b2bbdc3577fc78c6d2f512258fcc9b91a60858985a216c0ef526ee82"
    assert attestation_filename("Minor revision!", uid) == "minor-revision-854d8e26.json"
    assert attestation_filename("", uid) == "attestation-854d8e26.json"
