"""Small independent encoders for tests: hand-written bytes, not the code under test."""

from __future__ import annotations

import base64
import hashlib


def varint(n: int) -> bytes:
    out = bytearray()
    while True:
        byte = n & 0x7F
        n >>= 7
        if n:
            out.append(byte | 0x80)
        else:
            out.append(byte)
            return bytes(out)


def raw_cid(data: bytes) -> bytes:
    return b"\x01\x55\x12\x20" + hashlib.sha256(data).digest()


def pb_cid_v1(block: bytes) -> bytes:
    return b"\x01\x70\x12\x20" + hashlib.sha256(block).digest()


def b32(cid: bytes) -> str:
    return "b" + base64.b32encode(cid).decode().lower().rstrip("=")


def field(tag: int, payload: bytes) -> bytes:
    return bytes([tag]) + varint(len(payload)) + payload


def pb_link(cid: bytes, name: bytes, tsize: int) -> bytes:
    return field(0x12, field(0x0A, cid) + field(0x12, name) + b"\x18" + varint(tsize))
