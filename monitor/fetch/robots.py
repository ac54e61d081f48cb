"""robots.txt, fetched once per host per run and applied to every URL on that host.

Parsed with Protego (Scrapy's parser), which applies RFC 9309's longest-match rule; the
standard library's parser takes the first matching line instead and would let
``Allow: /`` override a later ``Disallow: /search``. A missing robots.txt (4xx) allows
everything; one that cannot be read (5xx, network failure) means "disallow all" until
it can, as RFC 9309 asks.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from protego import Protego

if TYPE_CHECKING:
    from monitor.fetch.result import FetchResult


class RobotsCache:
    def __init__(self, fetch: Callable[[str], FetchResult], user_agent: str) -> None:
        self._fetch = fetch
        self._agent = user_agent.split("/", maxsplit=1)[0]
        self._rules: dict[str, Protego | str | None] = {}
        self._lock = threading.Lock()

    def refusal(self, url: str) -> str | None:
        """Why robots.txt forbids this URL, or None when it may be fetched."""
        parts = urlsplit(url)
        origin = f"{parts.scheme}://{parts.netloc}"
        with self._lock:
            if origin not in self._rules:
                self._rules[origin] = self._load(origin)
            rules = self._rules[origin]
        if isinstance(rules, str):
            return rules
        if rules is not None and not rules.can_fetch(url, self._agent):
            return f"{url}: disallowed by {origin}/robots.txt"
        return None

    def _load(self, origin: str) -> Protego | str | None:
        robots_url = origin + "/robots.txt"
        result = self._fetch(robots_url)
        if result.body is not None:
            return Protego.parse(result.body.decode("utf-8", errors="replace"))
        if result.http_status is not None and 400 <= result.http_status < 500:
            return None  # no robots.txt: everything allowed
        return f"{robots_url} could not be read ({result.error}); not fetching (RFC 9309)"
