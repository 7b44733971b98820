"""Term shards: the byte format of ``t/<key>.json`` and how to patch one in place.

A shard holds every term that starts with the same two characters (tokens are at least
two long, so every term has exactly one shard). Its file name is the hex of the UTF-8
bytes of those two characters, safe on every file system and gateway. The bytes are
JSON, one term per line, terms in code-point order and postings in doc-id order::

    {"data":[[0,13],[4,1]],
    "dataset":[[4,12]]}

Each posting is ``[docid, weight]``. The layout is chosen so an incremental update
can work on bytes without decoding the whole shard:

* one entry per line, so ``split(b",\\n")`` gives the entries;
* an entry starts with ``"term"`` and ``"`` sorts below every letter and digit, so the
  raw entries sort exactly like their terms and ``bisect`` finds a term;
* ``[<docid>,`` occurs only at the start of that doc's posting, so ``find`` locates it.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Mapping
from itertools import accumulate

SHARD_DIR = "t"
"""Sub-folder of the index holding the shards."""


def shard_key(term: str) -> str:
    """The shard a term lives in: its first two characters."""
    return term[:2]


def shard_name(key: str) -> str:
    """File stem of a shard: hex of the key's UTF-8 (the client computes the same)."""
    return key.encode("utf-8").hex()


def entry(term: str, postings: Iterable[str]) -> bytes:
    """One line of a shard from ready-made ``[docid,weight]`` strings in doc-id order."""
    return f'"{term}":[{",".join(postings)}]'.encode()


def join_entries(entries: list[bytes]) -> bytes:
    """The shard file from its entries, which must be in term order."""
    return b"{" + b",\n".join(entries) + b"}"


def split_entries(data: bytes) -> list[bytes]:
    """The entries of a shard file (the inverse of ``join_entries``)."""
    body = data[1:-1]
    return body.split(b",\n") if body else []


def _probe(term: str) -> bytes:
    return b'"' + term.encode() + b'"'


def _docs_present(data: bytes, entries: list[bytes], docids: Iterable[int]) -> dict[int, set[str]]:
    """For each doc id, the terms of the shard whose postings contain it.

    ``data`` is the shard file the entries were split from; each doc's postings are
    found with ``bytes.find`` (C speed), so the cost grows with that doc's postings only.
    """
    ends = list(accumulate(len(e) + 2 for e in entries))
    found: dict[int, set[str]] = {}
    for docid in docids:
        pair, terms = b"[%d," % docid, set()
        at = data.find(pair)
        while at >= 0:
            e = entries[bisect_right(ends, at - 1)]
            terms.add(e[1 : e.index(b'"', 1)].decode())
            at = data.find(pair, at + len(pair))
        found[docid] = terms
    return found


def _set_posting(line: bytes, docid: int, weight: int | None) -> bytes | None:
    """``line`` with ``docid``'s posting set to ``weight`` (None removes it).

    Returns None when the entry has no postings left. A new posting goes to its doc-id
    position.
    """
    head = line.index(b":[") + 2
    pair = b"[%d," % docid
    at = line.find(pair, head)
    if at >= 0:
        end = line.index(b"]", at) + 1
        if weight is not None:
            return line[:at] + b"[%d,%d]" % (docid, weight) + line[end:]
        if line[at - 1] == 0x2C:  # ","
            return line[: at - 1] + line[end:]
        if line[end] == 0x2C:
            return line[:at] + line[end + 1 :]
        return None
    if weight is None:
        return line
    new = b"[%d,%d]" % (docid, weight)
    at = _first_after(line, head, docid)
    if at == len(line) - 1:
        return line[:-1] + b"," + new + b"]"
    return line[:at] + new + b"," + line[at:]


def _first_after(line: bytes, head: int, docid: int) -> int:
    """Offset of the first posting in ``line`` with a doc id above ``docid`` (binary search
    on the bytes; postings are in doc-id order), or of the closing ``]`` if there is none.

    ``lo`` is always a posting start not yet known to be below, ``hi`` a posting start
    (or the closing bracket) known to be the answer or after it.
    """
    lo, hi = head, len(line) - 1
    while lo < hi:
        middle = (lo + hi) // 2
        at = line.find(b"[", middle, hi)
        if at < 0:
            at = line.rfind(b"[", lo, middle + 1)
        if int(line[at + 1 : line.index(b",", at)]) > docid:
            hi = at
        else:
            lo = min(line.index(b"]", at) + 2, hi)
    return hi


def patch_shard(
    data: bytes, changes: Mapping[int, Mapping[str, int]], had: Iterable[int]
) -> bytes | None:
    """The shard file ``data`` with changed docs applied; None when no term is left.

    ``changes`` maps each changed doc id to its new terms in this shard (possibly none);
    ``had`` are the changed doc ids that had postings here before, whose postings are
    found by scanning and removed or rewritten.
    """
    entries = split_entries(data)
    before = _docs_present(data, entries, had)
    for docid in sorted(changes):
        new = changes[docid]
        for term in sorted(set(new).union(before.get(docid, ()))):
            probe = _probe(term)
            i = bisect_left(entries, probe)
            exists = i < len(entries) and entries[i].startswith(probe + b":")
            weight = new.get(term)
            if not exists:
                if weight is not None:
                    entries.insert(i, entry(term, (f"[{docid},{weight}]",)))
                continue
            line = _set_posting(entries[i], docid, weight)
            if line is None:
                del entries[i]
            else:
                entries[i] = line
    return join_entries(entries) if entries else None
