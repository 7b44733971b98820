"""The build stage: every paper's attestations -> badges (+ warnings for invalid ones).

Invalid attestations are *warnings* pointing at the JSON file (or the front-matter line of
an on-chain reference), so ``--strict`` fails the build while a normal build still shows
them, as invalid, never hidden and never as valid.
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sitegen.attest.badges import Badge, utc_date
from sitegen.attest.chains import chain_by_name
from sitegen.attest.config import FIELD, AttestationConfig
from sitegen.attest.eas import hex_to_bytes
from sitegen.attest.rpc import (
    LOCK_NAME,
    fetch_attestation,
    lock_key,
    read_lock,
    record_from_json,
    record_to_json,
    write_lock,
)
from sitegen.attest.verify import check_offchain, check_onchain, unchecked
from sitegen.errors import Diagnostic

if TYPE_CHECKING:
    from sitegen.content.model import OnchainRef, Paper

__all__ = ["Badge", "attest_papers", "verify_offchain_document"]


def verify_offchain_document(
    doc: dict[str, Any], *, expected_cid: str | None, config: AttestationConfig, now: int
) -> Badge:
    """Verify one offchain attestation; ``expected_cid`` None skips only the CID comparison."""
    return check_offchain(doc, expected_cid=expected_cid, config=config, now=now).badge


def _display(path: Path) -> str:
    try:
        return path.relative_to(Path.cwd()).as_posix()
    except ValueError:
        return path.as_posix()


def key_line(text: str, key: str | None) -> int:
    """1-based line of the first ``"key"`` in the JSON text (1 when not found)."""
    if key:
        at = text.find(f'"{key}"')
        if at >= 0:
            return text.count("\n", 0, at) + 1
    return 1


def _offchain_badges(
    paper: Paper, cid: str | None, config: AttestationConfig, now: int
) -> tuple[list[Badge], list[Diagnostic]]:
    badges: list[Badge] = []
    diags: list[Diagnostic] = []
    folder = paper.dir / "attestations"
    files = sorted(folder.glob("*.json")) if folder.is_dir() else []
    for path in files:
        shown = _display(path)
        text = path.read_text(encoding="utf-8", errors="replace")
        try:
            doc = json.loads(text)
        except json.JSONDecodeError as exc:
            reason = f"invalid: the file is not valid JSON ({exc.msg} at line {exc.lineno})"
            badges.append(Badge("invalid", reason, file=path.name))
            diags.append(Diagnostic(shown, exc.lineno, FIELD, reason, "warning"))
            continue
        result = check_offchain(doc, expected_cid=cid, config=config, now=now, file=path.name)
        badges.append(result.badge)
        if result.badge.state == "invalid":
            line = key_line(text, result.problem_key)
            diags.append(Diagnostic(shown, line, FIELD, result.badge.reason, "warning"))
    return badges, diags


def _rpc_url(chain: str, config: AttestationConfig, env: Mapping[str, str]) -> str | None:
    return config.rpc_url(chain) or env.get("SITEGEN_RPC_" + chain.upper().replace("-", "_"))


def _onchain_badge(
    ref: OnchainRef,
    paper: Paper,
    cid: str | None,
    config: AttestationConfig,
    ctx: dict[str, Any],
) -> tuple[Badge, Diagnostic | None]:
    def warn(message: str) -> Diagnostic:
        return Diagnostic(paper.source_path, ref.line, FIELD, message, "warning")

    chain = chain_by_name(ref.chain, config.chains)
    if chain is None:
        reason = f"invalid: unknown chain {ref.chain!r} for on-chain attestation {ref.uid}"
        return Badge("invalid", reason, uid=ref.uid, chain=ref.chain, offchain=False), warn(reason)
    try:
        hex_to_bytes(ref.uid, 32)
    except ValueError:
        reason = f"invalid: {ref.uid!r} is not a 32-byte 0x… attestation UID"
        return Badge("invalid", reason, uid=ref.uid, chain=chain.name, offchain=False), warn(reason)
    key = lock_key(chain, ref.uid)
    now = ctx["now"]
    if ctx["online"]:
        url = _rpc_url(chain.name, config, ctx["env"])
        if url is None:
            var = "SITEGEN_RPC_" + chain.name.upper().replace("-", "_")
            reason = f"not checked: no RPC URL for {chain.name} (set attestations.rpc or ${var})"
            return unchecked(ref.uid, chain, reason), warn(reason)
        record = fetch_attestation(url, chain, ref.uid)
        exists = int(record.uid, 16) != 0
        ctx["lock"][key] = {
            "chain_id": chain.chain_id,
            "checked": now,
            "record": record_to_json(record) if exists else None,
        }
        badge = check_onchain(
            ref.uid, chain, record if exists else None, expected_cid=cid, config=config, now=now
        )
    elif key in ctx["lock"]:
        entry = ctx["lock"][key]
        rec = record_from_json(entry["record"]) if entry.get("record") else None
        note = f" (as read on-chain on {utc_date(int(entry.get('checked', 0)))})"
        badge = check_onchain(
            ref.uid, chain, rec, expected_cid=cid, config=config, now=now, note=note
        )
    else:
        reason = "not checked: on-chain attestation, offline build (run `sitegen build --online`)"
        return unchecked(ref.uid, chain, reason), None
    return badge, warn(badge.reason) if badge.state == "invalid" else None


def attest_papers(
    papers: Sequence[Paper],
    bundle_cids: Mapping[str, str],
    config: AttestationConfig,
    *,
    root: Path,
    online: bool,
    now: int,
    env: Mapping[str, str] | None = None,
) -> tuple[dict[str, list[Badge]], list[Diagnostic]]:
    """Badges per paper slug, in a stable order (offchain files by name, then front matter).

    Online, on-chain references are read by RPC and recorded in ``root/attestations.lock.json``;
    offline, that lock replays them (expiry judged against ``now``), else they are unchecked.
    """
    lock, problem = read_lock(root)
    diags: list[Diagnostic] = []
    if problem:
        diags.append(Diagnostic(_display(root / LOCK_NAME), None, FIELD, problem, "warning"))
    ctx: dict[str, Any] = {
        "online": online,
        "now": now,
        "env": os.environ if env is None else env,
        "lock": dict(lock),
    }
    result: dict[str, list[Badge]] = {}
    for paper in sorted(papers, key=lambda p: p.slug):
        cid = bundle_cids.get(paper.slug)
        badges, found = _offchain_badges(paper, cid, config, now)
        diags.extend(found)
        for ref in paper.attestations:
            badge, diag = _onchain_badge(ref, paper, cid, config, ctx)
            badges.append(badge)
            if diag:
                diags.append(diag)
        result[paper.slug] = badges
    if online and ctx["lock"] != lock:
        write_lock(root, ctx["lock"])
    return result, diags
