"""`scrape` and `deprecations`."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime

import click
from rich.progress import Progress, SpinnerColumn, TextColumn

from monitor.catalog import load_catalog
from monitor.cli.context import AppContext, pass_app
from monitor.cli.options import TODAY_OPTION
from monitor.cli.output import FORMAT_OPTION, dumps, emit_rows
from monitor.clock import resolve_now
from monitor.errors import EXIT_RUNTIME
from monitor.fetch.result import FetchResult
from monitor.scrape.pipeline import run_scrape
from monitor.store.deprecations import (
    as_listing,
    catalog_listing,
    has_scraped,
    list_deprecations,
)

LISTING_COLUMNS = [
    "id",
    "kind",
    "action",
    "surface",
    "items",
    "announced_on",
    "window_closes_on",
    "days_left",
    "replacement",
    "origin",
    "status",
]


@click.command()
@click.option(
    "--source",
    "sources",
    multiple=True,
    metavar="NAME",
    help="Only fetch this source (repeatable): a changelog name, deprecated-page, sitemap "
    "or references. Other pages are read from the last fetch.",
)
@click.option("--force", is_flag=True, help="Re-extract even when no page changed.")
@click.option("--format", "output_format", type=click.Choice(["text", "json"]), default="text")
@TODAY_OPTION
@pass_app
@click.pass_context
def scrape(
    ctx: click.Context,
    app: AppContext,
    sources: tuple[str, ...],
    force: bool,
    output_format: str,
    today: datetime | None,
) -> None:
    """Fetch the changelogs, the Deprecated page and the reference pages, extract the
    deprecations and store them.

    Pages are fetched politely (robots.txt, conditional requests, bounded concurrency,
    retries). Exit code 3 when a page failed or a parser canary fired; what was stored
    before is kept either way.
    """
    settings = app.settings
    database = app.database()
    now = resolve_now(today.date() if today else None)
    with _progress(output_format == "text") as tick:
        summary = run_scrape(settings, database, now, sources, force, on_fetch=tick)
    if output_format == "json":
        click.echo(dumps(summary.as_dict()))
    else:
        click.echo(summary.describe())
        for problem in summary.problems:
            click.echo(f"problem: {problem}", err=True)
    if not summary.ok:
        ctx.exit(EXIT_RUNTIME)


@contextmanager
def _progress(enabled: bool) -> Iterator[Callable[[FetchResult], None] | None]:
    """A live counter on a terminal; nothing when output is piped or captured."""
    if not (enabled and sys.stderr.isatty()):
        yield None
        return
    with Progress(SpinnerColumn(), TextColumn("{task.description}"), transient=True) as bar:
        task = bar.add_task("fetching docs pages", total=None)
        count = 0

        def tick(result: FetchResult) -> None:
            nonlocal count
            count += 1
            bar.update(task, description=f"fetched {count} pages (last: {result.status})")

        yield tick


@click.command()
@click.option("--status", type=click.Choice(["active", "disappeared"]), help="Only this status.")
@click.option("--surface", help='Only this product surface, e.g. "Connect Fulfillment API".')
@FORMAT_OPTION
@TODAY_OPTION
@pass_app
def deprecations(
    app: AppContext,
    status: str | None,
    surface: str | None,
    output_format: str,
    today: datetime | None,
) -> None:
    """List stored deprecations, the date each window closes and the days left, most
    urgent first."""
    day = resolve_now(today.date() if today else None).date()
    with app.database().sessions() as session:
        if has_scraped(session):
            rows = [as_listing(r, day) for r in list_deprecations(session, status, surface)]
        else:  # before the first scrape: the bundled, dated catalog
            records = load_catalog(app.settings.docs.base_url)
            rows = [
                row
                for row in catalog_listing(records, day)
                if (not surface or row["surface"] == surface)
                and (not status or row["status"] == status)
            ]
    emit_rows(rows, LISTING_COLUMNS, output_format)
