"""Dates as the docs write them, and the explicit deadlines hidden in entry text.

Headings and sentences use many spellings ("Sept 3, 2025", "March 3rd, 2025",
"2025-03-03", "3 March 2025"); recognising all of them is what keeps a changelog
entry from silently losing its announcement date.
"""

from __future__ import annotations

import re
from datetime import date

_MONTHS: dict[str, int] = {}
for _number, _names in enumerate(
    (
        ("jan", "january"),
        ("feb", "february"),
        ("mar", "march"),
        ("apr", "april"),
        ("may",),
        ("jun", "june"),
        ("jul", "july"),
        ("aug", "august"),
        ("sep", "sept", "september"),
        ("oct", "october"),
        ("nov", "november"),
        ("dec", "december"),
    ),
    start=1,
):
    for _name in _names:
        _MONTHS[_name] = _number

_MONTH = (
    r"(?P<{g}>jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?"
    r"|sept?(?:ember)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?"
)
_ORD = r"(?:st|nd|rd|th)?"
_DATE_RE = re.compile(
    r"\b(?:"
    + r"(?P<iy>\d{4})[-/](?P<im>\d{1,2})[-/](?P<id>\d{1,2})"
    + r"|"
    + _MONTH.format(g="mm")
    + r"\s+(?P<md>\d{1,2})"
    + _ORD
    + r"(?:,?\s+(?P<my>\d{4}))?"
    + r"|"
    + r"(?P<dd>\d{1,2})"
    + _ORD
    + r"\s+(?:of\s+)?"
    + _MONTH.format(g="dm")
    + r",?\s+(?P<dy>\d{4})"
    + r")(?![\w-])",
    re.IGNORECASE,
)

# Words that, right before a date, make it a deadline rather than a mention.
_CUE_RE = re.compile(
    r"(?:\b(?:starting|beginning|effective|from|as of|until|till|through|after|before|by|"
    r"no later than|on or after|(?:sunset|removal|retirement|end[- ]of[- ]life|cut-?off|"
    r"shutdown|effective) date(?: is)?)"
    r"|\b(?:removed|retired|sunset|sunsetted|discontinued|disabled|deleted|deprecated|"
    r"shut down|turned off|rejected|enforced|required|unsupported|stop(?:s|ped)? working|"
    r"no longer (?:be )?\w+)\b[^.;:]{0,40}?\b(?:on|after|by|from|as of))"
    r"\s*(?:on\s+|from\s+|the\s+)?[:,]?\s*$",
    re.IGNORECASE,
)
_CUE_WINDOW = 90


def _build(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None


def _from_match(match: re.Match[str], reference: date | None) -> date | None:
    """Turn one regex match into a date; a missing year comes from ``reference``."""
    if match.group("iy"):
        return _build(int(match["iy"]), int(match["im"]), int(match["id"]))
    if match.group("mm"):
        month = _MONTHS[match["mm"].lower().rstrip(".")]
        day = int(match["md"])
        if match.group("my"):
            return _build(int(match["my"]), month, day)
        if reference is None:
            return None
        # A year-less deadline is the next such day on or after the announcement.
        found = _build(reference.year, month, day)
        if found is not None and found < reference:
            found = _build(reference.year + 1, month, day)
        return found
    month = _MONTHS[match["dm"].lower().rstrip(".")]
    return _build(int(match["dy"]), month, int(match["dd"]))


def parse_date(text: str) -> date | None:
    """The date that ``text`` consists of (surrounding spaces and punctuation allowed)."""
    cleaned = text.strip().strip(" .,:;()[]\u200b")
    match = _DATE_RE.fullmatch(cleaned)
    if match is None:
        return None
    return _from_match(match, None)


def find_dates(text: str) -> list[tuple[int, int, date]]:
    """Every full date (with a year) in ``text`` as ``(start, end, date)``."""
    found: list[tuple[int, int, date]] = []
    for match in _DATE_RE.finditer(text):
        value = _from_match(match, None)
        if value is not None:
            found.append((match.start(), match.end(), value))
    return found


_HEADING_NOISE_RE = re.compile(
    r"\b(?:breaking(?: changes?)?|release(?:d)?(?: notes)?|update[sd]?|changes?|"
    r"week of|version|v?\d+(?:\.\d+)+|on|new|and)\b|[-–—:|()\[\]•·,.!🚨⚠️\s\u200b]",
    re.IGNORECASE,
)


def parse_heading_date(text: str) -> date | None:
    """The date a changelog heading stands for, or None for any other heading.

    Allows a few label words around the date ("May 12, 2026 - Breaking change",
    "Release of 2025-03-03") but not prose: a heading that only mentions a date
    in a sentence is a section title, not an entry heading.
    """
    dates = find_dates(text)
    if len(dates) != 1:
        return None
    start, end, value = dates[0]
    rest = _HEADING_NOISE_RE.sub("", text[:start] + " " + text[end:])
    return value if len(rest) <= 3 else None


def find_effective_date(text: str, reference: date | None = None) -> date | None:
    """The first date in ``text`` introduced as a deadline ("starting ...", "until ...").

    ``reference`` (the entry's own date) lets "starting June 9" borrow a year; a
    date that is only mentioned ("the March 3, 2025 release") is not a deadline.
    """
    for match in _DATE_RE.finditer(text):
        before = text[max(0, match.start() - _CUE_WINDOW) : match.start()]
        if not _CUE_RE.search(before):
            continue
        value = _from_match(match, reference)
        if value is not None:
            return value
    return None
