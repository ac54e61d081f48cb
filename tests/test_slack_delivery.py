"""Real slack-sdk clients (inside our sinks) against the fake Slack server: no mocks."""

from __future__ import annotations

import io
import logging
import time
from collections.abc import Iterator
from datetime import date, datetime

import pytest
from pydantic import SecretStr

from monitor.domain import Action, Kind
from monitor.notify.blocks import (
    AlertContent,
    CodebaseUsage,
    Location,
    build_alert,
    build_test_message,
)
from monitor.notify.errors import DeliveryError
from monitor.notify.message import (
    SlackMessage,
)
from monitor.notify.sinks import (
    BotSink,
    ConsoleSink,
    RetryPolicy,
    WebhookSink,
    make_sink,
)
from tests.support.fake_slack import FakeSlack, Reply, check_blocks

TOKEN = "test-bot-token-delivery"
FAST = RetryPolicy(max_retries=3, backoff_base=0.05, max_backoff=0.2, total_budget=10)
MESSAGE = build_test_message(target="#alerts", sent_at=datetime(2026, 5, 1, 9, 0))


@pytest.fixture
def fake() -> Iterator[FakeSlack]:
    with FakeSlack(valid_token=TOKEN, hang_seconds=5) as server:
        yield server


def bot(fake: FakeSlack, **kwargs: object) -> BotSink:
    options: dict[str, object] = {"base_url": fake.api_url, "timeout": 2.0, "retry": FAST}
    options.update(kwargs)
    return BotSink(TOKEN, **options)  # type: ignore[arg-type]


def webhook(fake: FakeSlack, url: str | None = None) -> WebhookSink:
    return WebhookSink(url or fake.webhook_url, timeout=2.0, retry=FAST)


def test_post_ok_returns_the_message_ts(fake: FakeSlack) -> None:
    delivery = bot(fake).send("alerts", MESSAGE)
    (posted,) = fake.messages
    assert delivery.ts == posted.ts
    assert delivery.channel == "C0ALERTS"
    assert delivery.target == "bot"
    assert posted.text == MESSAGE.text
    assert posted.blocks == MESSAGE.blocks


def test_default_channel_and_threading(fake: FakeSlack) -> None:
    sink = bot(fake, default_channel="deprecations")
    first = sink.send(None, MESSAGE)
    reply = sink.send(None, MESSAGE, thread_ts=first.ts)
    assert reply.channel == "C0DEPRECS"
    assert fake.messages[1].thread_ts == first.ts


def test_rate_limit_is_waited_out_and_delivers_once(fake: FakeSlack) -> None:
    fake.script("chat.postMessage", Reply.rate_limited(retry_after=1), "ok")
    started = time.monotonic()
    delivery = bot(fake).send("alerts", MESSAGE)
    elapsed = time.monotonic() - started
    calls = fake.calls("chat.postMessage")
    assert len(calls) == 2
    assert calls[1].at - calls[0].at >= 1.0
    assert elapsed >= 1.0
    assert [m.ts for m in fake.messages] == [delivery.ts]


def test_rate_limit_longer_than_allowed_goes_back_to_the_caller(fake: FakeSlack) -> None:
    fake.script("chat.postMessage", Reply.rate_limited(retry_after=120))
    started = time.monotonic()
    with pytest.raises(DeliveryError) as caught:
        bot(fake).send("alerts", MESSAGE)
    assert time.monotonic() - started < 1.0
    assert caught.value.retryable
    assert caught.value.reason == "ratelimited"
    assert caught.value.retry_after == 120.0
    assert len(fake.calls("chat.postMessage")) == 1


def test_rate_limit_wait_that_would_overrun_the_budget_is_not_taken(fake: FakeSlack) -> None:
    fake.script("chat.postMessage", Reply.rate_limited(retry_after=1), "ok")
    tight = RetryPolicy(max_retries=3, total_budget=1.5)
    started = time.monotonic()
    with pytest.raises(DeliveryError) as caught:
        bot(fake, timeout=1.0, retry=tight).send("alerts", MESSAGE)
    assert time.monotonic() - started < 0.5
    assert (caught.value.reason, caught.value.retry_after) == ("ratelimited", 1.0)
    assert fake.messages == []


@pytest.mark.parametrize("status", [500, 502, 503, 504])
def test_server_error_then_ok_delivers_once(fake: FakeSlack, status: int) -> None:
    fake.script("chat.postMessage", status, "ok")
    delivery = bot(fake).send("alerts", MESSAGE)
    assert len(fake.calls("chat.postMessage")) == 2
    assert [m.ts for m in fake.messages] == [delivery.ts]


def test_outage_longer_than_the_retries_raises_a_retryable_error(fake: FakeSlack) -> None:
    fake.set_outage(True, status=503)
    with pytest.raises(DeliveryError) as caught:
        bot(fake).send("alerts", MESSAGE)
    assert caught.value.retryable
    assert caught.value.reason == "http_503"
    assert len(fake.calls("chat.postMessage")) == 1 + FAST.max_retries
    assert fake.messages == []


@pytest.mark.parametrize("code", ["channel_not_found", "invalid_auth", "not_in_channel"])
def test_permanent_errors_fail_fast_without_retries(fake: FakeSlack, code: str) -> None:
    fake.script("chat.postMessage", code)
    started = time.monotonic()
    with pytest.raises(DeliveryError) as caught:
        bot(fake).send("alerts", MESSAGE)
    assert time.monotonic() - started < 0.5
    assert caught.value.permanent
    assert caught.value.reason == code
    assert len(fake.calls("chat.postMessage")) == 1


def test_wrong_token_and_unknown_channel_are_permanent_for_real(fake: FakeSlack) -> None:
    with pytest.raises(DeliveryError) as wrong_token:
        BotSink("test-wrong-token", base_url=fake.api_url, retry=FAST).send("alerts", MESSAGE)
    assert (wrong_token.value.permanent, wrong_token.value.reason) == (True, "invalid_auth")
    with pytest.raises(DeliveryError) as no_channel:
        bot(fake).send("no-such-channel", MESSAGE)
    assert (no_channel.value.permanent, no_channel.value.reason) == (True, "channel_not_found")


def test_hang_past_the_timeout_is_retryable_and_bounded(fake: FakeSlack) -> None:
    fake.set_outage(False)
    fake.script("chat.postMessage", "hang", "hang", "hang", "hang")
    policy = RetryPolicy(max_retries=3, backoff_base=0.05, max_backoff=0.1, total_budget=2.5)
    started = time.monotonic()
    with pytest.raises(DeliveryError) as caught:
        bot(fake, timeout=1.0, retry=policy).send("alerts", MESSAGE)
    elapsed = time.monotonic() - started
    assert caught.value.retryable
    assert caught.value.reason == "timeout"
    assert elapsed < 3.5  # the budget, not 4 attempts x timeout
    assert len(fake.calls("chat.postMessage")) == 2


def test_unreachable_slack_is_a_retryable_connection_error() -> None:
    with FakeSlack(valid_token=TOKEN) as gone:
        url = gone.api_url
    with pytest.raises(DeliveryError) as caught:
        BotSink(TOKEN, base_url=url, timeout=1.0, retry=FAST).send("alerts", MESSAGE)
    assert caught.value.retryable
    assert caught.value.reason == "connection_error"


def test_webhook_ok_and_errors(fake: FakeSlack) -> None:
    sink = webhook(fake)
    assert sink.send("ignored", MESSAGE).target == "webhook"
    assert fake.messages[0].via == "webhook"
    fake.script("webhook", 500, "ok")
    sink.send(None, MESSAGE)
    assert len(fake.messages) == 2
    fake.script("webhook", "channel_is_archived")
    with pytest.raises(DeliveryError) as archived:
        sink.send(None, MESSAGE)
    assert (archived.value.permanent, archived.value.status) == (True, 410)
    with pytest.raises(DeliveryError) as unknown:
        webhook(fake, fake.base_url + "/webhook/revoked").send(None, MESSAGE)
    assert (unknown.value.permanent, unknown.value.reason) == (True, "no_service")


def test_webhook_rate_limit_and_outage(fake: FakeSlack) -> None:
    fake.script("webhook", Reply.rate_limited(retry_after=1), "ok")
    webhook(fake).send(None, MESSAGE)
    calls = fake.calls("webhook")
    assert len(calls) == 2 and calls[1].at - calls[0].at >= 1.0
    fake.set_outage(True, status=500)
    with pytest.raises(DeliveryError) as caught:
        webhook(fake).send(None, MESSAGE)
    assert caught.value.retryable
    assert len(fake.messages) == 1


def test_upload_file_uses_the_three_step_upload(fake: FakeSlack) -> None:
    html = "<html><body>weekly</body></html>"
    uploaded = bot(fake).upload_file(
        "alerts", filename="weekly.html", content=html, title="Weekly report"
    )
    (stored,) = fake.uploads
    assert uploaded.file_id == stored.file_id
    assert uploaded.title == "Weekly report"
    assert stored.content == html.encode()
    assert stored.channel == "C0ALERTS"


def test_upload_to_unknown_channel_is_permanent(fake: FakeSlack) -> None:
    with pytest.raises(DeliveryError) as caught:
        bot(fake).upload_file("no-such-channel", filename="r.html", content=b"x")
    assert caught.value.permanent


def test_a_huge_alert_passes_slacks_validation(fake: FakeSlack) -> None:
    codebases = [
        CodebaseUsage(
            name=f"service-{n:03d}",
            finding_count=500,
            locations=[
                Location(f"app/api/orders_{k}.py", k, f"https://git.example.com/s{n}/{k}#L{k}")
                for k in range(500)
            ],
        )
        for n in range(500)
    ]
    alert = AlertContent(
        item="POST /v2/fulfillment/lastmile/users/{user_id}/orders",
        title="Create a last mile delivery order is deprecated",
        surface="Connect Fulfillment API",
        kind=Kind.ENDPOINT,
        action=Action.DEPRECATED,
        window_closes_on=date(2026, 6, 9),
        days_left=5,
        source_url="https://docs.instacart.com/connect/api/fulfillment/deprecated",
        codebases=codebases,
    )
    message = build_alert(alert)
    delivery = bot(fake).send("alerts", message)
    assert delivery.ts is not None
    (posted,) = fake.messages
    assert check_blocks(posted.blocks) == (None, [])


def test_an_unfitted_message_is_repaired_before_sending(fake: FakeSlack) -> None:
    sections = [{"type": "section", "text": {"type": "mrkdwn", "text": "x" * 2999}}] * 60
    bot(fake).send("alerts", SlackMessage(text="", blocks=sections))
    (posted,) = fake.messages
    assert check_blocks(posted.blocks) == (None, [])
    assert posted.text


def test_secrets_stay_out_of_reprs_errors_and_logs(
    fake: FakeSlack, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    hook_url = fake.base_url + "/webhook/T000/B000/sEcReTpAtH"
    bot_sink, hook_sink = bot(fake), webhook(fake, hook_url)
    errors: list[DeliveryError] = []
    with pytest.raises(DeliveryError) as refused:
        BotSink("test-wrong-token", base_url=fake.api_url, retry=FAST).send("alerts", MESSAGE)
    errors.append(refused.value)
    with FakeSlack(valid_token=TOKEN) as gone:
        dead_hook = webhook(gone, gone.base_url + "/webhook/T000/B000/sEcReTpAtH")
    fake.set_outage(True, status=503)
    for sink in (bot_sink, hook_sink, dead_hook):
        with pytest.raises(DeliveryError) as caught:
            sink.send("alerts", MESSAGE)
        errors.append(caught.value)
    exposed = " ".join(
        [repr(bot_sink), str(bot_sink), repr(hook_sink), str(hook_sink), caplog.text]
        + [f"{e!s} {e!r} {e.__cause__!r}" for e in errors]
    )
    assert TOKEN not in exposed
    assert "test-wrong-token" not in exposed
    assert "sEcReTpAtH" not in exposed
    # no chained slack-sdk exception (with URLs and headers) rides along into tracebacks
    assert all(e.__cause__ is None for e in errors)
    assert all(e.__context__ is None or e.__suppress_context__ for e in errors)
    assert errors[0].reason == "invalid_auth"


def test_console_sink_prints_text_and_block_summary() -> None:
    stream = io.StringIO()
    delivery = ConsoleSink(stream).send("#alerts", MESSAGE)
    out = stream.getvalue()
    assert delivery.target == "console" and delivery.ts is None
    assert out.splitlines()[0] == "[connect-monitor to #alerts] connect-monitor test message"
    assert "  header: connect-monitor test message" in out
    assert "  context: Sent at 2026-05-01T09:00:00" in out
    fields = SlackMessage(
        text="t",
        blocks=[
            {"type": "section", "fields": [{"type": "mrkdwn", "text": "a"}]},
            {"type": "divider"},
        ],
    )
    ConsoleSink(stream).send(None, fields)
    assert stream.getvalue().endswith("[connect-monitor] t\n  section: (+1 fields)\n  divider\n")


def test_make_sink_prefers_bot_then_webhook_then_console(fake: FakeSlack) -> None:
    assert isinstance(make_sink(bot_token=SecretStr(TOKEN), webhook_url="x"), BotSink)
    assert isinstance(make_sink(bot_token="", webhook_url=SecretStr(fake.webhook_url)), WebhookSink)
    assert isinstance(make_sink(), ConsoleSink)
    sink = make_sink(bot_token=SecretStr(TOKEN), base_url=fake.api_url, default_channel="ops")
    assert sink.send(None, MESSAGE).channel == "C0OPSTEAM"
    assert TOKEN not in repr(sink)
