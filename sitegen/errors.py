"""Diagnostics and the exception tree.

Every problem a user can fix carries a source location so editors can jump to it:
``path:line: field: message`` (the compiler format). Stages collect diagnostics and
return them; only the CLI prints them.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Literal

Severity = Literal["error", "warning"]


@dataclass(frozen=True)  # not slotted: see sitegen.cache.pack
class Diagnostic:
    """One problem found in the input, pointing at its source."""

    path: str
    """File the problem is in, as the user would type it (POSIX, relative where possible)."""
    line: int | None
    """1-based line in ``path``; None when the problem is about the file as a whole."""
    field: str | None
    """The config key, front-matter field or markdown construct at fault."""
    message: str
    """What is wrong and, where possible, how to fix it."""
    severity: Severity = "error"

    def format(self) -> str:
        """``path:line: field: message`` with a ``warning:`` marker for warnings."""
        loc = self.path if self.line is None else f"{self.path}:{self.line}"
        parts = [loc]
        if self.severity == "warning":
            parts.append("warning")
        if self.field:
            parts.append(self.field)
        parts.append(self.message)
        return ": ".join(parts)

    def to_json(self) -> dict[str, object]:
        return {
            "path": self.path,
            "line": self.line,
            "field": self.field,
            "message": self.message,
            "severity": self.severity,
        }

    def as_error(self) -> Diagnostic:
        """The same diagnostic promoted to an error (``--strict``)."""
        return Diagnostic(self.path, self.line, self.field, self.message, "error")


def errors_in(diags: Iterable[Diagnostic]) -> list[Diagnostic]:
    return [d for d in diags if d.severity == "error"]


def warnings_in(diags: Iterable[Diagnostic]) -> list[Diagnostic]:
    return [d for d in diags if d.severity == "warning"]


class SitegenError(Exception):
    """Base of every error the CLI turns into an exit code instead of a traceback."""

    exit_code = 1

    def __init__(self, message: str, diagnostics: Iterable[Diagnostic] = ()) -> None:
        super().__init__(message)
        self.message = message
        self.diagnostics: list[Diagnostic] = list(diagnostics)


class ContentError(SitegenError):
    """Content or configuration problems (exit 1); ``diagnostics`` lists them all."""

    exit_code = 1


class VerificationError(SitegenError):
    """A CID, CAR or attestation did not verify (exit 1)."""

    exit_code = 1


class UsageError(SitegenError):
    """The command line itself is wrong (exit 2)."""

    exit_code = 2


class NetworkError(SitegenError):
    """A provider, RPC endpoint or other network peer failed (exit 3)."""

    exit_code = 3


@dataclass
class DiagnosticList:
    """A small accumulator so stages can report every problem, not just the first."""

    items: list[Diagnostic] = field(default_factory=list)

    def error(self, path: str, line: int | None, fld: str | None, message: str) -> None:
        self.items.append(Diagnostic(path, line, fld, message, "error"))

    def warning(self, path: str, line: int | None, fld: str | None, message: str) -> None:
        self.items.append(Diagnostic(path, line, fld, message, "warning"))

    def extend(self, diags: Iterable[Diagnostic]) -> None:
        self.items.extend(diags)

    @property
    def has_errors(self) -> bool:
        return any(d.severity == "error" for d in self.items)
