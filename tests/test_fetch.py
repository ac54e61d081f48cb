"""The fetcher against a real HTTP server: conditional requests, retries, caps, policy."""

from __future__ import annotations

import time

import pytest

from monitor.config.settings import HttpSettings
from monitor.fetch.client import Fetcher, FetchRequest, parse_retry_after
from monitor.fetch.policy import allowed_hosts
from monitor.fetch.result import FetchStatus
from tests.support.docs_server import DocsServer, Fault

PAGE = "/connect/api/fulfillment/changelog"


def _fetcher(server: DocsServer, **overrides: object) -> Fetcher:
    values: dict[str, object] = {
        "timeout_seconds": 1.0,
        "max_retries": 2,
        "backoff_base_seconds": 0.05,
        "backoff_max_seconds": 2.0,
    }
    settings = HttpSettings.model_validate(values | overrides)
    return Fetcher(settings, allowed_hosts(server.base_url, []))


def test_conditional_request_gets_304_without_body(docs_site: DocsServer) -> None:
    with _fetcher(docs_site) as fetcher:
        first = fetcher.fetch(FetchRequest(docs_site.url(PAGE)))
        assert first.status is FetchStatus.OK and first.body and first.etag
        again = fetcher.fetch(FetchRequest(docs_site.url(PAGE), first.etag, first.last_modified))
    assert again.status is FetchStatus.NOT_MODIFIED and again.body is None
    sent = docs_site.requests_for(PAGE)[-1]
    assert sent.headers["if-none-match"] == first.etag
    assert sent.headers["user-agent"].startswith("connect-monitor/")


@pytest.mark.parametrize("fault", [Fault.server_error(), Fault.truncated(), Fault.reset()])
def test_transient_faults_are_retried(docs_site: DocsServer, fault: Fault) -> None:
    docs_site.inject(PAGE, fault, times=1)
    with _fetcher(docs_site) as fetcher:
        result = fetcher.fetch(FetchRequest(docs_site.url(PAGE)))
    assert result.status is FetchStatus.OK, result.error
    assert result.attempts == 2


def test_rate_limit_waits_for_retry_after(docs_site: DocsServer) -> None:
    docs_site.inject(PAGE, Fault.rate_limited(retry_after=1), times=1)
    started = time.monotonic()
    with _fetcher(docs_site) as fetcher:
        result = fetcher.fetch(FetchRequest(docs_site.url(PAGE)))
    assert result.status is FetchStatus.OK and result.attempts == 2
    assert time.monotonic() - started >= 1.0


def test_retry_after_beyond_the_cap_gives_up_at_once(docs_site: DocsServer) -> None:
    docs_site.inject(PAGE, Fault.rate_limited(retry_after=600), times=5)
    with _fetcher(docs_site) as fetcher:
        result = fetcher.fetch(FetchRequest(docs_site.url(PAGE)))
    assert result.status is FetchStatus.FAILED and "HTTP 429" in (result.error or "")
    assert result.attempts == 1


def test_persistent_failure_is_a_result_not_an_exception(docs_site: DocsServer) -> None:
    docs_site.inject(PAGE, Fault.server_error(), times=10)
    with _fetcher(docs_site) as fetcher:
        result = fetcher.fetch(FetchRequest(docs_site.url(PAGE)))
    assert result.status is FetchStatus.FAILED
    assert result.attempts == 3 and "gave up after 3 attempts" in (result.error or "")


def test_slow_response_times_out(docs_site: DocsServer) -> None:
    docs_site.inject(PAGE, Fault.slow(3), times=10)
    with _fetcher(docs_site, max_retries=0) as fetcher:
        result = fetcher.fetch(FetchRequest(docs_site.url(PAGE)))
    assert result.status is FetchStatus.FAILED and "timed out" in (result.error or "")


@pytest.mark.parametrize("declare", [True, False])
def test_oversized_body_is_cut_off(docs_site: DocsServer, declare: bool) -> None:
    docs_site.inject(PAGE, Fault.oversized(3, declare_length=declare), times=1)
    with _fetcher(docs_site, max_response_bytes=1024 * 1024) as fetcher:
        result = fetcher.fetch(FetchRequest(docs_site.url(PAGE)))
    assert result.status is FetchStatus.FAILED and "cap" in (result.error or "")
    assert result.bytes_received == 0 and result.attempts == 1


def test_redirect_off_host_is_refused(docs_site: DocsServer) -> None:
    docs_site.inject(PAGE, Fault.redirect("http://example.invalid/x"), times=1)
    with _fetcher(docs_site) as fetcher:
        result = fetcher.fetch(FetchRequest(docs_site.url(PAGE)))
    assert result.status is FetchStatus.FAILED
    assert "redirect refused" in (result.error or "") and "example.invalid" in (result.error or "")


def test_redirect_on_host_is_followed(docs_site: DocsServer) -> None:
    docs_site.inject(PAGE, Fault.redirect(docs_site.url("/catalog/changelog")), times=1)
    with _fetcher(docs_site) as fetcher:
        result = fetcher.fetch(FetchRequest(docs_site.url(PAGE)))
    assert result.status is FetchStatus.OK and b"Catalog" in (result.body or b"")


def test_robots_txt_is_honoured(docs_site: DocsServer) -> None:
    with _fetcher(docs_site) as fetcher:
        result = fetcher.fetch(FetchRequest(docs_site.url("/search")))
    assert result.status is FetchStatus.FAILED and "robots.txt" in (result.error or "")
    assert not docs_site.requests_for("/search")


def test_other_hosts_and_schemes_are_never_requested(docs_site: DocsServer) -> None:
    with _fetcher(docs_site) as fetcher:
        for url in ("http://example.invalid/a", "ftp://127.0.0.1/a", "file:///etc/passwd"):
            result = fetcher.fetch(FetchRequest(url))
            assert result.status is FetchStatus.FAILED and result.attempts == 0


def test_concurrency_is_bounded(docs_site: DocsServer) -> None:
    paths = [f"/connect/api/fulfillment/lastmile/{p}" for p in ("get_order", "find_stores")]
    paths += ["/catalog/changelog", "/widgets/changelog", "/ads_manager/changelog", PAGE]
    for path in paths:
        docs_site.inject(path, Fault.slow(0.5), times=1)
    with _fetcher(docs_site, concurrency=2) as fetcher:
        started = time.monotonic()
        results = fetcher.fetch_many([FetchRequest(docs_site.url(p)) for p in paths])
        elapsed = time.monotonic() - started
    assert [r.status for r in results] == [FetchStatus.OK] * 6
    assert elapsed >= 1.4  # six slow pages, two at a time: at least three rounds


def test_parse_retry_after() -> None:
    assert parse_retry_after("7") == 7.0
    assert parse_retry_after("Wed, 21 Oct 2015 07:28:00 GMT", now=1445412470.0) == 10.0
    assert parse_retry_after("soon") is None and parse_retry_after(None) is None
