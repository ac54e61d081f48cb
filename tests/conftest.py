"""Fixtures shared by every test: an isolated data directory and a CLI runner."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support.cli import CliResult, isolated_env, run_cli
from tests.support.databases import (
    POSTGRES_ENV,
    fresh_postgres_database,
    postgres_server_url,
    sqlite_url,
)


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    path = tmp_path / "data"
    path.mkdir()
    return path


@pytest.fixture
def cli_env(data_dir: Path) -> dict[str, str]:
    return isolated_env(data_dir)


class Cli:
    def __init__(self, env: dict[str, str]) -> None:
        self.env = env

    def __call__(self, *args: str, extra_env: dict[str, str] | None = None) -> CliResult:
        return run_cli(args, {**self.env, **(extra_env or {})})


@pytest.fixture
def cli(cli_env: dict[str, str]) -> Cli:
    return Cli(cli_env)


@pytest.fixture(params=["sqlite", "postgres"])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """The same test on SQLite and, when a server is configured, on PostgreSQL."""
    if request.param == "sqlite":
        yield sqlite_url(tmp_path)
        return
    if postgres_server_url() is None:
        pytest.skip(f"PostgreSQL run skipped: set {POSTGRES_ENV} to a server URL")
    with fresh_postgres_database() as url:
        yield url
