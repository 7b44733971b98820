"""latex2mathml's ``convert_to_element``, fed by a tokenizer three times faster.

latex2mathml's ``tokenize`` matches its token pattern and then, for every match, makes
a tuple of the matched groups through ``filter`` and a lambda, and tries four rewrites
on each: a fifth of the cost of converting a formula. Nearly all matches are a letter,
a number, an escaped character, a single character or a plain command, which none of
those rewrites changes; ``tex_tokens`` yields those straight from the match (told apart
by which group matched) and gives every other match the same treatment latex2mathml
gives it. The stream is the same token for token, errors included (tested against
latex2mathml's tokenizer on every formula of the corpora).

latex2mathml has no way to pass it tokens, so ``convert_to_element`` does what its
namesake does with them (walk the tokens, convert the nodes into a ``<math>`` tree)
through two of its internal functions. Should a later latex2mathml lack them or their
token groups, the public ``convert_to_element`` is used; the tests compare both.

``convert_forms`` is what a build calls: it walks the tokens with ``texwalk`` and writes
the nodes with ``mathwrite`` (no element tree) for the shapes those know, and hands any
other formula to latex2mathml's walker and converter and to ``mathml.mathml_forms``.
"""

from __future__ import annotations

from collections.abc import Iterator
from xml.etree.ElementTree import Element, SubElement

import latex2mathml.converter as l2m_converter
import latex2mathml.walker as l2m_walker
from latex2mathml import commands
from latex2mathml.symbols_parser import convert_symbol
from latex2mathml.tokenizer import PATTERN, UNITS

from sitegen.render.mathml import mathml_forms
from sitegen.render.mathwrite import write_forms
from sitegen.render.texwalk import walk_nodes

_GROUPS = {name: PATTERN.groupindex.get(name, -1) for name in ("letter", "number", "escaped")}
_CHAR = PATTERN.groupindex.get("char", -1)
_COMMAND = PATTERN.groupindex.get("command", -1)
_PASS = frozenset(_GROUPS.values())
"""Groups whose match is the token itself."""
_INTERNALS = (
    hasattr(l2m_walker, "_walk")
    and hasattr(l2m_converter.Converter, "_convert_group")
    and -1 not in (*_PASS, _CHAR, _COMMAND)
)
"""Whether this latex2mathml has the functions and token groups ``convert_to_element``
relies on."""
_REWRITTEN = (commands.VERB, commands.MATH)
"""Commands latex2mathml rewrites (``\\verb`` and the ``\\math..`` fonts)."""
_JOINED = (commands.BEGIN, commands.END, commands.OPERATORNAME)
"""Tokens latex2mathml writes without their spaces."""


def tex_tokens(latex: str) -> Iterator[str]:
    """The tokens latex2mathml's ``tokenize(latex)`` yields, in order."""
    for match in PATTERN.finditer(latex):
        group = match.lastindex
        if group in _PASS:
            yield match[group]
        elif group == _CHAR:
            token = match[group]
            if token != "%":  # a lone % starts an (empty) comment
                yield token
        elif group == _COMMAND and not (token := match[group]).startswith(_REWRITTEN):
            yield token
        else:
            yield from _general(match.groups())


def tex_token_list(latex: str) -> list[str]:
    """``list(tex_tokens(latex))``, made without a generator (a third faster); raises
    what ``tex_tokens`` raises, only at once instead of at the token that fails."""
    tokens: list[str] = []
    append = tokens.append
    for match in PATTERN.finditer(latex):
        group = match.lastindex
        if group in _PASS:
            append(match[group])
        elif group == _CHAR:
            token = match[group]
            if token != "%":
                append(token)
        elif group == _COMMAND and not (token := match[group]).startswith(_REWRITTEN):
            append(token)
        else:
            tokens.extend(_general(match.groups()))
    return tokens


def _general(groups: tuple[str | None, ...]) -> Iterator[str]:
    """The tokens of one match of any kind, as latex2mathml's tokenizer makes them."""
    captured = tuple(group for group in groups if group is not None)
    first = captured[0]
    if first.startswith(commands.VERB):
        yield commands.VERB
        yield captured[2]  # IndexError for \verb without a closing delimiter, as theirs
        return
    if first.startswith(commands.MATH) and first not in commands.MATH_NON_FONT_COMMANDS:
        symbol = convert_symbol("".join(captured))
        if symbol:
            yield f"&#x{symbol};"
            return
    for part in captured:
        if part.startswith("%"):  # a comment ends the match's tokens
            return
        if (part.endswith(UNITS) and part[:1].isdigit()) or part.startswith(_JOINED):
            yield part.replace(" ", "")  # a dimension, \begin{..}, \operatorname{..}
        else:
            yield part


def convert_forms(latex: str, display: str) -> tuple[str, str | None]:
    """``mathml.mathml_forms(convert_to_element(latex, display))``: the tokens walked by
    ``texwalk.walk_nodes`` and the nodes written by ``mathwrite.write_forms`` when they
    can, else by latex2mathml as usual."""
    if not _INTERNALS:
        return mathml_forms(l2m_converter.convert_to_element(latex, display=display))
    block = display == "block"
    converter = l2m_converter.Converter(display=display)
    try:
        tokens = tex_token_list(latex)
    except Exception:  # the walker may fail first on earlier tokens: let it say why
        nodes = l2m_walker._walk(tex_tokens(latex), block=block, macros=converter.macros)
    else:
        walked = walk_nodes(tokens, block)
        if walked is None:
            walked = l2m_walker._walk(iter(tokens), block=block, macros=converter.macros)
        nodes = walked
    written = write_forms(nodes, display)
    if written is not None:
        return written
    math = Element("math", {"xmlns": converter.xmlns, "display": display})
    converter._convert_group(iter(nodes), SubElement(math, "mrow"))
    return mathml_forms(math)


def convert_to_element(latex: str, display: str) -> Element:
    """latex2mathml's ``convert_to_element(latex, display=display)``, faster."""
    if not _INTERNALS:
        return l2m_converter.convert_to_element(latex, display=display)
    converter = l2m_converter.Converter(display=display)
    math = Element("math", {"xmlns": converter.xmlns, "display": display})
    nodes = l2m_walker._walk(tex_tokens(latex), block=display == "block", macros=converter.macros)
    converter._convert_group(iter(nodes), SubElement(math, "mrow"))
    return math
