"""The build stage: offchain files and on-chain references of real papers -> badges."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from attest_testkit import (
    CID_A,
    CID_B,
    HARDHAT_KEY_0,
    HARDHAT_KEY_1,
    PAPER_SCHEMA,
    journal_config,
)
from evm_testkit import DevChain, serve_rpc

from sitegen.attest.abi import encode
from sitegen.attest.chains import chain_by_name
from sitegen.attest.config import AttestationConfig
from sitegen.attest.rpc import LOCK_NAME
from sitegen.attest.sign import SignRequest, dump_document, paper_values, sign_offchain
from sitegen.attest.stage import attest_papers
from sitegen.content.model import OnchainRef, Paper

NOW = 1_800_000_000


def _paper(root: Path, slug: str, refs: tuple[OnchainRef, ...] = ()) -> Paper:
    folder = root / "content" / "papers" / slug
    (folder / "attestations").mkdir(parents=True)
    (folder / "paper.md").write_text("---\ntitle: T\n---\nbody\n")
    return Paper(
        slug=slug,
        dir=folder,
        source_path=f"content/papers/{slug}/paper.md",
        title="T",
        authors=(),
        body="body\n",
        body_line=4,
        attestations=refs,
    )


def _write(paper: Paper, name: str, doc: Any) -> Path:
    path = paper.dir / "attestations" / name
    path.write_text(doc if isinstance(doc, str) else dump_document(doc))
    return path


def _signed(config: AttestationConfig, key: str, cid: str) -> dict[str, Any]:
    sch = config.schemas[0]
    chain = chain_by_name("sepolia")
    assert chain is not None
    values = tuple(paper_values(sch, cid=cid, decision="accept", comment=None))
    return sign_offchain(SignRequest(chain, sch, values, NOW - 5), bytes.fromhex(key[2:]))


def test_offchain_badges_and_warnings(tmp_path: Path) -> None:
    config = journal_config()
    paper = _paper(tmp_path, "p1")
    _write(paper, "a-verified.json", _signed(config, HARDHAT_KEY_0, CID_A))
    _write(paper, "b-unknown.json", _signed(config, HARDHAT_KEY_1, CID_A))
    _write(paper, "c-other-cid.json", _signed(config, HARDHAT_KEY_0, CID_B))
    tampered = _signed(config, HARDHAT_KEY_0, CID_A)
    tampered["sig"]["uid"] = "0x" + "ab" * 32
    t_path = _write(paper, "d-tampered.json", tampered)
    broken = _write(paper, "e-broken.json", '{\n  "sig": {\n    "uid": ,\n  }\n}\n')
    (paper.dir / "attestations" / "notes.txt").write_text("ignored")

    badges, diags = attest_papers(
        [paper], {"p1": CID_A}, config, root=tmp_path, online=False, now=NOW
    )
    got = [(b.file, b.state) for b in badges["p1"]]
    assert got == [
        ("a-verified.json", "verified"),
        ("b-unknown.json", "signed"),
        ("c-other-cid.json", "invalid"),
        ("d-tampered.json", "invalid"),
        ("e-broken.json", "invalid"),
    ]
    assert all(d.severity == "warning" and d.field == "attestations" for d in diags)
    assert [Path(d.path).name for d in diags] == [
        "c-other-cid.json",
        "d-tampered.json",
        "e-broken.json",
    ]
    uid_line = (
        t_path.read_text()
        .splitlines()
        .index(next(ln for ln in t_path.read_text().splitlines() if ln.strip().startswith('"uid"')))
        + 1
    )
    assert diags[1].line == uid_line
    assert diags[1].path == str(t_path)
    assert diags[2].line == 3 and "not valid JSON" in diags[2].message
    assert diags[0].format().startswith(f"{paper.dir}/attestations/c-other-cid.json:")
    assert f"this paper's bundle CID is {CID_A}" in diags[0].message
    assert str(broken) == diags[2].path
    assert not (tmp_path / LOCK_NAME).exists()


@pytest.fixture(scope="module")
def devchain() -> DevChain:
    return DevChain()


def test_onchain_real_eas_contracts_online_then_offline(tmp_path: Path, devchain: DevChain) -> None:
    schema = devchain.register(PAPER_SCHEMA)
    base = journal_config()
    sch = base.schemas[0]
    assert schema == sch.uid

    def data(cid: str, decision: str = "accept") -> bytes:
        values = paper_values(sch, cid=cid, decision=decision, comment=None)
        return encode([f.type for f in sch.fields], values)

    editor, stranger = devchain.accounts[0], devchain.accounts[1]
    t0 = devchain.timestamp
    ok = devchain.attest(editor, schema, data(CID_A))
    revoked = devchain.attest(editor, schema, data(CID_A, "retract"))
    devchain.revoke(editor, schema, revoked)
    unknown = devchain.attest(stranger, schema, data(CID_A))
    wrong_cid = devchain.attest(editor, schema, data(CID_B))
    expiring = devchain.attest(editor, schema, data(CID_A), expiration=t0 + 1000)
    missing = "0x" + "42" * 32
    refs = tuple(
        OnchainRef("devnet", uid, line=10 + i)
        for i, uid in enumerate((ok, revoked, unknown, wrong_cid, expiring, missing))
    )
    paper = _paper(tmp_path, "onchain", refs)
    config = journal_config(
        attesters=[{"address": editor, "name": "Editor", "role": "editor"}],
        chains={"devnet": {"chain_id": devchain.chain_id, "eas": devchain.eas}},
    )
    now = t0 + 2000
    with serve_rpc(devchain) as url:
        online, diags = attest_papers(
            [paper],
            {"onchain": CID_A},
            config,
            root=tmp_path,
            online=True,
            now=now,
            env={"SITEGEN_RPC_DEVNET": url},
        )
    states = [b.state for b in online["onchain"]]
    assert states == ["verified", "revoked", "signed", "invalid", "expired", "invalid"]
    b = online["onchain"]
    assert b[0].attester_name == "Editor" and b[0].decision == "accept" and not b[0].offchain
    assert b[1].reason.startswith("revoked on ")
    assert "bundle CID" in b[3].reason and "no attestation with this UID" in b[5].reason
    assert [(d.path, d.line) for d in diags] == [
        ("content/papers/onchain/paper.md", 13),
        ("content/papers/onchain/paper.md", 15),
    ]
    lock = json.loads((tmp_path / LOCK_NAME).read_text())
    assert sorted(lock["attestations"]) == sorted(
        f"devnet:{u}" for u in (ok, revoked, unknown, wrong_cid, expiring, missing)
    )

    # Offline with the lock: the same states, no network needed.
    offline, diags2 = attest_papers(
        [paper], {"onchain": CID_A}, config, root=tmp_path, online=False, now=now, env={}
    )
    assert [x.state for x in offline["onchain"]] == states
    assert "as read on-chain on" in offline["onchain"][0].reason
    assert len(diags2) == 2
    # Before it expired, the expiring one replays as verified.
    early, _ = attest_papers(
        [paper], {"onchain": CID_A}, config, root=tmp_path, online=False, now=t0 + 10, env={}
    )
    assert early["onchain"][4].state == "verified"

    # Offline without a lock: unchecked, with no warning.
    (tmp_path / LOCK_NAME).unlink()
    bare, diags3 = attest_papers(
        [paper], {"onchain": CID_A}, config, root=tmp_path, online=False, now=now, env={}
    )
    assert {x.state for x in bare["onchain"]} == {"unchecked"}
    assert diags3 == []


def test_online_without_rpc_url_and_with_wrong_chain(tmp_path: Path, devchain: DevChain) -> None:
    uid = "0x" + "01" * 32
    paper = _paper(tmp_path, "p", (OnchainRef("sepolia", uid, 6), OnchainRef("nowhere", uid, 7)))
    badges, diags = attest_papers(
        [paper], {"p": CID_A}, journal_config(), root=tmp_path, online=True, now=NOW, env={}
    )
    assert [b.state for b in badges["p"]] == ["unchecked", "invalid"]
    assert badges["p"][0].links == (
        ("View on EAS explorer", f"https://sepolia.easscan.org/attestation/view/{uid}"),
    )
    assert "SITEGEN_RPC_SEPOLIA" in diags[0].message and diags[0].line == 6
    assert "unknown chain 'nowhere'" in diags[1].message


def test_rpc_serving_another_chain_is_a_network_error(tmp_path: Path, devchain: DevChain) -> None:
    from sitegen.errors import NetworkError

    paper = _paper(tmp_path, "p", (OnchainRef("sepolia", "0x" + "01" * 32, 6),))
    with serve_rpc(devchain) as url, pytest.raises(NetworkError, match="serves chain id"):
        attest_papers(
            [paper],
            {"p": CID_A},
            journal_config(),
            root=tmp_path,
            online=True,
            now=NOW,
            env={"SITEGEN_RPC_SEPOLIA": url},
        )
