"""`db upgrade` and `db current`: Alembic, wrapped."""

from __future__ import annotations

import click

from monitor.cli.context import AppContext, pass_app
from monitor.store import migrate
from monitor.store.database import open_database


@click.group()
def db() -> None:
    """Manage the database schema (other commands upgrade it automatically)."""


@db.command()
@pass_app
def upgrade(app: AppContext) -> None:
    """Apply pending migrations (idempotent)."""
    database = app.database()
    click.echo(
        f"database {database.display_url} at revision {migrate.current_revision(database.engine)}"
    )


@db.command()
@pass_app
def current(app: AppContext) -> None:
    """Show the database's schema revision and the newest one available."""
    storage = app.settings.storage
    assert storage.database_url is not None
    database = open_database(storage.database_url, storage.busy_timeout_seconds, upgrade=False)
    try:
        now = migrate.current_revision(database.engine)
        head = migrate.head_revision(database.engine)
    finally:
        database.close()
    state = "up to date" if now == head else "behind: run `connect-monitor db upgrade`"
    click.echo(f"current: {now or '(empty database)'}\nhead:    {head}\n{state}")


@db.command()
@click.option("-m", "--message", required=True, help="What the revision changes.")
@pass_app
def revision(app: AppContext, message: str) -> None:
    """For contributors: write a new migration from the difference between the models
    and the database (upgrade the database first)."""
    database = app.database()
    path = migrate.new_revision(database.engine, message)
    click.echo(f"wrote {path}; review it, then run the migration tests")
