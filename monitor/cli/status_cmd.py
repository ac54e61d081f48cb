"""`status`: health for people and for the Docker HEALTHCHECK (exit 0 / 1 / 3)."""

from __future__ import annotations

import click

from monitor.cli.context import AppContext, pass_app
from monitor.cli.output import dumps, render_table
from monitor.clock import utc_now
from monitor.daemon.jobstore import read_jobs
from monitor.status import STALE_BEATS, gather
from monitor.store import migrate


@click.command()
@click.option("--format", "output_format", type=click.Choice(["text", "json"]), default="text")
@pass_app
@click.pass_context
def status(ctx: click.Context, app: AppContext, output_format: str) -> None:
    """Show job runs, counts, source health and parser canaries.

    Exit code: 0 healthy, 1 degraded (a source failing, a canary fired, an alert failed,
    a job's last run failed), 3 down (the database cannot be used, or a daemon ran here
    and its heartbeat is more than 3 heartbeat intervals late).
    """
    database = app.database()
    stored = read_jobs(database.engine)
    revision = migrate.current_revision(database.engine)
    with database.sessions() as session:
        snapshot = gather(session, database.display_url, revision, stored, utc_now())
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
        click.echo(f"daemon: {_describe_daemon(snapshot.daemon)}")
        for job, run in snapshot.jobs.items():
            click.echo(f"job {job}: {run['status']} at {run['started_at']}")
        for job, when in snapshot.next_runs.items():
            click.echo(f"next {job}: {when.isoformat(timespec='seconds') if when else 'paused'}")
    ctx.exit(code)


def _describe_daemon(daemon: dict[str, object]) -> str:
    state = str(daemon.get("state", "not running"))
    if state == "down":
        return (
            f"down (heartbeat {daemon['late_seconds']}s late; more than {STALE_BEATS} "
            f"heartbeats of {daemon['heartbeat_seconds']}s missed)"
        )
    return state
