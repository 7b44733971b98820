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
