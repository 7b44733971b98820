"""Both netlify.toml files (the repo's and the scaffold's) parse and run commands that exist."""

from __future__ import annotations

import shlex
import shutil
import tomllib
from importlib.resources import files
from pathlib import Path

import pytest

from sitegen.cli import make_parser

REPO = Path(__file__).resolve().parent.parent
SCAFFOLD_NETLIFY = files("sitegen").joinpath("scaffold", "journal", "netlify.toml")


def load(which: str) -> dict:
    if which == "repo":
        return tomllib.loads((REPO / "netlify.toml").read_text(encoding="utf-8"))
    return tomllib.loads(SCAFFOLD_NETLIFY.read_text(encoding="utf-8"))


def steps(command: str) -> list[list[str]]:
    return [shlex.split(part) for part in command.split("&&")]


@pytest.mark.parametrize("which", ["repo", "scaffold"])
def test_build_section(which: str) -> None:
    cfg = load(which)
    assert cfg["build"]["publish"] == "public"
    version = cfg["build"]["environment"]["PYTHON_VERSION"]
    major, minor = (int(x) for x in version.split(".")[:2])
    assert (major, minor) >= (3, 11), "sitegen needs Python >= 3.11"


@pytest.mark.parametrize("which", ["repo", "scaffold"])
def test_build_command_names_commands_that_exist(which: str) -> None:
    argvs = steps(load(which)["build"]["command"])
    assert argvs[-1][:2] == ["sitegen", "build"]
    parser = make_parser()
    for argv in argvs:
        assert shutil.which(argv[0]), f"{argv[0]} is not a command on PATH"
        if argv[0] == "sitegen":
            parser.parse_args(argv[1:])  # exits 2 on an unknown command or flag
        else:
            assert argv[:4] == ["python", "-m", "pip", "install"]


def test_repo_builds_this_checkout() -> None:
    install = steps(load("repo")["build"]["command"])[0]
    assert install[-1] == "."
    assert (REPO / "pyproject.toml").is_file() and (REPO / "sitegen.yaml").is_file()


def test_scaffold_installs_pinned_requirements() -> None:
    install = steps(load("scaffold")["build"]["command"])[0]
    assert install[-2:] == ["-r", "requirements.txt"]
    assert files("sitegen").joinpath("scaffold", "journal", "requirements.txt").is_file()


@pytest.mark.parametrize("which", ["repo", "scaffold"])
def test_cache_headers_and_404(which: str) -> None:
    cfg = load(which)
    rules = {h["for"]: h["values"] for h in cfg["headers"]}
    assert "max-age" in rules["/assets/*"]["Cache-Control"]
    # Netlify merges the values of every rule that matches a path: only one may set caching.
    assert sum("Cache-Control" in values for values in rules.values()) == 1
    (fallback,) = [r for r in cfg["redirects"] if r["from"] == "/*"]
    assert fallback["to"] == "/404.html" and fallback["status"] == 404
