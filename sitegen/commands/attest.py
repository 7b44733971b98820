"""``sitegen attest sign|verify``: offchain EAS/BAS attestations over a paper's CID."""

from __future__ import annotations

import argparse
import getpass
import json
import os
import sys
import time
from pathlib import Path
from typing import Any

from sitegen.errors import ContentError, UsageError, errors_in


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser("attest", help="sign or verify attestations")
    asub = p.add_subparsers(dest="attest_command", metavar="ACTION", required=True)
    s = asub.add_parser("sign", help="sign an offchain attestation over a paper's bundle CID")
    s.add_argument("paper_dir", metavar="PAPER_DIR")
    s.add_argument("--decision", required=True, metavar="D")
    s.add_argument("--comment", default=None, metavar="C")
    key = s.add_mutually_exclusive_group(required=True)
    key.add_argument("--key-env", metavar="VAR", help="environment variable holding the key")
    key.add_argument(
        "--keystore",
        metavar="FILE",
        help="encrypted JSON keystore (password from $SITEGEN_KEYSTORE_PASSWORD or a prompt)",
    )
    s.add_argument("-s", "--source", default=None, metavar="SRC")
    s.add_argument("--chain", default=None, help="chain of the EIP-712 domain (config: chain)")
    s.add_argument("--schema", default=None, metavar="UID", help="schema UID (default: first)")
    s.add_argument("--cid", default=None, help="attest this CID instead of the computed bundle CID")
    s.add_argument("--expires", type=int, default=0, metavar="UNIX", help="expiration time")
    s.add_argument("--version", type=int, default=2, choices=(0, 1, 2), dest="offchain_version")
    s.set_defaults(func=run_sign)
    v = asub.add_parser("verify", help="verify an offchain attestation file")
    v.add_argument("file", metavar="FILE.json")
    v.add_argument("--cid", default=None, metavar="CID")
    v.add_argument("-s", "--source", default=None, metavar="SRC")
    v.add_argument("--json", action="store_true")
    v.set_defaults(func=run_verify)


def _find_source(start: Path, given: str | None) -> Path | None:
    if given:
        return Path(given).resolve()
    for folder in (start, *start.parents):
        if (folder / "sitegen.yaml").is_file():
            return folder
    return None


def _load(src: Path) -> Any:
    from sitegen.content.config import load_config

    cfg, diags = load_config(src)
    if cfg is None or errors_in(diags):
        raise ContentError("sitegen.yaml has errors", errors_in(diags) or diags)
    return cfg


def _bundle_cid(paper_dir: Path, profile_name: str) -> str:
    from sitegen.ipfs.importer import add_path
    from sitegen.ipfs.profiles import get_profile

    result = add_path(
        paper_dir,
        get_profile(profile_name),
        exclude=lambda p: p == "attestations" or p.startswith("attestations/"),
    )
    return result.root


def run_sign(args: argparse.Namespace) -> int:
    from sitegen.attest.chains import chain_by_name
    from sitegen.attest.sign import (
        SignRequest,
        attestation_filename,
        dump_document,
        key_from_env,
        key_from_keystore,
        paper_values,
        sign_offchain,
    )

    paper_dir = Path(args.paper_dir).resolve()
    if not paper_dir.is_dir():
        raise UsageError(f"{args.paper_dir} is not a folder")
    src = _find_source(paper_dir, args.source)
    if src is None:
        raise UsageError(f"no sitegen.yaml above {args.paper_dir}; pass -s SRC")
    cfg = _load(src)
    att = cfg.attestations
    if not att.schemas:
        raise UsageError("sitegen.yaml configures no attestations.schemas")
    schema = att.schemas[0] if args.schema is None else att.schema_by_uid(args.schema)
    if schema is None:
        raise UsageError(f"schema {args.schema} is not configured in sitegen.yaml")
    chain = chain_by_name(args.chain or att.chain, att.chains)
    if chain is None:
        raise UsageError(f"unknown chain {args.chain or att.chain!r}")
    cid = args.cid or _bundle_cid(paper_dir, cfg.cid_profile)
    values = paper_values(schema, cid=cid, decision=args.decision, comment=args.comment)
    if args.key_env:
        key = key_from_env(args.key_env)
    else:
        store = json.loads(Path(args.keystore).read_text(encoding="utf-8"))
        password = os.environ.get("SITEGEN_KEYSTORE_PASSWORD")
        if password is None:
            password = getpass.getpass("keystore password: ")
        key = key_from_keystore(store, password)
    request = SignRequest(
        chain=chain,
        schema=schema,
        values=tuple(values),
        time=int(time.time()),
        expiration_time=args.expires,
        version=args.offchain_version,
    )
    doc = sign_offchain(request, key)
    del key
    uid = doc["sig"]["uid"]
    out_dir = paper_dir / "attestations"
    out_dir.mkdir(exist_ok=True)
    out = out_dir / attestation_filename(args.decision, uid)
    out.write_text(dump_document(doc), encoding="utf-8")
    print(f"wrote {out}")
    print(f"uid     {uid}")
    print(f"signer  {doc['signer']}")
    print(f"cid     {cid}")
    print(f"chain   {chain.name} ({chain.chain_id})")
    return 0


def _read_document(path: Path) -> Any:
    """JSON file, or a file holding an easscan offchain URL / its encoded payload."""
    from sitegen.attest.chains import decode_shareable
    from sitegen.attest.offchain import from_compact

    text = path.read_text(encoding="utf-8").strip()
    if text.startswith("{"):
        return json.loads(text)
    payload = text.split("#attestation=", 1)[-1]
    return from_compact(decode_shareable(payload))


def run_verify(args: argparse.Namespace) -> int:
    from sitegen.attest.config import AttestationConfig
    from sitegen.attest.verify import check_offchain

    path = Path(args.file)
    if not path.is_file():
        raise UsageError(f"{args.file} is not a file")
    src = _find_source(path.resolve().parent, args.source)
    config = _load(src).attestations if src else AttestationConfig()
    expected = args.cid
    if expected is None and path.resolve().parent.name == "attestations" and src is not None:
        expected = _bundle_cid(path.resolve().parent.parent, _load(src).cid_profile)
    try:
        doc = _read_document(path)
    except ValueError as exc:
        doc = None
        reasons: tuple[str, ...] = (f"not a JSON attestation or easscan URL: {exc}",)
        result = None
    else:
        result = check_offchain(doc, expected_cid=expected, config=config, now=int(time.time()))
        reasons = result.reasons
    badge = result.badge if result else None
    state = badge.state if badge else "invalid"
    out = {
        "state": state,
        "valid": state in ("verified", "signed"),
        "uid": badge.uid if badge else None,
        "attester": badge.attester if badge else None,
        "schema": badge.schema if badge else None,
        "cid": badge.cid if badge else None,
        "decision": badge.decision if badge else None,
        "reasons": list(reasons) or ([badge.reason] if badge else []),
    }
    if args.json:
        print(json.dumps(out, indent=2))
    else:
        reason = badge.reason if badge else reasons[0]
        print(reason if reason.startswith(state) else f"{state}: {reason}")
        for label in ("uid", "attester", "schema", "cid", "decision"):
            if out[label]:
                print(f"  {label:9} {out[label]}")
        if badge and badge.attester_name:
            print(f"  {'name':9} {badge.attester_name} ({badge.role})")
        if src is None:
            print("  (no sitegen.yaml found: no schema or attester is configured)", file=sys.stderr)
        if expected is None:
            print("  (CID not compared: pass --cid)", file=sys.stderr)
    return 1 if state == "invalid" else 0
