"""Reads the bundled catalog into ``DeprecationRecord`` values, refusing a broken file.

The catalog ships inside the package so a fresh install can scan code before
the first scrape. It is checked strictly on every load: a typo in it would
otherwise surface as a silent miss in the scanner, far from the cause.
"""

from __future__ import annotations

import json
import re
from datetime import date
from importlib import resources
from typing import Annotated, Any
from urllib.parse import urljoin

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from monitor.domain import Action, AnnouncedOnSource, DeprecationRecord, Kind, Origin
from monitor.errors import MonitorError

CATALOG_RESOURCE = "catalog.json"
CATALOG_VERSION = 1

_ID = r"^catalog:[a-z0-9]+(?:-[a-z0-9]+)*$"
_ENDPOINT = re.compile(r"^(?:GET|POST|PUT|PATCH|DELETE) /[A-Za-z0-9_{}/.-]+$")
_FIELD = re.compile(r"^(?:[A-Z][A-Za-z0-9]*\.)?[a-z_][a-z0-9_]*$")
_VALUE = re.compile(r"^[a-z_][a-z0-9_]*(?:\[\])?(?:\.[a-z_][a-z0-9_]*(?:\[\])?)*=[A-Za-z0-9_.-]+$")
_NOTATION: dict[Kind, tuple[re.Pattern[str], ...]] = {
    Kind.FIELD: (_FIELD,),
    Kind.ENDPOINT: (_ENDPOINT,),
    Kind.ENUM_VALUE: (_VALUE,),
    Kind.REMOVED_VALUE: (_VALUE,),
    Kind.BREAKING_CHANGE: (_FIELD, _ENDPOINT, _VALUE),
}
_NOTATION_HINT = {
    Kind.FIELD: "Owner.field or field",
    Kind.ENDPOINT: "METHOD /path/{param}",
    Kind.ENUM_VALUE: "field.path=value",
    Kind.REMOVED_VALUE: "field.path=value",
    Kind.BREAKING_CHANGE: "a field, endpoint or value notation",
}

Text = Annotated[str, Field(min_length=1)]


class CatalogError(MonitorError):
    """The bundled catalog is malformed: a packaging bug, not a user mistake."""


class CatalogEntry(BaseModel):
    """One catalog entry as written in the data file."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: Annotated[str, Field(pattern=_ID)]
    kind: Kind
    action: Action
    surface: Text
    items: Annotated[tuple[Text, ...], Field(min_length=1)]
    title: Text
    description: Text
    source_url: Text
    announced_on: date | None = None
    effective_on: date | None = None
    replacement: str | None = None
    shared_with_live: bool = False
    needs_review: bool = False
    review_reason: str | None = None
    operation: str | None = None
    notes: str | None = None

    @model_validator(mode="after")
    def _consistent(self) -> CatalogEntry:
        if not self.source_url.startswith("/") or "://" in self.source_url:
            raise ValueError("source_url must be a path relative to the docs base, like /connect/…")
        patterns = _NOTATION[self.kind]
        for item in self.items:
            if not any(p.match(item) for p in patterns):
                raise ValueError(f"item {item!r} does not follow {_NOTATION_HINT[self.kind]}")
        if len(set(self.items)) != len(self.items):
            raise ValueError("items repeat")
        if self.announced_on and self.effective_on and self.effective_on < self.announced_on:
            raise ValueError("effective_on is before announced_on")
        if self.needs_review != bool(self.review_reason):
            raise ValueError("needs_review and review_reason go together")
        if self.operation is not None and self.kind is not Kind.ENDPOINT:
            raise ValueError("only endpoint entries name an operation")
        if self.shared_with_live and self.kind is not Kind.ENDPOINT:
            raise ValueError("shared_with_live only applies to endpoints")
        return self


class CatalogFile(BaseModel):
    model_config = ConfigDict(extra="forbid")

    version: int
    as_of: date
    date_note: Text
    entries: list[dict[str, Any]]


def read_catalog_text() -> str:
    """The packaged data file, found through the import system so wheels work too."""
    return resources.files(__package__).joinpath(CATALOG_RESOURCE).read_text(encoding="utf-8")


def load_catalog(base_url: str) -> list[tuple[str, DeprecationRecord]]:
    """The bundled catalog's ids and records, with source URLs made absolute."""
    return parse_catalog(read_catalog_text(), base_url)


def parse_catalog(
    text: str, base_url: str, name: str = CATALOG_RESOURCE
) -> list[tuple[str, DeprecationRecord]]:
    """Validate catalog JSON and turn it into records; errors name the broken entry."""
    try:
        raw = json.loads(text)
    except json.JSONDecodeError as exc:
        raise CatalogError(f"{name}: not valid JSON ({exc})") from exc
    try:
        catalog = CatalogFile.model_validate(raw)
    except ValidationError as exc:
        raise CatalogError(f"{name}: {_first_problem(exc)}") from exc
    if catalog.version != CATALOG_VERSION:
        raise CatalogError(f"{name}: version {catalog.version} is not {CATALOG_VERSION}")
    result: list[tuple[str, DeprecationRecord]] = []
    seen: set[str] = set()
    for index, data in enumerate(catalog.entries):
        label = str(data.get("id") or f"#{index + 1}")
        try:
            entry = CatalogEntry.model_validate(data)
        except ValidationError as exc:
            raise CatalogError(f"{name}: entry {label}: {_first_problem(exc)}") from exc
        if entry.id in seen:
            raise CatalogError(f"{name}: entry {label}: id used twice")
        seen.add(entry.id)
        result.append((entry.id, to_record(entry, catalog.as_of, base_url)))
    return result


def to_record(entry: CatalogEntry, as_of: date, base_url: str) -> DeprecationRecord:
    """Undated entries take the catalog's own date; ``extra`` records which applied."""
    extra = {"catalog_id": entry.id, "description": entry.description}
    extra["date_basis"] = "entry" if entry.announced_on else "catalog_as_of"
    if entry.operation:
        extra["operation"] = entry.operation
    if entry.notes:
        extra["notes"] = entry.notes
    return DeprecationRecord(
        kind=entry.kind,
        action=entry.action,
        surface=entry.surface,
        items=entry.items,
        title=entry.title,
        origin=Origin.CATALOG,
        source_url=urljoin(base_url.rstrip("/") + "/", entry.source_url.lstrip("/")),
        announced_on=entry.announced_on or as_of,
        announced_on_source=AnnouncedOnSource.CATALOG,
        effective_on=entry.effective_on,
        replacement=entry.replacement,
        needs_review=entry.needs_review,
        review_reason=entry.review_reason,
        shared_with_live=entry.shared_with_live,
        extra=extra,
    )


def _first_problem(exc: ValidationError) -> str:
    error = exc.errors()[0]
    where = ".".join(str(part) for part in error["loc"])
    message = error["msg"].removeprefix("Value error, ")
    return f"{where}: {message}" if where else message
