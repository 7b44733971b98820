"""YAML loading that remembers where every key and item came from.

PyYAML drops source positions once it has built Python objects; errors must name the
line, so mappings load as :class:`LineDict` and sequences as :class:`LineList`, each
carrying the 1-based line of the node and of each key / item. ``line_offset`` shifts
every line so YAML embedded in a file (front matter) reports file lines.
"""

from __future__ import annotations

from typing import Any

import yaml

from sitegen.errors import Diagnostic


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


_BASE: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
"""libyaml's parser when PyYAML was built with it (the wheels are): front matter is read
for every paper of every cold build, and the pure-Python scanner was a sixth of a paper's
processing time. Constructors are ours either way, so the objects are the same."""


def _make_loader(line_offset: int, base: type[yaml.SafeLoader] = _BASE) -> type[yaml.SafeLoader]:
    class _Loader(base):  # type: ignore[valid-type,misc]
        pass

    def construct_mapping(loader: yaml.SafeLoader, node: yaml.MappingNode) -> LineDict:
        loader.flatten_mapping(node)
        result = LineDict()
        result.line = node.start_mark.line + 1 + line_offset
        result.lines = {}
        result.duplicates = []
        for key_node, value_node in node.value:
            key = loader.construct_object(key_node, deep=True)
            if not isinstance(key, str):
                key = str(key)
            kline = key_node.start_mark.line + 1 + line_offset
            if key in result:
                result.duplicates.append((key, kline))
            result[key] = loader.construct_object(value_node, deep=True)
            result.lines[key] = kline
        return result

    def construct_sequence(loader: yaml.SafeLoader, node: yaml.SequenceNode) -> LineList:
        result = LineList(loader.construct_object(child, deep=True) for child in node.value)
        result.line = node.start_mark.line + 1 + line_offset
        result.lines = [child.start_mark.line + 1 + line_offset for child in node.value]
        return result

    def construct_timestamp(loader: yaml.SafeLoader, node: yaml.ScalarNode) -> object:
        # PyYAML raises a bare ValueError for an impossible date such as 2024-02-31; keep
        # the text instead so the validator can name the field and its line.
        try:
            return yaml.constructor.SafeConstructor.construct_yaml_timestamp(loader, node)
        except ValueError:
            return loader.construct_scalar(node)

    _Loader.add_constructor("tag:yaml.org,2002:timestamp", construct_timestamp)
    _Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, construct_mapping)
    _Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_SEQUENCE_TAG, construct_sequence)
    return _Loader


def load_yaml(text: str, path: str, *, line_offset: int = 0) -> tuple[Any, list[Diagnostic]]:
    """Parse ``text``; return ``(data, diagnostics)``.

    A syntax error yields ``(None, [error at its line])``. Duplicate keys are reported as
    errors because PyYAML would silently keep the last value.
    """
    try:
        data = yaml.load(text, Loader=_make_loader(line_offset))
    except yaml.YAMLError:
        # PyYAML's own parser words its errors better ("expected ',' or ']', but got
        # ':'") than libyaml does; errors are rare, so ask it for the message
        return _load_slowly(text, path, line_offset)
    diags: list[Diagnostic] = []
    _collect_duplicates(data, path, diags)
    return data, diags


def _load_slowly(text: str, path: str, line_offset: int) -> tuple[Any, list[Diagnostic]]:
    try:
        data = yaml.load(text, Loader=_make_loader(line_offset, yaml.SafeLoader))
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 + line_offset if mark is not None else None
        problem = exc.problem or str(exc)
        if exc.context:
            problem = f"{problem} ({exc.context})"
        return None, [Diagnostic(path, line, "yaml", f"invalid YAML: {problem}")]
    except yaml.YAMLError as exc:
        return None, [Diagnostic(path, None, "yaml", f"invalid YAML: {exc}")]
    diags: list[Diagnostic] = []
    _collect_duplicates(data, path, diags)
    return data, diags


def _collect_duplicates(node: Any, path: str, out: list[Diagnostic]) -> None:
    if isinstance(node, LineDict):
        for key, line in node.duplicates:
            out.append(Diagnostic(path, line, key, "duplicate key; the earlier value is lost"))
        for value in node.values():
            _collect_duplicates(value, path, out)
    elif isinstance(node, list):
        for value in node:
            _collect_duplicates(value, path, out)
