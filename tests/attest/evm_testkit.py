"""The real EAS contracts on an in-process EVM, served over loopback JSON-RPC.

eth-tester (py-evm backend) runs the compiled artifacts shipped by the npm package
``@ethereum-attestation-service/eas-contracts`` (installed by ``npm ci`` at the repo root);
a tiny HTTP server answers ``eth_chainId`` and ``eth_call`` so sitegen's own RPC client is
exercised exactly as against a real node.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from eth_abi import encode
from eth_tester import EthereumTester, PyEVMBackend
from eth_utils import function_signature_to_4byte_selector, keccak

ARTIFACTS = (
    Path(__file__).resolve().parents[2]
    / "node_modules/@ethereum-attestation-service/eas-contracts/artifacts/contracts"
)
ATTESTED_TOPIC = "0x" + keccak(text="Attested(address,address,bytes32,bytes32)").hex()
ZERO = "0x" + "00" * 20


def _artifact(name: str) -> dict[str, Any]:
    return json.loads((ARTIFACTS / f"{name}.sol" / f"{name}.json").read_text())


def _hex(value: str | bytes) -> str:
    return value.lower() if isinstance(value, str) else "0x" + bytes(value).hex()


def _call_data(signature: str, types: list[str], args: list[Any]) -> str:
    return "0x" + (function_signature_to_4byte_selector(signature) + encode(types, args)).hex()


class DevChain:
    """SchemaRegistry + EAS deployed from their real bytecode."""

    def __init__(self) -> None:
        self.tester = EthereumTester(PyEVMBackend())
        self.accounts = self.tester.get_accounts()
        self.chain_id = int(self.tester.backend.chain.chain_id)
        self.registry = self._deploy(_artifact("SchemaRegistry")["bytecode"])
        ctor = encode(["address"], [self.registry]).hex()
        self.eas = self._deploy(_artifact("EAS")["bytecode"] + ctor)

    def _send(self, sender: str, to: str | None, data: str) -> dict[str, Any]:
        tx: dict[str, Any] = {"from": sender, "data": data, "gas": 8_000_000}
        if to:
            tx["to"] = to
        receipt = self.tester.get_transaction_receipt(self.tester.send_transaction(tx))
        if receipt["status"] != 1:
            raise RuntimeError(f"transaction reverted: {receipt}")
        return receipt

    def _deploy(self, bytecode: str) -> str:
        return self._send(self.accounts[0], None, bytecode)["contract_address"]

    def call(self, to: str, data: str) -> str:
        result = self.tester.call({"from": self.accounts[0], "to": to, "data": data}, "latest")
        return _hex(result)

    def register(self, schema: str, revocable: bool = True) -> str:
        data = _call_data(
            "register(string,address,bool)",
            ["string", "address", "bool"],
            [schema, ZERO, revocable],
        )
        self._send(self.accounts[0], self.registry, data)
        return "0x" + keccak(schema.encode() + bytes(20) + bytes([revocable])).hex()

    def attest(self, sender: str, schema_uid: str, data: bytes, expiration: int = 0) -> str:
        request = (
            bytes.fromhex(schema_uid[2:]),
            (ZERO, expiration, True, bytes(32), data, 0),
        )
        call = _call_data(
            "attest((bytes32,(address,uint64,bool,bytes32,bytes,uint256)))",
            ["(bytes32,(address,uint64,bool,bytes32,bytes,uint256))"],
            [request],
        )
        receipt = self._send(sender, self.eas, call)
        for log in receipt["logs"]:
            if _hex(log["topics"][0]) == ATTESTED_TOPIC:
                return _hex(log["data"])[:66]
        raise RuntimeError("no Attested event")

    def revoke(self, sender: str, schema_uid: str, uid: str) -> None:
        request = (bytes.fromhex(schema_uid[2:]), (bytes.fromhex(uid[2:]), 0))
        call = _call_data(
            "revoke((bytes32,(bytes32,uint256)))", ["(bytes32,(bytes32,uint256))"], [request]
        )
        self._send(sender, self.eas, call)

    @property
    def timestamp(self) -> int:
        return int(self.tester.get_block_by_number("latest")["timestamp"])


@contextmanager
def serve_rpc(chain: DevChain) -> Iterator[str]:
    """A loopback JSON-RPC endpoint for ``chain``; yields its URL."""

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            req = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
            reply: dict[str, Any] = {"jsonrpc": "2.0", "id": req.get("id")}
            if req["method"] == "eth_chainId":
                reply["result"] = hex(chain.chain_id)
            elif req["method"] == "eth_call":
                call = req["params"][0]
                reply["result"] = chain.call(call["to"], call["data"])
            else:
                reply["error"] = {"code": -32601, "message": "method not found"}
            body = json.dumps(reply).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()
        thread.join()
