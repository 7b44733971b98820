"""render.paper: what a worker makes of one paper folder."""

from __future__ import annotations

from pathlib import Path


def test_meta_digest_depends_on_values_not_on_how_strings_are_shared(tmp_path: Path) -> None:
    """The body-only rebuild compares digests made in different processes from paths
    built in different ways: equal works must digest equally."""
    import copy
    import pickle

    from sitegen.content.config import load_config
    from sitegen.render.paper import process_paper
    from sitegen.render.work import meta_digest

    journal = tmp_path / "j"
    (journal / "content" / "papers" / "p").mkdir(parents=True)
    (journal / "sitegen.yaml").write_text("title: T\nlicense: CC-BY-4.0\n")
    (journal / "content" / "papers" / "p" / "paper.md").write_text(
        "---\ntitle: A paper\nauthors:\n  - name: Ann Author\ndate: 2024-01-02\n---\n\nBody.\n"
    )
    config, _ = load_config(journal)
    assert config is not None
    work = process_paper(journal / "content" / "papers" / "p", config)
    unshared = pickle.loads(pickle.dumps(work))  # same values, sharing lost
    assert unshared == work and unshared is not work
    assert meta_digest(unshared) == meta_digest(work) == work.meta_digest
    assert meta_digest(copy.deepcopy(work)) == work.meta_digest
