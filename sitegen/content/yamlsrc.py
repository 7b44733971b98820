"""YAML loading that remembers where every key and item came from.

PyYAML drops source positions once it has built Python objects; errors must name the
line, so mappings load as :class:`LineDict` and sequences as :class:`LineList`, each
carrying the 1-based line of the node and of each key / item. ``line_offset`` shifts
every line so YAML embedded in a file (front matter) reports file lines.

Front matter is read for every paper of every cold build, so the usual document takes a
quick road (:func:`_load_quickly`): libyaml composes the nodes with a resolver that does
the same matching without PyYAML's per-node bookkeeping, and :class:`_Builder` turns the
plain tags (mappings, sequences, strings, numbers, booleans, nulls, dates) into objects.
Anything else (merge keys, other tags, a node that contains itself) starts again on
:func:`_load_reference`, PyYAML's own construction with our constructors, which was the
only road before and is what the quick one is tested against.
"""

from __future__ import annotations

from typing import Any

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from sitegen.content.linedata import LineDict as LineDict
from sitegen.content.linedata import LineList as LineList
from sitegen.content.yamllines import load_lines
from sitegen.errors import Diagnostic

_BASE: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
"""libyaml's parser when PyYAML was built with it (the wheels are): front matter is read
for every paper of every cold build, and the pure-Python scanner was a sixth of a paper's
processing time. Constructors are ours either way, so the objects are the same."""

_MAP = "tag:yaml.org,2002:map"
_SEQ = "tag:yaml.org,2002:seq"
_STR = "tag:yaml.org,2002:str"
_SCALAR_TAGS = frozenset(
    f"tag:yaml.org,2002:{name}" for name in ("null", "bool", "int", "float", "timestamp")
)
"""Scalar tags whose (non-generator) constructors the quick road calls directly."""
_MAP_KEY_TAGS = frozenset({"tag:yaml.org,2002:merge", "tag:yaml.org,2002:value"})
"""Key tags PyYAML's ``flatten_mapping`` rewrites before construction (``<<``, ``=``)."""


def _construct_mapping(loader: Any, node: MappingNode) -> LineDict:
    loader.flatten_mapping(node)
    offset = 1 + loader.line_offset
    result = LineDict()
    result.line = node.start_mark.line + offset
    result.lines = {}
    result.duplicates = []
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        if not isinstance(key, str):
            key = str(key)
        kline = key_node.start_mark.line + offset
        if key in result:
            result.duplicates.append((key, kline))
        result[key] = loader.construct_object(value_node, deep=True)
        result.lines[key] = kline
    return result


def _construct_sequence(loader: Any, node: SequenceNode) -> LineList:
    offset = 1 + loader.line_offset
    result = LineList(loader.construct_object(child, deep=True) for child in node.value)
    result.line = node.start_mark.line + offset
    result.lines = [child.start_mark.line + offset for child in node.value]
    return result


def _construct_timestamp(loader: Any, node: ScalarNode) -> object:
    # PyYAML raises a bare ValueError for an impossible date such as 2024-02-31; keep
    # the text instead so the validator can name the field and its line.
    try:
        return yaml.constructor.SafeConstructor.construct_yaml_timestamp(loader, node)
    except ValueError:
        return loader.construct_scalar(node)


def _with_lines(base: type[yaml.SafeLoader]) -> type[yaml.SafeLoader]:
    """``base`` with our constructors; each instance's ``line_offset`` shifts its lines."""

    class _Loader(base):  # type: ignore[valid-type,misc]
        line_offset = 0

    _Loader.add_constructor("tag:yaml.org,2002:timestamp", _construct_timestamp)
    _Loader.add_constructor(_MAP, _construct_mapping)
    _Loader.add_constructor(_SEQ, _construct_sequence)
    return _Loader


_LOADER = _with_lines(_BASE)
_PURE_LOADER = _with_lines(yaml.SafeLoader)
"""For error messages: PyYAML's own parser words them better than libyaml."""


def _implicit_by_first(
    loader: type[yaml.SafeLoader],
) -> tuple[tuple[Any, ...], dict[str, tuple[Any, ...]]]:
    """The implicit resolvers to try for a plain scalar by its first character."""
    table = loader.yaml_implicit_resolvers
    wildcard = tuple(table.get(None, ()))
    return wildcard, {
        first: (*found, *wildcard) for first, found in table.items() if first is not None
    }


_WILDCARD, _BY_FIRST = _implicit_by_first(_LOADER)
"""PyYAML's implicit resolver table, joined once per first character as
``BaseResolver.resolve`` joins it per call (read only: a plain dict is the quicker
lookup for the ~50 calls a paper)."""


def _resolve(kind: type[Node], value: Any, implicit: tuple[bool, bool]) -> str:
    """``BaseResolver.resolve`` without path resolvers (we have none): the first implicit
    resolver whose pattern matches a plain scalar, else the kind's default tag."""
    if kind is ScalarNode:
        if implicit[0]:
            for tag, pattern in _BY_FIRST.get(value[:1], _WILDCARD):
                if pattern.match(value):
                    return str(tag)
        return _STR
    return _SEQ if kind is SequenceNode else _MAP


class _QuickLoader(_LOADER):  # type: ignore[valid-type,misc]
    """``_LOADER`` with a resolver that skips what our documents never use.

    libyaml's composer asks ``resolve`` for the tag of every node and calls
    ``descend_resolver``/``ascend_resolver`` around each; without path resolvers the
    latter do nothing, and :func:`_resolve` answers as ``resolve`` would.
    """

    resolve = staticmethod(_resolve)

    def descend_resolver(self, current_node: Any, current_index: Any) -> None:
        pass

    def ascend_resolver(self) -> None:
        pass


def _construct_plain(tag: str, text: str) -> object:
    """A plain scalar of ``tag`` as ``_LOADER``'s constructor makes it (KeyError for tags
    other than the plain ones)."""
    if tag not in _SCALAR_TAGS:
        raise KeyError(tag)
    constructor = yaml.constructor.SafeConstructor()
    return _LOADER.yaml_constructors[tag](constructor, ScalarNode(tag, text))


class _UnusualError(Exception):
    """The document needs PyYAML's full construction (see the module docstring)."""


class _Builder:
    """Objects from a composed node tree, as ``_LOADER``'s constructors would make them.

    Aliased collections are built once and shared (PyYAML's ``constructed_objects``);
    ``duplicates`` says whether any mapping had a repeated key.
    """

    __slots__ = ("active", "built", "duplicates", "loader", "offset")

    def __init__(self, loader: yaml.SafeLoader, line_offset: int) -> None:
        self.loader = loader
        self.offset = 1 + line_offset
        self.built: dict[Node, Any] = {}
        self.active: set[Node] = set()
        self.duplicates = False

    def build(self, node: Node) -> Any:
        kind = type(node)
        tag = node.tag
        if kind is ScalarNode:
            if tag == _STR:
                return node.value
            if tag in _SCALAR_TAGS:
                return self.loader.yaml_constructors[tag](self.loader, node)
            raise _UnusualError
        built = self.built.get(node)
        if built is not None:
            return built
        if node in self.active:
            raise _UnusualError  # PyYAML's "found unconstructable recursive node"
        self.active.add(node)
        if kind is MappingNode and tag == _MAP:
            built = self._mapping(node)
        elif kind is SequenceNode and tag == _SEQ:
            built = self._sequence(node)
        else:
            raise _UnusualError
        self.active.discard(node)
        self.built[node] = built
        return built

    def _mapping(self, node: Node) -> LineDict:
        offset = self.offset
        build = self.build
        result = LineDict()
        result.line = node.start_mark.line + offset
        result.lines = lines = {}
        result.duplicates = []
        for key_node, value_node in node.value:
            # plain strings inline: most keys and values
            if key_node.tag == _STR and type(key_node) is ScalarNode:
                key = key_node.value
            elif key_node.tag in _MAP_KEY_TAGS:
                raise _UnusualError
            else:
                key = build(key_node)
                if not isinstance(key, str):
                    key = str(key)
            kline = key_node.start_mark.line + offset
            if key in result:
                result.duplicates.append((key, kline))
                self.duplicates = True
            if value_node.tag == _STR and type(value_node) is ScalarNode:
                result[key] = value_node.value
            else:
                result[key] = build(value_node)
            lines[key] = kline
        return result

    def _sequence(self, node: Node) -> LineList:
        offset = self.offset
        children = node.value
        result = LineList([self.build(child) for child in children])
        result.line = node.start_mark.line + offset
        result.lines = [child.start_mark.line + offset for child in children]
        return result


def _load_reference(text: str, line_offset: int, loader_class: type[yaml.SafeLoader]) -> Any:
    """PyYAML's ``yaml.load`` with our constructors (raises its errors)."""
    loader: Any = loader_class(text)
    loader.line_offset = line_offset
    try:
        return loader.get_single_data()
    finally:
        loader.dispose()


def _load_quickly(text: str, line_offset: int) -> tuple[Any, bool]:
    """``(data, whether a mapping repeats a key)``, the same data as the reference."""
    loader = _QuickLoader(text)
    try:
        node = loader.get_single_node()
        if node is None:
            return None, False
        builder = _Builder(loader, line_offset)
        try:
            return builder.build(node), builder.duplicates
        except _UnusualError:
            pass
    finally:
        loader.dispose()
    return _load_reference(text, line_offset, _LOADER), True


def load_yaml(text: str, path: str, *, line_offset: int = 0) -> tuple[Any, list[Diagnostic]]:
    """Parse ``text``; return ``(data, diagnostics)``.

    A syntax error yields ``(None, [error at its line])``. Duplicate keys are reported as
    errors because PyYAML would silently keep the last value.
    """
    found = load_lines(text, line_offset, _BY_FIRST, _WILDCARD, _construct_plain)
    try:
        data, repeats = found or _load_quickly(text, line_offset)
    except yaml.YAMLError:
        # PyYAML's own parser words its errors better ("expected ',' or ']', but got
        # ':'") than libyaml does; errors are rare, so ask it for the message
        return _load_slowly(text, path, line_offset)
    diags: list[Diagnostic] = []
    if repeats:
        _collect_duplicates(data, path, diags)
    return data, diags


def _load_slowly(text: str, path: str, line_offset: int) -> tuple[Any, list[Diagnostic]]:
    try:
        data = _load_reference(text, line_offset, _PURE_LOADER)
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
