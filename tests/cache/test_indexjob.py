"""IndexJob: the index made in a forked process equals the one made here."""

from __future__ import annotations

import pickle
import random
from pathlib import Path

import pytest

from sitegen.cache import indexjob
from sitegen.cache.address import node_of_bytes
from sitegen.ipfs.profiles import get_profile
from sitegen.searchindex import SearchDoc, make_doc, write_index

WORDS = [
    "sparse",
    "graph",
    "müller",
    "ångström",
    "данные",
    "model",
    "theorem",
    "dataset",
    "zeta",
    "coastal",
]


def docs(n: int) -> list[SearchDoc]:
    rng = random.Random(3)
    return [
        make_doc(
            url=f"papers/p{i:03d}/",
            title=" ".join(rng.choices(WORDS, k=3)),
            authors=[f"Author {i % 7}"],
            meta="",
            abstract_text=" ".join(rng.choices(WORDS, k=12)),
            keywords=rng.choices(WORDS, k=2),
            body_text=" ".join(rng.choices(WORDS, k=rng.randrange(0, 80))),
            volume=f"Vol. {i % 3}",
        )
        for i in range(n)
    ]


def test_the_forked_index_equals_write_index_and_sends_no_terms(tmp_path: Path) -> None:
    made_docs = docs(150)
    profile = get_profile(None)
    sent = indexjob._make(made_docs, tmp_path / "direct", profile)
    assert sent.state.terms == ()  # the docs' terms stay out of the pipe
    assert len(pickle.dumps(sent.state)) < 20_000

    job = indexjob.IndexJob(made_docs, tmp_path / "sink", profile)
    assert job.pending
    made = job.finish()
    assert made is not None
    files, state = write_index(made_docs, None, None)
    assert made.state == state
    assert all(a is b.terms for a, b in zip(made.state.terms, made_docs, strict=True))
    assert made.nodes == {p: node_of_bytes(b, profile) for p, b in files.changed.items()}
    for path, data in files.changed.items():
        assert (tmp_path / "sink" / path).read_bytes() == data


def test_a_failed_process_gives_none(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(*_: object) -> object:
        raise RuntimeError("no index here")

    monkeypatch.setattr(indexjob, "_make", broken)
    job = indexjob.IndexJob(docs(3), tmp_path / "sink", get_profile(None))
    assert job.finish() is None
