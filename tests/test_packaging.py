"""What `pip install .` and the Docker image depend on, checked without a Docker engine."""

from __future__ import annotations

import re
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]


def _instructions(dockerfile: str) -> list[tuple[str, str]]:
    joined = re.sub(r"\\\n\s*", " ", dockerfile)
    rows = []
    for raw in joined.splitlines():
        line = raw.strip()
        if line and not line.startswith("#"):
            keyword, _, rest = line.partition(" ")
            rows.append((keyword.upper(), rest.strip()))
    return rows


def test_dockerfile_references_files_that_exist_and_runs_as_non_root() -> None:
    rows = _instructions((REPO / "Dockerfile").read_text())
    keywords = [k for k, _ in rows]
    assert keywords[0] == "FROM" and "slim" in rows[0][1]
    copies = [rest.split()[:-1] for k, rest in rows if k == "COPY"]
    assert copies, "the image must copy the project in"
    for sources in copies:
        for source in sources:
            assert (REPO / source).exists(), f"Dockerfile copies missing {source}"
    users = [rest for k, rest in rows if k == "USER"]
    assert users and users[-1] not in ("root", "0")
    assert any(k == "VOLUME" and "/data" in rest for k, rest in rows)
    assert ("ENTRYPOINT", '["connect-monitor"]') in rows
    assert ("CMD", '["run"]') in rows
    health = next(rest for k, rest in rows if k == "HEALTHCHECK")
    assert "connect-monitor status" in health


@pytest.mark.slow
def test_wheel_ships_migrations_config_and_entry_point(tmp_path: Path) -> None:
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--no-deps",
            "--no-build-isolation",
            "-q",
            "-w",
            str(tmp_path),
            str(REPO),
        ],
        check=True,
        capture_output=True,
    )
    wheel = next(tmp_path.glob("connect_monitor-*.whl"))
    names = set(zipfile.ZipFile(wheel).namelist())
    assert "monitor/_migrations/env.py" in names
    assert any(n.startswith("monitor/_migrations/versions/0001") for n in names)
    assert "monitor/_config/connect-monitor.toml" in names
    entry_points = next(n for n in names if n.endswith("entry_points.txt"))
    text = zipfile.ZipFile(wheel).read(entry_points).decode()
    assert "connect-monitor = monitor.cli:main" in text
