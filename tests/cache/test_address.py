"""readdress: re-addressing only the folders above changed files gives address_nodes' result."""

from __future__ import annotations

import random

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
