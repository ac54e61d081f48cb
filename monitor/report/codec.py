"""Report model <-> JSON values, driven by the dataclass type hints.

Stored reports are read back through :func:`from_json_dict`, so a past week renders from
exactly what was stored rather than from today's data.
"""

from __future__ import annotations

import dataclasses
import types
import typing
from datetime import date, datetime
from functools import cache
from typing import Any

from monitor.jsonvalues import to_jsonable
from monitor.report import model


def to_json_dict(report: model.WeeklyReport) -> dict[str, Any]:
    value = to_jsonable(report)
    assert isinstance(value, dict)
    return value


def from_json_dict(data: dict[str, Any]) -> model.WeeklyReport:
    version = data.get("schema_version")
    if version != model.SCHEMA_VERSION:
        raise ValueError(
            f"stored report has schema_version {version!r}; "
            f"this version reads {model.SCHEMA_VERSION}"
        )
    return _decode(model.WeeklyReport, data)


@cache
def _hints(cls: type) -> dict[str, Any]:
    return typing.get_type_hints(cls, vars(model))


def _decode(hint: Any, value: Any) -> Any:
    origin = typing.get_origin(hint)
    if origin in (typing.Union, types.UnionType):
        if value is None:
            return None
        (inner,) = [a for a in typing.get_args(hint) if a is not type(None)]
        return _decode(inner, value)
    if origin is list:
        (inner,) = typing.get_args(hint)
        return [_decode(inner, v) for v in value]
    if origin is dict:
        return dict(value)
    if isinstance(hint, type) and dataclasses.is_dataclass(hint):
        hints = _hints(hint)
        known = {f.name for f in dataclasses.fields(hint)}
        return hint(**{k: _decode(hints[k], v) for k, v in value.items() if k in known})
    if hint is datetime:
        return datetime.fromisoformat(value)
    if hint is date:
        return date.fromisoformat(value)
    return value
