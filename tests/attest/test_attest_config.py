"""``attestations:`` in sitegen.yaml: every problem reported with its line."""

from __future__ import annotations

from attest_testkit import HARDHAT_ADDR_0, PAPER_SCHEMA, PAPER_SCHEMA_UID

from sitegen.attest.config import parse_attestations
from sitegen.content.yamlsrc import load_yaml

GOOD = f"""\
attestations:
  chain: base
  schemas:
    - definition: "{PAPER_SCHEMA}"
      uid: "{PAPER_SCHEMA_UID}"
  attesters:
    - {{address: "{HARDHAT_ADDR_0.lower()}", name: "Editorial board", role: reviewer}}
  chains:
    devnet: {{chain_id: 31337, eas: "0x6f2E42BB4176e9A7352a8bF8886255Be9F3D2d13", version: "1.3.0"}}
  rpc:
    devnet: http://127.0.0.1:8545
    sepolia: https://rpc.example/sepolia
"""


def _parse(text: str) -> tuple[object, list]:
    raw, diags = load_yaml(text, "sitegen.yaml")
    assert diags == []
    return parse_attestations(raw["attestations"], "sitegen.yaml")


def test_good_config() -> None:
    config, diags = _parse(GOOD)
    assert diags == []
    (schema,) = config.schemas
    assert schema.uid == PAPER_SCHEMA_UID
    assert (schema.cid_field, schema.decision_field, schema.hash_field) == (
        "cid",
        "decision",
        "contentHash",
    )
    assert config.attesters[0].address == HARDHAT_ADDR_0  # checksummed
    assert config.attesters[0].role == "reviewer"
    assert config.chain == "base"
    assert config.chains[0].chain_id == 31337
    assert config.rpc_url("devnet") == "http://127.0.0.1:8545"
    assert config.schema_by_uid(PAPER_SCHEMA_UID.upper().replace("0X", "0x")) is schema


def test_every_problem_with_its_line() -> None:
    text = """\
attestations:
  chian: sepolia
  schemas:
    - definition: "bytes32 contentHash,string cid,string decision"
      uid: "0x1111111111111111111111111111111111111111111111111111111111111111"
      cid_feild: cid
    - definition: "string cid"
      decision_field: verdict
    - definition: "uint7 x"
    - definition: "uint256 cid"
  attesters:
    - {address: "0x1234", name: "Bad"}
    - {address: "0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266"}
  chains:
    devnet: {chain_id: -1}
  rpc:
    sepolai: https://x
    base: ftp://x
"""
    _config, diags = _parse(text)
    got = {(d.line, d.message.split(";")[0].split(":")[0]) for d in diags}
    msgs = "\n".join(f"{d.line}: {d.message}" for d in diags)
    assert all(d.field == "attestations" and d.severity == "error" for d in diags)
    assert "2: unknown key 'chian'; did you mean 'chain'?" in msgs
    assert "6: unknown key in schema: 'cid_feild'; did you mean 'cid_field'?" in msgs
    assert (
        f"5: uid 0x1111111111111111111111111111111111111111111111111111111111111111 does not "
        f"match the definition; it must be {PAPER_SCHEMA_UID}" in msgs
    )
    assert "8: decision_field 'verdict' is not a field of the schema (cid)" in msgs
    assert "9: bad schema definition: bad integer width in 'uint7'" in msgs
    assert "10: cid_field 'cid' must be of type string" in msgs
    assert "12: address '0x1234' is not a 0x… 20-byte address" in msgs
    assert "13: attester needs a 'name'" in msgs
    assert "15: chain 'devnet' needs a positive chain_id" in msgs
    assert "15: chain 'devnet' needs 'eas'" in msgs
    assert "17: rpc: unknown chain 'sepolai'; did you mean 'sepolia'?" in msgs
    assert "18: rpc URL for 'base' must be http(s)" in msgs
    assert len(got) == len(diags) == 12


def test_unknown_default_chain_and_non_mapping() -> None:
    _config, diags = parse_attestations({"chain": "sepola"}, "sitegen.yaml")
    assert "did you mean 'sepolia'?" in diags[0].message
    _, diags = parse_attestations(["x"], "sitegen.yaml")
    assert diags[0].message == "must be a mapping"


def test_custom_chain_shadows_builtin_by_id() -> None:
    config, diags = parse_attestations(
        {"chains": {"mysepolia": {"chain_id": 11155111, "eas": "0x" + "22" * 20}}}, "s.yaml"
    )
    from sitegen.attest.chains import chain_by_id, chain_by_name

    assert diags == []
    assert chain_by_id(11155111, config.chains).name == "mysepolia"
    assert chain_by_name("sepolia", config.chains) is None
    assert chain_by_name("mainnet").chain_id == 1
