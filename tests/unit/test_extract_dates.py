"""Date spellings seen on docs pages, heading recognition and deadline phrases."""

from __future__ import annotations

from datetime import date

import pytest

from monitor.extract.dates import find_effective_date, parse_date, parse_heading_date


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("May 12, 2026", date(2026, 5, 12)),
        ("Mar 3, 2025", date(2025, 3, 3)),
        ("Sept 3, 2025", date(2025, 9, 3)),
        ("Sep. 30, 2025", date(2025, 9, 30)),
        ("March 3rd, 2025", date(2025, 3, 3)),
        ("November 21st 2024", date(2024, 11, 21)),
        ("2025-03-03", date(2025, 3, 3)),
        ("3 March 2025", date(2025, 3, 3)),
        ("22nd of February, 2025", date(2025, 2, 22)),
        ("  June 9, 2026. ", date(2026, 6, 9)),
        ("February 30, 2025", None),
        ("Overview", None),
        ("2025", None),
        ("May 12", None),
        ("Released May 12, 2026 with fixes", None),
    ],
)
def test_parse_date(text: str, expected: date | None) -> None:
    assert parse_date(text) == expected


@pytest.mark.parametrize(
    ("heading", "expected"),
    [
        ("May 12, 2026", date(2026, 5, 12)),
        ("May 12, 2026 - Breaking change", date(2026, 5, 12)),
        ("2024-10-25 (v2.3)", date(2024, 10, 25)),
        ("Week of 3 March 2025", date(2025, 3, 3)),
        ("2025", None),
        ("Overview", None),
        ("Last updated on May 13, 2026 by Docs Team", None),
        ("Changes between May 1, 2025 and June 1, 2025", None),
        ("What we shipped for partners around the May 12, 2026 launch", None),
    ],
)
def test_parse_heading_date(heading: str, expected: date | None) -> None:
    assert parse_heading_date(heading) == expected


ANNOUNCED = date(2026, 5, 12)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Starting June 9, 2026, numbers must use E.164.", date(2026, 6, 9)),
        ("Requests are rejected from June 9, 2026 onwards.", date(2026, 6, 9)),
        ("This is effective 2026-07-01.", date(2026, 7, 1)),
        ("The field will be removed on 1 September 2026.", date(2026, 9, 1)),
        ("Supported until Nov 30, 2026.", date(2026, 11, 30)),
        ("It will no longer be supported after December 1st, 2026.", date(2026, 12, 1)),
        ("The endpoint will sunset on Jan 15, 2027.", date(2027, 1, 15)),
        ("Sunset date: 2027-02-01.", date(2027, 2, 1)),
        ("Starting June 9, callers must send a full address.", date(2026, 6, 9)),
        ("Beginning March 2 the old value is rejected.", date(2027, 3, 2)),
        ("Added in the March 3, 2025 release alongside other fields.", None),
        ("Removed `currency` from `OrderProperties`.", None),
        ("Deprecated the endpoint.", None),
    ],
)
def test_find_effective_date(text: str, expected: date | None) -> None:
    assert find_effective_date(text, ANNOUNCED) == expected


def test_year_less_deadline_needs_a_reference_date() -> None:
    assert find_effective_date("Starting June 9, phones must use E.164.") is None
