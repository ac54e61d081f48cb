"""The report as JSON for other tools; its shape is ``report.schema.json``."""

from __future__ import annotations

import json
from functools import cache
from importlib import resources
from typing import Any

from monitor.report.codec import to_json_dict
from monitor.report.model import WeeklyReport

SCHEMA_RESOURCE = "report.schema.json"


def render_json(report: WeeklyReport) -> str:
    """Compact: Python's fast JSON encoder only runs without indentation."""
    return json.dumps(to_json_dict(report), ensure_ascii=False) + "\n"


@cache
def json_schema() -> dict[str, Any]:
    """The JSON Schema shipped in the package (draft 2020-12)."""
    text = resources.files("monitor.report").joinpath(SCHEMA_RESOURCE).read_text("utf-8")
    schema: dict[str, Any] = json.loads(text)
    return schema
