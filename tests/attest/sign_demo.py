"""Sign the demo journal's papers with Hardhat TEST keys: one badge of each kind.

    python tests/attest/sign_demo.py [SRC]      # SRC: the journal folder (default: repo root)

Run it after the papers' content is final (any change to a paper changes its bundle CID and
turns its attestations invalid). With the papers sorted by slug it writes:

- paper 1: Hardhat #0 (the editor in the demo sitegen.yaml), decision ``accept`` -> verified
- paper 1: Hardhat #2 (the reviewer), decision ``minor-revision``               -> verified
- paper 2: Hardhat #1 (not in sitegen.yaml), decision ``replicated``             -> signed
- paper 3: Hardhat #0 over paper 1's CID, decision ``accept``                    -> invalid

and prints a front-matter snippet for an on-chain reference (shown as unchecked offline).
These keys are public test keys; never use them for anything real.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from attest_testkit import HARDHAT_KEY_0, HARDHAT_KEY_1, HARDHAT_KEY_2

from sitegen.attest.eas import keccak256
from sitegen.cli import main

ENV = "SITEGEN_DEMO_TEST_KEY"


def _sign(paper: Path, key: str, decision: str, *extra: str) -> None:
    os.environ[ENV] = key
    try:
        code = main(
            ["attest", "sign", str(paper), "--decision", decision, "--key-env", ENV, *extra]
        )
    finally:
        del os.environ[ENV]
    if code != 0:
        raise SystemExit(f"signing {paper} failed (exit {code})")


def _bundle_cid(paper: Path) -> str:
    from sitegen.content.config import load_config
    from sitegen.ipfs.importer import add_path
    from sitegen.ipfs.profiles import get_profile

    src = next(p for p in paper.parents if (p / "sitegen.yaml").is_file())
    cfg, _ = load_config(src)
    assert cfg is not None
    return add_path(
        paper,
        get_profile(cfg.cid_profile),
        exclude=lambda p: p == "attestations" or p.startswith("attestations/"),
    ).root


def onchain_reference() -> str:
    """A well-formed but made-up Sepolia UID: the badge shows 'unchecked' with an explorer link."""
    return "0x" + keccak256(b"sitegen demo on-chain reference").hex()


def sign_demo(src: Path) -> list[Path]:
    papers = sorted(p.parent for p in (src / "content" / "papers").glob("*/paper.md"))
    if len(papers) < 3:
        raise SystemExit("the demo needs at least three papers")
    first, second, third = papers[:3]
    _sign(first, HARDHAT_KEY_0, "accept")
    _sign(first, HARDHAT_KEY_2, "minor-revision")
    _sign(second, HARDHAT_KEY_1, "replicated")
    _sign(third, HARDHAT_KEY_0, "accept", "--cid", _bundle_cid(first))
    return [first, second, third]


if __name__ == "__main__":
    root = Path(sys.argv[1] if len(sys.argv) > 1 else Path(__file__).resolve().parents[2])
    done = sign_demo(root)
    print("\nOn-chain reference (add to a paper's front matter):")
    print(f'attestations:\n  - chain: sepolia\n    uid: "{onchain_reference()}"')
    print("signed:", ", ".join(p.name for p in done))
