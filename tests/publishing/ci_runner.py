"""Run a scaffolded journal's CI files the way GitHub Actions and GitLab CI would, locally.

Only what the scaffold's files use is emulated, and anything else fails loudly instead of
being skipped: ``run:`` steps under ``bash --noprofile --norc -eo pipefail``, the
``$GITHUB_ENV`` / ``$GITHUB_OUTPUT`` / ``$GITHUB_STEP_SUMMARY`` files (fresh per step, as on
GitHub), ``if:`` conditions of the ``a == 'b' && ...`` kind, ``${{ secrets.X }}`` in step
``env:``, and the three actions (checkout clones the journal with its ``fetch-depth``,
setup-python makes a fresh venv, upload-artifact insists its path exists). For GitLab:
``before_script`` + ``script`` in one shell under ``set -eo pipefail``, ``variables``,
``rules`` of the ``$A == $B`` kind, ``GIT_DEPTH``, artifacts and ``dotenv`` reports.

The install line (``pip install -r requirements.txt``, which pins ``sitegen==X.Y.Z``)
is the one substitution: it installs this checkout instead, as a wheel, offline.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[2]
INSTALL_LINE = "python -m pip install -r requirements.txt"
"""The scaffold's install command; the runners refuse a CI file without it."""
FAKE_KEYS = {"AWS_ACCESS_KEY_ID": "ci-testing-key", "AWS_SECRET_ACCESS_KEY": "ci-testing-secret"}
"""What the repository secrets / CI variables hold in these tests (moto accepts any)."""


def install_checkout_line() -> str:
    """Install this checkout as a wheel (not editable) into the job's venv, offline.

    The venv sees the system site-packages, where sitegen's dependencies and hatchling are
    installed, so nothing is fetched; the wheel in the venv shadows the system's editable
    install (tests check ``sitegen.__file__``).
    """
    return f"python -m pip install --no-index --no-deps --no-build-isolation '{REPO}'"


def base_env(home: Path) -> dict[str, str]:
    """A runner's environment: this machine's, minus anything that would leak into a job."""
    drop = ("SOURCE_DATE_EPOCH", "PYTHONPATH", "VIRTUAL_ENV", "PYTHONHOME")
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in drop and not k.startswith(("AWS_", "GITHUB_", "CI_", "PYTEST_"))
    }
    env.update(
        CI="true",
        AWS_CONFIG_FILE=str(home / "no-aws-config"),
        AWS_SHARED_CREDENTIALS_FILE=str(home / "no-aws-credentials"),
        AWS_EC2_METADATA_DISABLED="true",
    )
    return env


def make_venv(where: Path, env: dict[str, str]) -> None:
    """A fresh venv at ``where`` whose ``bin`` leads ``PATH`` in ``env`` (setup-python's job)."""
    subprocess.run(
        [sys.executable, "-m", "venv", "--system-site-packages", str(where)],
        check=True,
        capture_output=True,
    )
    env["PATH"] = f"{where / 'bin'}{os.pathsep}{env['PATH']}"
    env["VIRTUAL_ENV"] = str(where)


def clone(origin: Path, workspace: Path, depth: int) -> None:
    argv = ["git", "clone", "-q"]
    if depth > 0:
        argv += ["--depth", str(depth)]
    subprocess.run([*argv, origin.as_uri(), str(workspace)], check=True, capture_output=True)


def run_bash(script: str, cwd: Path, env: Mapping[str, str], what: str) -> str:
    proc = subprocess.run(
        ["bash", "--noprofile", "--norc", "-eo", "pipefail", "-c", script],
        cwd=cwd,
        env=dict(env),
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert proc.returncode == 0, f"{what} failed ({proc.returncode}):\n{proc.stdout}\n{proc.stderr}"
    return proc.stdout


def substitute_install(script: str) -> str:
    return script.replace(INSTALL_LINE, install_checkout_line())


# -- GitHub Actions -------------------------------------------------------------------------

_EXPR = re.compile(r"\$\{\{\s*(.*?)\s*\}\}")
_COMPARE = re.compile(r"^([A-Za-z_][\w.-]*)\s*(==|!=)\s*'([^']*)'$")
_PATH = re.compile(r"^[A-Za-z_][\w.-]*$")


def _lookup(path: str, context: Mapping[str, Any]) -> Any:
    value: Any = context
    for part in path.split("."):
        if not isinstance(value, Mapping) or part not in value:
            return ""
        value = value[part]
    return value


def github_eval(expr: str, context: Mapping[str, Any]) -> Any:
    """Evaluate the expression subset the scaffold uses; anything else is a test failure."""
    expr = expr.strip()
    whole = _EXPR.fullmatch(expr)
    if whole:
        expr = whole.group(1)
    if "||" in expr:
        return any(github_eval(part, context) for part in expr.split("||"))
    if "&&" in expr:
        return all(github_eval(part, context) for part in expr.split("&&"))
    if m := _COMPARE.match(expr):
        equal = str(_lookup(m.group(1), context)) == m.group(3)
        return equal if m.group(2) == "==" else not equal
    if _PATH.match(expr):
        return _lookup(expr, context)
    raise AssertionError(f"expression not understood by the test runner: {expr!r}")


def github_interpolate(text: str, context: Mapping[str, Any]) -> str:
    return _EXPR.sub(lambda m: str(github_eval(m.group(1), context)), text)


def parse_env_file(text: str) -> dict[str, str]:
    """``KEY=value`` lines and ``KEY<<DELIM`` blocks, as GitHub reads $GITHUB_ENV/OUTPUT."""
    found: dict[str, str] = {}
    lines = iter(text.splitlines())
    for line in lines:
        if "<<" in line and ("=" not in line or line.index("<<") < line.index("=")):
            key, delim = line.split("<<", 1)
            block = []
            for inner in lines:
                if inner == delim:
                    break
                block.append(inner)
            found[key] = "\n".join(block)
        elif "=" in line:
            key, value = line.split("=", 1)
            found[key] = value
    return found


@dataclass
class GithubRun:
    """What a job left behind."""

    workspace: Path
    summary: str = ""
    outputs: dict[str, str] = field(default_factory=dict)
    artifacts: dict[str, Path] = field(default_factory=dict)
    ran: list[str] = field(default_factory=list)
    """Names of the steps that ran, in order (skipped ones are absent)."""
    skipped: list[str] = field(default_factory=list)


def run_github_job(
    workflow: Mapping[str, Any],
    origin: Path,
    runner: Path,
    *,
    event: str,
    ref: str,
    secrets: Mapping[str, str],
    env: dict[str, str],
) -> GithubRun:
    """Run the workflow's only job for ``event`` on ``ref``; ``runner`` is a scratch folder."""
    (job,) = workflow["jobs"].values()
    workspace = runner / "workspace"
    run = GithubRun(workspace)
    context: dict[str, Any] = {
        "github": {"event_name": event, "ref": ref},
        "secrets": dict(secrets),
        "steps": {},
    }
    env = {**env, **{k: str(v) for k, v in workflow.get("env", {}).items()}}
    env.update({k: str(v) for k, v in job.get("env", {}).items()})
    env.update(GITHUB_EVENT_NAME=event, GITHUB_REF=ref, GITHUB_WORKSPACE=str(workspace))
    for number, step in enumerate(job["steps"]):
        name = step.get("name") or step.get("uses") or f"step {number}"
        if "if" in step and not github_eval(str(step["if"]), context):
            run.skipped.append(name)
            continue
        run.ran.append(name)
        uses = step.get("uses", "")
        with_ = step.get("with", {})
        if uses.startswith("actions/checkout@"):
            clone(origin, workspace, int(with_.get("fetch-depth", 1)))
        elif uses.startswith("actions/setup-python@"):
            assert str(with_["python-version"]).startswith("3.")
            make_venv(runner / "python", env)
        elif uses.startswith("actions/upload-artifact@"):
            path = workspace / with_["path"]
            assert path.exists(), f"{name}: nothing at {with_['path']} (if-no-files-found: error)"
            run.artifacts[with_["name"]] = path
        elif "run" in step:
            files = {k: runner / f"{k.lower()}-{number}" for k in ("ENV", "OUTPUT", "STEP_SUMMARY")}
            for f in files.values():
                f.write_text("")
            step_env = {**env, **{f"GITHUB_{k}": str(f) for k, f in files.items()}}
            step_env.update(
                {k: github_interpolate(str(v), context) for k, v in step.get("env", {}).items()}
            )
            run_bash(substitute_install(step["run"]), workspace, step_env, name)
            env.update(parse_env_file(files["ENV"].read_text()))
            outputs = parse_env_file(files["OUTPUT"].read_text())
            if "id" in step:
                context["steps"][step["id"]] = {"outputs": outputs}
            run.summary += files["STEP_SUMMARY"].read_text()
        else:
            raise AssertionError(f"{name}: action not emulated by the test runner: {uses}")
    run.outputs = {k: github_interpolate(str(v), context) for k, v in job["outputs"].items()}
    return run


# -- GitLab CI ------------------------------------------------------------------------------

_RULE = re.compile(r'^\$(\w+)\s*(==|!=)\s*(?:\$(\w+)|"([^"]*)")$')
_VAR = re.compile(r"\$\{?(\w+)\}?")


def gitlab_rule(expr: str, variables: Mapping[str, str]) -> bool:
    m = _RULE.match(expr.strip())
    assert m, f"rule not understood by the test runner: {expr!r}"
    left = variables.get(m.group(1), "")
    right = variables.get(m.group(3), "") if m.group(3) else m.group(4)
    return (left == right) if m.group(2) == "==" else (left != right)


def gitlab_rules_pass(rules: list[Mapping[str, str]] | None, variables: Mapping[str, str]) -> bool:
    """A job (or the pipeline) runs when any rule's ``if`` holds; no rules means always."""
    if rules is None:
        return True
    return any(gitlab_rule(rule["if"], variables) for rule in rules)


def run_gitlab_job(
    ci: Mapping[str, Any],
    job_name: str,
    origin: Path,
    runner: Path,
    *,
    predefined: Mapping[str, str],
    env: dict[str, str],
    restored: Mapping[str, Path] | None = None,
) -> tuple[Path, str]:
    """Run one job in a fresh clone and venv; returns the workspace and the job's stdout.

    ``restored`` maps artifact paths (relative) to where an earlier job left them.
    """
    job = ci[job_name]
    variables = {**predefined, **ci.get("variables", {}), **job.get("variables", {})}
    workspace = runner / "workspace"
    clone(origin, workspace, int(variables.get("GIT_DEPTH", "0")))
    job_env = {**env, **predefined, "CI_PROJECT_DIR": str(workspace)}
    for key, value in variables.items():
        job_env[key] = _VAR.sub(lambda m: job_env.get(m.group(1), ""), str(value))
    make_venv(runner / "python", job_env)
    for rel, source in (restored or {}).items():
        dest = workspace / rel
        if source.is_dir():
            shutil.copytree(source, dest)
        else:
            shutil.copy2(source, dest)
    before = job.get("before_script", ci.get("default", {}).get("before_script", []))
    script = "\n".join([*before, *job["script"]])
    assert INSTALL_LINE in script, f"{job_name}: no `{INSTALL_LINE}` line"
    return workspace, run_bash(substitute_install(script), workspace, job_env, job_name)
