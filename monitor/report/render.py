"""One entry point for every output format."""

from __future__ import annotations

import json

from monitor.report.model import WeeklyReport
from monitor.report.render_html import render_html
from monitor.report.render_json import render_json
from monitor.report.render_md import render_markdown
from monitor.report.render_slack import render_slack

FORMATS = ("markdown", "html", "json", "slack")


def render(report: WeeklyReport, output_format: str) -> str:
    """The report as text; ``slack`` gives the Block Kit payload as JSON."""
    if output_format == "markdown":
        return render_markdown(report)
    if output_format == "html":
        return render_html(report)
    if output_format == "json":
        return render_json(report)
    if output_format == "slack":
        message = render_slack(report)
        payload = {"text": message.text, "blocks": message.blocks}
        return json.dumps(payload, indent=2, ensure_ascii=False) + "\n"
    raise ValueError(f"unknown report format {output_format!r}; expected one of {FORMATS}")
