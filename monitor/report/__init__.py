"""The weekly deprecation report: query, pure build, and Markdown/HTML/JSON/Slack output."""

from monitor.report.build import build_report
from monitor.report.codec import from_json_dict, to_json_dict
from monitor.report.model import SCHEMA_VERSION, WeeklyReport
from monitor.report.render import FORMATS, render
from monitor.report.weeks import IsoWeek, parse_week, week_of

__all__ = [
    "FORMATS",
    "SCHEMA_VERSION",
    "IsoWeek",
    "WeeklyReport",
    "build_report",
    "from_json_dict",
    "parse_week",
    "render",
    "to_json_dict",
    "week_of",
]
