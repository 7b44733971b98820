"""Work a build does once and reuses across pages: relative links and paper cards.

A journal has thousands of listing pages (some three author pages per paper) that all
share one layout and show the same paper cards, so :class:`PageLinks` remembers the
links it has worked out and :class:`CardMemo` the cards it has rendered. Both live in
one renderer (one build, one process after a fork); nothing here is module state.
"""

from __future__ import annotations

import posixpath
from collections.abc import Callable, Hashable, Sequence
from typing import Any


class LinkMemo:
    """Relative links already worked out, shared by the pages of one renderer.

    Seen from a folder ``d`` levels deep whose first segment is not the target's, a
    plain target is ``'../' * d + target``: it depends on the depth alone. When only the
    first segments agree (``authors/`` from ``authors/x/``), it is ``'../' * (d - 1)``
    plus the rest of the target. Such answers are kept per (depth, first segment of the
    page's folder) and reused by every page there; others are worked out each time.
    """

    __slots__ = ("_groups",)

    def __init__(self) -> None:
        self._groups: dict[tuple[int, str], _Group] = {}

    def group(self, depth: int, first: str) -> _Group:
        known = self._groups.get((depth, first))
        if known is None:
            known = self._groups[(depth, first)] = ({}, {})
        return known


_Group = tuple[dict[str, str], dict[str, tuple[str, str]]]
"""target -> answer when no segment is shared; target -> (its second segment, answer)
when only the first is (valid for a page whose second segment differs)."""


class PageLinks:
    """``rel(target)``: ``target`` (site-relative) as seen from one page.

    Equal to ``posixpath.relpath`` from the page's folder (tested), with folder targets
    ending in ``index.html`` (``file://`` has no directory index). Callable like the
    function templates knew; ``memo`` is the renderer's :class:`FragmentMemo` (or None).
    """

    __slots__ = ("_base", "_known", "_near", "_parts", "_plain", "asked", "memo")

    def __init__(
        self,
        page_path: str,
        links: LinkMemo | None = None,
        memo: FragmentMemo | None = None,
    ) -> None:
        base = posixpath.dirname(page_path)
        self._base = base
        self._parts = base.split("/") if base else []
        self._plain = _plain(self._parts)
        shared = links is not None and self._plain and bool(base)
        self._known, self._near = (
            links.group(len(self._parts), self._parts[0])
            if links is not None and shared
            else ({}, {})
        )
        self.memo = memo
        """The renderer's fragment memo, for ``cached_card`` and ``memo``."""
        self.asked: dict[str, str] | None = None
        """While a fragment is being rendered for the memo: what it asked and got."""

    def __call__(self, target: str) -> str:
        answer = self._known.get(target)
        if answer is None:
            answer = self._work_out(target)
        if self.asked is not None:
            self.asked[target] = answer
        return answer

    def answers(self, targets: tuple[str, ...]) -> tuple[str, ...]:
        """``tuple(rel(t) for t in targets)`` in one call (a memo asks this of every page)."""
        known = self._known
        found = tuple(
            [a if (a := known.get(t)) is not None else self._work_out(t) for t in targets]
        )
        if self.asked is not None:
            self.asked.update(zip(targets, found, strict=True))
        return found

    def _work_out(self, target: str) -> str:
        near = self._near.get(target)
        if near is not None and near[0] != self._parts[1]:
            return near[1]
        full = target + "index.html" if target.endswith("/") or target == "" else target
        if not self._base:
            return full
        parts = full.split("/")
        if not (self._plain and _plain(parts)):
            return posixpath.relpath(full, self._base)
        common = 0
        for mine, theirs in zip(self._parts, parts, strict=False):
            if mine != theirs:
                break
            common += 1
        answer = "/".join([".."] * (len(self._parts) - common) + parts[common:]) or "."
        if common == 0:  # depends on the depth alone: every page of the group may reuse it
            self._known[target] = answer
        elif common == 1 and len(self._parts) > 1 and len(parts) > 1:
            self._near[target] = (parts[1], answer)
        return answer


def _plain(parts: Sequence[str]) -> bool:
    """No segment that ``relpath`` would normalise away (``''``, ``.``, ``..``)."""
    return "" not in parts and "." not in parts and ".." not in parts


MAX_MACROS = 32
"""Distinct card macros a renderer memoises (the default theme has one)."""


class FragmentMemo:
    """Template fragments rendered once and reused by the pages that would repeat them.

    A fragment's HTML is fixed by its key (everything it reads besides links and the
    build's constants: ``config``, the environment's globals) and by what ``rel``
    answered for the targets it asked about. The memo records those questions and
    answers; a page whose ``rel`` gives the same answers (the same folder depth,
    usually) gets the HTML back without rendering it.
    """

    __slots__ = ("_held", "_known", "_macros")

    def __init__(self) -> None:
        self._macros: dict[int, object] = {}
        """Card macros by id (kept alive with it, so that no id is reused)."""
        self._known: dict[Hashable, _Variants] = {}
        self._held: list[object] = []
        """Objects whose ``id`` is in a key, kept alive so that no id is reused."""

    def fragment(self, key: Hashable, rel: PageLinks, render: Callable[[], Any]) -> Any:
        variants = self._known.get(key)
        if variants is None:
            variants = self._known[key] = {}
        else:
            html = _reused(variants, rel)
            if html is not None:
                return html
        return _recorded(variants, rel, render)

    def card(self, macro: Callable[..., Any], entry: object, rel: PageLinks) -> Any:
        """``macro(entry, rel)``; see :func:`cached_card`.

        A theme whose macro is a new object on every page (a module imported with
        context) would only fill the memo: after ``MAX_MACROS`` macros it is bypassed.
        A card already in the memo (most of them: pages list the same papers) is looked
        up without the checks and the closure a first rendering needs.
        """
        key = ("card", id(macro), id(entry))
        variants = self._known.get(key)
        if variants is not None:  # its macro was let in when the key was made
            html = _reused(variants, rel)
            if html is not None:
                return html
            return _recorded(variants, rel, lambda: macro(entry, rel))
        if id(macro) not in self._macros:
            if len(self._macros) >= MAX_MACROS:
                return macro(entry, rel)
            self._macros[id(macro)] = macro
        self._held.append(entry)
        variants = self._known[key] = {}
        return _recorded(variants, rel, lambda: macro(entry, rel))


_Variants = dict[tuple[str, ...], dict[tuple[str, ...], Any]]
"""Of one fragment key: the targets it asked about -> their answers -> its HTML."""


def _reused(variants: _Variants, rel: PageLinks) -> Any:
    """The HTML rendered for a page whose ``rel`` answers as this one does, or None."""
    for targets, by_answers in variants.items():
        html = by_answers.get(rel.answers(targets))
        if html is not None:
            return html
    return None


def _recorded(variants: _Variants, rel: PageLinks, render: Callable[[], Any]) -> Any:
    """``render()``, kept in ``variants`` under what it asked ``rel`` and was answered."""
    outer = rel.asked
    asked: dict[str, str] = {}
    rel.asked = asked
    try:
        html = render()
    finally:
        rel.asked = outer
    if outer is not None:  # a fragment inside a fragment: the outer one asked too
        outer.update(asked)
    variants.setdefault(tuple(asked), {})[tuple(asked.values())] = html
    return html


def cached_card(macro: Callable[..., Any], entry: object, rel: Callable[[str], str]) -> Any:
    """Template global: ``macro(entry, rel)``, reused from the renderer's memo if it has one.

    ``{{ cached_card(paper_card, entry, rel) }}`` prints what ``{{ paper_card(entry,
    rel) }}`` would. A macro imported without context sees only its arguments and the
    environment's globals, so the entry and the link answers fix its HTML. Keyed by the
    macro object and the entry object: a macro of a module imported *with* context is a
    new object on every page, so it is never reused, and a changed paper is a new entry.
    """
    if not isinstance(rel, PageLinks) or rel.memo is None:
        return macro(entry, rel)
    return rel.memo.card(macro, entry, rel)


def memo(rel: object, *key: Hashable, caller: Callable[[], Any]) -> Any:
    """Template global: ``{% call memo(rel, k1, k2...) %}...{% endcall %}`` renders the
    block once per key and per answers of ``rel()`` inside it, then reuses the HTML.

    The key must name everything else the block reads that varies from page to page
    (``page_path``, ``title``...); ``config``, ``nav`` and the globals are the same on
    every page of a build. Without a memo (``rel`` not the renderer's) the block is
    simply rendered.
    """
    code = getattr(getattr(caller, "_func", None), "__code__", None)
    if not isinstance(rel, PageLinks) or rel.memo is None or code is None:
        return caller()
    return rel.memo.fragment((code, *map(_hashable, key)), rel, caller)


def _hashable(value: Hashable | list[Any]) -> Hashable:
    """Lists (``css``) become tuples so that they can be part of a key."""
    return tuple(value) if isinstance(value, list) else value


__all__ = ["FragmentMemo", "LinkMemo", "PageLinks", "cached_card", "memo"]
