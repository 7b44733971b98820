"""Facet files (volume, subject, author): format, grouping, and incremental updates."""

from __future__ import annotations

import json
from pathlib import Path

from test_index import corpus, full, materialise, tree

from sitegen.searchindex import INDEX_DIR, SearchDoc, make_doc, write_index
from sitegen.searchindex.facets import FACETS
from sitegen.searchindex.index import FORMAT

FACET_PATHS = {name: f"{INDEX_DIR}/f/{name}.json" for name in FACETS}


def doc(
    slug: str,
    *,
    volume: str = "",
    subjects: tuple[str, ...] = (),
    authors: tuple[str, ...] = ("A. Author",),
    body: str = "text",
) -> SearchDoc:
    return make_doc(
        url=f"papers/{slug}/",
        title=f"Paper {slug}",
        authors=authors,
        meta="",
        abstract_text="",
        keywords=subjects,
        body_text=body,
        volume=volume,
    )


def decoded(files: dict[str, bytes], facet: str) -> dict[str, list[int]]:
    """``value -> doc ids`` from a facet file, checking the order of values on the way."""
    pairs = json.loads(files[FACET_PATHS[facet]])
    out: dict[str, list[int]] = {}
    for value, gaps in pairs:
        ids, at = [], 0
        for gap in gaps:
            at += gap
            ids.append(at)
        assert ids == sorted(set(ids)), (value, gaps)
        out[value] = ids
    return out


def expected(docs: list[SearchDoc], facet: str) -> dict[str, list[int]]:
    """What a facet should hold, straight from the docs (one spelling per value here)."""
    out: dict[str, list[int]] = {}
    for i, d in enumerate(docs):
        values = {"volume": (d.volume,) if d.volume else (), "subject": d.subjects,
                  "author": d.author_names}[facet]  # fmt: skip
        for v in values:
            out.setdefault(v, []).append(i)
    return out


def test_make_doc_takes_facet_values_and_stays_backward_compatible() -> None:
    d = make_doc(url="papers/x/", title="T", authors=["A  One", "B. Two", ""], meta="",
                 abstract_text="", keywords=["Open  science", "ipfs"], body_text="")  # fmt: skip
    assert (d.volume, d.subjects, d.author_names) == (
        "",
        ("Open science", "ipfs"),
        ("A One", "B. Two"),
    )
    assert d.authors == "A  One, B. Two, "  # the display line is as before
    e = make_doc(url="papers/x/", title="T", authors=["A  One", "B. Two", ""], meta="",
                 abstract_text="", keywords=["Open  science", "ipfs"], body_text="",
                 volume="Vol. 2", subjects=["Other"])  # fmt: skip
    assert (e.volume, e.subjects) == ("Vol. 2", ("Other",))
    assert e.terms == d.terms  # subjects are filters; the indexed keywords stay the same
    assert d.digest != e.digest and d.facet_sum != e.facet_sum


def test_facet_files_group_sort_and_list_every_doc() -> None:
    docs = [
        doc("a", volume="Vol. 10", subjects=("Open Science", "IPFS"), authors=("Zoë Ng", "B. Lee")),
        doc("b", volume="Vol. 2", subjects=("open science",), authors=("B. Lee",)),
        doc("c", subjects=("2024", "Open-Science"), authors=("Zoe Ng",)),
        doc("d", volume="Vol. 2", subjects=(), authors=()),
    ]
    files, _ = full(docs)
    meta = json.loads(files[f"{INDEX_DIR}/meta.json"])
    assert meta["v"] == FORMAT == 3 and meta["facets"] == ["author", "subject", "volume"]
    # natural order: "Vol. 2" before "Vol. 10"; the paper without a volume is in none
    assert json.loads(files[FACET_PATHS["volume"]]) == [["Vol. 2", [1, 2]], ["Vol. 10", [0]]]
    assert decoded(files, "volume") == {"Vol. 2": [1, 3], "Vol. 10": [0]}
    # spellings that fold to the same words are one value, named as its lowest doc has it
    assert list(decoded(files, "subject").items()) == [
        ("2024", [2]),
        ("IPFS", [0]),
        ("Open Science", [0, 1, 2]),
    ]
    assert decoded(files, "author") == {"B. Lee": [0, 1], "Zoë Ng": [0, 2]}
    assert files[FACET_PATHS["author"]].isascii() is False  # UTF-8, not \\u escapes
    empty, _ = full([doc("x")])
    assert empty[FACET_PATHS["volume"]] == b"[]"


def test_facets_of_a_generated_corpus_match_the_docs() -> None:
    docs = corpus(250)
    files, _ = full(docs)
    for facet in FACETS:
        assert decoded(files, facet) == expected(docs, facet), facet


def build_then_update(
    tmp: Path, a: list[SearchDoc], b: list[SearchDoc]
) -> tuple[set[str], dict[str, bytes]]:
    files_a, state_a = write_index(a, None, None)
    materialise(tmp / "a", files_a)
    files_b, state_b = write_index(b, state_a, tmp / "a")
    materialise(tmp / "b", files_b, tmp / "a")
    whole, whole_state = full(b)
    assert tree(tmp / "b") == whole  # byte-identical to a full build
    assert state_b == whole_state
    assert set(files_b.unchanged) | set(files_b.changed) == set(whole)
    return set(files_b.changed), whole


def test_changing_a_docs_facets_updates_exactly_those_files(tmp_path: Path) -> None:
    base = [
        doc(f"p{i}", volume=f"Vol. {i % 3 + 1}", subjects=(f"s{i % 4}",), authors=(f"Au {i}",))
        for i in range(12)
    ]

    def with_doc5(name: str, **kw: object) -> set[str]:
        b = list(base)
        b[5] = doc("p5", **{"volume": "Vol. 3", "subjects": ("s1",), "authors": ("Au 5",), **kw})  # type: ignore[arg-type]
        changed, whole = build_then_update(tmp_path / name, base, b)
        for facet in FACETS:
            assert decoded(whole, facet) == expected(b, facet)
        return {p for p in changed if "/f/" in p}

    assert with_doc5("volume", volume="Vol. 1") == {FACET_PATHS["volume"]}
    assert with_doc5("novolume", volume="") == {FACET_PATHS["volume"]}
    assert with_doc5("subject", subjects=("s1", "new subject")) == {FACET_PATHS["subject"]}
    assert with_doc5("author", authors=("Au 5", "Au 6")) == {FACET_PATHS["author"]}
    assert with_doc5("all", volume="Vol. 9", subjects=(), authors=("Z",)) == set(
        FACET_PATHS.values()
    )
    # an edit of the text alone leaves every facet file as it was, and unread
    assert with_doc5("body", body="other words") == set()


def test_a_text_edit_does_not_rebuild_facets_even_if_their_files_are_gone(
    tmp_path: Path,
) -> None:
    a = [doc(f"p{i}", volume="Vol. 1", subjects=("x",)) for i in range(10)]
    files_a, state_a = write_index(a, None, None)
    materialise(tmp_path / "a", files_a)
    for path in FACET_PATHS.values():
        (tmp_path / "a" / path).unlink()  # not needed, so not read
    b = list(a)
    b[3] = doc("p3", volume="Vol. 1", subjects=("x",), body="edited")
    files_b, _ = write_index(b, state_a, tmp_path / "a")
    assert set(FACET_PATHS.values()) <= set(files_b.unchanged)
