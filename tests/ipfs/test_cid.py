from __future__ import annotations

import pytest

from sitegen.ipfs.cid import (
    CidError,
    b58decode,
    b58encode,
    block_matches,
    cid_from_str,
    cid_parts,
    cid_to_str,
    decode_varint,
    encode_varint,
    read_cid,
)


@pytest.mark.parametrize("n", [0, 1, 127, 128, 255, 300, 16383, 16384, 2**32, 2**63 - 1])
def test_varint_round_trip(n: int) -> None:
    data = encode_varint(n)
    assert decode_varint(data + b"\xff", 0) == (n, len(data))


def test_varint_known_bytes() -> None:
    assert encode_varint(300) == b"\xac\x02"
    assert encode_varint(0x70) == b"\x70"


def test_varint_truncated() -> None:
    with pytest.raises(CidError):
        decode_varint(b"\x80")


def test_base58_leading_zeros() -> None:
    assert b58encode(b"\0\0\x01") == "112"
    assert b58decode("112") == b"\0\0\x01"


@pytest.mark.parametrize(
    "text",
    [
        "QmUNLLsPACCz1vLxQVkXqqLX5R1X345qqfHbsf67hvA3Nn",
        "bafybeiczsscdsbs7ffqz55asqdf3smv6klcw3gofszvwlyarci47bgf354",
        "bafkreihdwdcefgh4dqkjv67uzcmw7ojee6xedzdetojuzjevtenxquvyku",
    ],
)
def test_cid_string_round_trip(text: str) -> None:
    raw = cid_from_str(text)
    assert cid_to_str(raw) == text
    assert read_cid(raw + b"tail", 0) == (raw, len(raw))


def test_cid_parts_and_matching() -> None:
    raw = cid_from_str("bafkreihdwdcefgh4dqkjv67uzcmw7ojee6xedzdetojuzjevtenxquvyku")
    parts = cid_parts(raw)
    assert (parts.version, parts.codec, parts.hash_code) == (1, 0x55, 0x12)
    assert block_matches(raw, b"")
    assert not block_matches(raw, b"x")
    v0 = cid_parts(cid_from_str("QmbFMke1KXqnYyBBWxB74N4c5SBnJMVAiMNRcGu6x1AwQH"))
    assert (v0.version, v0.codec) == (0, 0x70)


def test_bad_cid_text() -> None:
    with pytest.raises(CidError):
        cid_from_str("not-a-cid")


def test_base32_equals_the_standard_library_at_every_length() -> None:
    import base64
    import random

    from sitegen.ipfs.cid import _b32encode

    rng = random.Random(3)
    for length in range(0, 70):
        for _ in range(5):
            data = bytes(rng.randrange(256) for _ in range(length))
            expected = base64.b32encode(data).decode().lower().rstrip("=")
            assert _b32encode(data) == expected


def test_cids_to_str_equals_cid_to_str_one_by_one() -> None:
    """The batch writer (byte columns, markers, one split) against ``cid_to_str`` at every
    CID length around a site's, with counts on both sides of the batch threshold, and
    lists it must hand to the one-by-one path: CIDv0, mixed lengths, a non-v1 first byte."""
    import hashlib
    import random

    from sitegen.ipfs.cid import DAG_PB, RAW, cid_to_str, cids_to_str, sha256_cid

    rng = random.Random(11)
    for length in range(2, 48):
        for count in (0, 1, 63, 64, 65, 300):
            cids = [b"\x01" + rng.randbytes(length - 1) for _ in range(count)]
            assert cids_to_str(cids) == [cid_to_str(cid) for cid in cids]
    digests = [hashlib.sha256(b"%d" % i).digest() for i in range(200)]
    site = [sha256_cid(rng.choice((DAG_PB, RAW)), d, 1) for d in digests]
    v0 = [sha256_cid(DAG_PB, d, 0) for d in digests]
    odd = [b"\x01\x55\x00\x05hello", *site]  # an identity CID: another length
    for cids in (site, v0, site[:100] + v0[:100], odd, [b"\x02" + c[1:] for c in site]):
        assert cids_to_str(cids) == [cid_to_str(cid) for cid in cids]
