"""EAS schema strings and the Solidity ABI encoding of attestation data.

An EAS schema is a comma-separated list of ``type name`` pairs; the attestation ``data`` is
plain ``abi.encode`` of those types (eas-sdk ``SchemaEncoder`` uses ``AbiCoder.encode``, not
packed). We need only the value types EAS schemas use in practice, plus dynamic arrays of
them, so a small head/tail coder of our own is clearer than a dependency.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

_TYPE = re.compile(r"^(uint|int)(\d*)$|^bytes(\d+)$|^(address|bool|string|bytes)$")
ALIASES = {"ipfsHash": "bytes32", "uint": "uint256", "int": "int256"}
"""eas-sdk pseudo-types and Solidity shorthands, mapped to their canonical ABI type."""


class AbiError(ValueError):
    """A schema string or ABI payload we cannot read."""


@dataclass(frozen=True, slots=True)
class SchemaField:
    type: str
    """Canonical ABI type, e.g. ``bytes32`` or ``string[]``."""
    name: str
    declared: str
    """The type as written in the schema string (``ipfsHash`` stays ``ipfsHash``)."""


def _check_type(t: str) -> str:
    base = t[:-2] if t.endswith("[]") else t
    base = ALIASES.get(base, base)
    m = _TYPE.match(base)
    if not m:
        raise AbiError(f"unsupported type {t!r}")
    if m.group(2):
        bits = int(m.group(2))
        if bits % 8 or not 8 <= bits <= 256:
            raise AbiError(f"bad integer width in {t!r}")
    if m.group(3) and not 1 <= int(m.group(3)) <= 32:
        raise AbiError(f"bad fixed bytes width in {t!r}")
    return base + ("[]" if t.endswith("[]") else "")


def parse_schema(definition: str) -> tuple[SchemaField, ...]:
    """Split ``"bytes32 contentHash,string cid"`` into fields; raises AbiError with the reason."""
    if not definition.strip():
        raise AbiError("empty schema definition")
    fields: list[SchemaField] = []
    seen: set[str] = set()
    for part in definition.split(","):
        words = part.split()
        if len(words) != 2:
            raise AbiError(f"expected 'type name', got {part.strip()!r}")
        declared, name = words
        if name in seen:
            raise AbiError(f"field {name!r} appears twice")
        seen.add(name)
        fields.append(SchemaField(_check_type(declared), name, declared))
    return tuple(fields)


def _is_dynamic(t: str) -> bool:
    return t in ("string", "bytes") or t.endswith("[]")


def _word(n: int) -> bytes:
    return n.to_bytes(32, "big")


def _hexbytes(v: Any) -> bytes:
    if isinstance(v, bytes | bytearray):
        return bytes(v)
    if isinstance(v, str) and v.startswith(("0x", "0X")):
        return bytes.fromhex(v[2:])
    raise AbiError(f"expected bytes or 0x-hex, got {v!r}")


def _encode_static(t: str, v: Any) -> bytes:
    if t == "bool":
        return _word(1 if v else 0)
    if t == "address":
        raw = _hexbytes(v)
        if len(raw) != 20:
            raise AbiError(f"address must be 20 bytes: {v!r}")
        return raw.rjust(32, b"\0")
    if t.startswith("uint"):
        n = int(v)
        if n < 0 or n.bit_length() > int(t[4:]):
            raise AbiError(f"{n} does not fit {t}")
        return _word(n)
    if t.startswith("int"):
        n = int(v)
        return (n % (1 << 256)).to_bytes(32, "big")
    raw = _hexbytes(v)  # bytesN
    if len(raw) != int(t[5:]):
        raise AbiError(f"{t} needs {t[5:]} bytes, got {len(raw)}")
    return raw.ljust(32, b"\0")


def _encode_dynamic(t: str, v: Any) -> bytes:
    if t.endswith("[]"):
        items = list(v)
        return _word(len(items)) + encode([t[:-2]] * len(items), items)
    raw = v.encode("utf-8") if t == "string" else _hexbytes(v)
    return _word(len(raw)) + raw.ljust((len(raw) + 31) // 32 * 32, b"\0")


def encode(types: list[str] | tuple[str, ...], values: list[Any] | tuple[Any, ...]) -> bytes:
    """``abi.encode(values...)`` for the given canonical types."""
    if len(types) != len(values):
        raise AbiError("number of values does not match the types")
    heads: list[bytes] = []
    tails: list[bytes] = []
    offset = 32 * len(types)
    for t, v in zip(types, values, strict=True):
        if _is_dynamic(t):
            tail = _encode_dynamic(t, v)
            heads.append(_word(offset))
            tails.append(tail)
            offset += len(tail)
        else:
            heads.append(_encode_static(t, v))
    return b"".join(heads) + b"".join(tails)


def _read_word(data: bytes, pos: int) -> bytes:
    if pos < 0 or pos + 32 > len(data):
        raise AbiError("data is shorter than the schema needs")
    return data[pos : pos + 32]


def _decode_static(t: str, w: bytes) -> Any:
    n = int.from_bytes(w, "big")
    if t == "bool":
        if n > 1:
            raise AbiError("bool word is neither 0 nor 1")
        return n == 1
    if t == "address":
        if w[:12] != b"\0" * 12:
            raise AbiError("address word has non-zero padding")
        return "0x" + w[12:].hex()
    if t.startswith("uint"):
        if n.bit_length() > int(t[4:]):
            raise AbiError(f"value does not fit {t}")
        return n
    if t.startswith("int"):
        return n - (1 << 256) if n >> 255 else n
    size = int(t[5:])
    if any(w[size:]):
        raise AbiError(f"{t} word has non-zero padding")
    return "0x" + w[:size].hex()


def _decode_dynamic(t: str, data: bytes, start: int) -> Any:
    length = int.from_bytes(_read_word(data, start), "big")
    if t.endswith("[]"):
        if length > len(data):
            raise AbiError("array length exceeds data")
        return decode([t[:-2]] * length, data[start + 32 :])
    end = start + 32 + length
    if end > len(data):
        raise AbiError("string or bytes runs past the end of data")
    raw = data[start + 32 : end]
    if t == "string":
        try:
            return raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise AbiError("string is not valid UTF-8") from exc
    return "0x" + raw.hex()


def decode(types: list[str] | tuple[str, ...], data: bytes) -> list[Any]:
    """Inverse of :func:`encode`; raises AbiError on short or malformed data."""
    out: list[Any] = []
    for i, t in enumerate(types):
        w = _read_word(data, 32 * i)
        if _is_dynamic(t):
            out.append(_decode_dynamic(t, data, int.from_bytes(w, "big")))
        else:
            out.append(_decode_static(t, w))
    return out


def decode_schema_data(fields: tuple[SchemaField, ...], data: bytes) -> dict[str, Any]:
    """Decode attestation ``data`` by a parsed schema into ``{field name: value}``."""
    values = decode([f.type for f in fields], data)
    return {f.name: v for f, v in zip(fields, values, strict=True)}
