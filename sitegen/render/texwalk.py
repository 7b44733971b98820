"""latex2mathml's walker for the token shapes formulas mostly use, over a token list.

latex2mathml's ``_walk`` turns tokens into nodes through one long chain of tests per
token, recursing with a fresh generator frame for every argument: about half of what a
conversion costs once its output is written directly (``mathwrite``). ``walk_nodes``
makes the same nodes for symbols, braces, sub- and superscripts, commands taking one
or two arguments, ``\\sqrt`` and ``\\left..\\right``, and declines (None) anything else:
a token it does not know to be plain, a shape the walker treats apart (primes, limits
commands, a terminator taken as an argument, a missing token): the caller then walks
the tokens with latex2mathml. A command is plain when latex2mathml's walker makes it a
node of its own and leaves the tokens after it alone; that is asked of the walker
itself, once per command (``_plain``). Other tokens (letters, numbers, characters,
symbols as references) are plain unless structural: the walker only tells commands
apart (and, here declined, a few characters after commands that take them). The tests compare the nodes on every formula of the
corpora and on random TeX.
"""

from __future__ import annotations

import functools
from typing import Any

import latex2mathml.walker as l2m_walker
from latex2mathml import commands
from latex2mathml.walker import Node

_ONE = frozenset(commands.COMMANDS_WITH_ONE_PARAMETER)
_TWO = frozenset(commands.COMMANDS_WITH_TWO_PARAMETERS)
_REVERSED = (commands.OVERSET, commands.STACKREL, commands.UNDERSET)
_SCRIPTS = (commands.SUBSCRIPT, commands.SUPERSCRIPT)
_BIG_OPERATORS = (commands.SUMMATION, commands.PRODUCT)
_LIMIT_MODIFIERS = (commands.LIMITS, commands.NOLIMITS)
_BRACES_MODIFIERS = (commands.OVERBRACE, commands.UNDERBRACE)
_STRUCTURAL = frozenset(
    (
        commands.OPENING_BRACE,
        commands.CLOSING_BRACE,
        *_SCRIPTS,
        commands.APOSTROPHE,
        commands.LEFT,
        commands.RIGHT,
        commands.MIDDLE,
        commands.SQRT,
        commands.NOT,  # looks at the token after it
    )
)
"""Tokens handled (or declined) apart, never asked of the walker as plain."""
_EMPTY = Node(token="")


class _DeclineError(Exception):
    """The tokens hold a shape not walked here."""


def walk_nodes(tokens: list[str], block: bool) -> list[Any] | None:
    """latex2mathml's ``_walk(iter(tokens), block=block, macros={})``, or None if
    the tokens hold a shape not walked here (or one the walker fails on)."""
    try:
        group, _ = _walk(tokens, 0, None, 0, block)
    except (_DeclineError, IndexError):
        return None
    return group


def _walk(
    tokens: list[str], pos: int, terminator: str | None, limit: int, block: bool
) -> tuple[list[Any], int]:
    """The walker's loop from ``pos``: its nodes and the position after them."""
    group: list[Any] = []
    end = len(tokens)
    if pos >= end:
        raise _DeclineError  # NoAvailableTokensError, or an error made of it
    while pos < end:
        token = tokens[pos]
        pos += 1
        if token == terminator:
            delimiter = None
            if terminator == commands.RIGHT:
                delimiter = tokens[pos]  # IndexError: the walker fails too
                pos += 1
            group.append(Node(token=token, delimiter=delimiter))
            break
        if token in _STRUCTURAL:
            if token == commands.OPENING_BRACE:
                children, pos = _walk(tokens, pos, commands.CLOSING_BRACE, 0, False)
                if children[-1].token != commands.CLOSING_BRACE:
                    raise _DeclineError  # unbalanced
                node = Node(token=commands.BRACES, children=tuple(children[:-1]))
            elif token in _SCRIPTS:
                node, pos = _script(token, group, tokens, pos, terminator, block)
            elif token == commands.LEFT:
                delimiter = tokens[pos]
                children, pos = _walk(tokens, pos + 1, commands.RIGHT, 0, False)
                if children[-1].token != commands.RIGHT:
                    raise _DeclineError
                node = Node(token=token, children=tuple(children), delimiter=delimiter)
            elif token == commands.SQRT:
                children, pos = _walk(tokens, pos, None, 1, False)
                if children[0].token in (commands.OPENING_BRACKET, commands.CLOSING_BRACE):
                    raise _DeclineError  # an optional root, or a brace taken as argument
                node = Node(token=token, children=(children[0],))
            else:
                raise _DeclineError
        elif token in _TWO:
            children, pos = _arguments(tokens, pos, terminator, 2)
            if token in _REVERSED:
                children = children[::-1]
            node = Node(token=token, children=tuple(children))
        elif token in _ONE or (
            token.startswith(commands.MATH) and token not in commands.MATH_NON_FONT_COMMANDS
        ):
            children, pos = _arguments(tokens, pos, terminator, 1)
            node = Node(token=token, children=tuple(children))
        else:
            node = _plain_node(token)
            if node is None:
                raise _DeclineError
        group.append(node)
        if limit and len(group) >= limit:
            break
    return group, pos


def _arguments(
    tokens: list[str], pos: int, terminator: str | None, count: int
) -> tuple[list[Any], int]:
    """A command's ``count`` arguments, declining when the walker would take the
    enclosing terminator as one of them."""
    children, pos = _walk(tokens, pos, terminator, count, False)
    if terminator is not None and any(child.token == terminator for child in children):
        raise _DeclineError
    return children, pos


def _script(
    token: str,
    group: list[Any],
    tokens: list[str],
    pos: int,
    terminator: str | None,
    block: bool,
) -> tuple[Any, int]:
    """A sub- or superscript of the last node of ``group`` (taken from it)."""
    previous = group.pop() if group else _EMPTY
    before = previous.token
    kids = previous.children
    if before in _LIMIT_MODIFIERS or (token == before == commands.SUBSCRIPT):
        raise _DeclineError  # \limits, or DoubleSubscriptsError
    if token == before == commands.SUPERSCRIPT and kids is not None:
        raise _DeclineError  # DoubleSuperscriptsError, or primes
    modifier = commands.LIMITS if block and before in _BIG_OPERATORS else None
    children, pos = _arguments(tokens, pos, terminator, 1)
    if before in _SCRIPTS and before != token and kids is not None:
        if token == commands.SUBSCRIPT:
            combined = (kids[0], *children, kids[1])
        else:
            combined = (*kids, *children)
        return Node(token=commands.SUBSUP, children=combined, modifier=previous.modifier), pos
    if before in _BRACES_MODIFIERS:
        modifier = before
    return Node(token=token, children=(previous, *children), modifier=modifier), pos


@functools.lru_cache(maxsize=4096)
def _plain_node(token: str) -> Any:
    """The node of a plain token (shared: nodes are tuples), or None if it is not plain.
    Bounded: papers hold many distinct numbers."""
    return Node(token=token) if token[:1] != "\\" or _plain(token) else None


@functools.cache
def _plain(token: str) -> bool:
    """Whether latex2mathml's walker makes ``token`` a node of its own, leaving the
    tokens after it alone (asked of the walker, in both display modes)."""
    if token in _STRUCTURAL:
        return False
    expected = [Node(token=token), Node(token="x"), Node(token="y")]
    for block in (False, True):
        try:
            walked = l2m_walker._walk(iter([token, "x", "y"]), block=block, macros={})
        except Exception:  # latex2mathml raises many types
            return False
        if walked != expected:
            return False
    return True
