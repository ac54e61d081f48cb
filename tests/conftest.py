"""Fixtures shared by every test: an isolated data directory and a CLI runner."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from monitor.store.database import Database, open_database
from tests.support.cli import CliResult, isolated_env, run_cli
from tests.support.databases import (
    POSTGRES_ENV,
    fresh_postgres_database,
    postgres_server_url,
    sqlite_url,
)
from tests.support.docs_server import DocsServer, copy_site
from tests.support.report_seed import seed_week


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


@pytest.fixture
def seeded_db(tmp_path: Path) -> Iterator[Database]:
    """A SQLite database holding the report tests' seeded week (tests/support/report_seed.py)."""
    database = open_database(sqlite_url(tmp_path))
    with database.transaction() as session:
        seed_week(session)
    try:
        yield database
    finally:
        database.close()


@pytest.fixture
def docs_site(tmp_path: Path) -> Iterator[DocsServer]:
    """The fixture docs site, copied so a test may edit it, served on 127.0.0.1."""
    root = copy_site(tmp_path / "site")
    with DocsServer(root) as server:
        yield server


@pytest.fixture
def scrape_env(cli_env: dict[str, str], docs_site: DocsServer) -> dict[str, str]:
    """CLI environment pointing every docs source at the fixture server, fast retries."""
    return {
        **cli_env,
        "CONNECT_MONITOR_DOCS_BASE_URL": docs_site.base_url,
        "CONNECT_MONITOR_HTTP__TIMEOUT_SECONDS": "2",
        "CONNECT_MONITOR_HTTP__MAX_RETRIES": "2",
        "CONNECT_MONITOR_HTTP__BACKOFF_BASE_SECONDS": "0.05",
        "CONNECT_MONITOR_HTTP__BACKOFF_MAX_SECONDS": "3",
    }
