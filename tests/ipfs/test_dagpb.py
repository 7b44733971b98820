from __future__ import annotations

import pytest

from sitegen.ipfs.cid import CidError
from sitegen.ipfs.dagpb import (
    T_FILE,
    T_HAMT,
    PBLink,
    decode_pbnode,
    decode_unixfs,
    encode_pbnode,
    encode_unixfs,
)


def test_hello_world_file_node_bytes() -> None:
    # specs 1.3: whole PBNode for `hello world` is 0a 11 08 02 12 0b <11 bytes> 18 0b
    data = encode_unixfs(T_FILE, data=b"hello world", filesize=11)
    assert encode_pbnode([], data) == bytes.fromhex("0a110802120b") + b"hello world" + b"\x18\x0b"


def test_empty_file_and_dir_data() -> None:
    assert encode_pbnode([], encode_unixfs(T_FILE, filesize=0)) == bytes.fromhex("0a0408021800")
    assert encode_pbnode([], encode_unixfs(1)) == bytes.fromhex("0a020801")


def test_links_come_first_and_empty_names_are_written() -> None:
    cid = b"\x01\x55\x12\x20" + bytes(32)
    block = encode_pbnode([PBLink(cid, b"", 5)], b"\x08\x02")
    assert block.startswith(b"\x12")
    assert b"\x12\x00\x18\x05" in block
    node = decode_pbnode(block)
    assert node.links == (PBLink(cid, b"", 5),)
    assert node.data == b"\x08\x02"


def test_unixfs_round_trip_with_blocksizes_and_hamt_fields() -> None:
    raw = encode_unixfs(T_FILE, filesize=1026, blocksizes=[256, 256, 256, 256, 2])
    assert raw.count(b"\x20") == 5  # non-packed: one tag per entry
    meta = decode_unixfs(raw)
    assert (meta.type, meta.filesize, meta.blocksizes) == (T_FILE, 1026, (256, 256, 256, 256, 2))
    shard = decode_unixfs(encode_unixfs(T_HAMT, data=b"\x01", hash_type=0x22, fanout=256))
    assert (shard.type, shard.data, shard.hash_type, shard.fanout) == (T_HAMT, b"\x01", 0x22, 256)


def test_unknown_field_rejected() -> None:
    with pytest.raises(CidError):
        decode_pbnode(b"\x18\x01")
