from __future__ import annotations

import pytest

from sitegen import cbor


def test_round_trip_with_cid_link():
    value = {"roots": [cbor.CidLink(b"\x01\x70\x12\x20" + bytes(32))], "version": 1, "n": -5}
    data = cbor.encode(value)
    assert cbor.decode(data) == (value, len(data))
    # tag 42 over a byte string that starts with the 0x00 multibase prefix
    assert b"\xd8\x2a\x58\x25\x00" in data


@pytest.mark.parametrize("bad", [b"", b"\x5a\x00\x00", b"\xd8\x2a\x41\x01", b"\x9f", b"\x63ab"])
def test_malformed_input_is_a_cbor_error(bad: bytes):
    with pytest.raises(cbor.CborError):
        cbor.decode(bad)
