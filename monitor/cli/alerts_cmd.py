"""`alerts`, `alerts list`, `alerts test`."""

from __future__ import annotations

from datetime import datetime

import click
from sqlalchemy import select

from monitor.cli.context import AppContext, pass_app
from monitor.cli.options import TODAY_OPTION
from monitor.cli.output import FORMAT_OPTION, dumps, emit_rows
from monitor.clock import resolve_now, utc_now
from monitor.errors import EXIT_RUNTIME
from monitor.notify.blocks import (
    build_test_message,
)
from monitor.notify.errors import DeliveryError
from monitor.notify.gather import BASELINE_MARKER
from monitor.notify.service import run_alerts, sink_for
from monitor.store.models import Alert

LIST_COLUMNS = [
    "id",
    "state",
    "kind",
    "target",
    "threshold",
    "attempts",
    "created_at",
    "sent_at",
    "last_error",
]


@click.group(invoke_without_command=True)
@click.option(
    "--dry-run", is_flag=True, help="Print the messages that are due; write and send nothing."
)
@click.option(
    "--since",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    help="Only consider deprecations first seen on or after this date.",
)
@TODAY_OPTION
@pass_app
@click.pass_context
def alerts(
    ctx: click.Context,
    app: AppContext,
    dry_run: bool,
    since: datetime | None,
    today: datetime | None,
) -> None:
    """Decide which Slack alerts are due (thresholds before each window closes, new
    deprecations, closed windows with uses left, removed items, failing sources), record
    them in the outbox and deliver everything pending.

    Without a bot token or webhook URL, messages go to the console and are marked
    delivered to `console`. Exit code 3 when a delivery failed or must be retried.
    """
    if ctx.invoked_subcommand is not None:
        return
    settings = app.settings
    now = resolve_now(today.date() if today else None)
    summary = run_alerts(
        settings,
        app.database(),
        now,
        dry_run=dry_run,
        since=since.date() if since else None,
    )
    for target, message in summary.previews:
        click.echo(f"--- to {target}\n{message.text}")
        click.echo(dumps(message.blocks))
    click.echo(summary.describe())
    for error in summary.delivery.errors:
        click.echo(f"problem: {error}", err=True)
    if summary.delivery.failed or summary.delivery.retry_later:
        ctx.exit(EXIT_RUNTIME)


@alerts.command(name="list")
@click.option("--state", type=click.Choice(["pending", "sent", "failed", "skipped"]))
@FORMAT_OPTION
@pass_app
def list_(app: AppContext, state: str | None, output_format: str) -> None:
    """List the alert outbox: what was sent, what waits for a retry, what failed."""
    query = select(Alert).where(Alert.key != BASELINE_MARKER).order_by(Alert.id)
    if state:
        query = query.where(Alert.state == state)
    with app.database().sessions() as session:
        rows = [
            {column: getattr(alert, column) for column in LIST_COLUMNS}
            | {
                "key": alert.key,
                "deprecation_id": alert.deprecation_id,
                "message_ts": alert.message_ts,
            }
            for alert in session.scalars(query)
        ]
    emit_rows(rows, LIST_COLUMNS, output_format)


@alerts.command()
@click.option("--channel", help="Channel to post to (default: slack.default_channel).")
@pass_app
@click.pass_context
def test(ctx: click.Context, app: AppContext, channel: str | None) -> None:
    """Send one test message to check the Slack configuration (nothing is recorded)."""
    settings = app.settings
    target = channel or settings.slack.default_channel
    sink = sink_for(settings)
    try:
        delivery = sink.send(target, build_test_message(target=target, sent_at=utc_now()))
    except DeliveryError as exc:
        kind = "permanent" if exc.permanent else "temporary"
        click.echo(
            f"error: test message to {target} failed ({kind}): {exc.reason}: {exc}", err=True
        )
        ctx.exit(EXIT_RUNTIME)
    click.echo(f"test message delivered to {target} via {delivery.target}")
