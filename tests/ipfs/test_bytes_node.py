"""``bytes_node``: the UnixFS node of bytes in hand, with a one-leaf shortcut."""

from __future__ import annotations

import io
import os

from sitegen.ipfs.files import bytes_node, import_stream
from sitegen.ipfs.profiles import get_profile


def test_bytes_node_equals_the_streamed_import_at_every_size() -> None:
    """Up to one chunk a file is its one leaf; at, around and past the chunk size, for
    both profiles, ``bytes_node`` gives what ``import_stream`` gives."""
    for name in ("unixfs-v1-2025", "unixfs-v0-2015"):
        profile = get_profile(name)
        chunk = profile.chunk_size
        for size in (0, 1, 4096, chunk - 1, chunk, chunk + 1, 2 * chunk + 7):
            data = os.urandom(size)
            want = import_stream(io.BytesIO(data), profile)
            assert bytes_node(data, profile) == want, (name, size)
