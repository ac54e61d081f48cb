"""Inline SVG charts drawn by hand: no JavaScript, no external assets, every text escaped.

The charts carry their scale in ``data-*`` attributes so tests (and curious readers) can
check that a bar sits where its dates say it should.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from markupsafe import escape

from monitor.notify.message import truncate
from monitor.report.model import DeprecationRow, TrendPoint

URGENCY_COLOURS = {
    "closed": "#7f1d1d",
    "under_30_days": "#dc2626",
    "under_90_days": "#d97706",
    "later": "#2563eb",
}
URGENCY_LABELS = {
    "closed": "window closed",
    "under_30_days": "closes in < 30 days",
    "under_90_days": "closes in < 90 days",
    "later": "closes later",
}
FONT = "font-family=\"system-ui, -apple-system, 'Segoe UI', Roboto, Arial, sans-serif\""
LABEL_CHARS = 40


@dataclass(frozen=True, slots=True)
class DateScale:
    """Maps days onto x pixels, linearly, between two dates."""

    start: date
    end: date
    left: float
    width: float

    def x(self, day: date) -> float:
        span = max((self.end - self.start).days, 1)
        return round(self.left + (day - self.start).days / span * self.width, 2)


def timeline_scale(
    rows: Sequence[DeprecationRow], today: date, left: float, width: float
) -> DateScale:
    """From the first of the month of the earliest date to the first of the month after the last."""
    earliest = min([today, *(r.announced_on for r in rows)])
    latest = max([today, *(r.window_closes_on for r in rows)])
    start = earliest.replace(day=1)
    end = _next_month(latest)
    return DateScale(start, end, left, width)


def _next_month(day: date) -> date:
    return (day.replace(day=28) + timedelta(days=4)).replace(day=1)


def _month_ticks(scale: DateScale, min_gap: float = 72.0) -> list[date]:
    """Month starts, thinned so labels stay at least ``min_gap`` pixels apart."""
    months = []
    day = scale.start
    while day <= scale.end:
        months.append(day)
        day = _next_month(day)
    per_month = scale.width / max(len(months) - 1, 1)
    step = max(1, math.ceil(min_gap / per_month))
    if step > 1:  # keep whole quarters or half-years when thinning
        step = next(s for s in (2, 3, 6, 12, 24, 48) if s >= step) if step <= 48 else step
    return months[::step]


def timeline(rows: Sequence[DeprecationRow], today: date, width: int = 960) -> str:
    """Each deprecation's support window as a bar from announcement to close."""
    if not rows:
        return _empty(width, "No active deprecations.")
    label_width, right_pad, top, row_height, bottom = 290, 24, 34, 20, 44
    scale = timeline_scale(rows, today, label_width, width - label_width - right_pad)
    height = top + row_height * len(rows) + bottom
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart timeline" role="img"'
        f' width="{width}" height="{height}" viewBox="0 0 {width} {height}" {FONT} font-size="12"'
        f' data-domain-start="{scale.start.isoformat()}" data-domain-end="{scale.end.isoformat()}"'
        f' data-plot-left="{scale.left}" data-plot-width="{scale.width}">',
        "<title>Support windows of active deprecations</title>",
    ]
    plot_bottom = top + row_height * len(rows)
    for tick in _month_ticks(scale):
        x = scale.x(tick)
        out.append(
            f'<line x1="{x}" y1="{top - 6}" x2="{x}" y2="{plot_bottom}" stroke="#e5e7eb"/>'
            f'<text x="{x}" y="{top - 12}" text-anchor="middle" fill="#4b5563">'
            f"{tick.strftime('%b %Y')}</text>"
        )
    for n, row in enumerate(rows):
        y = top + n * row_height
        label = ", ".join(row.items) or row.title
        x0, x1 = scale.x(row.announced_on), scale.x(row.window_closes_on)
        colour = URGENCY_COLOURS.get(row.urgency, "#6b7280")
        tip = (
            f"{label} ({row.surface}): {row.announced_on.isoformat()} to "
            f"{row.window_closes_on.isoformat()}, {row.days_left} days left"
        )
        out.append(
            f'<text x="{label_width - 8}" y="{y + 14}" text-anchor="end" fill="#111827">'
            f"{escape(truncate(label, LABEL_CHARS))}<title>{escape(tip)}</title></text>"
            f'<rect class="bar {escape(row.urgency)}" x="{x0}" y="{y + 4}"'
            f' width="{max(round(x1 - x0, 2), 1.5)}" height="{row_height - 8}" rx="2"'
            f' fill="{colour}" data-deprecation-id="{row.id}"'
            f' data-announced="{row.announced_on.isoformat()}"'
            f' data-closes="{row.window_closes_on.isoformat()}">'
            f"<title>{escape(tip)}</title></rect>"
        )
    today_x = scale.x(today)
    out.append(
        f'<line class="today" x1="{today_x}" y1="{top - 4}" x2="{today_x}" y2="{plot_bottom + 4}"'
        f' stroke="#111827" stroke-width="2" stroke-dasharray="4 3"'
        f' data-date="{today.isoformat()}"/>'
        f'<text x="{today_x}" y="{plot_bottom + 18}" text-anchor="middle" font-weight="bold"'
        f' fill="#111827">today {today.isoformat()}</text>'
    )
    out.append(_legend(label_width, plot_bottom + 30))
    out.append("</svg>")
    return "".join(out)


def _legend(x: float, y: float) -> str:
    parts = []
    for urgency, colour in URGENCY_COLOURS.items():
        parts.append(
            f'<rect x="{x}" y="{y}" width="12" height="12" rx="2" fill="{colour}"/>'
            f'<text x="{x + 17}" y="{y + 10}" fill="#374151">{URGENCY_LABELS[urgency]}</text>'
        )
        x += 160
    return f'<g class="legend">{"".join(parts)}</g>'


def _nice_max(value: int) -> int:
    """A round axis maximum at or above ``value`` (1, 2, 5 times a power of ten)."""
    if value <= 0:
        return 1
    power = 10 ** math.floor(math.log10(value))
    for factor in (1, 2, 5, 10):
        if factor * power >= value:
            return factor * power
    return 10 * power


def trend(points: Sequence[TrendPoint], width: int = 960, height: int = 240) -> str:
    """Open uses per week as bars; a week without any scan says so instead of showing zero."""
    if not points:
        return _empty(width, "No weeks to show.")
    left, right, top, bottom = 56, 16, 20, 40
    plot_w, plot_h = width - left - right, height - top - bottom
    top_value = _nice_max(max((p.open_uses or 0) for p in points))
    slot = plot_w / len(points)
    bar_w = round(slot * 0.62, 2)
    base = top + plot_h
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart trend" role="img"'
        f' width="{width}" height="{height}" viewBox="0 0 {width} {height}" {FONT} font-size="12"'
        f' data-y-max="{top_value}">',
        "<title>Open uses per week</title>",
    ]
    for step in range(5):
        value = top_value * step / 4
        y = round(base - plot_h * step / 4, 2)
        shown = f"{value:,.0f}" if value == int(value) else f"{value:,.1f}"
        out.append(
            f'<line x1="{left}" y1="{y}" x2="{width - right}" y2="{y}" stroke="#e5e7eb"/>'
            f'<text x="{left - 6}" y="{y + 4}" text-anchor="end" fill="#4b5563">{shown}</text>'
        )
    for n, point in enumerate(points):
        cx = left + slot * n + slot / 2
        x = round(cx - bar_w / 2, 2)
        week_label = escape(point.week.split("-")[-1])
        out.append(
            f'<text x="{round(cx, 2)}" y="{base + 16}" text-anchor="middle" fill="#4b5563">'
            f"{week_label}</text>"
        )
        if point.open_uses is None:
            out.append(
                f'<text class="no-scan" x="{round(cx, 2)}" y="{base - 6}" text-anchor="middle"'
                f' fill="#9ca3af" font-size="10">no scan</text>'
            )
            continue
        bar_h = round(plot_h * point.open_uses / top_value, 2)
        out.append(
            f'<rect class="bar" x="{x}" y="{round(base - bar_h, 2)}" width="{bar_w}"'
            f' height="{bar_h}" fill="#2563eb" data-week="{escape(point.week)}"'
            f' data-open-uses="{point.open_uses}"><title>{escape(point.week)}:'
            f" {point.open_uses:,} open uses</title></rect>"
            f'<text x="{round(cx, 2)}" y="{round(base - bar_h - 4, 2)}" text-anchor="middle"'
            f' fill="#111827" font-size="11">{point.open_uses:,}</text>'
        )
    out.append(
        f'<line x1="{left}" y1="{base}" x2="{width - right}" y2="{base}" stroke="#9ca3af"/></svg>'
    )
    return "".join(out)


def _empty(width: int, message: str) -> str:
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart empty" width="{width}" height="40"'
        f' viewBox="0 0 {width} 40" {FONT} font-size="13">'
        f'<text x="8" y="24" fill="#4b5563">{escape(message)}</text></svg>'
    )
