from __future__ import annotations

import subprocess
import sys

from sitegen.cli import main


def test_version_and_help(capsys):
    try:
        main(["--version"])
    except SystemExit as exc:
        assert exc.code == 0
    assert "sitegen" in capsys.readouterr().out


def test_usage_error_exits_2():
    proc = subprocess.run(
        [sys.executable, "-m", "sitegen", "no-such-command"], capture_output=True, text=True
    )
    assert proc.returncode == 2
    assert "invalid choice" in proc.stderr


def _journal(root, body: str = "Text.\n"):
    (root / "content" / "papers" / "p").mkdir(parents=True)
    (root / "sitegen.yaml").write_text("title: Exit Journal\n", encoding="utf-8")
    (root / "content" / "papers" / "p" / "paper.md").write_text(
        "---\ntitle: A paper\nauthors:\n  - name: Ann Lee\ndate: 2024-01-02\n---\n" + body,
        encoding="utf-8",
    )
    return root


def test_the_executable_flushes_its_output_before_its_quick_exit(tmp_path):
    """``python -m sitegen`` leaves through ``cli.run`` (no interpreter teardown): what
    it printed into a pipe (block-buffered) must all arrive, with the command's code."""
    import json

    source = _journal(tmp_path / "j")
    env = {**__import__("os").environ, "SITEGEN_CACHE_DIR": "off", "CI": "1"}
    proc = subprocess.run(
        [sys.executable, "-m", "sitegen", "build", "-s", str(source), "--json"],
        capture_output=True,
        text=True,
        env=env,
    )
    assert proc.returncode == 0, proc.stderr
    report = json.loads(proc.stdout)
    assert report["ok"] is True and report["papers"] == 1
    assert (source / "public" / "papers" / "p" / "index.html").is_file()
    (source / "content" / "papers" / "p" / "paper.md").write_text("---\ntitle: [\n---\n")
    proc = subprocess.run(
        [sys.executable, "-m", "sitegen", "build", "-s", str(source)],
        capture_output=True,
        text=True,
        env=env,
    )
    assert proc.returncode == 1
    assert "paper.md:3" in proc.stderr and "invalid YAML" in proc.stderr


def test_a_closed_output_pipe_is_not_success(tmp_path):
    """Python's own exit reports a failed flush of stdout with 120; so does ``run``: the
    CID below sits in stdout's buffer until ``run`` flushes it into a pipe nobody reads."""
    target = tmp_path / "file.txt"
    target.write_text("hello\n", encoding="utf-8")
    code = (
        "import os, sys\n"
        "r, w = os.pipe()\n"
        "os.close(r)\n"
        "sys.stdout = os.fdopen(w, 'w')\n"
        f"sys.argv = ['sitegen', 'cid', {str(target)!r}]\n"
        "from sitegen.cli import run\n"
        "run()\n"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert proc.returncode == 120, proc.stderr
    good = subprocess.run(
        [sys.executable, "-m", "sitegen", "cid", str(target)], capture_output=True, text=True
    )
    assert good.returncode == 0 and good.stdout.strip().startswith("baf")


def test_a_build_leaves_its_memory_to_a_caller_that_holds_it(tmp_path, capsys):
    """``cli.run`` exits without freeing anything, so a build hands it what it held
    (``pipeline.build_and_hold``) instead of freeing it as it returns; ``main`` without
    ``hold`` (tests, other callers) frees as before."""
    import gc
    import weakref

    from sitegen.pipeline import BuildResult

    source = _journal(tmp_path / "j")
    held: list[object] = []
    assert main(["build", "-s", str(source), "-o", str(tmp_path / "out")], hold=held) == 0
    assert len(held) == 1 and held[0] is not None
    assert main(["build", "-s", str(source), "-o", str(tmp_path / "out")], hold=held) == 0
    assert held[1] is not None  # the no-change build: the loaded cache state
    prepared = held[0][0]  # type: ignore[index]
    assert prepared.site.papers and isinstance(held[0], tuple)
    (source / "content" / "papers" / "p" / "paper.md").write_text(
        "---\ntitle: A changed paper\nauthors:\n  - name: Ann Lee\ndate: 2024-01-02\n---\nX.\n",
        encoding="utf-8",
    )
    seen: list[weakref.ref[object]] = []
    import sitegen.pipeline as pipeline

    real = pipeline.build_and_hold

    def watching(opts: object) -> tuple[BuildResult, object]:
        result, kept = real(opts)  # type: ignore[arg-type]
        if kept is not None:
            seen.append(weakref.ref(kept[2]))  # the build's cache: freed with the rest
        return result, kept

    pipeline.build_and_hold = watching  # type: ignore[assignment]
    try:
        assert main(["build", "-s", str(source), "-o", str(tmp_path / "out2")]) == 0
    finally:
        pipeline.build_and_hold = real  # type: ignore[assignment]
    gc.collect()
    assert seen and seen[0]() is None, "without a holder the build's memory is freed"
    capsys.readouterr()
