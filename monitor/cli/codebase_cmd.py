"""`codebase add|list|remove|show`."""

from __future__ import annotations

import click

from monitor.cli.context import AppContext, pass_app
from monitor.cli.output import FORMAT_OPTION, dumps, emit_rows
from monitor.codebases.registry import (
    CodebaseSpec,
    add_codebase,
    describe,
    get_codebase,
    list_codebases,
    remove_codebase,
)

LIST_COLUMNS = ["name", "location", "branch", "channel", "owner", "last_scan", "open_uses"]


@click.group()
def codebase() -> None:
    """Register, list and remove the codebases that `scan` checks."""


@codebase.command()
@click.argument("name")
@click.argument("location")
@click.option("--branch", help="Branch to clone (git URLs only; default: the remote's HEAD).")
@click.option("--channel", help="Slack channel that hears about this codebase's uses.")
@click.option("--owner", help="Team or person responsible, shown in reports.")
@click.option(
    "--link-template",
    help="Turns findings into links, e.g. https://github.com/acme/shop/blob/{commit}/{path}#L{line}",
)
@click.option("--include", multiple=True, metavar="GLOB", help="Only scan matching paths.")
@click.option("--exclude", multiple=True, metavar="GLOB", help="Skip matching paths.")
@pass_app
def add(
    app: AppContext,
    name: str,
    location: str,
    branch: str | None,
    channel: str | None,
    owner: str | None,
    link_template: str | None,
    include: tuple[str, ...],
    exclude: tuple[str, ...],
) -> None:
    """Register NAME at LOCATION: a local directory, or a git URL that `scan` clones
    (shallow, hooks disabled) into the data directory."""
    spec = CodebaseSpec(name, location, branch, channel, owner, link_template, include, exclude)
    with app.database().transaction() as session:
        created = add_codebase(session, spec)
        kind = "git remote" if created.is_git_remote else "directory"
        click.echo(f"registered {created.name} ({kind} {created.location})")


@codebase.command(name="list")
@FORMAT_OPTION
@pass_app
def list_(app: AppContext, output_format: str) -> None:
    """List registered codebases with their last scan and open uses."""
    with app.database().sessions() as session:
        rows = [describe(session, c) for c in list_codebases(session)]
    emit_rows(rows, LIST_COLUMNS, output_format)


@codebase.command()
@click.argument("name")
@pass_app
def remove(app: AppContext, name: str) -> None:
    """Stop scanning NAME and forget its findings and scan history."""
    with app.database().transaction() as session:
        remove_codebase(session, name)
    click.echo(f"removed {name}")


@codebase.command()
@click.argument("name")
@click.option("--format", "output_format", type=click.Choice(["text", "json"]), default="text")
@pass_app
def show(app: AppContext, name: str, output_format: str) -> None:
    """Show one codebase's settings, last scan and open uses."""
    with app.database().sessions() as session:
        details = describe(session, get_codebase(session, name))
    if output_format == "json":
        click.echo(dumps(details))
        return
    for key, value in details.items():
        click.echo(f"{key}: {'' if value is None else value}")
