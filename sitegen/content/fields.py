"""Typed readers for raw YAML values that report problems with the value's line.

Front matter and config are both LineDicts; these helpers turn one raw value into the
type a dataclass field wants, or record a ``path:line: field: message`` diagnostic and
return None, so a caller can check every field and report every problem at once.
"""

from __future__ import annotations

import datetime as dt
import os
import stat
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

from sitegen.content.validate import InvalidValueError, PlaceholderError
from sitegen.content.yamlsrc import LineDict, LineList
from sitegen.errors import Diagnostic

T = TypeVar("T")


@dataclass
class Reporter:
    """Collects diagnostics for one file; the only mutable thing in the content stage."""

    path: str
    diags: list[Diagnostic] = field(default_factory=list)

    def error(self, line: int | None, fld: str | None, message: str) -> None:
        self.diags.append(Diagnostic(self.path, line, fld, message, "error"))

    def warning(self, line: int | None, fld: str | None, message: str) -> None:
        self.diags.append(Diagnostic(self.path, line, fld, message, "warning"))


def line_in(container: Any, key: str | int, default: int | None = None) -> int | None:
    """Line of ``container[key]`` when the container remembers it."""
    if isinstance(container, LineDict) and isinstance(key, str):
        return container.line_of(key)
    if isinstance(container, LineList) and isinstance(key, int):
        return container.line_of(key)
    return getattr(container, "line", default)


def _kind(value: object) -> str:
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, int | float):
        return "a number"
    if isinstance(value, dt.date):
        return "a date"
    return type(value).__name__


def as_text(rep: Reporter, value: object, line: int | None, fld: str) -> str | None:
    """A string; numbers and dates are accepted as written (``title: 1984``)."""
    if value is None:
        return None
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, int | float | dt.date) and not isinstance(value, bool):
        return str(value)
    rep.error(line, fld, f"must be text, not {_kind(value)}")
    return None


def as_bool(rep: Reporter, value: object, line: int | None, fld: str) -> bool | None:
    if value is None or isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip().lower() in ("true", "yes", "false", "no"):
        return value.strip().lower() in ("true", "yes")
    rep.error(line, fld, f"must be true or false, not {_kind(value)} {value!r}")
    return None


def as_int(rep: Reporter, value: object, line: int | None, fld: str) -> int | None:
    """A positive whole number (volumes, issues, menu order); digit strings are fine."""
    if value is None:
        return None
    if isinstance(value, str) and value.strip().isdigit():
        value = int(value.strip())
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    rep.error(line, fld, f"must be a whole number, not {_kind(value)} {value!r}")
    return None


def as_list(rep: Reporter, value: object, line: int | None, fld: str) -> list[Any] | None:
    """A list; a lone scalar or mapping is taken as a list of one."""
    if value is None:
        return []
    if isinstance(value, list):
        return value
    return [value]


def as_text_list(
    rep: Reporter, value: object, line: int | None, fld: str, *, split_commas: bool = False
) -> tuple[str, ...]:
    """Strings from a list or a single string (``"a, b"`` split when ``split_commas``)."""
    if value is None:
        return ()
    if isinstance(value, str):
        parts = value.split(",") if split_commas else [value]
        return tuple(p.strip() for p in parts if p.strip())
    if not isinstance(value, list):
        rep.error(line, fld, f"must be a list of text, not {_kind(value)}")
        return ()
    out: list[str] = []
    for i, item in enumerate(value):
        text = as_text(rep, item, line_in(value, i, line), f"{fld}[{i}]")
        if text:
            out.append(text)
    return tuple(out)


def checked(
    rep: Reporter,
    check: Callable[[object], T],
    value: object,
    line: int | None,
    fld: str,
) -> T | None:
    """Run a :mod:`validate` check; an :class:`InvalidValueError` becomes an error (a
    :class:`PlaceholderError` a warning) at ``line``. A blank string counts as absent
    (templates leave ``orcid: ""`` behind)."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    try:
        return check(value)
    except PlaceholderError as exc:
        rep.warning(line, fld, str(exc))
    except InvalidValueError as exc:
        rep.error(line, fld, str(exc))
    return None


def plain_mode(folder: str, rel: str) -> int | None:
    """The ``st_mode`` of ``folder/rel`` when every part of ``rel`` exists and none is a
    symlink or ``..``: then it lies inside ``folder``, found by an ``lstat`` of each of
    ``rel``'s parts (``Path.resolve`` would also walk every part of ``folder``). None
    otherwise: a missing part, a symlink or ``..`` needs the exact, slower way."""
    path = folder
    mode = None
    for part in rel.split("/"):
        if part == "..":
            return None
        path = f"{path}/{part}"
        try:
            mode = os.lstat(path).st_mode
        except (OSError, ValueError):
            return None
        if stat.S_ISLNK(mode):
            return None
    return mode


def local_file(
    rep: Reporter, folder: Path, value: object, line: int | None, fld: str
) -> str | None:
    """A relative POSIX path to an existing file inside ``folder`` (the paper folder).

    Absolute paths and paths that climb out are errors: the paper folder is the research
    object that gets published and content-addressed, so what it links must be inside.
    """
    text = as_text(rep, value, line, fld)
    if not text:
        return None
    rel = text.replace("\\", "/")
    if rel.startswith("/") or "://" in rel or (len(rel) > 1 and rel[1] == ":"):
        rep.error(line, fld, f"'{text}' must be a path relative to the paper folder")
        return None
    if plain_mode(str(folder), rel) is not None:
        return rel.removeprefix("./")
    target = (folder / rel).resolve()
    # A resolved path's leading parts are resolved too, so when ``target`` lies under
    # ``folder`` as written, ``folder`` is its own resolution: only resolve it otherwise.
    if not target.is_relative_to(folder) and not target.is_relative_to(folder.resolve()):
        rep.error(line, fld, f"'{text}' points outside the paper folder")
        return None
    if not target.exists():
        rep.error(line, fld, f"file '{text}' does not exist in {folder.name}/")
        return None
    return rel.removeprefix("./")
