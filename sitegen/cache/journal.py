"""The cache state's journal: a rebuild that changed little writes what it changed.

The state (``state.pickle``) is ~55 MB at 10k papers, and writing it cost ~0.15-0.2 s
of every rebuild, most of a one-paper edit's budget, to record a handful of changed
entries. So a full write (the *base*, which names itself with a random token) is followed
by *journals*: each rebuild writes ``journal.pickle``, the difference between the base
and the new state, and the next load applies it to the base. The journal is cumulative
(one file, rewritten each time, never a chain), so a lost or stale one (its token names
another base) is simply not applied. It gives way to a full write when it grows past a
share of the base (:func:`worth_it`), which keeps loads cheap.

A part of the state is a dict (site path -> node, slug -> key...), whose difference is
the entries set and the keys removed, or a frozen dataclass of equal-length tuples
(``IndexState``), whose difference is the changed positions of each field.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from typing import Any

DictDiff = tuple[dict[Any, Any], tuple[Any, ...]]
"""Entries set (new or changed) and keys removed."""
_MISSING = object()
SHARE = 0.1
"""A journal stops paying once it holds this share of the base's entries."""


def diff_dict(old: Mapping[Any, Any], new: Mapping[Any, Any]) -> DictDiff:
    """What turns ``old`` into ``new``. Equal values are skipped at C speed (a rebuild's
    new mappings share most values with the loaded ones, compared by identity first)."""
    sets = {k: v for k, v in new.items() if old.get(k, _MISSING) != v}
    added = sum(1 for k in sets if k not in old)
    if len(new) == len(old) + added:  # every old key is still there
        return sets, ()
    return sets, tuple(k for k in old if k not in new)


def merge_dict(first: DictDiff, then: DictDiff) -> DictDiff:
    """One difference doing ``first`` then ``then``."""
    sets = {**first[0], **then[0]}
    for key in then[1]:
        sets.pop(key, None)
    gone = {k for k in first[1] if k not in then[0]} | set(then[1])
    return sets, tuple(gone)


def apply_dict(target: dict[Any, Any], diff: DictDiff) -> None:
    sets, gone = diff
    for key in gone:
        target.pop(key, None)
    target.update(sets)


def diff_record(old: Any, new: Any) -> dict[str, Any] | None:
    """Per field of two records of one dataclass: ``{position: value}`` for tuple fields
    of equal length, ``("=", value)`` for any other field that changed. None when they
    are not two instances of one dataclass."""
    if type(old) is not type(new) or not dataclasses.is_dataclass(old):
        return None
    fields: dict[str, Any] = {}
    for f in dataclasses.fields(old):
        a, b = getattr(old, f.name), getattr(new, f.name)
        if a is b:
            continue
        if isinstance(a, tuple) and isinstance(b, tuple) and len(a) == len(b):
            changed = {i: y for i, (x, y) in enumerate(zip(a, b, strict=True)) if x != y}
            if changed:
                fields[f.name] = changed
        elif a != b:
            fields[f.name] = ("=", b)
    return fields


def merge_record(first: dict[str, Any], then: dict[str, Any]) -> dict[str, Any]:
    merged = dict(first)
    for name, change in then.items():
        before = merged.get(name)
        if isinstance(change, dict) and isinstance(before, dict):
            merged[name] = {**before, **change}
        elif isinstance(change, dict) and isinstance(before, tuple):  # ("=", whole)
            values = list(before[1])
            for i, value in change.items():
                values[i] = value
            merged[name] = ("=", tuple(values))
        else:
            merged[name] = change
    return merged


def apply_record(record: Any, diff: Mapping[str, Any]) -> Any:
    changes: dict[str, Any] = {}
    for name, change in diff.items():
        if isinstance(change, dict):
            values = list(getattr(record, name))
            for i, value in change.items():
                values[i] = value
            changes[name] = tuple(values)
        else:
            changes[name] = change[1]
    return dataclasses.replace(record, **changes) if changes else record


def size(diff: DictDiff | Mapping[str, Any]) -> int:
    """Entries a difference holds (for :func:`worth_it`)."""
    if isinstance(diff, tuple):
        return len(diff[0]) + len(diff[1])
    return sum(len(c) if isinstance(c, dict) else 1 for c in diff.values())


def worth_it(journal_entries: int, base_entries: int) -> bool:
    return journal_entries <= SHARE * base_entries


DICT_PARTS = ("files", "paper_keys", "pages", "pack", "manifest", "folders", "signatures")
"""The state's dicts, by the names :func:`state_dicts` gives them."""
RECORDS = ("search_state",)
"""Parts of the last build's record kept as :func:`diff_record` differences."""
UNTRACKED = ("manifest", "paper_signatures", "address", "search_state", "delta")
"""Parts of the last build's record that are not journaled whole (the rest is small)."""


def state_dicts(
    files: dict[str, Any],
    paper_keys: dict[str, str],
    pages: dict[str, Any],
    pack_index: dict[str, Any],
    last: Mapping[str, Any],
) -> dict[str, dict[Any, Any]] | None:
    """The state's dicts by name; None if the last build's record lacks one."""
    manifest, signatures = last.get("manifest"), last.get("paper_signatures")
    address = last.get("address")
    if not isinstance(manifest, dict) or not isinstance(signatures, dict):
        return None
    if not isinstance(address, tuple) or len(address) != 2 or not isinstance(address[1], dict):
        return None
    return {
        "files": files,
        "paper_keys": paper_keys,
        "pages": pages,
        "pack": pack_index,
        "manifest": manifest,
        "folders": address[1],
        "signatures": signatures,
    }


@dataclasses.dataclass(slots=True)
class Loaded:
    """The state as loaded (base and journal applied): what the next save diffs against."""

    token: str
    generation: int
    dicts: dict[str, dict[Any, Any]]
    """Copies: the build changes some of the loaded dicts in place."""
    records: dict[str, Any]
    delta: Any
    profile: Any
    """The CID profile the folder memo is for (``last["address"][0]``)."""
    base_entries: int
    journal: dict[str, Any]
    """The journal that was applied ({} when none): the next one extends it."""


def apply_journal(
    journal: Any, token: str, dicts: dict[str, dict[Any, Any]], last: dict[str, Any]
) -> dict[str, Any]:
    """Apply ``journal`` if it extends the base named ``token``; return what was applied."""
    if not isinstance(journal, dict) or journal.get("base") != token:
        return {}
    for name in DICT_PARTS:
        apply_dict(dicts[name], journal["dicts"][name])
    for name in RECORDS:
        last[name] = apply_record(last[name], journal["records"][name])
    last.update(journal["last"])
    return journal


def remember_loaded(
    token: str,
    generation: int,
    dicts: dict[str, dict[Any, Any]],
    last: Mapping[str, Any],
    journal: dict[str, Any],
) -> Loaded:
    applied = size_of(journal) if journal else 0
    return Loaded(
        token=token,
        generation=generation,
        dicts={name: dict(d) for name, d in dicts.items()},
        records={name: last.get(name) for name in RECORDS},
        delta=last.get("delta"),
        profile=last["address"][0],
        base_entries=sum(len(d) for d in dicts.values()) - applied,
        journal=journal,
    )


def next_journal(
    loaded: Loaded, generation: int, dicts: dict[str, dict[Any, Any]], last: Mapping[str, Any]
) -> dict[str, Any] | None:
    """The journal that takes the base to this state, or None when a full write is due:
    the pack was compacted, the delta base changed (a full build), or it grew too big."""
    if generation != loaded.generation or last.get("delta") is not loaded.delta:
        return None
    if last["address"][0] != loaded.profile:
        return None
    old = loaded.journal
    journal: dict[str, Any] = {"base": loaded.token, "dicts": {}, "records": {}}
    for name in DICT_PARTS:
        step = diff_dict(loaded.dicts[name], dicts[name])
        journal["dicts"][name] = merge_dict(old["dicts"][name], step) if old else step
    for name in RECORDS:
        record = diff_record(loaded.records[name], last.get(name))
        if record is None:
            return None
        journal["records"][name] = merge_record(old["records"][name], record) if old else record
    journal["last"] = {k: v for k, v in last.items() if k not in UNTRACKED}
    if not worth_it(size_of(journal), loaded.base_entries):
        return None
    return journal


def size_of(journal: Mapping[str, Any]) -> int:
    parts = [*journal["dicts"].values(), *journal["records"].values()]
    return sum(size(part) for part in parts)
