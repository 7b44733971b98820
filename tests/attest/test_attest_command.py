"""``sitegen attest sign|verify`` end to end on a real journal folder."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from attest_testkit import (
    CID_B,
    HARDHAT_ADDR_0,
    HARDHAT_ADDR_1,
    HARDHAT_KEY_0,
    HARDHAT_KEY_1,
    PAPER_SCHEMA,
    load_vectors,
)
from eth_account import Account

from sitegen.cli import main

CONFIG = f"""\
title: Test Journal
attestations:
  chain: sepolia
  schemas:
    - definition: "{PAPER_SCHEMA}"
  attesters:
    - {{address: "{HARDHAT_ADDR_0}", name: "Editorial board", role: editor}}
"""


@pytest.fixture
def journal(tmp_path: Path) -> Path:
    (tmp_path / "sitegen.yaml").write_text(CONFIG)
    paper = tmp_path / "content" / "papers" / "p1"
    paper.mkdir(parents=True)
    (paper / "paper.md").write_text("---\ntitle: A paper\n---\n\nHello.\n")
    (paper / "data.csv").write_text("a,b\n1,2\n")
    return paper


def _sign(
    paper: Path, capsys: pytest.CaptureFixture[str], *extra: str
) -> tuple[int, str, Path | None]:
    code = main(["attest", "sign", str(paper), "--decision", "accept", *extra])
    out = capsys.readouterr()
    text = out.out + out.err
    written = next(
        (Path(w.split(" ", 1)[1]) for w in out.out.splitlines() if w.startswith("wrote ")), None
    )
    return code, text, written


def _verify(path: Path, capsys: pytest.CaptureFixture[str], *extra: str) -> tuple[int, dict]:
    code = main(["attest", "verify", str(path), "--json", *extra])
    return code, json.loads(capsys.readouterr().out)


def test_sign_then_verify(
    journal: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("EDITOR_KEY", HARDHAT_KEY_0)
    monkeypatch.setenv("STRANGER_KEY", HARDHAT_KEY_1)
    code, text, first = _sign(journal, capsys, "--key-env", "EDITOR_KEY")
    assert code == 0 and first is not None and first.parent == journal / "attestations"
    assert first.name.startswith("accept-") and HARDHAT_ADDR_0 in text
    assert HARDHAT_KEY_0[2:] not in text and HARDHAT_KEY_0[10:30] not in first.read_text()
    doc = json.loads(first.read_text())
    assert doc["sig"]["version"] == 2 and doc["sig"]["domain"]["chainId"] == "11155111"

    code, out = _verify(first, capsys)
    assert code == 0
    assert out["state"] == "verified" and out["valid"] is True
    assert out["attester"] == HARDHAT_ADDR_0 and out["decision"] == "accept"
    assert set(out) == {"state", "valid", "uid", "attester", "schema", "cid", "decision", "reasons"}
    bundle = out["cid"]
    assert bundle.startswith("bafy")

    # A second signature: the attestations/ folder is outside the bundle, so same CID.
    code, _, second = _sign(journal, capsys, "--key-env", "STRANGER_KEY")
    assert code == 0 and second is not None
    code, out = _verify(second, capsys)
    assert (code, out["state"], out["cid"], out["attester"]) == (
        0,
        "signed",
        bundle,
        HARDHAT_ADDR_1,
    )

    # Signed over another CID: invalid, exit 1, reasons in words.
    code, _, third = _sign(journal, capsys, "--key-env", "EDITOR_KEY", "--cid", CID_B)
    assert code == 0 and third is not None
    code, out = _verify(third, capsys)
    assert code == 1 and out["state"] == "invalid" and out["valid"] is False
    assert out["reasons"] == [
        f"attests CID {CID_B}, but this paper's bundle CID is {bundle}",
        "contentHash is not the sha2-256 digest of the CID",
    ]
    code, out = _verify(third, capsys, "--cid", CID_B)
    assert (code, out["state"]) == (0, "verified")

    # Changing the paper changes its CID: every attestation becomes invalid.
    (journal / "data.csv").write_text("a,b\n1,3\n")
    code, out = _verify(first, capsys)
    assert code == 1 and "bundle CID" in out["reasons"][0]


def test_sign_with_keystore(
    journal: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
) -> None:
    store = tmp_path / "key.json"
    store.write_text(json.dumps(Account.encrypt(HARDHAT_KEY_0, "pw", kdf="scrypt", iterations=2)))
    monkeypatch.setenv("SITEGEN_KEYSTORE_PASSWORD", "pw")
    code, text, written = _sign(journal, capsys, "--keystore", str(store), "--version", "1")
    assert code == 0 and written is not None
    assert json.loads(written.read_text())["sig"]["message"]["version"] == 1
    code, out = _verify(written, capsys)
    assert out["state"] == "verified"
    monkeypatch.setenv("SITEGEN_KEYSTORE_PASSWORD", "wrong")
    code, text, _ = _sign(journal, capsys, "--keystore", str(store))
    assert code == 2 and "wrong keystore password" in text


def test_sign_usage_errors(journal: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, text, _ = _sign(journal, capsys, "--key-env", "NOT_SET_ANYWHERE")
    assert code == 2 and "NOT_SET_ANYWHERE is not set" in text
    code, text, _ = _sign(journal, capsys, "--key-env", "X", "--comment", "hi")
    assert code == 2 and "no comment field" in text
    assert not (journal / "attestations").exists()


def test_verify_tampered_and_url_files(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    docs = load_vectors("easscan_docs.json")
    url_file = tmp_path / "shared-link.txt"
    url_file.write_text(docs["mainnet"]["url"] + "\n")
    code, out = _verify(url_file, capsys)
    # No journal here: the crypto checks pass, but no schema is configured.
    assert code == 1 and out["uid"] == docs["mainnet"]["uid"]
    assert out["attester"] == docs["mainnet"]["signer"]
    assert out["reasons"] == [
        "schema 0xf58b8b212ef75ee8cd7e8d803c37c03e0519890502d5e99ee2412aae1456cafe "
        "is not one of the journal's schemas"
    ]
    bad = tmp_path / "bad.json"
    doc = docs["sepolia"]["document"]
    doc["sig"]["message"]["time"] += 1
    bad.write_text(json.dumps(doc))
    code, out = _verify(bad, capsys)
    assert code == 1 and any("UID does not match" in r for r in out["reasons"])
    (tmp_path / "junk.json").write_text("{not json")
    code, out = _verify(tmp_path / "junk.json", capsys)
    assert code == 1 and out["state"] == "invalid"
    code = main(["attest", "verify", str(bad)])
    assert code == 1 and capsys.readouterr().out.startswith("invalid: the UID does not match")
