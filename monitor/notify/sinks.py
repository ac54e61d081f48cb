"""Where messages go: a Slack bot, an incoming webhook, or the console.

Each sink turns every failure into a :class:`DeliveryError` with a retry verdict. Retries
inside one send are deliberate and bounded (rate limits honour ``Retry-After`` up to a
maximum, server errors and lost connections back off), and a total time budget stops a
hanging Slack from blocking the daemon; anything longer is the outbox's job.
"""

from __future__ import annotations

import logging
import random
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from http.client import RemoteDisconnected
from typing import Any, Protocol, TextIO
from urllib.error import URLError
from urllib.parse import urlsplit

from slack_sdk import WebClient, WebhookClient
from slack_sdk.http_retry import RetryHandler, RetryState
from slack_sdk.http_retry.builtin_handlers import (
    ConnectionErrorRetryHandler,
    RateLimitErrorRetryHandler,
    ServerErrorRetryHandler,
)
from slack_sdk.http_retry.request import HttpRequest
from slack_sdk.http_retry.response import HttpResponse

from monitor.notify.errors import (
    DeliveryError,
    classify_response,
    classify_slack_error,
    redact,
    retry_after_seconds,
)
from monitor.notify.fit import (
    fit_to_limits,
)
from monitor.notify.message import (
    SlackMessage,
)

DEFAULT_BASE_URL = "https://slack.com/api/"
SDK_LOGGER_NAME = "monitor.notify.slack_sdk"

Sleep = Callable[[float], None]


@dataclass(frozen=True, slots=True)
class Delivery:
    """Proof of delivery; ``ts`` identifies the Slack message (bot only) for threading."""

    ts: str | None
    channel: str | None
    target: str


@dataclass(frozen=True, slots=True)
class UploadedFile:
    file_id: str
    title: str | None


class Sink(Protocol):
    """Anything that can deliver a :class:`SlackMessage` or raise :class:`DeliveryError`."""

    target: str

    def send(
        self, channel: str | None, message: SlackMessage, *, thread_ts: str | None = None
    ) -> Delivery: ...


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    """How hard one send tries before handing the message back to the outbox."""

    max_retries: int = 3  # slack-sdk counts retries per request, across all handlers
    max_retry_after: float = 30.0  # a longer Retry-After is left to the outbox
    backoff_base: float = 0.5
    max_backoff: float = 8.0
    total_budget: float = 45.0  # no retry starts if it could end later than this
    server_error_statuses: frozenset[int] = frozenset({500, 502, 503, 504})


# ------------------------------------------------------------------ retry handlers


class _Deadline:
    """Per-thread deadline of the send in progress (a RetryState lives for one request only)."""

    def __init__(self, total_budget: float, attempt_timeout: float) -> None:
        self._total = total_budget
        self._attempt = attempt_timeout
        self._local = threading.local()

    def start(self) -> None:
        self._local.until = time.monotonic() + self._total

    def allows(self, wait: float) -> bool:
        """True when waiting and one more full attempt would still end inside the budget."""
        until: float | None = getattr(self._local, "until", None)
        return until is None or time.monotonic() + wait + self._attempt <= until


class _Budgeted(RetryHandler):
    """Retry only while the deadline allows, sleeping a wait chosen when the retry was approved."""

    policy: RetryPolicy
    deadline: _Deadline
    sleep: Sleep

    def _configure(self, policy: RetryPolicy, deadline: _Deadline, sleep: Sleep) -> None:
        self.policy, self.deadline, self.sleep = policy, deadline, sleep

    def _matches(
        self,
        *,
        state: RetryState,
        request: HttpRequest,
        response: HttpResponse | None,
        error: Exception | None,
    ) -> bool:
        return bool(
            super()._can_retry(state=state, request=request, response=response, error=error)
        )

    def _wait(self, state: RetryState, response: HttpResponse | None) -> float | None:
        base = self.policy.backoff_base * (2**state.current_attempt)
        capped = min(base, self.policy.max_backoff)
        return capped * (0.5 + random.random() / 2)  # jitter keeps many daemons apart

    def _can_retry(
        self,
        *,
        state: RetryState,
        request: HttpRequest,
        response: HttpResponse | None = None,
        error: Exception | None = None,
    ) -> bool:
        if not self._matches(state=state, request=request, response=response, error=error):
            return False
        wait = self._wait(state, response)
        if wait is None or not self.deadline.allows(wait):
            return False
        state.custom_values = {**(state.custom_values or {}), "wait": wait}
        return True

    def prepare_for_next_attempt(
        self,
        *,
        state: RetryState,
        request: HttpRequest,
        response: HttpResponse | None = None,
        error: Exception | None = None,
    ) -> None:
        state.next_attempt_requested = True
        self.sleep(float((state.custom_values or {}).get("wait", 0.0)))
        state.increment_current_attempt()


class RateLimitHandler(_Budgeted, RateLimitErrorRetryHandler):
    """HTTP 429: wait exactly what Slack asks, unless that is longer than the policy allows."""

    def __init__(self, policy: RetryPolicy, deadline: _Deadline, sleep: Sleep) -> None:
        RateLimitErrorRetryHandler.__init__(self, max_retry_count=policy.max_retries)
        self._configure(policy, deadline, sleep)

    def _wait(self, state: RetryState, response: HttpResponse | None) -> float | None:
        asked = retry_after_seconds(response.headers if response else None)
        wait = 1.0 if asked is None else asked
        return wait if wait <= self.policy.max_retry_after else None


class ServerErrorHandler(_Budgeted, ServerErrorRetryHandler):
    """5xx answers; slack-sdk's own handler only knows 500 and 503, we add 502 and 504."""

    def __init__(self, policy: RetryPolicy, deadline: _Deadline, sleep: Sleep) -> None:
        ServerErrorRetryHandler.__init__(self, max_retry_count=policy.max_retries)
        self._configure(policy, deadline, sleep)

    def _matches(
        self,
        *,
        state: RetryState,
        request: HttpRequest,
        response: HttpResponse | None,
        error: Exception | None,
    ) -> bool:
        return response is not None and response.status_code in self.policy.server_error_statuses


class ConnectionHandler(_Budgeted, ConnectionErrorRetryHandler):
    """Refused/reset connections and timeouts, retried more than slack-sdk's single default."""

    def __init__(self, policy: RetryPolicy, deadline: _Deadline, sleep: Sleep) -> None:
        ConnectionErrorRetryHandler.__init__(
            self,
            max_retry_count=policy.max_retries,
            error_types=[URLError, ConnectionError, RemoteDisconnected, TimeoutError],
        )
        self._configure(policy, deadline, sleep)


def retry_handlers(policy: RetryPolicy, deadline: _Deadline, sleep: Sleep) -> list[RetryHandler]:
    return [
        RateLimitHandler(policy, deadline, sleep),
        ServerErrorHandler(policy, deadline, sleep),
        ConnectionHandler(policy, deadline, sleep),
    ]


# ------------------------------------------------------------------------ logging


class _RedactingFilter(logging.Filter):
    """slack-sdk logs request URLs at INFO on retries; a webhook URL is a secret."""

    def __init__(self, secrets: tuple[str, ...]) -> None:
        super().__init__()
        self._secrets = secrets

    def filter(self, record: logging.LogRecord) -> bool:
        record.msg = redact(record.getMessage(), self._secrets)
        record.args = None
        return True


def _sdk_logger(secrets: tuple[str, ...]) -> logging.Logger:
    """A private logger per sink: WARNING and up only, secrets scrubbed, then propagated."""
    logger = logging.Logger(f"{SDK_LOGGER_NAME}.sink", level=logging.WARNING)
    logger.parent = logging.getLogger(SDK_LOGGER_NAME)
    logger.addFilter(_RedactingFilter(secrets))
    return logger


def reveal(value: Any) -> str | None:
    """Accept plain strings or secret wrappers (pydantic ``SecretStr``) for credentials."""
    if value is None:
        return None
    getter = getattr(value, "get_secret_value", None)
    text = getter() if callable(getter) else value
    return str(text).strip() or None


# -------------------------------------------------------------------------- sinks


class BotSink:
    """Posts with a bot token through ``chat.postMessage``; can also upload files."""

    target = "bot"

    def __init__(
        self,
        token: Any,
        *,
        base_url: str = DEFAULT_BASE_URL,
        timeout: float = 10.0,
        default_channel: str | None = None,
        retry: RetryPolicy | None = None,
        sleep: Sleep = time.sleep,
    ) -> None:
        secret = reveal(token)
        if not secret:
            raise ValueError("BotSink needs a bot token")
        policy = retry or RetryPolicy()
        self._secrets = (secret,)
        self._base_url = base_url
        self._timeout = timeout
        self._default_channel = default_channel
        self._deadline = _Deadline(policy.total_budget, timeout)
        self._client = WebClient(
            token=secret,
            base_url=base_url,
            timeout=timeout,  # type: ignore[arg-type]  # urllib accepts float seconds
            logger=_sdk_logger(self._secrets),
            retry_handlers=retry_handlers(policy, self._deadline, sleep),
        )

    def __repr__(self) -> str:
        return f"BotSink(base_url={self._base_url!r}, timeout={self._timeout})"

    def _channel(self, channel: str | None) -> str:
        chosen = channel or self._default_channel
        if not chosen:
            raise DeliveryError(
                "No Slack channel given and no default configured",
                permanent=True,
                reason="no_channel",
            )
        return chosen

    def send(
        self, channel: str | None, message: SlackMessage, *, thread_ts: str | None = None
    ) -> Delivery:
        target_channel = self._channel(channel)
        fitted = fit_to_limits(message)
        self._deadline.start()
        try:
            response = self._client.chat_postMessage(
                channel=target_channel,
                text=fitted.text,
                blocks=fitted.blocks,
                thread_ts=thread_ts,
                unfurl_links=False,
                unfurl_media=False,
            )
        except Exception as exc:
            raise classify_slack_error(exc, secrets=self._secrets) from None
        return Delivery(ts=response.get("ts"), channel=response.get("channel"), target=self.target)

    def upload_file(
        self,
        channel: str | None,
        *,
        filename: str,
        content: bytes | str,
        title: str | None = None,
        initial_comment: str | None = None,
    ) -> UploadedFile:
        """Share a file (the weekly HTML report) through slack-sdk's three-step upload."""
        target_channel = self._channel(channel)
        self._deadline.start()
        try:
            response = self._client.files_upload_v2(
                channel=target_channel,
                filename=filename,
                content=content,
                title=title or filename,
                initial_comment=initial_comment,
            )
        except Exception as exc:
            raise classify_slack_error(exc, secrets=self._secrets) from None
        files = response.get("files") or []
        first = files[0] if files else {}
        return UploadedFile(file_id=str(first.get("id", "")), title=first.get("title"))


class WebhookSink:
    """Posts to an incoming webhook; Slack fixed the channel when the webhook was made."""

    target = "webhook"

    def __init__(
        self,
        url: Any,
        *,
        timeout: float = 10.0,
        retry: RetryPolicy | None = None,
        sleep: Sleep = time.sleep,
    ) -> None:
        secret = reveal(url)
        if not secret:
            raise ValueError("WebhookSink needs a webhook URL")
        policy = retry or RetryPolicy()
        parts = urlsplit(secret)
        self._where = f"{parts.scheme}://{parts.netloc}"
        self._timeout = timeout
        self._secrets = (secret, parts.path) if len(parts.path) > 1 else (secret,)
        self._deadline = _Deadline(policy.total_budget, timeout)
        self._client = WebhookClient(
            secret,
            timeout=timeout,  # type: ignore[arg-type]
            logger=_sdk_logger(self._secrets),
            retry_handlers=retry_handlers(policy, self._deadline, sleep),
        )

    def __repr__(self) -> str:
        return f"WebhookSink(host={self._where!r}, timeout={self._timeout})"

    def send(
        self, channel: str | None, message: SlackMessage, *, thread_ts: str | None = None
    ) -> Delivery:
        fitted = fit_to_limits(message)
        self._deadline.start()
        try:
            response = self._client.send(
                text=fitted.text, blocks=fitted.blocks, unfurl_links=False, unfurl_media=False
            )
        except Exception as exc:
            raise classify_slack_error(exc, secrets=self._secrets) from None
        body = (response.body or "").strip()
        if response.status_code == 200 and body == "ok":
            return Delivery(ts=None, channel=None, target=self.target)
        raise classify_response(response.status_code, body, response.headers, secrets=self._secrets)


class ConsoleSink:
    """Prints messages instead of sending them: for trying the daemon without Slack."""

    target = "console"

    def __init__(self, stream: TextIO | None = None) -> None:
        self._stream = stream

    def __repr__(self) -> str:
        return "ConsoleSink()"

    def send(
        self, channel: str | None, message: SlackMessage, *, thread_ts: str | None = None
    ) -> Delivery:
        stream = self._stream or sys.stdout
        where = f" to {channel}" if channel else ""
        lines = [f"[connect-monitor{where}] {message.text}"]
        for block in message.blocks:
            lines.append(f"  {_summarise_block(block)}")
        stream.write("\n".join(lines) + "\n")
        stream.flush()
        return Delivery(ts=None, channel=channel, target=self.target)


def _summarise_block(block: dict[str, Any]) -> str:
    kind = str(block.get("type", "?"))
    text_obj = block.get("text")
    text = text_obj.get("text", "") if isinstance(text_obj, dict) else ""
    if kind == "context":
        elements = block.get("elements") or []
        text = " | ".join(str(e.get("text", "")) for e in elements if isinstance(e, dict))
    first_line = text.splitlines()[0] if text else ""
    extra = f" (+{len(block['fields'])} fields)" if block.get("fields") else ""
    shown = " ".join(part for part in (first_line, extra.strip()) if part)
    return f"{kind}: {shown}" if shown else kind


def make_sink(
    *,
    bot_token: Any = None,
    webhook_url: Any = None,
    base_url: str | None = None,
    timeout: float = 10.0,
    default_channel: str | None = None,
    retry: RetryPolicy | None = None,
    stream: TextIO | None = None,
) -> Sink:
    """Pick the richest configured destination: bot, then webhook, else the console."""
    if reveal(bot_token):
        return BotSink(
            bot_token,
            base_url=base_url or DEFAULT_BASE_URL,
            timeout=timeout,
            default_channel=default_channel,
            retry=retry,
        )
    if reveal(webhook_url):
        return WebhookSink(webhook_url, timeout=timeout, retry=retry)
    return ConsoleSink(stream)
