"""Reading on-chain attestations over JSON-RPC, and the lock file that replays them offline.

Only ``eth_chainId`` and ``eth_call getAttestation(bytes32)`` are used, so any Ethereum
node or provider URL works. Results land in ``attestations.lock.json`` beside
``sitegen.yaml`` so an offline build (CI, a reader's laptop) shows the same badges.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from sitegen.attest.abi import AbiError, decode
from sitegen.attest.chains import Chain
from sitegen.attest.eas import hex_to_bytes
from sitegen.attest.verify import OnchainAttestation
from sitegen.errors import NetworkError

GET_ATTESTATION = bytes.fromhex("a3112a64")
"""``getAttestation(bytes32)`` selector."""
LOCK_NAME = "attestations.lock.json"
_TUPLE = (
    "bytes32",
    "bytes32",
    "uint64",
    "uint64",
    "uint64",
    "bytes32",
    "address",
    "address",
    "bool",
    "bytes",
)


def json_rpc(url: str, method: str, params: list[Any], *, timeout: float = 20.0) -> Any:
    """One JSON-RPC 2.0 call; NetworkError on transport or RPC errors (URL shown, no secrets).

    urllib is imported here: every build imports this module (for the lock file), and
    only ``--online`` builds reach the network; http.client and ssl cost a build ~15 ms.
    """
    import urllib.error
    import urllib.request

    body = json.dumps({"jsonrpc": "2.0", "id": 1, "method": method, "params": params}).encode()
    req = urllib.request.Request(url, data=body, headers={"Content-Type": "application/json"})
    host = url.split("//", 1)[-1].split("/", 1)[0]
    try:
        with urllib.request.urlopen(req, timeout=timeout) as resp:
            reply = json.loads(resp.read())
    except (urllib.error.URLError, OSError, ValueError) as exc:
        raise NetworkError(f"RPC {method} to {host} failed: {exc}") from exc
    if not isinstance(reply, dict) or "error" in reply or "result" not in reply:
        err = reply.get("error") if isinstance(reply, dict) else reply
        raise NetworkError(f"RPC {method} to {host} returned an error: {err}")
    return reply["result"]


def encode_get_attestation(uid: str) -> str:
    return "0x" + (GET_ATTESTATION + hex_to_bytes(uid, 32)).hex()


def decode_attestation(result: bytes) -> OnchainAttestation:
    """Decode the ABI return of ``getAttestation``: offset word, then the tuple."""
    if len(result) < 32 or int.from_bytes(result[:32], "big") != 32:
        raise AbiError("getAttestation result does not start with a tuple offset of 0x20")
    v = decode(_TUPLE, result[32:])
    return OnchainAttestation(
        uid=v[0],
        schema=v[1],
        time=v[2],
        expiration_time=v[3],
        revocation_time=v[4],
        ref_uid=v[5],
        recipient=v[6],
        attester=v[7],
        revocable=v[8],
        data=bytes.fromhex(v[9][2:]),
    )


def fetch_attestation(url: str, chain: Chain, uid: str) -> OnchainAttestation:
    """Check the node is on ``chain`` and read one attestation by ``eth_call``."""
    got = int(json_rpc(url, "eth_chainId", []), 16)
    if got != chain.chain_id:
        raise NetworkError(f"RPC for {chain.name} serves chain id {got}, not {chain.chain_id}")
    call = {"to": chain.eas, "data": encode_get_attestation(uid)}
    result = json_rpc(url, "eth_call", [call, "latest"])
    try:
        return decode_attestation(hex_to_bytes(result))
    except (AbiError, ValueError) as exc:
        raise NetworkError(
            f"{chain.name}: getAttestation returned undecodable data: {exc}"
        ) from exc


def record_to_json(rec: OnchainAttestation) -> dict[str, Any]:
    return {
        "uid": rec.uid,
        "schema": rec.schema,
        "time": rec.time,
        "expirationTime": rec.expiration_time,
        "revocationTime": rec.revocation_time,
        "refUID": rec.ref_uid,
        "recipient": rec.recipient,
        "attester": rec.attester,
        "revocable": rec.revocable,
        "data": "0x" + rec.data.hex(),
    }


def record_from_json(d: dict[str, Any]) -> OnchainAttestation:
    return OnchainAttestation(
        uid=str(d["uid"]),
        schema=str(d["schema"]),
        time=int(d["time"]),
        expiration_time=int(d["expirationTime"]),
        revocation_time=int(d["revocationTime"]),
        ref_uid=str(d["refUID"]),
        recipient=str(d["recipient"]),
        attester=str(d["attester"]),
        revocable=bool(d["revocable"]),
        data=hex_to_bytes(d["data"]),
    )


def lock_key(chain: Chain, uid: str) -> str:
    return f"{chain.name}:{uid.lower()}"


def read_lock(root: Path) -> tuple[dict[str, Any], str | None]:
    """Entries of ``attestations.lock.json`` (empty when absent) and a problem, if any."""
    path = root / LOCK_NAME
    if not path.is_file():
        return {}, None
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        entries = data["attestations"]
        if not isinstance(entries, dict):
            raise TypeError("'attestations' is not an object")
    except (ValueError, KeyError, TypeError) as exc:
        return {}, f"{LOCK_NAME} is unreadable ({exc}); on-chain badges stay unchecked"
    return entries, None


def write_lock(root: Path, entries: dict[str, Any]) -> None:
    """Write sorted, stable JSON so re-running an unchanged online build changes nothing."""
    text = json.dumps({"version": 1, "attestations": entries}, indent=2, sort_keys=True) + "\n"
    path = root / LOCK_NAME
    if not path.is_file() or path.read_text(encoding="utf-8") != text:
        tmp = path.with_suffix(".json.tmp")
        tmp.write_text(text, encoding="utf-8")
        tmp.replace(path)
