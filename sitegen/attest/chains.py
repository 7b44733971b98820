"""Chains where EAS (or its BAS fork) is deployed: ids, contract addresses, explorer links.

Addresses come from eas-contracts ``deployments/*`` and the BAS docs (spec section 3.3).
A journal can add its own chain (a devnet, a new L2) under ``attestations.chains``; those
entries take precedence over the built-ins with the same name or chain id.
"""

from __future__ import annotations

import base64
import json
import urllib.parse
import zlib
from collections.abc import Iterable
from dataclasses import dataclass

OP_EAS = "0x4200000000000000000000000000000000000021"
OP_REGISTRY = "0x4200000000000000000000000000000000000020"
OPBNB_EAS = "0x5e905F77f59491F03eBB78c204986aaDEB0C6bDa"
OPBNB_REGISTRY = "0x65CFBDf1EA0ACb7492Ecc1610cfBf79665DC631B"


@dataclass(frozen=True, slots=True)
class Chain:
    name: str
    """Key used in config and front matter (``sepolia``, ``bsc``...)."""
    title: str
    chain_id: int
    eas: str
    """Address of the EAS (or BAS) contract: the EIP-712 ``verifyingContract``."""
    registry: str | None = None
    version: str = "1.3.0"
    """EAS ``version()`` used as the EIP-712 domain version when signing."""
    service: str = "EAS"
    explorer: str | None = None
    """Attestation page URL with ``{uid}``; None when no explorer is known."""
    easscan: str | None = None
    """easscan origin (``https://sepolia.easscan.org``) for offchain and schema links."""


def _eas(name: str, title: str, cid: int, eas: str, reg: str, version: str, host: str) -> Chain:
    origin = f"https://{host}"
    return Chain(
        name, title, cid, eas, reg, version, "EAS", origin + "/attestation/view/{uid}", origin
    )


BUILTIN_CHAINS: tuple[Chain, ...] = (
    _eas(
        "ethereum",
        "Ethereum",
        1,
        "0xA1207F3BBa224E2c9c3c6D5aF63D0eb1582Ce587",
        "0xA7b39296258348C78294F95B872b282326A97BDF",
        "0.26",
        "easscan.org",
    ),
    _eas(
        "sepolia",
        "Sepolia",
        11155111,
        "0xC2679fBD37d54388Ce493F1DB75320D236e1815e",
        "0x0a7E2Ff54e76B8E6659aedc9103FB21c038050D0",
        "0.26",
        "sepolia.easscan.org",
    ),
    _eas("base", "Base", 8453, OP_EAS, OP_REGISTRY, "1.0.1", "base.easscan.org"),
    _eas("optimism", "Optimism", 10, OP_EAS, OP_REGISTRY, "1.0.1", "optimism.easscan.org"),
    _eas(
        "base-sepolia",
        "Base Sepolia",
        84532,
        OP_EAS,
        OP_REGISTRY,
        "1.0.1",
        "base-sepolia.easscan.org",
    ),
    _eas(
        "optimism-sepolia",
        "OP Sepolia",
        11155420,
        OP_EAS,
        OP_REGISTRY,
        "1.0.2",
        "optimism-sepolia.easscan.org",
    ),
    # BAS: a fork of EAS. Its EIP-712 domain is inferred from the SDK lineage (spec 3.3).
    Chain(
        "bsc",
        "BNB Smart Chain",
        56,
        "0x247Fe62d887bc9410c3848DF2f322e52DA9a51bC",
        "0x5e905F77f59491F03eBB78c204986aaDEB0C6bDa",
        "1.3.0",
        "BAS",
        "https://bascan.io/attestation/{uid}",
    ),
    Chain(
        "bsc-testnet",
        "BNB Smart Chain testnet",
        97,
        "0x6c2270298b1e6046898a322acB3Cbad6F99f7CBD",
        "0x08C8b8417313fF130526862f90cd822B55002D72",
        "1.3.0",
        "BAS",
        "https://testnet.bascan.io/attestation/{uid}",
    ),
    # No confirmed opBNB attestation explorer yet, so no link rather than a guessed one.
    Chain("opbnb", "opBNB", 204, OPBNB_EAS, OPBNB_REGISTRY, "1.3.0", "BAS"),
    Chain("opbnb-testnet", "opBNB testnet", 5611, OPBNB_EAS, OPBNB_REGISTRY, "1.3.0", "BAS"),
)
ALIASES = {"mainnet": "ethereum", "eth": "ethereum", "op": "optimism", "bnb": "bsc"}


def all_chains(custom: Iterable[Chain] = ()) -> tuple[Chain, ...]:
    """Custom chains first, then built-ins not shadowed by name or chain id."""
    custom = tuple(custom)
    names = {c.name for c in custom}
    ids = {c.chain_id for c in custom}
    rest = tuple(c for c in BUILTIN_CHAINS if c.name not in names and c.chain_id not in ids)
    return custom + rest


def chain_by_name(name: str, custom: Iterable[Chain] = ()) -> Chain | None:
    key = ALIASES.get(name.strip().lower(), name.strip().lower())
    return next((c for c in all_chains(custom) if c.name == key), None)


def chain_by_id(chain_id: int, custom: Iterable[Chain] = ()) -> Chain | None:
    return next((c for c in all_chains(custom) if c.chain_id == chain_id), None)


def attestation_url(chain: Chain, uid: str) -> str | None:
    return chain.explorer.format(uid=uid) if chain.explorer else None


def schema_url(chain: Chain, schema_uid: str) -> str | None:
    return f"{chain.easscan}/schema/view/{schema_uid}" if chain.easscan else None


def encode_shareable(package: list[object]) -> str:
    """eas-sdk ``zipAndEncodeToBase64``: compact JSON, zlib level 9, base64 with padding."""
    text = json.dumps(package, separators=(",", ":"), ensure_ascii=False)
    return base64.b64encode(zlib.compress(text.encode("utf-8"), 9)).decode("ascii")


def decode_shareable(encoded: str) -> list[object]:
    """Inverse of :func:`encode_shareable`; accepts the URL-escaped form too."""
    raw = zlib.decompress(base64.b64decode(urllib.parse.unquote(encoded)))
    value = json.loads(raw)
    if not isinstance(value, list):
        raise ValueError("the shareable payload is not a compact attestation array")
    return value


def offchain_url(chain: Chain, package: list[object]) -> str | None:
    """``https://<chain>.easscan.org/offchain/url/#attestation=…`` (None off easscan)."""
    if not chain.easscan:
        return None
    quoted = urllib.parse.quote(encode_shareable(package), safe="-_.!~*'()")
    return f"{chain.easscan}/offchain/url/#attestation={quoted}"
