"""The HTML report in a real browser: it renders to a sensible PNG with no console errors.

Skipped when Chromium is not installed (Debian: `apt-get install chromium`).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from monitor.report.service import make_request, obtain, text_of
from monitor.store.database import Database
from tests.support.chromium import find_chromium, screenshot
from tests.support.report_seed import NOW, WEEK

BROWSER = find_chromium()
pytestmark = [
    pytest.mark.chromium,
    pytest.mark.slow,
    pytest.mark.skipif(BROWSER is None, reason="Chromium is not installed (set CHROMIUM_BIN)"),
]


def test_the_report_renders_without_console_errors(tmp_path: Path, seeded_db: Database) -> None:
    assert BROWSER is not None
    obtained = obtain(seeded_db, make_request(WEEK, NOW), trend_weeks=12)
    page = tmp_path / "report.html"
    page.write_text(text_of(seeded_db, obtained, "html"), encoding="utf-8")
    shot = screenshot(BROWSER, page, tmp_path / "report.png", tmp_path / "profile")
    assert shot.returncode == 0, shot.stderr[-2000:]
    assert shot.console_errors == []
    assert shot.size() == (1200, 1600)
    # A blank or broken page compresses to a few kilobytes; charts and tables do not.
    assert shot.png.stat().st_size > 40_000


def test_the_console_check_catches_a_broken_page(tmp_path: Path) -> None:
    """Proves the check above can fail: a throwing script is reported."""
    assert BROWSER is not None
    page = tmp_path / "broken.html"
    page.write_text(
        "<!DOCTYPE html><html><body><p>x</p><script>throw new Error('boom')</script></body></html>",
        encoding="utf-8",
    )
    shot = screenshot(BROWSER, page, tmp_path / "broken.png", tmp_path / "profile", height=200)
    assert any("boom" in line for line in shot.console_errors), shot.stderr[-2000:]
