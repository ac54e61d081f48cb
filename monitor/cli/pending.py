"""Commands whose feature has not landed yet: present in --help, honest when called."""

from __future__ import annotations

import click

from monitor.errors import NotAvailableYet

_PENDING: dict[str, tuple[str, str]] = {}


def _pending_command(name: str, summary: str, feature: str) -> click.Command:
    @click.command(
        name=name,
        help=f"{summary}\n\nNot available yet: arrives with {feature}.",
        context_settings={"ignore_unknown_options": True, "allow_extra_args": True},
    )
    def command() -> None:
        raise NotAvailableYet(
            f"`connect-monitor {name}` is not available yet ({feature} is not built)."
        )

    return command


COMMANDS: list[click.Command] = [_pending_command(n, s, f) for n, (s, f) in _PENDING.items()]
