"""`run` (the daemon) and `once` (the whole pipeline a single time)."""

from __future__ import annotations

import sys
from datetime import datetime

import click

from monitor.cli.context import AppContext, pass_app
from monitor.cli.options import TODAY_OPTION
from monitor.cli.output import dumps
from monitor.clock import command_clock
from monitor.daemon.once import run_once
from monitor.daemon.service import DaemonOptions, run_daemon
from monitor.errors import EXIT_OK, EXIT_RUNTIME


@click.command()
@click.option(
    "--heartbeat-seconds",
    type=click.FloatRange(min=1),
    default=30.0,
    show_default=True,
    envvar="CONNECT_MONITOR_HEARTBEAT_SECONDS",
    help="How often the leader records that it is alive; `status` says down after 3 missed.",
)
@click.option(
    "--standby-poll-seconds",
    type=click.FloatRange(min=0.1),
    default=5.0,
    show_default=True,
    envvar="CONNECT_MONITOR_STANDBY_POLL_SECONDS",
    help="PostgreSQL: how often a standby replica tries to become the leader.",
)
@pass_app
@click.pass_context
def run(
    ctx: click.Context, app: AppContext, heartbeat_seconds: float, standby_poll_seconds: float
) -> None:
    """Run the daemon: scrape, scan, alert and report on schedule until stopped.

    Schedules come from the `schedule` settings. One daemon per database: on SQLite a
    second `run` exits with code 3; on PostgreSQL it stands by and takes over when the
    leader dies. SIGTERM or Ctrl-C lets the running job finish (up to
    schedule.shutdown_grace_seconds) and exits 0; a second signal exits at once.
    """
    options = DaemonOptions(heartbeat_seconds, standby_poll_seconds)
    ctx.exit(run_daemon(app.settings, options))


@click.command()
@TODAY_OPTION
@click.option(
    "--post",
    is_flag=True,
    help="Also post this week's report digest to Slack (once per week, through the outbox).",
)
@click.option("--format", "output_format", type=click.Choice(["text", "json"]), default="text")
@pass_app
@click.pass_context
def once(
    ctx: click.Context, app: AppContext, today: datetime | None, post: bool, output_format: str
) -> None:
    """Run the whole pipeline once: scrape, scan, alerts, then this week's report.

    Every stage runs even when an earlier one failed; the exit code is 3 when any stage
    failed. The report is built and stored; it is posted only with --post. Safe to run
    while a daemon is running (the outbox never sends an alert twice).
    """
    now, clock = command_clock(today.date() if today else None)
    result = run_once(app.settings, app.database(), now, clock, post=post, console=sys.stderr)
    if output_format == "json":
        click.echo(dumps(result.as_dict()))
    else:
        for name, outcome in result.stages:
            state = "ok" if outcome.ok else "FAILED"
            click.echo(f"{name}: {state}: {outcome.description}")
            if outcome.error:
                click.echo(f"  {name} problem: {outcome.error}", err=True)
    ctx.exit(EXIT_OK if result.ok else EXIT_RUNTIME)
