"""The build cache: cached, uncached and single-process builds give the same bytes.

Every test edits a real journal on disk, rebuilds with the cache, and compares the
whole OUT (every file's bytes, ``cids.json``, the root CID) with a fresh build of the
same sources made without any cache.
"""

from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path

import pytest
from journal_fixtures import REPO, copy_demo
from synthetic import make_journal as synthetic_journal

from sitegen.cache.address import address_nodes, node_of_bytes
from sitegen.errors import ContentError
from sitegen.ipfs.files import import_stream
from sitegen.ipfs.profiles import get_profile
from sitegen.ipfs.site import address_site
from sitegen.pipeline import BuildOptions, BuildResult, build


@pytest.fixture(autouse=True)
def _reproducible(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")


def make_journal(dest: Path, papers: int = 6) -> Path:
    """A synthetic journal (the benchmark generator) of six papers unless asked."""
    return synthetic_journal(dest, papers, seed=3)


def snapshot(out: Path) -> dict[str, bytes]:
    return {
        p.relative_to(out).as_posix(): p.read_bytes() for p in sorted(out.rglob("*")) if p.is_file()
    }


def fresh(source: Path, tmp: Path, name: str = "fresh") -> tuple[BuildResult, dict[str, bytes]]:
    """The reference: an uncached build into its own folder."""
    out = tmp / name
    shutil.rmtree(out, ignore_errors=True)
    result = build(BuildOptions(source=source, output=out, cache=False))
    return result, snapshot(out)


def cached(source: Path, out: Path, **kw: object) -> tuple[BuildResult, dict[str, bytes]]:
    result = build(BuildOptions(source=source, output=out, **kw))  # type: ignore[arg-type]
    return result, snapshot(out)


def assert_same(a: dict[str, bytes], b: dict[str, bytes]) -> None:
    assert sorted(a) == sorted(b)
    differing = [p for p in a if a[p] != b[p]]
    assert differing == []


def first_paper(source: Path) -> Path:
    return sorted((source / "content" / "papers").iterdir())[0]


def test_rebuilds_match_fresh_builds_after_each_kind_of_edit(tmp_path: Path) -> None:
    source = make_journal(tmp_path / "j")
    out = tmp_path / "public"
    first, tree = cached(source, out)
    ref, ref_tree = fresh(source, tmp_path)
    assert first.root == ref.root
    assert_same(tree, ref_tree)
    assert (source / ".sitegen" / "cache" / "state.pickle").is_file()

    paper = first_paper(source)
    md = paper / "paper.md"
    md.write_text(md.read_text(encoding="utf-8") + "\nAn added closing line.\n", encoding="utf-8")
    edited, tree = cached(source, out)
    ref, ref_tree = fresh(source, tmp_path)
    assert edited.root == ref.root != first.root
    assert_same(tree, ref_tree)
    assert b"An added closing line." in tree[f"papers/{paper.name}/index.html"]
    assert b"An added closing line." in tree[f"papers/{paper.name}/source/paper.md"]

    bib = paper / "references.bib"
    text = bib.read_text(encoding="utf-8")
    bib.write_text(text.replace("title = {", "title = {Renamed ", 1), encoding="utf-8")
    _, tree = cached(source, out)
    _, ref_tree = fresh(source, tmp_path)
    assert_same(tree, ref_tree)
    assert b"Renamed " in tree[f"papers/{paper.name}/index.html"]

    config = source / "sitegen.yaml"
    config.write_text(
        config.read_text(encoding="utf-8").replace(
            'title: "Journal of Synthetic Scholarship"', 'title: "Journal of Cached Things"'
        ),
        encoding="utf-8",
    )
    _, tree = cached(source, out)
    _, ref_tree = fresh(source, tmp_path)
    assert_same(tree, ref_tree)
    pages = [p for p in tree if p.endswith(".html")]
    assert all(b"Journal of Cached Things" in tree[p] for p in pages if p != "404.html")


def test_template_override_invalidates_every_page_using_it(tmp_path: Path) -> None:
    source = make_journal(tmp_path / "j")
    out = tmp_path / "public"
    cached(source, out)
    builtin = REPO / "themes" / "default" / "templates" / "paper.html"
    (source / "templates").mkdir()
    override = source / "templates" / "paper.html"
    original = builtin.read_text(encoding="utf-8")
    assert "{% block main %}" in original
    marked = "{% block main %}<!-- override-VERSION -->"
    override.write_text(original.replace("{% block main %}", marked.replace("VERSION", "v1")))
    _, tree = cached(source, out)
    papers = [
        p
        for p in tree
        if p.startswith("papers/") and p.endswith("/index.html") and p.count("/") == 2
    ]
    assert papers and all(b"override-v1" in tree[p] for p in papers)
    override.write_text(original.replace("{% block main %}", marked.replace("VERSION", "v2")))
    _, tree = cached(source, out)
    _, ref_tree = fresh(source, tmp_path)
    assert_same(tree, ref_tree)
    assert all(b"override-v2" in tree[p] and b"override-v1" not in tree[p] for p in papers)


def test_deleting_a_paper_removes_its_pages_and_links(tmp_path: Path) -> None:
    source = make_journal(tmp_path / "j")
    out = tmp_path / "public"
    cached(source, out)
    paper = first_paper(source)
    shutil.rmtree(paper)
    result, tree = cached(source, out)
    ref, ref_tree = fresh(source, tmp_path)
    assert result.root == ref.root
    assert_same(tree, ref_tree)
    assert not any(p.startswith(f"papers/{paper.name}/") for p in tree)
    assert all(paper.name.encode() not in data for data in tree.values())


def test_no_change_rebuild_reuses_the_last_build(tmp_path: Path) -> None:
    source = make_journal(tmp_path / "j")
    out = tmp_path / "public"
    first, tree = cached(source, out)
    stamp = os.stat(out / "cids.json")
    again, again_tree = cached(source, out)
    assert again.root == first.root and again.files == first.files
    assert [w.format() for w in again.warnings] == [w.format() for w in first.warnings]
    assert os.stat(out / "cids.json").st_ino == stamp.st_ino  # OUT was not rebuilt
    assert_same(tree, again_tree)
    # touching a file without changing it is a change of stat, not of content
    md = first_paper(source) / "paper.md"
    md.write_bytes(md.read_bytes())
    touched, touched_tree = cached(source, out)
    assert touched.root == first.root
    assert_same(tree, touched_tree)


def test_a_damaged_out_is_rebuilt_not_trusted(tmp_path: Path) -> None:
    source = make_journal(tmp_path / "j")
    out = tmp_path / "public"
    first, tree = cached(source, out)
    shutil.rmtree(out)
    again, again_tree = cached(source, out)
    assert again.root == first.root
    assert_same(tree, again_tree)


def test_a_failed_build_leaves_out_and_the_next_build_correct(tmp_path: Path) -> None:
    source = make_journal(tmp_path / "j")
    out = tmp_path / "public"
    _, before = cached(source, out)
    md = first_paper(source) / "paper.md"
    good = md.read_text(encoding="utf-8")
    md.write_text("---\ntitle: [unclosed\n---\nbody\n", encoding="utf-8")
    with pytest.raises(ContentError):
        build(BuildOptions(source=source, output=out))
    assert_same(snapshot(out), before)
    md.write_text(good + "\nFixed.\n", encoding="utf-8")
    result, tree = cached(source, out)
    ref, ref_tree = fresh(source, tmp_path)
    assert result.root == ref.root
    assert_same(tree, ref_tree)
    assert sorted(p.name for p in tmp_path.iterdir() if "staging" in p.name) == []


def test_demo_journal_cached_equals_uncached(tmp_path: Path) -> None:
    source = copy_demo(tmp_path / "demo")
    out = tmp_path / "public"
    cached(source, out)
    page = source / "content" / "pages"
    edited = sorted(page.glob("*.md"))[0]
    edited.write_text(edited.read_text(encoding="utf-8") + "\nOne more line.\n")
    result, tree = cached(source, out)
    ref, ref_tree = fresh(source, tmp_path)
    assert result.root == ref.root
    assert_same(tree, ref_tree)


def test_in_memory_addressing_equals_address_site(tmp_path: Path) -> None:
    site = tmp_path / "site"
    files = {
        "index.html": b"<p>home</p>",
        "a/b/c.txt": b"deep",
        "a/d.bin": os.urandom(3 << 20),
        ".well-known/x": b"hidden",
        "e/" + "f" * 30 + ".txt": b"long name",
    }
    files.update({f"many/{i:04d}.txt": str(i).encode() for i in range(1200)})  # HAMT shard
    for rel, data in files.items():
        (site / rel).parent.mkdir(parents=True, exist_ok=True)
        (site / rel).write_bytes(data)
    for name in ("unixfs-v1-2025", "unixfs-v0-2015"):
        profile = get_profile(name)
        nodes = {rel: node_of_bytes(data, profile) for rel, data in files.items()}
        mine = address_nodes(nodes, profile)
        theirs = address_site(site, profile)
        assert mine.root == theirs.root
        assert mine.cids_json == (site / "cids.json").read_bytes()
        (site / "cids.json").unlink()
        with (site / "a/d.bin").open("rb") as fh:
            assert import_stream(fh, profile) == nodes["a/d.bin"]


def test_a_build_into_a_new_folder_reuses_the_last_one_without_touching_it(
    tmp_path: Path,
) -> None:
    """``serve`` builds into a fresh folder each time; the previous one must stay intact."""
    source = make_journal(tmp_path / "j")
    _, first = cached(source, tmp_path / "build-1")
    md = first_paper(source) / "paper.md"
    md.write_text(md.read_text(encoding="utf-8") + "\nServed edit.\n", encoding="utf-8")
    second, tree = cached(source, tmp_path / "build-2")
    ref, ref_tree = fresh(source, tmp_path)
    assert second.root == ref.root
    assert_same(tree, ref_tree)
    assert_same(snapshot(tmp_path / "build-1"), first)


def test_the_math_cache_persists_between_builds_and_ignores_other_code(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import pickle

    monkeypatch.setenv("SITEGEN_CACHE_DIR", str(tmp_path / "user-cache"))
    from sitegen.cache.store import BuildCache
    from sitegen.render.math import math_key, tex_to_html

    source = tmp_path / "journal"
    source.mkdir()
    cache = BuildCache(source)
    learned = cache.math_cache()
    converted = tex_to_html("x^2", display=False, cache=learned)
    cache.save({}, {}, {})
    again = BuildCache(source).math_cache()
    assert again == {math_key("x^2", display=False, env=None): converted}
    stored = source / ".sitegen" / "cache" / "fragments"
    shared = tmp_path / "user-cache" / "fragments"
    assert sorted(p.name for p in stored.iterdir()) == sorted(p.name for p in shared.iterdir())
    for folder in (stored, shared):
        for shard in folder.iterdir():
            other = {"code": "another sitegen", "math": pickle.loads(shard.read_bytes())["math"]}
            shard.write_bytes(pickle.dumps(other))
    assert BuildCache(source).math_cache() == {}


def test_papers_rendered_with_a_shared_math_cache_equal_papers_rendered_without(
    tmp_path: Path,
) -> None:
    from sitegen.content.config import load_config
    from sitegen.render.paper import process_paper, process_papers

    source = make_journal(tmp_path / "journal", papers=4)
    config, _ = load_config(source)
    assert config is not None
    folders = sorted((source / "content" / "papers").iterdir())
    alone = [process_paper(folder, config) for folder in folders]
    first, learned = process_papers(folders[:2], config, {})
    given = dict(learned)
    rest, more = process_papers(folders[2:], config, learned)
    assert first + rest == alone
    assert learned == given  # read through, never written to
    assert not set(more) & set(learned)


def test_relative_links_equal_posixpath_relpath() -> None:
    import itertools
    import posixpath

    from sitegen.render.pages import make_rel

    segments = ["a", "papers", "x", ".", "..", "", "index.html"]
    paths = {"/".join(c) for n in range(4) for c in itertools.product(segments, repeat=n)}
    paths = {p for p in paths if not p.startswith("/")}
    for page in sorted(p for p in paths if p):
        rel, base = make_rel(page), posixpath.dirname(page)
        for target in sorted(paths):
            full = target + "index.html" if target.endswith("/") or not target else target
            want = posixpath.relpath(full, base) if base else full
            assert rel(target) == want, (page, target)


def test_the_paper_pack_appends_compacts_and_never_returns_a_wrong_entry(tmp_path: Path) -> None:
    from sitegen.cache.pack import PaperPack

    pack = PaperPack(tmp_path)
    pack.add("a", ["A"])
    pack.add("b", ["B" * 100])
    assert (pack.get("a"), pack.get("b"), pack.get("c")) == (["A"], ["B" * 100], None)
    first = pack.generation
    pack.add("c", "C")
    pack.save({"a", "b", "c"})  # nothing dead: the same file
    assert pack.generation == first and pack.get("c") == "C" and pack.get("b") == ["B" * 100]
    pack.add("b", "B" * (2 << 20))  # a new version: the old one is dead
    pack.add("d", "D" * (2 << 20))
    pack.save({"a", "b", "c"})  # mostly dead entries now: compacted into a new generation
    assert pack.generation == first + 1
    assert (pack.get("a"), pack.get("c"), pack.get("d")) == (["A"], "C", None)
    assert pack.get("b") == "B" * (2 << 20)
    pack.prune()
    assert sorted(p.name for p in tmp_path.iterdir()) == [pack.path().name]
    reopened = PaperPack(tmp_path, pack.generation, {"a": pack.index["c"]})
    assert reopened.get("a") is None  # an index that does not match the file: a miss
    pack.close()
    reopened.close()


def test_a_paper_page_reads_its_body_back_from_the_cache(tmp_path: Path) -> None:
    """The build keeps light works in memory; pages still show the whole paper."""
    from sitegen.cache.store import BuildCache
    from sitegen.render.work import light_work

    source = make_journal(tmp_path / "j", papers=3)
    out = tmp_path / "public"
    result, tree = cached(source, out)
    cache = BuildCache(source)
    full = [cache.get_paper(k) for k in cache.paper_keys.values()]
    assert all(w is not None and w.render is not None for w in full)
    for work in full:
        assert work is not None and work.render is not None and work.paper is not None
        slim = light_work(work)
        assert cache.get_light_paper(cache.paper_keys[work.slug]) == slim
        assert slim.render is not None and slim.paper is not None
        assert work.render.body.html and not slim.render.body.html and not slim.paper.body
        page = tree[f"papers/{work.slug}/index.html"].decode()
        assert work.render.body.html in page
    ref, ref_tree = fresh(source, tmp_path)
    assert result.root == ref.root
    assert_same(tree, ref_tree)


def test_a_paper_page_entry_puts_the_rest_into_its_light_work(tmp_path: Path) -> None:
    """``stages.full_entry`` reads only what the light work leaves out, and gives the same
    entry when it has to read the whole work or process the paper again."""
    from dataclasses import replace

    from sitegen.cache.store import BuildCache
    from sitegen.content.config import load_config
    from sitegen.render.model import PaperEntry
    from sitegen.stages import full_entry

    source = make_journal(tmp_path / "j", papers=3)
    cached(source, tmp_path / "public")
    cache = BuildCache(source)
    config, _ = load_config(source)
    keys = dict(cache.paper_keys)
    for key in keys.values():
        light, whole = cache.get_light_paper(key), cache.get_paper(key)
        assert light is not None and light.paper is not None and light.render is not None
        assert whole is not None and whole.paper is not None
        entry = PaperEntry(light.paper, light.render, bundle_cid="b", author_keys=("a",))
        expected = replace(entry, paper=whole.paper, render=whole.render)
        assert full_entry(cache, keys, config, entry) == expected
        where = cache.pack.index.pop(key + "/light")  # no ``more`` alone: the whole entry
        assert cache.get_paper_more(key) is None
        assert full_entry(cache, keys, config, entry) == expected
        del cache.pack.index[key]  # nothing cached: the paper is processed again
        assert full_entry(cache, keys, config, entry) == expected
        cache.pack.index[key + "/light"] = where
    cache.pack.close()


def _listing_pages_of(tree: dict[str, bytes], slug: str) -> list[str]:
    """Pages other than the paper's own that link to it (author, subject, issue, home...)."""
    link = f"papers/{slug}/".encode()
    own = f"papers/{slug}/"
    return [
        p
        for p, data in tree.items()
        if p.endswith(".html") and not p.startswith(own) and link in data
    ]


def test_a_body_edit_rerenders_the_paper_page_but_not_the_pages_listing_it(
    tmp_path: Path,
) -> None:
    source = make_journal(tmp_path / "j")
    out = tmp_path / "public"
    _, tree = cached(source, out)
    paper = first_paper(source)
    listed = _listing_pages_of(tree, paper.name)
    assert any(p.startswith("authors/") for p in listed)
    assert "index.html" in listed or any(p.startswith("issues/") for p in listed)
    inodes = {p: os.stat(out / p).st_ino for p in [*listed, f"papers/{paper.name}/index.html"]}
    index = {p: os.stat(out / p).st_ino for p in tree if p.startswith("search/index/")}

    md = paper / "paper.md"
    md.write_text(md.read_text(encoding="utf-8") + "\nOne more body sentence.\n", "utf-8")
    _, tree = cached(source, out)
    # the search index is patched, not rebuilt: the new words' shards only
    rewritten = [p for p, ino in index.items() if os.stat(out / p).st_ino != ino]
    assert "search/index/meta.json" in index and 0 < len(rewritten) < len(index) // 4
    _, ref_tree = fresh(source, tmp_path)
    assert_same(tree, ref_tree)
    assert b"One more body sentence." in tree[f"papers/{paper.name}/index.html"]
    assert os.stat(out / f"papers/{paper.name}/index.html").st_ino != inodes.pop(
        f"papers/{paper.name}/index.html"
    )
    relinked = {p: os.stat(out / p).st_ino for p in inodes}
    assert relinked == inodes  # hard links to the previous build: not rendered again

    # a change a listing shows (the title) renders those pages again, and correctly
    text = md.read_text(encoding="utf-8")
    md.write_text(text.replace("title: ", "title: Retitled ", 1), encoding="utf-8")
    _, tree = cached(source, out)
    _, ref_tree = fresh(source, tmp_path)
    assert_same(tree, ref_tree)
    assert all(b"Retitled " in tree[p] for p in listed if p.startswith("authors/"))


def test_a_theme_showing_cids_in_listings_gets_them_refreshed_after_a_body_edit(
    tmp_path: Path,
) -> None:
    source = make_journal(tmp_path / "j")
    out = tmp_path / "public"
    macros = (REPO / "themes" / "default" / "templates" / "macros.html").read_text("utf-8")
    shown = '<p class="paper-card-authors">'
    assert shown in macros
    (source / "templates").mkdir()
    (source / "templates" / "macros.html").write_text(
        macros.replace(shown, '<p class="cid">{{ entry.bundle_cid }}</p>' + shown, 1), "utf-8"
    )
    _, before = cached(source, out)
    paper = first_paper(source)
    md = paper / "paper.md"
    md.write_text(md.read_text(encoding="utf-8") + "\nA body edit changes the CID.\n", "utf-8")
    _, tree = cached(source, out)
    _, ref_tree = fresh(source, tmp_path)
    assert_same(tree, ref_tree)
    author_pages = [p for p in _listing_pages_of(tree, paper.name) if p.startswith("authors/")]
    assert author_pages and all(tree[p] != before[p] for p in author_pages)


def test_a_cold_build_reuses_formulas_from_the_shared_user_cache(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A journal built before on this machine leaves its TeX conversions in the per-user
    cache: a cold build of another copy (no ``.sitegen/``) starts from them, same bytes."""
    from sitegen.cache.store import BuildCache, user_cache_dir

    shared = tmp_path / "user-cache"
    monkeypatch.setenv("SITEGEN_CACHE_DIR", str(shared))
    assert user_cache_dir() == shared
    first = make_journal(tmp_path / "one")
    build(BuildOptions(source=first, output=tmp_path / "out-one"))
    learned = BuildCache(tmp_path / "nowhere").math_cache()
    assert learned and (shared / "fragments").is_dir()
    second = tmp_path / "two"
    shutil.copytree(first, second, ignore=shutil.ignore_patterns(".sitegen", "public"))
    assert not (second / ".sitegen").exists()
    cache = BuildCache(second)
    assert cache.math_cache() == learned  # found before converting anything
    result, tree = cached(second, tmp_path / "out-two")
    ref, ref_tree = fresh(second, tmp_path)
    assert result.root == ref.root
    assert_same(tree, ref_tree)
    monkeypatch.setenv("SITEGEN_CACHE_DIR", "off")
    assert user_cache_dir() is None
    assert BuildCache(tmp_path / "nowhere").math_cache() == {}


def test_a_damaged_cache_state_or_shared_cache_never_fails_a_build(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The cache is only speed: garbage in it, or a per-user cache path that is a file,
    gives the same site as no cache."""
    import pickle

    from sitegen.cache.store import FORMAT

    not_a_folder = tmp_path / "a-file"
    not_a_folder.write_text("x")
    monkeypatch.setenv("SITEGEN_CACHE_DIR", str(not_a_folder))
    source = make_journal(tmp_path / "j")
    ref, ref_tree = fresh(source, tmp_path)
    state = source / ".sitegen" / "cache" / "state.pickle"
    broken_bulk = {"format": FORMAT, "python": sys.version, "bulk": b"\x00garbage", "last": {}}
    for damage in (b"not a pickle", pickle.dumps(broken_bulk), pickle.dumps({"format": FORMAT})):
        cached(source, tmp_path / "public")
        state.write_bytes(damage)
        result, tree = cached(source, tmp_path / "public")
        assert result.root == ref.root
        assert_same(tree, ref_tree)


def test_compiled_templates_are_kept_per_sitegen_code(tmp_path: Path) -> None:
    """Templates compiled by another sitegen are never loaded: their folder goes."""
    from sitegen.cache.store import code_fingerprint

    source = make_journal(tmp_path / "journal")
    build(BuildOptions(source=source, output=tmp_path / "out"))
    jinja = source / ".sitegen" / "cache" / "jinja"
    mine = jinja / code_fingerprint()[:16]
    assert [p.name for p in jinja.iterdir()] == [mine.name]
    assert any(mine.iterdir())
    stale = jinja / "0123456789abcdef"
    mine.rename(stale)
    (source / "sitegen.yaml").write_text(
        (source / "sitegen.yaml").read_text(encoding="utf-8") + "\n# touched\n", encoding="utf-8"
    )
    build(BuildOptions(source=source, output=tmp_path / "out"))
    assert [p.name for p in jinja.iterdir()] == [mine.name]
