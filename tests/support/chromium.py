"""Headless Chromium for render tests: screenshot a local page and collect console errors.

Tests using it are marked ``chromium`` and skip when no browser is installed (CI may not
have one). Set ``CHROMIUM_BIN`` to use a browser outside ``PATH``.
"""

from __future__ import annotations

import os
import shutil
import struct
import subprocess
from dataclasses import dataclass
from pathlib import Path

CANDIDATES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
_ERROR_MARKERS = ("Uncaught", "ERROR:CONSOLE", "Failed to load resource")


def find_chromium() -> str | None:
    configured = os.environ.get("CHROMIUM_BIN")
    if configured:
        return configured if Path(configured).exists() else None
    return next((found for name in CANDIDATES if (found := shutil.which(name))), None)


@dataclass(frozen=True)
class Rendered:
    png: Path
    returncode: int
    stderr: str

    @property
    def console_errors(self) -> list[str]:
        """Console lines that report a script error or a resource that failed to load."""
        return [
            line
            for line in self.stderr.splitlines()
            if "CONSOLE" in line and any(marker in line for marker in _ERROR_MARKERS)
        ]

    def size(self) -> tuple[int, int]:
        """Width and height from the PNG header."""
        header = self.png.read_bytes()[:24]
        if header[:8] != b"\x89PNG\r\n\x1a\n":
            raise ValueError(f"{self.png} is not a PNG")
        width, height = struct.unpack(">II", header[16:24])
        return width, height


def screenshot(
    browser: str,
    page: Path,
    png: Path,
    profile: Path,
    *,
    width: int = 1200,
    height: int = 1600,
    timeout: float = 90,
) -> Rendered:
    """Load ``page`` offline-ish (no background traffic, fresh profile) and save a PNG."""
    command = [
        browser,
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-extensions",
        "--no-first-run",
        "--no-default-browser-check",
        "--hide-scrollbars",
        f"--user-data-dir={profile}",
        "--enable-logging=stderr",
        "--v=0",
        f"--window-size={width},{height}",
        f"--screenshot={png}",
        page.resolve().as_uri(),
    ]
    proc = subprocess.run(
        command,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
        stdin=subprocess.DEVNULL,
    )
    return Rendered(png=png, returncode=proc.returncode, stderr=proc.stderr)
