"""`report`: the weekly deprecation report, printed, written to a file, or posted to Slack."""

from __future__ import annotations

import sys
from datetime import datetime
from pathlib import Path

import click

from monitor.cli.context import AppContext, pass_app
from monitor.cli.options import TODAY_OPTION
from monitor.clock import command_clock
from monitor.errors import EXIT_RUNTIME
from monitor.report.publish import PostOutcome, post_report
from monitor.report.render import FORMATS
from monitor.report.service import make_request, obtain, text_of
from monitor.report.weeks import parse_week


@click.command()
@click.option("--week", "week_text", metavar="YYYY-Www", help="ISO week (default: this week).")
@TODAY_OPTION
@click.option(
    "--format",
    "output_format",
    type=click.Choice(FORMATS),
    default="markdown",
    show_default=True,
    help="markdown for wikis, html for people (one file), json for tools, slack for Block Kit.",
)
@click.option(
    "--output",
    type=click.Path(dir_okay=False, writable=True),
    help="Write to this file instead of standard output.",
)
@click.option(
    "--post",
    is_flag=True,
    help="Also post the digest to slack.default_channel (once per week, through the outbox).",
)
@pass_app
@click.pass_context
def report(
    ctx: click.Context,
    app: AppContext,
    week_text: str | None,
    today: datetime | None,
    output_format: str,
    output: str | None,
    post: bool,
) -> None:
    """Build the weekly deprecation report.

    The current week is rebuilt from the database on every run; a past week that was
    stored is shown exactly as it was stored. With --post the Slack digest (and, with a
    bot token, the HTML page as a file) is queued once per week and delivered; exit
    code 3 when Slack could not be reached (it stays queued for the next run).
    """
    settings = app.settings
    database = app.database()
    now, clock = command_clock(today.date() if today else None)
    request = make_request(parse_week(week_text) if week_text else None, now)
    obtained = obtain(database, request, settings.report.weeks_of_trend)
    text = text_of(database, obtained, output_format)
    if output:
        Path(output).write_text(text, encoding="utf-8")
        click.echo(f"report {obtained.report.week} ({output_format}) written to {output}", err=True)
    else:
        click.echo(text, nl=False)
    if not post:
        return
    html = text_of(database, obtained, "html")
    outcome = post_report(
        database,
        settings,
        obtained.report,
        html,
        clock=clock,
        console=sys.stderr,
    )
    click.echo(_describe(outcome), err=True)
    if outcome.state != "sent":
        ctx.exit(EXIT_RUNTIME)


def _describe(outcome: PostOutcome) -> str:
    where = "the webhook's channel" if outcome.target == "webhook" else outcome.target
    if outcome.state == "sent":
        when = outcome.sent_at.isoformat(timespec="seconds") if outcome.sent_at else "earlier"
        if outcome.sent_now:
            return f"posted the weekly digest to {where}"
        return f"the weekly digest was already posted to {where} ({when}); nothing sent again"
    if outcome.state == "pending":
        return (
            f"could not post to {where} yet ({outcome.last_error or 'not attempted'});"
            " it stays queued and the next run delivers it"
        )
    return f"posting to {where} failed for good: {outcome.last_error}"
