"""Python values -> plain JSON values, shared by CLI output and the stored weekly report.

Kept free of click and of the report model so either side can use it without the other.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from datetime import date
from functools import cache
from typing import Any


def to_jsonable(value: Any) -> Any:
    """Dates as ISO text, dataclasses as dicts of their fields, containers as lists/dicts."""
    if value is None or isinstance(value, str | int | float):  # bool is an int; fast path first
        return value
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {name: to_jsonable(getattr(value, name)) for name in _field_names(type(value))}
    if isinstance(value, date):  # datetime is a date too
        return value.isoformat()
    if isinstance(value, list | tuple | set | frozenset):
        return [to_jsonable(v) for v in value]
    if isinstance(value, Mapping):
        return {str(k): to_jsonable(v) for k, v in value.items()}
    return value


@cache
def _field_names(cls: type) -> tuple[str, ...]:
    """Real fields only (no ClassVar), looked up once per class: reports hold many rows."""
    return tuple(field.name for field in dataclasses.fields(cls))
