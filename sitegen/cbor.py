"""A small CBOR codec: the subset CAR headers (DAG-CBOR) use.

Unsigned and negative integers, byte and text strings, arrays, maps, true/false/null, and
tag 42 (an IPLD CID link). Definite lengths only. Encoding keeps map order as given, so
callers that need canonical DAG-CBOR order their keys themselves.
"""

from __future__ import annotations

from dataclasses import dataclass

CID_TAG = 42


class CborError(ValueError):
    """Bytes that are not CBOR of the supported subset."""


@dataclass(frozen=True, slots=True)
class CidLink:
    """A tag-42 CID link; ``cid`` is the binary CID without the multibase 0x00 prefix."""

    cid: bytes


def _head(major: int, arg: int) -> bytes:
    if arg < 24:
        return bytes([major << 5 | arg])
    for extra, size in ((24, 1), (25, 2), (26, 4), (27, 8)):
        if arg < 1 << (8 * size):
            return bytes([major << 5 | extra]) + arg.to_bytes(size, "big")
    raise CborError(f"integer too large for CBOR: {arg}")


def encode(value: object) -> bytes:
    if isinstance(value, bool) or value is None:
        return bytes([0xF5 if value is True else 0xF4 if value is False else 0xF6])
    if isinstance(value, int):
        return _head(0, value) if value >= 0 else _head(1, -1 - value)
    if isinstance(value, bytes):
        return _head(2, len(value)) + value
    if isinstance(value, str):
        data = value.encode("utf-8")
        return _head(3, len(data)) + data
    if isinstance(value, list):
        return _head(4, len(value)) + b"".join(encode(v) for v in value)
    if isinstance(value, dict):
        items = b"".join(encode(k) + encode(v) for k, v in value.items())
        return _head(5, len(value)) + items
    if isinstance(value, CidLink):
        return _head(6, CID_TAG) + encode(b"\x00" + value.cid)
    raise CborError(f"cannot encode {type(value).__name__} as CBOR")


def decode(data: bytes, pos: int = 0) -> tuple[object, int]:
    """The value starting at ``pos`` and the position just after it."""
    if pos >= len(data):
        raise CborError("truncated CBOR")
    major, info = data[pos] >> 5, data[pos] & 0x1F
    pos += 1
    if major == 7:
        simple = {20: False, 21: True, 22: None}
        if info in simple:
            return simple[info], pos
        raise CborError(f"unsupported CBOR simple value {info}")
    if info < 24:
        arg = info
    elif info <= 27:
        size = 1 << (info - 24)
        if pos + size > len(data):
            raise CborError("truncated CBOR")
        arg = int.from_bytes(data[pos : pos + size], "big")
        pos += size
    else:
        raise CborError("indefinite-length CBOR is not supported")
    if major == 0:
        return arg, pos
    if major == 1:
        return -1 - arg, pos
    if major in (2, 3):
        chunk = data[pos : pos + arg]
        if len(chunk) != arg:
            raise CborError("truncated CBOR string")
        try:
            return (chunk if major == 2 else chunk.decode("utf-8")), pos + arg
        except UnicodeDecodeError as exc:
            raise CborError("CBOR text is not UTF-8") from exc
    if major == 4:
        items = []
        for _ in range(arg):
            item, pos = decode(data, pos)
            items.append(item)
        return items, pos
    if major == 5:
        mapping: dict[object, object] = {}
        for _ in range(arg):
            key, pos = decode(data, pos)
            mapping[key], pos = decode(data, pos)
        return mapping, pos
    if major == 6 and arg == CID_TAG:
        inner, pos = decode(data, pos)
        if not isinstance(inner, bytes) or not inner.startswith(b"\x00"):
            raise CborError("tag 42 does not hold a CID")
        return CidLink(inner[1:]), pos
    raise CborError(f"unsupported CBOR item (major type {major})")
