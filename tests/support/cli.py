"""Runs `python -m monitor` as a real process with an isolated environment."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]
_INHERITED = ("PATH", "LANG", "LC_ALL", "SYSTEMROOT", "TMPDIR", "PYTHONPATH")


@dataclass
class CliResult:
    code: int
    stdout: str
    stderr: str


def isolated_env(data_dir: Path, extra: Mapping[str, str] | None = None) -> dict[str, str]:
    """No CONNECT_MONITOR_* or SLACK_* from the developer's shell leaks into a test."""
    env = {k: v for k, v in os.environ.items() if k in _INHERITED}
    env["HOME"] = str(data_dir.parent)
    env["CONNECT_MONITOR_DATA_DIR"] = str(data_dir)
    env.update(extra or {})
    return env


def run_cli(
    args: Sequence[str],
    env: Mapping[str, str],
    timeout: float = 60,
    cwd: Path | None = None,
) -> CliResult:
    proc = subprocess.run(
        [sys.executable, "-m", "monitor", *args],
        env=dict(env),
        capture_output=True,
        text=True,
        timeout=timeout,
        cwd=cwd or REPO_ROOT,
        stdin=subprocess.DEVNULL,
        check=False,
    )
    return CliResult(proc.returncode, proc.stdout, proc.stderr)
