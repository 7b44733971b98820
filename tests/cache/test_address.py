"""readdress: re-addressing only the folders above changed files gives address_nodes' result."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from sitegen.cache.address import AddressMemo, address_nodes, node_of_bytes, readdress
from sitegen.ipfs.files import Node
from sitegen.ipfs.profiles import get_profile


def random_tree(rng: random.Random, n: int) -> dict[str, bytes]:
    folders = ["", "a", "a/b", "a/b/c", "papers/x", "papers/y/source", "search/index/t"]
    return {
        f"{rng.choice(folders)}/f{i}.txt".lstrip("/"): rng.randbytes(rng.randint(0, 300))
        for i in range(n)
    }


def step(rng: random.Random, tree: dict[str, bytes]) -> dict[str, bytes]:
    new = dict(tree)
    for path in rng.sample(sorted(new), min(len(new), rng.randint(0, 4))):
        if rng.random() < 0.5:
            del new[path]
        else:
            new[path] = rng.randbytes(20)
    for _ in range(rng.randint(0, 3)):
        new[f"{rng.choice(['a', 'new/deep/er', 'papers/z', ''])}/n{rng.random()}".lstrip("/")] = (
            b"x"
        )
    if rng.random() < 0.3:  # a whole folder goes
        for path in [p for p in new if p.startswith("a/b/")]:
            del new[path]
    return new


@pytest.mark.parametrize("profile_name", ["unixfs-v1-2025", "unixfs-v0-2015"])
def test_readdress_equals_a_full_address(profile_name: str) -> None:
    profile = get_profile(profile_name)
    rng = random.Random(profile_name)
    tree = random_tree(rng, 40)
    nodes = {p: node_of_bytes(d, profile) for p, d in tree.items()}
    memo = AddressMemo(profile=profile.name)
    data = address_nodes(nodes, profile, memo).cids_json
    for _ in range(25):
        new_tree = step(rng, tree)
        new_nodes: dict[str, Node] = {p: node_of_bytes(d, profile) for p, d in new_tree.items()}
        changed = {p for p in tree.keys() | new_tree.keys() if tree.get(p) != new_tree.get(p)}
        flat = {p: (n.cid, n.tsize, n.size) for p, n in new_nodes.items()}
        got = readdress(flat, changed, data, profile, memo)
        fresh_memo = AddressMemo(profile=profile.name)
        want = address_nodes(new_nodes, profile, fresh_memo)
        assert got == want
        assert got is not None
        data = got.cids_json
        assert memo.folders == fresh_memo.folders
        tree = new_tree


def test_readdress_needs_a_memo_of_the_same_profile() -> None:
    v1, v0 = get_profile("unixfs-v1-2025"), get_profile("unixfs-v0-2015")
    node = node_of_bytes(b"b", v1)
    flat = {"a/b.txt": (node.cid, node.tsize, node.size)}
    memo = AddressMemo(profile=v1.name)
    assert readdress(flat, ["a/b.txt"], b"{}\n", v1, memo) is None  # nothing recorded yet
    data = address_nodes({"a/b.txt": node}, v1, memo).cids_json
    assert readdress(flat, ["a/b.txt"], data, v0, memo) is None
    assert readdress(flat, ["a/b.txt"], b"garbage", v1, memo) is None


def big_tree(rng: random.Random, papers: int) -> dict[str, bytes]:
    """A journal-shaped tree: papers/ holds most files, authors/ many small folders."""
    tree = {"index.html": b"home", "cids.txt": b"x", "papers/index.html": b"list"}
    for i in range(papers):
        tree[f"papers/p{i}/index.html"] = rng.randbytes(50)
        tree[f"papers/p{i}/source/paper.md"] = rng.randbytes(rng.randint(0, 90))
        tree[f"authors/a{i % 7}/index.html"] = rng.randbytes(10)
    tree["assets/style.css"] = b"body{}"
    return tree


@pytest.mark.parametrize("shape", ["journal", "no-big-folder", "flat"])
def test_two_processes_address_a_site_as_one_does(
    shape: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    import sitegen.cache.address as address

    monkeypatch.setattr(address, "SPLIT_FILES", 1)
    profile = get_profile("unixfs-v1-2025")
    rng = random.Random(shape)
    if shape == "journal":
        tree = big_tree(rng, 300)  # papers/ past the HAMT threshold, split below it
    elif shape == "no-big-folder":
        tree = random_tree(rng, 60)
    else:
        tree = {f"f{i}": rng.randbytes(9) for i in range(20)}
    nodes = {p: node_of_bytes(d, profile) for p, d in tree.items()}
    one, two = AddressMemo(profile=profile.name), AddressMemo(profile=profile.name)
    assert address_nodes(nodes, profile, two, split=True) == address_nodes(nodes, profile, one)
    assert one.folders == two.folders
    assert one.names == two.names


def test_a_failing_address_helper_costs_time_not_the_result(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import os

    import sitegen.cache.address as address

    monkeypatch.setattr(address, "SPLIT_FILES", 1)
    here = os.getpid()
    real = address._address_part

    def failing_in_the_helper(*args: object) -> object:
        if os.getpid() != here:
            raise RuntimeError("the helper fails")
        return real(*args)  # type: ignore[arg-type]

    monkeypatch.setattr(address, "_address_part", failing_in_the_helper)
    profile = get_profile("unixfs-v1-2025")
    tree = big_tree(random.Random(3), 50)
    nodes = {p: node_of_bytes(d, profile) for p, d in tree.items()}
    want = address_nodes(nodes, profile)
    assert address_nodes(nodes, profile, split=True) == want


def test_two_processes_write_cids_json_in_path_order_whatever_the_names(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Each part sorts its own ``cids.json`` lines; merged, they must be in the order of
    the paths, which the lines' order is not when a name holds a character below '"'
    (a space, '!') or one that JSON escapes."""
    import json

    import sitegen.cache.address as address

    monkeypatch.setattr(address, "SPLIT_FILES", 1)
    profile = get_profile("unixfs-v1-2025")
    names = ["a", "a b", "a!", 'q"x', "back\\slash", "tab\there", "é", "d/e", "d e/f", "d!/g", "z"]
    tree = {f"{top}/{name}": name.encode() for top in ("p", "q", "papers/x") for name in names}
    tree |= {name: b"top" for name in ("a", "a b", "a!")}
    nodes = {p: node_of_bytes(d, profile) for p, d in tree.items()}
    split = address_nodes(nodes, profile, split=True)
    assert split == address_nodes(nodes, profile)
    mapping = json.loads(split.cids_json)
    assert list(mapping) == sorted(mapping)
    assert (
        split.cids_json
        == (json.dumps(mapping, indent=2, sort_keys=True, ensure_ascii=False) + "\n").encode()
    )


def test_the_split_hands_every_file_to_one_part_and_keeps_units_whole() -> None:
    from sitegen.cache.address_split import split

    profile = get_profile("unixfs-v1-2025")
    tree = big_tree(random.Random(8), 400)
    tree |= {"papers/loose.html": b"l", "top.txt": b"t", "papers/p1-2/index.html": b"x"}
    nodes = {p: node_of_bytes(d, profile) for p, d in tree.items()}
    shared, given, kept = split(nodes)
    assert shared == {"", "papers"}
    assert sorted(given + kept) == sorted(nodes)
    assert given and kept

    def unit(path: str) -> str:
        head, _, rest = path.partition("/")
        return f"{head}/{rest.partition('/')[0]}" if head == "papers" else head

    assert not {unit(p) for p in given} & {unit(p) for p in kept}
    assert "top.txt" in kept and "papers/loose.html" in kept


@pytest.mark.parametrize("plain_names", [True, False])
def test_a_packed_part_comes_back_equal(plain_names: bool) -> None:
    """What the forked part sends (Part.packed, pickled) unpacks to the part it made,
    with plain paths or not, and with CIDs of one length or of several."""
    import pickle

    from sitegen.cache.address import _address_part
    from sitegen.cache.address_split import Packed, Part

    rng = random.Random(4)
    tree = big_tree(rng, 120)
    if not plain_names:
        tree["papers/p3/a b.txt"] = b"spaced"
    for name in ("unixfs-v1-2025", "unixfs-v0-2015"):
        profile = get_profile(name)
        nodes = {p: node_of_bytes(d, profile) for p, d in tree.items()}
        memo = AddressMemo(profile=profile.name)
        part = _address_part(nodes, sorted(nodes), memo, profile, frozenset({"", "papers"}))
        assert (part.texts is not None) is plain_names
        packed = pickle.loads(pickle.dumps(part.packed(), pickle.HIGHEST_PROTOCOL))
        assert isinstance(packed, Packed)
        assert packed.unpacked() == part
    mixed = Part(
        {"f": (b"", b"\x01" * 36, 3)}, [], None, [b"\x01" * 36, b"\x12" * 34], ["a", "b"], {}
    )
    assert mixed.packed().unpacked() == mixed


@pytest.mark.parametrize("weird_unit", ["authors", "papers/p0", "papers/p299", "zz"])
def test_a_split_site_with_odd_names_in_one_part_equals_address_site(
    weird_unit: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """One part's paths plain, the other's not (a space, '!', a quote, non-ASCII): the
    merged cids.json and root are address_site's over the same files on disk."""
    import sitegen.cache.address as address
    from sitegen.ipfs.site import address_site

    monkeypatch.setattr(address, "SPLIT_FILES", 1)
    profile = get_profile("unixfs-v1-2025")
    tree = big_tree(random.Random(weird_unit), 300)
    for name in ("a b.txt", "a!.txt", 'q"x.txt', "é.txt", "a", "a-b"):
        tree[f"{weird_unit}/odd/{name}"] = name.encode()
    nodes = {p: node_of_bytes(d, profile) for p, d in tree.items()}
    got = address_nodes(nodes, profile, split=True)
    for rel, data in tree.items():
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_bytes(data)
    want = address_site(tmp_path, profile)
    assert got.root == want.root
    assert got.cids_json == (tmp_path / "cids.json").read_bytes()


def test_addressing_leaves_the_collector_as_it_found_it() -> None:
    import gc

    profile = get_profile("unixfs-v1-2025")
    nodes = {"a/b.txt": node_of_bytes(b"b", profile)}
    assert gc.isenabled()
    address_nodes(nodes, profile)
    assert gc.isenabled()
    gc.disable()
    try:
        address_nodes(nodes, profile)
        assert not gc.isenabled()
    finally:
        gc.enable()
