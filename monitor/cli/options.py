"""Options shared by several commands."""

from __future__ import annotations

import click

TODAY_OPTION = click.option(
    "--today",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    default=None,
    help="Pretend today is this date (YYYY-MM-DD), for trying things out and for tests.",
)
