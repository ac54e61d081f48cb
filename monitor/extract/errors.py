"""Typed failures of extraction, so the caller can turn them into parser-canary alerts."""

from __future__ import annotations

from monitor.errors import MonitorError


class ExtractionError(MonitorError):
    """Base class: the docs no longer look the way the extractor expects."""


class UnrecognisedPage(ExtractionError):
    """A page lacks the structure we parse; the site's markup probably changed."""

    def __init__(self, url: str, reason: str) -> None:
        super().__init__(f"{url}: {reason}")
        self.url = url
        self.reason = reason


class SitemapError(ExtractionError):
    """The sitemap is not well-formed XML or is not a sitemap at all."""
