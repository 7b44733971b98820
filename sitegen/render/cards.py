"""Paper cards rendered once per renderer, their links filled in for each page.

A paper's card (its entry on the home, issue, subject and author listings) differs from
page to page only by the relative links in it: ``FragmentMemo.card`` rendered it again
for each set of link answers, about once per link depth (three to four times a paper a
build). :class:`CardMemo` renders it once with a marker where each link goes and fills
in each page's answers (``rel`` of the same targets) between the pieces of text.

That gives the bytes of a direct call when the card prints what ``rel`` answers as it
is (escaped or ``| safe``) and does nothing else with it. A card whose markers do not
all come out whole, that draws a NUL of its own or that asks more of ``rel`` than a call
is left to ``FragmentMemo``; so is a page whose answers hold a character escaping would
change. A card that computes with its links (their length, a filter) cannot be told
from its markers alone: the first cards of each macro at each kind of answer are also
rendered directly and compared, and a macro found to differ goes back to
``FragmentMemo`` for good (a card whose output depends on its link in a way those
first cards do not show would still be filled in wrongly: none of ours does).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from markupsafe import Markup

from sitegen.render.reuse import MAX_MACROS, FragmentMemo, PageLinks

CHECKS = 2
"""Cards of each macro and kind of answer also rendered directly and compared."""
_MARK = re.compile("\x00([0-9]+)\x00")
_ESCAPED = re.compile("[&<>\"']")
"""Characters ``markupsafe.escape`` replaces (a page whose answers hold one is rendered
as before: the marker cannot tell whether the card escaped it)."""


class _Card:
    """A card's text between its links and the targets of those links."""

    __slots__ = ("known", "pieces", "slots", "targets")

    def __init__(self, pieces: list[str], slots: list[int], targets: tuple[str, ...]) -> None:
        self.pieces = pieces
        """Text before the first link, between links, after the last (``len(slots) + 1``)."""
        self.slots = slots
        """For each link printed, in order: the index of its target in ``targets``."""
        self.targets = targets
        """What the card asked ``rel`` about, in the order it asked."""
        self.known: dict[tuple[str, ...], Markup] = {}
        """Answers -> the card filled in with them (a few: one per kind of page)."""

    def fill(self, answers: tuple[str, ...]) -> str:
        pieces, slots = self.pieces, self.slots
        out = [pieces[0]]
        for i, slot in enumerate(slots, 1):
            out.append(answers[slot])
            out.append(pieces[i])
        return "".join(out)


_UNFIT = object()
"""A card that must be rendered for each set of answers (see the module docstring)."""


class CardMemo(FragmentMemo):
    """A ``FragmentMemo`` whose ``card`` renders each card once (module docstring)."""

    __slots__ = ("_card_macros", "_cards", "_checked", "_unfit")

    def __init__(self) -> None:
        super().__init__()
        self._cards: dict[tuple[int, int], object] = {}
        """(id of macro, id of entry) -> its :class:`_Card` or ``_UNFIT``."""
        self._card_macros: dict[int, object] = {}
        """Macros with cards here, by id (kept alive with their entries: no id reused)."""
        self._checked: dict[tuple[int, tuple[int, ...]], int] = {}
        """(id of macro, kind of answers) -> cards compared with a direct call so far."""
        self._unfit: set[int] = set()
        """Ids of macros whose filled cards differed from a direct call."""

    def card(self, macro: Callable[..., Any], entry: object, rel: PageLinks) -> Any:
        card = self._cards.get((id(macro), id(entry)))
        if card is None:
            if id(macro) in self._unfit:
                return super().card(macro, entry, rel)
            if id(macro) not in self._card_macros:
                if len(self._card_macros) >= MAX_MACROS:
                    return macro(entry, rel)
                self._card_macros[id(macro)] = macro
            card = self._cards[(id(macro), id(entry))] = _marked(macro, entry)
            self._held.append(entry)
        if card is _UNFIT or id(macro) in self._unfit:
            return super().card(macro, entry, rel)
        assert isinstance(card, _Card)
        answers = rel.answers(card.targets)
        html = card.known.get(answers)
        if html is not None:
            return html
        if any(_ESCAPED.search(a) for a in answers):
            return super().card(macro, entry, rel)
        html = card.known[answers] = Markup(card.fill(answers))
        kind = (
            id(macro),
            tuple([len(a) - len(t) for a, t in zip(answers, card.targets, strict=True)]),
        )
        checked = self._checked.get(kind, 0)
        if checked < CHECKS:
            self._checked[kind] = checked + 1
            direct = macro(entry, rel)
            if direct != html:
                self._unfit.add(id(macro))
                return direct
        return html


def _marked(macro: Callable[..., Any], entry: object) -> object:
    """``macro``'s card for ``entry`` with a marker for each link, as a :class:`_Card`,
    or ``_UNFIT`` when the markers do not come out as they went in."""
    targets: list[str] = []

    def rel(target: str) -> str:
        targets.append(target)
        return f"\x00{len(targets) - 1}\x00"

    try:
        html = str(macro(entry, rel))
    except Exception:  # it wanted more of rel than a call: rendered as before, where
        return _UNFIT  # an error of its own is raised again and reported for the page
    parts = _MARK.split(html)
    pieces, slots = parts[0::2], [int(s) for s in parts[1::2]]
    if set(slots) != set(range(len(targets))) or any("\x00" in p for p in pieces):
        return _UNFIT
    return _Card(pieces, slots, tuple(targets))


__all__ = ["CHECKS", "CardMemo"]
