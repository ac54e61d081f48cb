"""`status`: health for people and for the Docker HEALTHCHECK (exit 0 / 1 / 3)."""

from __future__ import annotations

import click

from monitor.cli.context import AppContext, pass_app
from monitor.cli.output import dumps, render_table
from monitor.status import gather
from monitor.store import migrate


@click.command()
@click.option("--format", "output_format", type=click.Choice(["text", "json"]), default="text")
@pass_app
@click.pass_context
def status(ctx: click.Context, app: AppContext, output_format: str) -> None:
    """Show job runs, counts, source health and parser canaries.

    Exit code: 0 healthy, 1 degraded (a source failing, a canary fired, an alert failed,
    a job's last run failed), 3 down (the database cannot be used).
    """
    database = app.database()
    with database.sessions() as session:
        snapshot = gather(session, database.display_url, migrate.current_revision(database.engine))
    code, state = snapshot.verdict()
    if output_format == "json":
        click.echo(dumps(snapshot.as_dict()))
    else:
        click.echo(f"state: {state}")
        click.echo(f"database: {snapshot.database} (revision {snapshot.schema_revision})")
        click.echo(f"deprecations: {snapshot.deprecations or 0}")
        click.echo(f"codebases: {snapshot.codebases}, open uses: {snapshot.open_findings}")
        click.echo(f"alert outbox: {snapshot.alerts or 'empty'}")
        for problem in snapshot.problems():
            click.echo(f"problem: {problem}")
        if snapshot.sources:
            columns = ["name", "last_status", "consecutive_failures", "entries", "last_success_at"]
            click.echo(render_table(snapshot.sources, columns))
        for job, run in snapshot.jobs.items():
            click.echo(f"job {job}: {run['status']} at {run['started_at']}")
    ctx.exit(code)
