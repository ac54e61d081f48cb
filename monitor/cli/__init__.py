"""The `connect-monitor` command tree. Thin: parse arguments, call one function, print.

Exit codes: 0 ok, 1 findings / failing check / degraded, 2 usage or configuration error,
3 runtime failure.
"""

from __future__ import annotations

import logging
import sys
from typing import Any

import click

from monitor import __version__
from monitor.cli import (
    alerts_cmd,
    codebase_cmd,
    config_cmd,
    daemon_cmd,
    db_cmd,
    report_cmd,
    scan_cmd,
    scrape_cmd,
    status_cmd,
)
from monitor.cli.context import AppContext
from monitor.errors import EXIT_RUNTIME, EXIT_USAGE, MonitorError
from monitor.logs import redact

log = logging.getLogger("monitor.cli")


@click.group(context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(__version__, prog_name="connect-monitor")
@click.option(
    "--config",
    "config_path",
    type=click.Path(dir_okay=False),
    envvar="CONNECT_MONITOR_CONFIG",
    help="TOML config file (default: built-in settings). Env: CONNECT_MONITOR_CONFIG.",
)
@click.option(
    "--log-level",
    type=click.Choice(["DEBUG", "INFO", "WARNING", "ERROR"], case_sensitive=False),
    help="Overrides logging.level.",
)
@click.option("--log-format", type=click.Choice(["text", "json"]), help="Overrides logging.format.")
@click.option("--database-url", help="Overrides storage.database_url (e.g. sqlite:///x.db).")
@click.option("--data-dir", type=click.Path(file_okay=False), help="Overrides storage.data_dir.")
@click.pass_context
def cli(
    ctx: click.Context,
    config_path: str | None,
    log_level: str | None,
    log_format: str | None,
    database_url: str | None,
    data_dir: str | None,
) -> None:
    """Watch the Instacart Connect docs for deprecations, find their uses in your code,
    and warn on Slack before each six-month support window closes.

    Settings come from built-in defaults, then the config file, then environment
    variables, then these flags (later wins). Run `connect-monitor config show` to see
    the effective configuration.
    """
    overrides: dict[str, Any] = {
        "logging.level": log_level.upper() if log_level else None,
        "logging.format": log_format,
        "storage.database_url": database_url,
        "storage.data_dir": data_dir,
    }
    app = AppContext(config_path=config_path, overrides=overrides)
    ctx.obj = app
    ctx.call_on_close(app.close)


cli.add_command(config_cmd.config)
cli.add_command(db_cmd.db)
cli.add_command(status_cmd.status)
cli.add_command(scrape_cmd.scrape)
cli.add_command(scrape_cmd.deprecations)
cli.add_command(codebase_cmd.codebase)
cli.add_command(alerts_cmd.alerts)
cli.add_command(scan_cmd.scan)
cli.add_command(scan_cmd.check)
cli.add_command(report_cmd.report)
cli.add_command(daemon_cmd.run)
cli.add_command(daemon_cmd.once)


def main(argv: list[str] | None = None) -> None:
    """Console entry point: turns our typed errors into one clear line and an exit code."""
    try:
        code = cli.main(args=argv, prog_name="connect-monitor", standalone_mode=False)
    except click.exceptions.Abort:
        click.echo("Aborted.", err=True)
        sys.exit(EXIT_RUNTIME)
    except click.exceptions.Exit as exc:
        sys.exit(exc.exit_code)
    except click.ClickException as exc:
        exc.show()
        sys.exit(EXIT_USAGE)
    except MonitorError as exc:
        click.echo(f"error: {redact(str(exc))}", err=True)
        sys.exit(exc.exit_code)
    except KeyboardInterrupt:
        sys.exit(130)
    except Exception as exc:
        # Last resort: one readable line; the traceback only at --log-level debug.
        log.debug("unexpected error", exc_info=True)
        click.echo(f"error: unexpected {type(exc).__name__}: {redact(str(exc))}", err=True)
        sys.exit(EXIT_RUNTIME)
    sys.exit(code if isinstance(code, int) else 0)
