"""`scan` (registered codebases) and `check PATH` (any directory, for CI and pre-commit)."""

from __future__ import annotations

import json
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path

import click
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

from monitor import __version__
from monitor.cli.context import AppContext, pass_app
from monitor.cli.options import TODAY_OPTION
from monitor.cli.output import dumps
from monitor.clock import resolve_now
from monitor.errors import EXIT_FINDINGS, EXIT_RUNTIME
from monitor.scan.baseline import load_baseline, new_since, write_baseline
from monitor.scan.findings import Finding
from monitor.scan.reasons import at_least
from monitor.scan.report_text import format_findings, render_json, summary_line
from monitor.scan.sarif import to_sarif
from monitor.scan.service import check_directory, scan_codebases

REFRESH_SECONDS = 0.1


@contextmanager
def _progress(enabled: bool) -> Iterator[Callable[[int, int | None], None] | None]:
    """A progress bar on a terminal for long scans; silent when output is captured.

    Redrawn from the scan's own calls, at most every ``REFRESH_SECONDS``, not by
    rich's refresh thread: while this process runs a single thread the scanner
    may fork its workers (milliseconds) instead of spawning them (a fresh
    interpreter each, a large share of a cold scan's time).
    """
    if not (enabled and sys.stderr.isatty()):
        yield None
        return
    columns = (TextColumn("scanning"), BarColumn(), MofNCompleteColumn())
    with Progress(*columns, transient=True, auto_refresh=False) as bar:
        task = bar.add_task("scan", total=None)
        drawn = 0.0

        def tick(done: int, total: int | None) -> None:
            nonlocal drawn
            now = time.monotonic()
            due = now - drawn >= REFRESH_SECONDS or done == total
            bar.update(task, completed=done, total=total, refresh=due)
            if due:
                drawn = now

        yield tick


def failing(findings: list[Finding], fail_on: str) -> list[Finding]:
    """Uses (not mentions, not suppressed) at or above the ``--fail-on`` confidence."""
    if fail_on == "never":
        return []
    return [
        f
        for f in findings
        if f.category == "use" and not f.suppressed and at_least(f.confidence, fail_on)
    ]


@click.command()
@click.argument("path", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option(
    "--format",
    "output_format",
    type=click.Choice(["text", "json", "sarif"]),
    default="text",
    show_default=True,
)
@click.option(
    "--fail-on",
    type=click.Choice(["high", "medium", "low", "never"]),
    default="medium",
    show_default=True,
    help="Exit 1 when uses at or above this confidence are found.",
)
@click.option(
    "--min-confidence",
    type=click.Choice(["high", "medium", "low"]),
    help="Report findings down to this confidence (default: scan.min_confidence).",
)
@click.option(
    "--baseline",
    "baseline_path",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Only report (and fail on) findings that are not in this baseline file.",
)
@click.option(
    "--write-baseline",
    "baseline_out",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Write every current finding to this baseline file.",
)
@click.option("--include-vendored", is_flag=True, help="Also scan vendor/, node_modules/ etc.")
@click.option("--no-cache", is_flag=True, help="Read every file again (ignore the scan cache).")
@click.option("--output", type=click.Path(dir_okay=False, path_type=Path), help="Write here.")
@TODAY_OPTION
@pass_app
@click.pass_context
def check(
    ctx: click.Context,
    app: AppContext,
    path: Path,
    output_format: str,
    fail_on: str,
    min_confidence: str | None,
    baseline_path: Path | None,
    baseline_out: Path | None,
    include_vendored: bool,
    no_cache: bool,
    output: Path | None,
    today: datetime | None,
) -> None:
    """Scan PATH for uses of deprecated Instacart items without registering it.

    Reports endpoints, fields and enum values that are deprecated or removed, plain-http
    Connect URLs and hard-coded secrets, with file, line and column. Works before the first
    scrape (bundled catalog). Exit code 1 when uses at or above --fail-on are found.
    """
    now = resolve_now(today.date() if today else None)
    with _progress(output_format == "text" and output is None) as tick:
        result, targets = check_directory(
            app.settings,
            app.database(),
            path,
            now,
            use_cache=not no_cache,
            min_confidence=min_confidence,
            include_vendored=include_vendored or None,
            progress=tick,
        )
    findings = result.findings
    if baseline_out is not None:
        write_baseline(baseline_out, findings, now)
    if baseline_path is not None:
        findings = new_since(findings, load_baseline(baseline_path))
    day = now.date()
    if output_format == "json":
        text = render_json(findings, targets.info, day, codebase=str(path))
    elif output_format == "sarif":
        document = to_sarif(
            findings, targets.info, __version__, day, root_uri=path.resolve().as_uri()
        )
        text = json.dumps(document, indent=2) + "\n"
    else:
        lines = format_findings(findings, targets.info, day)
        summary = summary_line(
            findings,
            result.files_scanned,
            result.files_skipped,
            result.bytes_scanned,
            result.elapsed,
        )
        source = (
            " (bundled catalog: run `connect-monitor scrape` for the latest)"
            if targets.from_catalog
            else ""
        )
        text = "\n".join([*lines, summary + source]) + "\n"
    if output is not None:
        output.write_text(text, encoding="utf-8")
    else:
        click.echo(text, nl=False)
    if failing(findings, fail_on):
        ctx.exit(EXIT_FINDINGS)


@click.command()
@click.argument("names", nargs=-1)
@click.option("--no-cache", is_flag=True, help="Read every file again (ignore the scan cache).")
@click.option("--format", "output_format", type=click.Choice(["text", "json"]), default="text")
@TODAY_OPTION
@pass_app
@click.pass_context
def scan(
    ctx: click.Context,
    app: AppContext,
    names: tuple[str, ...],
    no_cache: bool,
    output_format: str,
    today: datetime | None,
) -> None:
    """Scan registered codebases (all, or NAMES) and store the results as a scan run:
    findings new, still present and fixed since the previous run.

    Git codebases are fetched first. One failing codebase does not stop the others; the
    exit code is 3 when any failed.
    """
    now = resolve_now(today.date() if today else None)
    with _progress(output_format == "text") as tick:
        summary = scan_codebases(app.settings, app.database(), now, names, not no_cache, tick)
    rows = []
    for outcome in summary.outcomes:
        result = outcome.result
        rows.append(
            {
                "codebase": outcome.name,
                "ok": outcome.ok,
                "error": outcome.error,
                "new": outcome.new,
                "still_present": outcome.present,
                "fixed": outcome.fixed,
                "files_scanned": result.files_scanned if result else 0,
                "files_skipped": result.files_skipped if result else 0,
                "findings": len(result.findings) if result else 0,
            }
        )
    if output_format == "json":
        click.echo(dumps(rows))
    else:
        for row in rows:
            if row["ok"]:
                click.echo(
                    f"{row['codebase']}: {row['findings']} findings ({row['new']} new, "
                    f"{row['still_present']} still present, {row['fixed']} fixed); "
                    f"{row['files_scanned']} files scanned, {row['files_skipped']} skipped"
                )
            else:
                click.echo(f"{row['codebase']}: failed: {row['error']}", err=True)
        if not rows:
            click.echo("no codebases registered: add one with `connect-monitor codebase add`")
    if not summary.ok:
        ctx.exit(EXIT_RUNTIME)
