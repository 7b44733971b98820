"""Shared pieces for the attestation tests: well-known TEST keys, a journal config, vectors.

The keys are Hardhat's public development accounts #0, #1 and #2 (their private keys are printed
by every `npx hardhat node`); they protect nothing and are used only to sign test and demo
attestations.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from sitegen.attest.config import AttestationConfig, parse_attestations

VECTORS = Path(__file__).parent / "vectors"

HARDHAT_KEY_0 = "0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80"
HARDHAT_ADDR_0 = "0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266"
HARDHAT_KEY_1 = "0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d"
HARDHAT_ADDR_1 = "0x70997970C51812dc3A010C7d01b50e0d17dc79C8"
HARDHAT_KEY_2 = "0x5de4111afa1a4b94908f83103eb1f1706367c2e68ca870fc3fb9a804cdab365a"
HARDHAT_ADDR_2 = "0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC"
PAPER_SCHEMA = "bytes32 contentHash,string cid,string decision"
PAPER_SCHEMA_UID = "0xa44b818c5bddced6a4251e16320537689507447447a5aad78f4647eeabd9a0cc"
CID_A = "bafkreifjjcie6lypi6ny7amxnfftagclbuxndqonfipmb64f2km2devei4"  # "hello world\n"
CID_B = "bafybeigdyrzt5sfp7udm7hu76uh7y26nf3efuylqabf3oclgtqy55fbzdi"


def load_vectors(name: str) -> dict[str, Any]:
    return json.loads((VECTORS / name).read_text(encoding="utf-8"))


def journal_config(**extra: Any) -> AttestationConfig:
    """Hardhat #0 is the trusted editor; #1 is nobody the journal knows."""
    raw = {
        "schemas": [
            {"definition": PAPER_SCHEMA},
            {
                "definition": "bytes32 contentHash,string cid,string decision,string comment",
                "comment_field": "comment",
            },
        ],
        "attesters": [{"address": HARDHAT_ADDR_0, "name": "Editorial board", "role": "editor"}],
    }
    raw.update(extra)
    config, diags = parse_attestations(raw, "sitegen.yaml")
    assert diags == []
    return config
