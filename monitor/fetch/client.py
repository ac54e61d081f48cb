"""A polite HTTP client for the docs site.

Reads settings ``http.*`` and ``docs.base_url`` / ``docs.allowed_hosts``:
- conditional requests (``If-None-Match`` / ``If-Modified-Since``) so unchanged pages cost
  a 304 and no body;
- retries with exponential backoff and jitter (tenacity) on connection errors, timeouts,
  truncated bodies, 5xx and 429, honouring ``Retry-After`` up to the backoff cap;
- a response size cap enforced while streaming, before the body is held in memory;
- redirects followed by hand, only within the allowed hosts (others are refused and
  reported), and robots.txt honoured per host;
- at most ``concurrency`` requests in flight.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from email.utils import parsedate_to_datetime
from urllib.parse import urljoin

import httpx
from tenacity import (
    RetryCallState,
    Retrying,
    retry_if_exception_type,
    stop_after_attempt,
    wait_exponential_jitter,
)

from monitor.config.settings import HttpSettings
from monitor.fetch.policy import UrlRefused, check_url
from monitor.fetch.result import FetchResult, FetchStatus
from monitor.fetch.robots import RobotsCache

log = logging.getLogger(__name__)

_REDIRECTS = frozenset({301, 302, 303, 307, 308})
_MAX_REDIRECTS = 5


@dataclass(frozen=True, slots=True)
class FetchRequest:
    url: str
    etag: str | None = None
    last_modified: str | None = None


class _Retryable(Exception):
    def __init__(self, message: str, retry_after: float | None = None) -> None:
        super().__init__(message)
        self.retry_after = retry_after


class _Permanent(Exception):
    def __init__(self, message: str, http_status: int | None = None) -> None:
        super().__init__(message)
        self.http_status = http_status


class Fetcher:
    def __init__(
        self,
        settings: HttpSettings,
        hosts: frozenset[str],
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        self.settings = settings
        self.hosts = hosts
        self._client = httpx.Client(
            timeout=httpx.Timeout(settings.timeout_seconds),
            headers={"User-Agent": settings.user_agent, "Accept": "text/html,application/xml"},
            follow_redirects=False,
            transport=transport,
        )
        self.robots = RobotsCache(self._fetch_robots, settings.user_agent)

    def close(self) -> None:
        self._client.close()

    def __enter__(self) -> Fetcher:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()

    def fetch_many(
        self,
        requests: Sequence[FetchRequest],
        on_done: Callable[[FetchResult], None] | None = None,
    ) -> list[FetchResult]:
        """Fetch concurrently (bounded); results come back in request order."""
        with ThreadPoolExecutor(max_workers=self.settings.concurrency) as pool:
            futures = [pool.submit(self.fetch, request) for request in requests]
            results = []
            for future in futures:
                result = future.result()
                if on_done is not None:
                    on_done(result)
                results.append(result)
        return results

    def fetch(self, request: FetchRequest, use_robots: bool = True) -> FetchResult:
        """Never raises for network trouble: a failure is a result with ``error`` set."""
        try:
            check_url(request.url, self.hosts)
            if use_robots and self.settings.respect_robots_txt:
                refusal = self.robots.refusal(request.url)
                if refusal:
                    return _failed(request.url, refusal, attempts=0)
        except UrlRefused as exc:
            return _failed(request.url, str(exc), attempts=0)
        attempts = 0
        try:
            for attempt in self._retrying():
                with attempt:
                    attempts = attempt.retry_state.attempt_number
                    return self._fetch_once(request, attempts)
        except _Retryable as exc:
            return _failed(request.url, f"{exc} (gave up after {attempts} attempts)", attempts)
        except _Permanent as exc:
            return _failed(request.url, str(exc), attempts, exc.http_status)
        raise AssertionError("unreachable")  # pragma: no cover

    def _retrying(self) -> Retrying:
        backoff = wait_exponential_jitter(
            multiplier=self.settings.backoff_base_seconds,
            max=self.settings.backoff_max_seconds,
            jitter=self.settings.backoff_base_seconds,
        )
        cap = self.settings.backoff_max_seconds

        attempts_exhausted = stop_after_attempt(self.settings.max_retries + 1)

        def retry_after(state: RetryCallState) -> float:
            error = state.outcome.exception() if state.outcome else None
            return getattr(error, "retry_after", None) or 0.0

        def wait(state: RetryCallState) -> float:
            return min(max(backoff(state), retry_after(state)), cap)

        def stop(state: RetryCallState) -> bool:
            # A server asking for more patience than we allow is retried on the next run.
            return attempts_exhausted(state) or retry_after(state) > cap

        return Retrying(
            retry=retry_if_exception_type(_Retryable),
            stop=stop,
            wait=wait,
            reraise=True,
            before_sleep=lambda s: log.info(
                "retrying fetch",
                extra={"attempt": s.attempt_number, "error": str(s.outcome.exception())}
                if s.outcome
                else {},
            ),
        )

    def _fetch_once(self, request: FetchRequest, attempt: int) -> FetchResult:
        url = request.url
        headers = {}
        if request.etag:
            headers["If-None-Match"] = request.etag
        if request.last_modified:
            headers["If-Modified-Since"] = request.last_modified
        for _ in range(_MAX_REDIRECTS + 1):
            try:
                with self._client.stream("GET", url, headers=headers) as response:
                    if response.status_code in _REDIRECTS:
                        url = self._redirect_target(url, response)
                        continue
                    return self._read(url, response, attempt)
            except httpx.TimeoutException as exc:
                raise _Retryable(f"{url}: timed out ({type(exc).__name__})") from None
            except httpx.TransportError as exc:
                raise _Retryable(f"{url}: {type(exc).__name__}: {exc}") from None
        raise _Permanent(f"{request.url}: more than {_MAX_REDIRECTS} redirects")

    def _redirect_target(self, url: str, response: httpx.Response) -> str:
        location = response.headers.get("location")
        if not location:
            raise _Permanent(f"{url}: HTTP {response.status_code} without a Location header")
        target = urljoin(url, location)
        try:
            check_url(target, self.hosts)
        except UrlRefused as exc:
            raise _Permanent(f"{url}: redirect refused: {exc}", response.status_code) from None
        return target

    def _read(self, url: str, response: httpx.Response, attempt: int) -> FetchResult:
        code = response.status_code
        if code == 304:
            return FetchResult(url, FetchStatus.NOT_MODIFIED, 304, attempts=attempt)
        if code == 429 or code >= 500:
            retry_after = parse_retry_after(response.headers.get("retry-after"))
            raise _Retryable(f"{url}: HTTP {code}", retry_after)
        if code >= 400 or code < 200:
            raise _Permanent(f"{url}: HTTP {code}", code)
        cap = self.settings.max_response_bytes
        declared = response.headers.get("content-length")
        if declared and declared.isdigit() and int(declared) > cap:
            raise _Permanent(
                f"{url}: response of {declared} bytes exceeds the {cap}-byte cap", code
            )
        chunks: list[bytes] = []
        received = 0
        for chunk in response.iter_bytes():
            received += len(chunk)
            if received > cap:
                raise _Permanent(f"{url}: response exceeds the {cap}-byte cap", code)
            chunks.append(chunk)
        return FetchResult(
            url,
            FetchStatus.OK,
            code,
            body=b"".join(chunks),
            etag=response.headers.get("etag"),
            last_modified=response.headers.get("last-modified"),
            bytes_received=received,
            attempts=attempt,
        )

    def _fetch_robots(self, robots_url: str) -> FetchResult:
        return self.fetch(FetchRequest(robots_url), use_robots=False)


def _failed(url: str, error: str, attempts: int, http_status: int | None = None) -> FetchResult:
    log.warning("fetch failed", extra={"url": url, "error": error})
    return FetchResult(url, FetchStatus.FAILED, http_status, attempts=attempts, error=error)


def parse_retry_after(value: str | None, now: float | None = None) -> float | None:
    """Seconds to wait from a Retry-After header (delta-seconds or an HTTP date)."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, when.timestamp() - (time.time() if now is None else now))
