"""``sitegen attest sign|verify``: offchain EAS/BAS attestations over a paper's CID."""

from __future__ import annotations

import argparse


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("attest", help="sign or verify attestations")
    asub = p.add_subparsers(dest="attest_command", metavar="ACTION", required=True)
    s = asub.add_parser("sign", help="sign an offchain attestation over a paper's bundle CID")
    s.add_argument("paper_dir", metavar="PAPER_DIR")
    s.add_argument("--decision", required=True, metavar="D")
    s.add_argument("--comment", default=None, metavar="C")
    key = s.add_mutually_exclusive_group(required=True)
    key.add_argument("--key-env", metavar="VAR", help="environment variable holding the key")
    key.add_argument("--keystore", metavar="FILE", help="encrypted JSON keystore")
    s.add_argument("-s", "--source", default=None, metavar="SRC")
    s.set_defaults(func=run_sign)
    v = asub.add_parser("verify", help="verify an offchain attestation file")
    v.add_argument("file", metavar="FILE.json")
    v.add_argument("--cid", default=None, metavar="CID")
    v.add_argument("-s", "--source", default=None, metavar="SRC")
    v.add_argument("--json", action="store_true")
    v.set_defaults(func=run_verify)


def run_sign(args: argparse.Namespace) -> int:
    raise NotImplementedError("sitegen attest sign")


def run_verify(args: argparse.Namespace) -> int:
    raise NotImplementedError("sitegen attest verify")
