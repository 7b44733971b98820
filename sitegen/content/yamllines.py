"""The plainest YAML, read line by line: the shape nearly every paper's front matter has.

Front matter is read for every paper of every cold build, and even through libyaml each
node costs Python calls (a resolver call, a node object, marks). Most front matter is
one block mapping of ``key: value`` lines, with block sequences of scalars or of small
mappings (``- name: ...``) and single-line scalars. :func:`load_lines` reads exactly
that subset and answers None for anything else, which then goes to libyaml:

* keys: ``[A-Za-z_][A-Za-z0-9_-]*`` followed by ``:`` and a space or the line's end,
  resolving to a string (``yes:``, ``null:`` and the like are left to libyaml);
* values: a double-quoted string without ``\\`` or an inner ``"``, a single-quoted one
  without an inner ``'``, or a plain scalar starting with a letter or digit and holding
  no ``:``; plain scalars are typed by PyYAML's own implicit resolvers and built by its
  constructors (:mod:`sitegen.content.yamlsrc`'s for dates);
* nesting by indentation only, a sequence allowed at its key's indentation;
* no comments, tabs, backslashes, CRs, anchors, tags, flow collections, block scalars,
  multi-line scalars, or characters YAML reads as line breaks or refuses (nor other
  characters ``str.isprintable`` refuses: :func:`plain_characters`).

The objects, their lines and the duplicate keys are what ``yamlsrc``'s reference
construction gives; tests compare the two on real and mutated front matter.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from sitegen.content.linedata import LineDict, LineList


def plain_characters(text: str) -> bool:
    """No character outside the subset: ``str.isprintable`` refuses controls (tab and CR
    too), NEL, the Unicode line and paragraph separators, spaces other than ``" "``,
    format characters (a BOM), surrogates, private use and unassigned code points, all
    of which YAML either refuses or reads otherwise; ``#`` and ``\\`` are refused too."""
    return "#" not in text and "\\" not in text and text.replace("\n", "").isprintable()


_LINE = re.compile(r"( *)(- +)?(?:([A-Za-z_][A-Za-z0-9_-]*):(?= |$))? *(.*)")
"""Indentation, an optional ``- ``, an optional key and its ``:``, the rest of the line."""
_STR = "tag:yaml.org,2002:str"

Implicit = Mapping[str, Sequence[tuple[str, re.Pattern[str]]]]
"""PyYAML's implicit resolvers by a plain scalar's first character (wildcards joined)."""
Construct = Callable[[str, str], object]
"""Builds a non-string plain scalar from (tag, text); KeyError for a tag it leaves alone."""


class _NotPlainError(Exception):
    """The text is outside the subset (see the module docstring)."""


def load_lines(
    text: str, line_offset: int, implicit: Implicit, wildcard: Sequence[Any], construct: Construct
) -> tuple[LineDict, bool] | None:
    """``(mapping, whether a key repeats)`` for ``text`` in the subset, else None (also
    for a text without content)."""
    if not plain_characters(text):
        return None
    try:
        return _read(text, line_offset + 1, implicit, wildcard, construct)
    except _NotPlainError:
        return None


def _read(
    text: str, first: int, implicit: Implicit, wildcard: Sequence[Any], construct: Construct
) -> tuple[LineDict, bool]:
    """The loop of :func:`load_lines`, one regex match a line.

    ``stack`` holds the open blocks, outermost first, as (indentation, container); a
    sequence may sit at its key's indentation, above that key's mapping. ``pending`` is
    a ``key:`` with nothing after it, whose value the next line decides.
    """
    top: LineDict | None = None
    stack: list[tuple[int, LineDict | LineList]] = []
    pending: tuple[LineDict, str, int] | None = None
    repeats = False
    match = _LINE.match
    for number, line in enumerate(text.split("\n"), first):
        found = match(line)
        assert found is not None  # every part is optional
        indent = len(found[1])
        item = found[2] is not None
        key = found[3]
        value = found[4].rstrip(" ")
        if not value and key is None and not item:
            continue  # a blank line
        if top is None:
            if indent or item:
                raise _NotPlainError
            top = _mapping(number)
            stack.append((0, top))
        if pending is not None:
            mapping, pending_key, at = pending
            pending = None
            if indent > at or (indent == at and item):
                block: LineDict | LineList = _sequence(number) if item else _mapping(number)
                mapping[pending_key] = block
                stack.append((indent, block))
        while stack[-1][0] > indent:
            stack.pop()
            if not stack:
                raise _NotPlainError
        if stack[-1][0] != indent:
            raise _NotPlainError
        block = stack[-1][1]
        if item:
            if type(block) is not LineList:
                raise _NotPlainError
            block.lines.append(number)
            if key is None:
                if not value:
                    raise _NotPlainError
                block.append(_scalar(value, implicit, wildcard, construct))
                continue
            mapping = _mapping(number)
            block.append(mapping)
            indent = found.start(3)
            stack.append((indent, mapping))
        else:
            if key is None:
                raise _NotPlainError
            if type(block) is LineList:  # a sequence at its key's indentation ends
                stack.pop()
                if not stack or stack[-1][0] != indent:
                    raise _NotPlainError
                block = stack[-1][1]
            if type(block) is not LineDict:
                raise _NotPlainError
            mapping = block
        for tag, pattern in implicit.get(key[0], wildcard):
            if pattern.match(key):
                if tag != _STR:
                    raise _NotPlainError  # yes:, null: ...
                break
        if key in mapping:
            mapping.duplicates.append((key, number))
            repeats = True
        if value[:1] == '"' and value.find('"', 1) == len(value) - 1 > 0:
            mapping[key] = value[1:-1]  # the usual value, without a call
        elif value:
            mapping[key] = _scalar(value, implicit, wildcard, construct)
        else:
            mapping[key] = None
            pending = (mapping, key, indent)
        mapping.lines[key] = number
    if top is None:
        raise _NotPlainError
    return top, repeats


def _scalar(text: str, implicit: Implicit, wildcard: Sequence[Any], construct: Construct) -> object:
    """A value written on its key's or its dash's line (``text`` has no outer spaces)."""
    first = text[0]
    if first == '"' or first == "'":
        if len(text) < 2 or text[-1] != first or text.find(first, 1) != len(text) - 1:
            raise _NotPlainError
        return text[1:-1]
    if not first.isalnum() or ":" in text:  # isalnum: the \w of re, less "_"
        raise _NotPlainError
    for tag, pattern in implicit.get(first, wildcard):
        if pattern.match(text):
            if tag == _STR:
                return text
            try:
                return construct(tag, text)
            except KeyError:
                raise _NotPlainError from None
    return text


def _mapping(line: int) -> LineDict:
    mapping = LineDict()
    mapping.line = line
    mapping.lines = {}
    mapping.duplicates = []
    return mapping


def _sequence(line: int) -> LineList:
    sequence = LineList()
    sequence.line = line
    sequence.lines = []
    return sequence
