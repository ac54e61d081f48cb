"""Running `connect-monitor run` as a real process with second-level schedules, and
reading what it did from the database while it runs."""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

from sqlalchemy import Engine, create_engine, text
from sqlalchemy.pool import NullPool

from monitor.store.engine import normalized_url
from tests.support.cli import REPO_ROOT, run_cli

T = TypeVar("T")

CODEBASES = Path(__file__).resolve().parents[1] / "fixtures" / "codebases"

FAST_SCHEDULES = {
    "CONNECT_MONITOR_SCHEDULE__SCRAPE": "every 2s",
    "CONNECT_MONITOR_SCHEDULE__SCAN": "every 3s",
    "CONNECT_MONITOR_SCHEDULE__ALERTS": "every 2s",
    "CONNECT_MONITOR_SCHEDULE__REPORT": "every 3s",
    "CONNECT_MONITOR_SCHEDULE__SHUTDOWN_GRACE_SECONDS": "15",
    "CONNECT_MONITOR_HEARTBEAT_SECONDS": "1",
    "CONNECT_MONITOR_STANDBY_POLL_SECONDS": "0.5",
}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_until(probe: Callable[[], T], timeout: float, what: str, interval: float = 0.2) -> T:
    """Poll ``probe`` until it returns something truthy; fail with ``what`` otherwise."""
    deadline = time.monotonic() + timeout
    while True:
        value = probe()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout}s waiting for {what}")
        time.sleep(interval)


@dataclass
class Daemon:
    proc: subprocess.Popen[bytes]
    log_path: Path

    @property
    def pid(self) -> int:
        return self.proc.pid

    def log(self) -> str:
        return self.log_path.read_text(encoding="utf-8", errors="replace")

    def running(self) -> bool:
        return self.proc.poll() is None

    def send(self, sig: signal.Signals) -> None:
        self.proc.send_signal(sig)

    def wait(self, timeout: float) -> int:
        return self.proc.wait(timeout=timeout)

    def kill(self) -> None:
        if self.running():
            self.proc.kill()
            self.proc.wait(timeout=10)


def start_daemon(env: Mapping[str, str], log_path: Path, *args: str) -> Daemon:
    log_file = log_path.open("ab")
    proc = subprocess.Popen(
        [sys.executable, "-m", "monitor", "run", *args],
        env=dict(env),
        stdout=log_file,
        stderr=subprocess.STDOUT,
        stdin=subprocess.DEVNULL,
        cwd=REPO_ROOT,
        start_new_session=True,  # a Ctrl-C in the test runner does not reach it
    )
    log_file.close()
    return Daemon(proc, log_path)


def _outside_engine(database_url: str) -> Engine:
    """A plain connection, as an operator's tool would open: not the daemon's engine, whose
    SQLite transactions take the write lock up front and would hold the daemon up."""
    return create_engine(normalized_url(database_url), poolclass=NullPool)


def query(database_url: str, sql: str, **params: Any) -> list[dict[str, Any]]:
    """Read the daemon's database from outside, as an operator would."""
    engine = _outside_engine(database_url)
    try:
        with engine.connect() as connection:
            return [dict(row._mapping) for row in connection.execute(text(sql), params)]
    finally:
        engine.dispose()


def execute(database_url: str, sql: str, **params: Any) -> None:
    """Change the daemon's database from outside, in one committed transaction."""
    engine = _outside_engine(database_url)
    try:
        with engine.begin() as connection:
            connection.execute(text(sql), params)
    finally:
        engine.dispose()


def add_shop(env: Mapping[str, str], work: Path, *options: str) -> Path:
    """Register a copy of the python-shop fixture as codebase `shop`; the copy is returned."""
    shop = work / "python-shop"
    shutil.copytree(CODEBASES / "python-shop", shop)
    added = run_cli(["codebase", "add", "shop", str(shop), *options], env)
    assert added.code == 0, added.stderr
    return shop


def job_runs(database_url: str) -> list[dict[str, Any]]:
    try:
        return query(database_url, "SELECT id, job, status, error FROM job_runs ORDER BY id")
    except Exception:
        return []  # not created yet


def finished(runs: list[dict[str, Any]], job: str, status: str = "ok") -> list[dict[str, Any]]:
    return [r for r in runs if r["job"] == job and r["status"] == status]


def kill_all(daemons: list[Daemon]) -> None:
    for daemon in daemons:
        try:
            daemon.kill()
        except (ProcessLookupError, subprocess.TimeoutExpired):
            os.kill(daemon.pid, signal.SIGKILL)
