"""Verify a folder: recompute its CIDs and compare with its ``cids.json`` and an expected root."""

from __future__ import annotations

import json
from pathlib import Path

from sitegen.ipfs.car import VerifyReport
from sitegen.ipfs.cid import CidError, cid_from_str
from sitegen.ipfs.importer import add_path
from sitegen.ipfs.profiles import Profile
from sitegen.ipfs.site import CIDS_JSON


def recorded_cids(path: Path) -> tuple[dict[str, str] | None, list[str]]:
    """The mapping in ``path/cids.json`` (None when absent) and any problem reading it."""
    file = Path(path) / CIDS_JSON
    if not file.is_file():
        return None, []
    try:
        data = json.loads(file.read_text(encoding="utf-8"))
    except (ValueError, UnicodeDecodeError) as exc:
        return None, [f"{CIDS_JSON}: not valid JSON: {exc}"]
    if not isinstance(data, dict) or not all(
        isinstance(k, str) and isinstance(v, str) for k, v in data.items()
    ):
        return None, [f"{CIDS_JSON}: expected an object of path -> CID strings"]
    return data, []


def verify_dir(path: Path, *, root: str | None = None, profile: Profile) -> VerifyReport:
    """Recompute every CID (hidden files included) and report each path that differs."""
    path = Path(path)
    if not path.is_dir():
        return VerifyReport(False, None, 0, [f"{path}: not a folder"])
    count = 0

    def counter(_cid: bytes, _block: bytes) -> None:
        nonlocal count
        count += 1

    result = add_path(path, profile, hidden=True, on_block=counter)
    errors: list[str] = []
    recorded, problems = recorded_cids(path)
    errors.extend(problems)
    if recorded is not None:
        actual = {**result.files, **result.dirs}
        actual.pop(CIDS_JSON, None)
        for rel in sorted(recorded.keys() | actual.keys()):
            want, have = recorded.get(rel), actual.get(rel)
            if have is None:
                errors.append(f"{rel}: listed in {CIDS_JSON} but missing")
            elif want is None:
                errors.append(f"{rel}: not listed in {CIDS_JSON} (CID {have})")
            elif want != have:
                errors.append(f"{rel}: {CIDS_JSON} says {want}, content hashes to {have}")
    if root is not None:
        try:
            same = cid_from_str(root) == cid_from_str(result.root)
        except CidError as exc:
            errors.append(f"--root: {exc}")
        else:
            if not same:
                errors.append(f"root is {result.root}, expected {root}")
    return VerifyReport(not errors, result.root, count, errors)


def guess_profile_name(path: Path) -> str | None:
    """``unixfs-v0-2015`` when the folder's ``cids.json`` holds ``Qm…`` CIDs, else None."""
    recorded, _ = recorded_cids(path)
    if recorded and all(v.startswith("Qm") for v in recorded.values()):
        return "unixfs-v0-2015"
    return None
