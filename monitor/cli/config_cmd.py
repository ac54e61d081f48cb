"""`config show` and `config check`."""

from __future__ import annotations

import click
import tomli_w
from sqlalchemy.engine import make_url

from monitor.cli.context import AppContext, pass_app
from monitor.cli.output import dumps
from monitor.config.masking import masked_settings


@click.group()
def config() -> None:
    """Inspect and validate the effective configuration."""


@config.command()
@click.option("--format", "output_format", type=click.Choice(["toml", "json"]), default="toml")
@pass_app
def show(app: AppContext, output_format: str) -> None:
    """Print the effective configuration (all layers merged), secrets masked."""
    data = masked_settings(app.settings)
    if output_format == "json":
        click.echo(dumps(data))
        return
    source = str(app.config_file) if app.config_file else "built-in defaults"
    click.echo(f"# effective configuration (file: {source}; environment and flags applied)")
    click.echo(tomli_w.dumps(data))


@config.command()
@pass_app
def check(app: AppContext) -> None:
    """Validate the configuration; exit 2 with the file, key and expectation on error."""
    settings = app.settings
    source = app.config_file or "built-in defaults"
    click.echo(
        f"configuration OK ({source}): {len(settings.docs.changelogs)} changelogs under "
        f"{settings.docs.base_url}, database {_safe_url(settings.storage.database_url)}"
    )


def _safe_url(url: str | None) -> str:
    return make_url(url).render_as_string(hide_password=True) if url else "(none)"
