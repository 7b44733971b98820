"""dag-pb (PBNode/PBLink) and the UnixFS ``Data`` message, encoded the way boxo does.

Byte order matters for CIDs: links come before Data on the wire, every link carries Hash,
Name (even an empty one, ``12 00``) and Tsize, and UnixFS fields follow field-number order.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sitegen.ipfs.cid import CidError, decode_varint, encode_varint

T_RAW, T_DIRECTORY, T_FILE, T_METADATA, T_SYMLINK, T_HAMT = 0, 1, 2, 3, 4, 5


@dataclass(frozen=True, slots=True)
class PBLink:
    """One link of a dag-pb node: the child's binary CID, its name and cumulative size."""

    cid: bytes
    name: bytes = b""
    tsize: int = 0


@dataclass(frozen=True, slots=True)
class PBNode:
    links: tuple[PBLink, ...]
    data: bytes | None


@dataclass(frozen=True, slots=True)
class UnixFSData:
    """The decoded UnixFS ``Data`` protobuf (only the fields we read back)."""

    type: int
    data: bytes = b""
    filesize: int | None = None
    blocksizes: tuple[int, ...] = field(default=())
    hash_type: int | None = None
    fanout: int | None = None


def _bytes_field(tag: int, value: bytes) -> bytes:
    return bytes((tag,)) + encode_varint(len(value)) + value


def link_bytes(link: PBLink) -> bytes:
    """The PBLink message body (without its outer tag and length)."""
    return (
        _bytes_field(0x0A, link.cid)
        + _bytes_field(0x12, link.name)
        + b"\x18"
        + encode_varint(link.tsize)
    )


def encode_pbnode(links: list[PBLink] | tuple[PBLink, ...], data: bytes | None) -> bytes:
    """Serialize a PBNode: all links first (tag 0x12), then Data (tag 0x0a)."""
    parts = [_bytes_field(0x12, link_bytes(link)) for link in links]
    if data is not None:
        parts.append(_bytes_field(0x0A, data))
    return b"".join(parts)


def encode_unixfs(
    type_: int,
    *,
    data: bytes | None = None,
    filesize: int | None = None,
    blocksizes: list[int] | tuple[int, ...] = (),
    hash_type: int | None = None,
    fanout: int | None = None,
) -> bytes:
    """Serialize a UnixFS Data message; ``blocksizes`` are written non-packed like boxo."""
    out = bytearray(b"\x08" + encode_varint(type_))
    if data is not None:
        out += _bytes_field(0x12, data)
    if filesize is not None:
        out += b"\x18" + encode_varint(filesize)
    for size in blocksizes:
        out += b"\x20" + encode_varint(size)
    if hash_type is not None:
        out += b"\x28" + encode_varint(hash_type)
    if fanout is not None:
        out += b"\x30" + encode_varint(fanout)
    return bytes(out)


def _fields(buf: bytes | memoryview) -> list[tuple[int, int, object]]:
    """Split a protobuf message into (field number, wire type, value) triples."""
    out: list[tuple[int, int, object]] = []
    pos = 0
    while pos < len(buf):
        key, pos = decode_varint(buf, pos)
        num, wire = key >> 3, key & 7
        if wire == 0:
            value, pos = decode_varint(buf, pos)
            out.append((num, wire, value))
        elif wire == 2:
            length, pos = decode_varint(buf, pos)
            if pos + length > len(buf):
                raise CidError("truncated protobuf field")
            out.append((num, wire, bytes(buf[pos : pos + length])))
            pos += length
        elif wire == 5:
            out.append((num, wire, bytes(buf[pos : pos + 4])))
            pos += 4
        else:
            raise CidError(f"unsupported protobuf wire type {wire}")
    return out


def decode_pbnode(block: bytes | memoryview) -> PBNode:
    """Parse a dag-pb block; unknown or duplicate fields are errors (the spec is strict)."""
    links: list[PBLink] = []
    data: bytes | None = None
    for num, wire, value in _fields(block):
        if num == 2 and wire == 2:
            assert isinstance(value, bytes)
            links.append(_decode_link(value))
        elif num == 1 and wire == 2 and data is None:
            assert isinstance(value, bytes)
            data = value
        else:
            raise CidError(f"invalid dag-pb field {num}")
    return PBNode(tuple(links), data)


def _decode_link(buf: bytes) -> PBLink:
    cid: bytes | None = None
    name = b""
    tsize = 0
    for num, wire, value in _fields(buf):
        if num == 1 and wire == 2:
            assert isinstance(value, bytes)
            cid = value
        elif num == 2 and wire == 2:
            assert isinstance(value, bytes)
            name = value
        elif num == 3 and wire == 0:
            assert isinstance(value, int)
            tsize = value
        else:
            raise CidError(f"invalid dag-pb link field {num}")
    if cid is None:
        raise CidError("dag-pb link without a Hash")
    return PBLink(cid, name, tsize)


def decode_unixfs(buf: bytes) -> UnixFSData:
    """Parse the UnixFS Data message held in a PBNode's Data field."""
    type_: int | None = None
    data = b""
    filesize: int | None = None
    sizes: list[int] = []
    hash_type: int | None = None
    fanout: int | None = None
    for num, _wire, value in _fields(buf):
        if num == 1:
            type_ = int(value)  # type: ignore[call-overload]
        elif num == 2:
            assert isinstance(value, bytes)
            data = value
        elif num == 3:
            filesize = int(value)  # type: ignore[call-overload]
        elif num == 4:
            sizes.append(int(value))  # type: ignore[call-overload]
        elif num == 5:
            hash_type = int(value)  # type: ignore[call-overload]
        elif num == 6:
            fanout = int(value)  # type: ignore[call-overload]
    if type_ is None:
        raise CidError("UnixFS Data without a Type")
    return UnixFSData(type_, data, filesize, tuple(sizes), hash_type, fanout)
