"""The deprecations the fixture codebases are labelled against (`targets.json`)."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

from monitor.domain import Action, AnnouncedOnSource, DeprecationRecord, Kind, Origin

TARGETS = Path(__file__).resolve().parents[1] / "fixtures" / "codebases" / "targets.json"


def deprecated(
    kind: Kind,
    items: tuple[str, ...],
    replacement: str | None = None,
    surface: str = "connect",
    source_url: str = "https://docs.instacart.com/x",
) -> DeprecationRecord:
    """A changelog deprecation with only what the scanner looks at filled in."""
    return DeprecationRecord(
        kind=kind,
        action=Action.DEPRECATED,
        surface=surface,
        items=items,
        title="t",
        origin=Origin.CHANGELOG,
        source_url=source_url,
        replacement=replacement,
    )


def _day(value: str | None) -> date | None:
    return date.fromisoformat(value) if value else None


def load_fixture_targets(path: Path = TARGETS) -> list[tuple[str, DeprecationRecord]]:
    rows = json.loads(path.read_text())["records"]
    return [
        (
            row["id"],
            DeprecationRecord(
                kind=Kind(row["kind"]),
                action=Action(row["action"]),
                surface=row["surface"],
                items=tuple(row["items"]),
                title=row["title"] or "",
                origin=Origin(row["origin"]),
                source_url=row["source_url"],
                announced_on=_day(row["announced_on"]),
                announced_on_source=AnnouncedOnSource(row["announced_on_source"]),
                effective_on=_day(row["effective_on"]),
                replacement=row["replacement"],
                shared_with_live=row["shared_with_live"],
            ),
        )
        for row in rows
    ]
