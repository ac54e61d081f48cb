"""What a scrape did, for the CLI, the logs and the job-run history."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any


@dataclass
class ScrapeSummary:
    pages_fetched: int = 0
    pages_not_modified: int = 0
    pages_failed: int = 0
    requests: int = 0
    bytes_received: int = 0
    extracted: bool = False
    entries_new: int = 0
    entries_changed: int = 0
    entries_disappeared: int = 0
    deprecations_new: int = 0
    deprecations_updated: int = 0
    deprecations_disappeared: int = 0
    deprecations_reappeared: int = 0
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems

    def as_dict(self) -> dict[str, Any]:
        return {**asdict(self), "ok": self.ok}

    def describe(self) -> str:
        return (
            f"pages: {self.pages_fetched} fetched, {self.pages_not_modified} not modified, "
            f"{self.pages_failed} failed ({self.requests} requests, {self.bytes_received} bytes); "
            f"entries: {self.entries_new} new, {self.entries_changed} changed; "
            f"deprecations: {self.deprecations_new} new, {self.deprecations_updated} updated, "
            f"{self.deprecations_disappeared} disappeared"
        )
