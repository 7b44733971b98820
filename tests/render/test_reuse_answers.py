"""``PageLinks.answers`` (what a memo asks of every page) equals asking ``rel`` one target
at a time, and records the questions while a fragment is being rendered."""

from __future__ import annotations

import posixpath

from sitegen.render.reuse import FragmentMemo, LinkMemo, PageLinks

TARGETS = ("", "papers/", "authors/", "authors/x/", "authors/y/", "feed.xml", "a/../b", "./c")


def test_answers_equal_one_call_per_target() -> None:
    links = LinkMemo()
    for page in ("index.html", "authors/x/index.html", "authors/y/index.html", "a/b/c/d.html"):
        for _ in range(2):  # the second time from the shared memo
            batch = PageLinks(page, links).answers(TARGETS)
            one = PageLinks(page, links)
            assert batch == tuple(one(t) for t in TARGETS)
            base = posixpath.dirname(page)
            for target, answer in zip(TARGETS, batch, strict=True):
                full = target + "index.html" if target.endswith("/") or not target else target
                assert answer == (posixpath.relpath(full, base) if base else full)


def test_answers_are_recorded_for_an_enclosing_fragment() -> None:
    memo = FragmentMemo()
    first = PageLinks("authors/x/index.html", LinkMemo(), memo)
    memo.fragment("inner", first, lambda: first("papers/") + first("authors/"))

    def outer() -> str:
        return "[" + memo.fragment("inner", page, lambda: "never") + "]"

    page = PageLinks("authors/y/index.html", LinkMemo(), memo)
    assert memo.fragment("outer", page, outer) == "[../../papers/index.html../index.html]"
    # the outer fragment learnt the inner one's questions: a page that answers them
    # differently (one level deeper) does not get the outer HTML back
    deeper = PageLinks("authors/y/z/index.html", LinkMemo(), memo)
    out = memo.fragment("outer", deeper, lambda: "rendered again")
    assert out == "rendered again"
