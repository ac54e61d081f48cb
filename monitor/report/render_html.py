"""One self-contained HTML page: inline CSS and SVG, no scripts, no external assets.

Rendered with Jinja2 (autoescape on) from templates shipped in the package, so anything
that came from the docs or from code is escaped; only the SVG made by
:mod:`monitor.report.svg` (which escapes its own text) is inserted as markup.
"""

from __future__ import annotations

from functools import cache

from jinja2 import Environment, PackageLoader, StrictUndefined
from markupsafe import Markup

from monitor.notify.message import safe_url
from monitor.report import fmt, svg
from monitor.report.model import WeeklyReport


@cache
def _environment() -> Environment:
    return Environment(
        loader=PackageLoader("monitor.report", "templates"),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )


def render_html(report: WeeklyReport) -> str:
    template = _environment().get_template("report.html.j2")
    return template.render(
        report=report,
        fmt=fmt,
        href=safe_url,  # only http(s) links; never javascript: or data:
        limit=fmt.LIST_LIMIT,
        timeline_svg=Markup(svg.timeline(report.deprecations, report.today)),
        trend_svg=Markup(svg.trend(report.trend)),
    )
