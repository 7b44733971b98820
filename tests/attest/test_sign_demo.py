"""The demo signer gives one badge of each kind on a copy of the demo journal."""

from __future__ import annotations

import shutil
from pathlib import Path

from sign_demo import sign_demo

from sitegen.attest.stage import attest_papers
from sitegen.content.config import load_config
from sitegen.content.model import OnchainRef, Paper

REPO = Path(__file__).resolve().parents[2]


def test_demo_signer_on_a_copy(tmp_path: Path) -> None:
    shutil.copy(REPO / "sitegen.yaml", tmp_path / "sitegen.yaml")
    for slug in ("a-first", "b-second", "c-third"):
        paper = tmp_path / "content" / "papers" / slug
        paper.mkdir(parents=True)
        (paper / "paper.md").write_text(f"---\ntitle: {slug}\n---\n\nText of {slug}.\n")
    papers = sign_demo(tmp_path)
    cfg, _ = load_config(tmp_path)
    assert cfg is not None
    from sign_demo import _bundle_cid, onchain_reference

    models = [
        Paper(
            p.name,
            p,
            f"{p}/paper.md",
            p.name,
            (),
            "",
            4,
            attestations=(OnchainRef("sepolia", onchain_reference(), 3),) if i == 1 else (),
        )
        for i, p in enumerate(papers)
    ]
    cids = {p.name: _bundle_cid(p) for p in papers}
    badges, diags = attest_papers(
        models, cids, cfg.attestations, root=tmp_path, online=False, now=2_000_000_000
    )
    states = {slug: sorted(b.state for b in bs) for slug, bs in badges.items()}
    assert states == {
        "a-first": ["verified", "verified"],
        "b-second": ["signed", "unchecked"],
        "c-third": ["invalid"],
    }
    roles = sorted(b.role for b in badges["a-first"])
    assert roles == ["editor", "reviewer"]
    assert len(diags) == 1 and "bundle CID" in diags[0].message
