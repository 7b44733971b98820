"""Attestations: EAS / BAS offchain and on-chain signatures over a paper's bundle CID."""
