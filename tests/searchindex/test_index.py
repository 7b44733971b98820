"""write_index: file layout, determinism, and incremental updates equal to full builds."""

from __future__ import annotations

import dataclasses
import hashlib
import json
import pickle
import random
from pathlib import Path

import pytest

from sitegen.searchindex import INDEX_DIR, IndexFiles, IndexState, SearchDoc, make_doc, write_index
from sitegen.searchindex import index as index_module
from sitegen.searchindex.index import CHUNK

WORDS = [
    "archive",
    "content",
    "address",
    "journal",
    "paper",
    "network",
    "graph",
    "sparse",
    "bayesian",
    "model",
    "inference",
    "sample",
    "protein",
    "folding",
    "coastal",
    "sediment",
    "urban",
    "mobility",
    "müller",
    "ångström",
    "данные数据",
    "theory",
    "thesis",
    "theorem",
    "data",
    "dataset",
    "datum",
    "zebra",
    "zeta",
]


def doc(i: int, rng: random.Random, n_words: int = 40) -> SearchDoc:
    return make_doc(
        url=f"papers/p{i:03d}/",
        title=" ".join(rng.choices(WORDS, k=4)),
        authors=[f"Author {i}", "B. Müller"],
        meta=f"Volume {i % 3 + 1} · 2024-01-{i % 28 + 1:02d}",
        abstract_text=" ".join(rng.choices(WORDS, k=20)),
        keywords=rng.choices(WORDS, k=2),
        body_text=" ".join(rng.choices(WORDS, k=n_words)) + f" unique{i}",
    )


def corpus(n: int, seed: int = 1) -> list[SearchDoc]:
    rng = random.Random(seed)
    return [doc(i, rng) for i in range(n)]


def materialise(site: Path, files: IndexFiles, previous: Path | None = None) -> None:
    """Write ``files`` as a new site root, copying unchanged files from ``previous``."""
    site.mkdir(parents=True)
    for path, data in files.changed.items():
        (site / path).parent.mkdir(parents=True, exist_ok=True)
        (site / path).write_bytes(data)
    for path in files.unchanged:
        assert previous is not None
        (site / path).parent.mkdir(parents=True, exist_ok=True)
        (site / path).write_bytes((previous / path).read_bytes())


def tree(site: Path) -> dict[str, bytes]:
    return {p.relative_to(site).as_posix(): p.read_bytes() for p in site.rglob("*") if p.is_file()}


def full(docs: list[SearchDoc]) -> tuple[dict[str, bytes], IndexState]:
    files, state = write_index(docs, None, None)
    assert not files.unchanged and not files.removed
    return files.changed, state


def update(
    tmp: Path, a: list[SearchDoc], b: list[SearchDoc]
) -> tuple[IndexFiles, dict[str, bytes]]:
    """Build ``a``, then update to ``b``; return the update and the resulting tree."""
    files_a, state_a = write_index(a, None, None)
    materialise(tmp / "a", files_a)
    files_b, state_b = write_index(b, state_a, tmp / "a")
    materialise(tmp / "b", files_b, tmp / "a")
    expected, expected_state = full(b)
    assert state_b == expected_state
    result = tree(tmp / "b")
    assert result == expected
    return files_b, result


def test_layout_meta_chunks_and_shards(tmp_path: Path) -> None:
    docs = corpus(CHUNK + 5)
    files, state = full(docs)
    meta = json.loads(files[f"{INDEX_DIR}/meta.json"])
    assert meta["docs"] == len(docs) and meta["chunk"] == CHUNK and "the" in meta["stop"]
    shard_files = sorted(p for p in files if p.startswith(f"{INDEX_DIR}/t/"))
    assert [f"{INDEX_DIR}/t/{n}.json" for n in meta["shards"]] == shard_files
    chunk0 = json.loads(files[f"{INDEX_DIR}/docs/0.json"])
    chunk1 = json.loads(files[f"{INDEX_DIR}/docs/1.json"])
    assert len(chunk0) == CHUNK and len(chunk1) == 5
    assert chunk1[0] == [docs[CHUNK].url, docs[CHUNK].title, docs[CHUNK].authors,
                         docs[CHUNK].meta, docs[CHUNK].excerpt]  # fmt: skip
    # every posting of every doc is in the shard named after the hex of its first two chars
    postings: dict[str, dict[int, int]] = {}
    for path in shard_files:
        name = path.rsplit("/", 1)[1][: -len(".json")]
        shard = json.loads(files[path])
        for term, plist in shard.items():
            assert term[:2].encode().hex() == name
            ids = [d for d, _ in plist]
            assert ids == sorted(ids)
            postings[term] = dict(map(tuple, plist))  # type: ignore[arg-type]
    for i, d in enumerate(docs):
        for term, weight in d.term_weights().items():
            assert postings[term][i] == weight
    assert sum(len(p) for p in postings.values()) == sum(len(d.term_weights()) for d in docs)
    # non-ASCII terms: a shard named by UTF-8 hex holds them
    assert "d0b4d0b0" in meta["shards"]  # "да" of "данные"
    assert "mu" in {bytes.fromhex(n).decode() for n in meta["shards"]}  # "müller" folds
    assert state.files == tuple(
        sorted((p, hashlib.sha256(b).hexdigest()) for p, b in files.items())
    )
    pickle.loads(pickle.dumps(state))


def reference_shards(docs: list[SearchDoc]) -> dict[str, bytes]:
    """The term shards of ``docs`` made posting by posting (what ``full_index`` means)."""
    postings: dict[str, list[str]] = {}
    for docid, d in enumerate(docs):
        for term, weight in d.term_weights().items():
            postings.setdefault(term, []).append(f"[{docid},{weight}]")
    shards: dict[str, list[bytes]] = {}
    for term in sorted(postings):
        line = f'"{term}":[{",".join(postings[term])}]'.encode()
        shards.setdefault(term[:2], []).append(line)
    return {
        f"{INDEX_DIR}/t/{key.encode().hex()}.json": b"{" + b",\n".join(lines) + b"}"
        for key, lines in shards.items()
    }


@pytest.mark.parametrize("block", [1, 3, 128, 10_000])
def test_shards_equal_posting_by_posting_at_any_block_size(
    monkeypatch: pytest.MonkeyPatch, block: int
) -> None:
    rng = random.Random(7)
    docs = [doc(i, rng, n_words=rng.randrange(0, 300)) for i in range(300)]
    empty = make_doc(url="papers/empty/", title="", authors=[], meta="", abstract_text="",
                     keywords=[], body_text="")  # fmt: skip
    assert empty.terms == ""
    docs[5:5] = [empty]
    docs.append(empty)
    monkeypatch.setattr(index_module, "POSTING_BLOCK", block)
    files, _ = full(docs)
    shards = {p: b for p, b in files.items() if p.startswith(f"{INDEX_DIR}/t/")}
    assert shards == reference_shards(docs)
    assert {w for d in docs for w in d.term_weights().values()} >= {1, 3, 20, 60}


def test_full_build_is_deterministic() -> None:
    a, _ = full(corpus(30))
    b, _ = full(corpus(30))
    assert a == b
    assert all(b"\n" not in v or p.startswith(f"{INDEX_DIR}/t/") for p, v in a.items())


def test_no_change_rewrites_nothing(tmp_path: Path) -> None:
    docs = corpus(20)
    files, _ = update(tmp_path, docs, list(docs))
    assert files.changed == {} and files.removed == ()


def edit(docs: list[SearchDoc], i: int, **changes: object) -> list[SearchDoc]:
    d = docs[i]
    fields: dict[str, object] = {
        "url": d.url,
        "title": d.title,
        "authors": d.authors.split(", "),
        "meta": d.meta,
        "abstract_text": d.excerpt,
        "keywords": [],
        "body_text": "",
    }
    fields.update(changes)
    return [*docs[:i], make_doc(**fields), *docs[i + 1 :]]  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "change",
    [
        {"title": "A brand new title about zeppelins"},  # new terms and a new shard
        {"body_text": ""},  # loses body terms
        {"body_text": "archive " * 30 + "xylophone quasar"},  # gains terms, weights change
        {"meta": "Volume 9"},  # display only: chunk changes, shards do not
        {"title": "", "authors": [], "abstract_text": "", "body_text": ""},  # no terms at all
    ],
)
@pytest.mark.parametrize("where", [0, 7, 19])
def test_one_edit_equals_full_build(tmp_path: Path, change: dict[str, object], where: int) -> None:
    a = corpus(20)
    b = edit(a, where, **change)
    files, result = update(tmp_path, a, b)
    expected, _ = full(b)
    assert result == expected
    for path in files.unchanged:
        assert (tmp_path / "a" / path).read_bytes() == expected[path]
    for path, data in files.changed.items():
        old = tmp_path / "a" / path
        assert not old.exists() or old.read_bytes() != data


def test_shard_that_loses_its_only_term_is_removed(tmp_path: Path) -> None:
    a = corpus(10)
    a = edit(a, 3, title="Zyzzyva", body_text="text")
    assert any(t.startswith("zy") for t in a[3].term_weights())
    b = edit(a, 3, title="Plain", body_text="text")
    files, result = update(tmp_path, a, b)
    zy = f"{INDEX_DIR}/t/{b'zy'.hex()}.json"
    assert files.removed == (zy,)
    assert zy not in result
    assert "7a79" not in json.loads(result[f"{INDEX_DIR}/meta.json"])["shards"]


def test_many_random_edits_equal_full_builds(tmp_path: Path) -> None:
    rng = random.Random(7)
    a = corpus(60, seed=3)
    for step in range(8):
        b = list(a)
        for i in rng.sample(range(len(a)), rng.randint(1, 6)):
            b[i] = make_doc(
                url=a[i].url,
                title=" ".join(rng.choices(WORDS, k=rng.randint(0, 5))),
                authors=[a[i].authors],
                meta=a[i].meta,
                abstract_text=" ".join(rng.choices(WORDS, k=rng.randint(0, 10))),
                keywords=[],
                body_text=" ".join(rng.choices(WORDS, k=rng.randint(0, 60)))
                + f" fresh{rng.randint(0, 5)}",
            )
        _, result = update(tmp_path / str(step), a, b)
        assert result == full(b)[0]
        a = b


def test_tampered_or_missing_previous_file_means_full_build(tmp_path: Path) -> None:
    a = corpus(20)
    b = edit(a, 5, title="Archive of data")
    files_a, state_a = write_index(a, None, None)
    materialise(tmp_path / "a", files_a)
    shard = tmp_path / "a" / INDEX_DIR / "t" / f"{b'ar'.hex()}.json"
    shard.write_bytes(shard.read_bytes().replace(b"[5,", b"[6,", 1))
    expected, _ = full(b)
    # nothing from the tampered folder is trusted: every file comes back in `changed`
    files_b, _ = write_index(b, state_a, tmp_path / "a")
    assert files_b.changed == expected and not files_b.unchanged
    shard.unlink()
    files_c, _ = write_index(b, state_a, tmp_path / "a")
    assert files_c.changed == expected and not files_c.unchanged


def test_changed_doc_list_means_full_build(tmp_path: Path) -> None:
    a = corpus(20)
    b = [*a[:4], *a[5:]]  # one paper withdrawn: every later doc id shifts
    files_a, state_a = write_index(a, None, None)
    materialise(tmp_path / "a", files_a)
    files_b, state_b = write_index(b, state_a, tmp_path / "a")
    expected, expected_state = full(b)
    assert state_b == expected_state
    merged = {p: (tmp_path / "a" / p).read_bytes() for p in files_b.unchanged}
    merged.update(files_b.changed)
    assert merged == expected
    assert json.loads(expected[f"{INDEX_DIR}/meta.json"])["docs"] == 19


def test_state_of_other_format_or_no_previous_dir_means_full_build(tmp_path: Path) -> None:
    a = corpus(5)
    files_a, state_a = write_index(a, None, None)
    files, _ = write_index(a, state_a, None)
    assert files.changed == files_a.changed
    old_format = dataclasses.replace(state_a, format=0)
    files, _ = write_index(a, old_format, tmp_path)
    assert files.changed == files_a.changed  # nothing of another format's state is trusted
    assert files.unchanged == files.removed == ()


class _OlderState:
    """Pickles as an ``IndexState`` of the earlier shape did: FORMAT 3, and per doc shard
    keys and 8-byte shard sums where ``terms`` now is."""

    def __init__(self, state: IndexState) -> None:
        self.fields = [3, state.urls, state.digests, tuple("ab" for _ in state.urls),
                       tuple(b"12345678" for _ in state.urls), state.facet_sums, state.files]  # fmt: skip

    def __reduce__(self) -> tuple[object, ...]:
        # what unpickling the older object did: a bare IndexState, then __setstate__
        return IndexState.__new__, (IndexState,), self.fields


def test_state_pickled_by_an_older_sitegen_means_full_build(tmp_path: Path) -> None:
    a = corpus(5)
    files_a, state_a = write_index(a, None, None)
    materialise(tmp_path / "a", files_a)
    older = pickle.loads(pickle.dumps(_OlderState(state_a)))
    assert isinstance(older, IndexState)  # its fields shifted: files holds the facet sums
    b = edit(a, 2, body_text="zebra")
    files, state = write_index(b, older, tmp_path / "a")
    assert files.changed == full(b)[0] and state == full(b)[1]
    from sitegen.searchindex.index import patch_index

    assert patch_index(older, tmp_path / "a", {2: b[2]}) is None


def test_small_edit_reads_and_rewrites_only_the_shards_it_changes(tmp_path: Path) -> None:
    a = corpus(30)
    a = edit(a, 4, title="Sparse networks", body_text="graph model sample")
    b = edit(a, 4, title="Sparse networks", body_text="graph model sample zebra")
    files_a, state_a = write_index(a, None, None)
    materialise(tmp_path / "a", files_a)
    # a file the edit does not need may even be damaged: it is neither read nor trusted
    graph = tmp_path / "a" / INDEX_DIR / "t" / f"{b'gr'.hex()}.json"
    graph.write_bytes(b"damaged")
    files_b, _ = write_index(b, state_a, tmp_path / "a")
    zebra = f"{INDEX_DIR}/t/{b'ze'.hex()}.json"
    assert set(files_b.changed) == {zebra}  # display fields and the shard list are as before
    assert files_b.changed[zebra] == full(b)[0][zebra]


def body_edit(docs: list[SearchDoc], i: int, **changes: object) -> list[SearchDoc]:
    """``edit`` keeping the doc's facet values (what a body-only rebuild may change)."""
    return edit(docs, i, keywords=list(docs[i].subjects), **changes)


def patched(tmp: Path, a: list[SearchDoc], b: list[SearchDoc]) -> IndexFiles | None:
    """Build ``a``, then patch it with the docs that differ in ``b``; check against full(b)."""
    from sitegen.searchindex.index import patch_index

    files_a, state_a = write_index(a, None, None)
    materialise(tmp / "a", files_a)
    changed = {i: d for i, d in enumerate(b) if d != a[i]}
    done = patch_index(state_a, tmp / "a", changed)
    if done is None:
        return None
    files_b, state_b = done
    materialise(tmp / "b", files_b, tmp / "a")
    expected, expected_state = full(b)
    assert state_b == expected_state
    assert tree(tmp / "b") == expected
    assert files_b == write_index(b, state_a, tmp / "a")[0]
    return files_b


@pytest.mark.parametrize(
    "change",
    [
        {"title": "A brand new title about zeppelins"},
        {"body_text": ""},
        {"body_text": "archive " * 30 + "xylophone quasar"},
        {"meta": "Volume 9"},
        {"title": "", "abstract_text": "", "body_text": ""},
    ],
)
@pytest.mark.parametrize("where", [0, 7, CHUNK + 3])
def test_patch_index_from_changed_docs_equals_full_build(
    tmp_path: Path, change: dict[str, object], where: int
) -> None:
    a = corpus(CHUNK + 10)
    assert patched(tmp_path, a, body_edit(a, where, **change)) is not None


def test_patch_index_many_random_edits(tmp_path: Path) -> None:
    rng = random.Random(11)
    a = corpus(CHUNK * 2 + 7, seed=5)
    for step in range(6):
        b = list(a)
        for i in rng.sample(range(len(a)), rng.randint(1, 5)):
            b[i] = body_edit(
                a, i, body_text=" ".join(rng.choices(WORDS, k=rng.randint(0, 50))), title="T"
            )[i]
        assert patched(tmp_path / str(step), a, b) is not None
        a = b


def test_patch_index_refuses_facet_changes_moved_urls_and_tampering(tmp_path: Path) -> None:
    from sitegen.searchindex.index import patch_index

    a = corpus(30)
    files_a, state_a = write_index(a, None, None)
    materialise(tmp_path / "a", files_a)
    facet = make_doc(
        url=a[4].url,
        title=a[4].title,
        authors=["Someone Else"],
        meta=a[4].meta,
        abstract_text="",
        keywords=[],
        body_text="",
        subjects=["new subject"],
    )
    assert facet.facet_sum != a[4].facet_sum
    assert patch_index(state_a, tmp_path / "a", {4: facet}) is None
    assert patch_index(state_a, tmp_path / "a", {5: body_edit(a, 4, title="x")[4]}) is None
    chunk = tmp_path / "a" / INDEX_DIR / "docs" / "0.json"
    chunk.write_bytes(chunk.read_bytes().replace(b"papers/p004/", b"papers/evil/"))
    assert patch_index(state_a, tmp_path / "a", {4: body_edit(a, 4, title="Archive")[4]}) is None
