"""Mappings and lists that remember the source lines of their items.

PyYAML drops source positions once it has built Python objects; errors must name the
line, so both of our YAML readers (:mod:`sitegen.content.yamlsrc`,
:mod:`sitegen.content.yamllines`) build these.
"""

from __future__ import annotations

from typing import Any


class LineDict(dict[str, Any]):
    """A dict that knows the line of itself (``line``) and of each key (``lines``)."""

    line: int
    lines: dict[str, int]
    duplicates: list[tuple[str, int]]

    def line_of(self, key: str) -> int:
        """The line of ``key`` if present, else of the mapping itself."""
        return self.lines.get(key, self.line)


class LineList(list[Any]):
    """A list that knows the line of itself (``line``) and of each item (``lines``)."""

    line: int
    lines: list[int]

    def line_of(self, index: int) -> int:
        return self.lines[index] if 0 <= index < len(self.lines) else self.line
