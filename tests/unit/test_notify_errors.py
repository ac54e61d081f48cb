"""Classification of Slack failures into retry verdicts, and secret scrubbing."""

from __future__ import annotations

from email.message import Message
from typing import Any
from urllib.error import HTTPError, URLError

import pytest
from slack_sdk.errors import SlackApiError, SlackRequestError
from slack_sdk.web.slack_response import SlackResponse

from monitor.notify.errors import DeliveryError, classify_response, classify_slack_error, redact

TOKEN = "test-bot-token-for-errors"


def api_error(
    status: int, data: dict[str, Any], headers: dict[str, str] | None = None
) -> SlackApiError:
    response = SlackResponse(
        client=None,
        http_verb="POST",
        api_url="http://127.0.0.1:1/api/chat.postMessage",
        req_args={"headers": {"Authorization": f"Bearer {TOKEN}"}},
        data=data,
        headers=headers or {},
        status_code=status,
    )
    return SlackApiError("The request to the Slack API failed.", response)


@pytest.mark.parametrize(
    "code",
    [
        "channel_not_found",
        "not_in_channel",
        "invalid_auth",
        "account_inactive",
        "invalid_blocks",
        "msg_blocks_too_long",
        "is_archived",
    ],
)
def test_configuration_and_message_errors_are_permanent(code: str) -> None:
    error = classify_slack_error(api_error(200, {"ok": False, "error": code}))
    assert error.permanent
    assert error.reason == code


@pytest.mark.parametrize(
    ("status", "reason"), [(500, "http_500"), (502, "http_502"), (503, "http_503")]
)
def test_server_errors_are_retryable(status: int, reason: str) -> None:
    # slack-sdk puts a long description in "error" when the body is not JSON
    data = {"ok": False, "error": "Received a response in a non-JSON format: <html>"}
    error = classify_slack_error(api_error(status, data))
    assert error.retryable
    assert error.reason == reason
    assert error.status == status


def test_rate_limit_keeps_retry_after() -> None:
    exc = api_error(429, {"ok": False, "error": "ratelimited"}, {"retry-after": "17"})
    error = classify_slack_error(exc)
    assert error.retryable
    assert error.reason == "ratelimited"
    assert error.retry_after == 17.0


@pytest.mark.parametrize(
    ("status", "permanent"), [(404, True), (403, True), (410, True), (504, False)]
)
def test_http_errors_from_urllib(status: int, permanent: bool) -> None:
    exc = HTTPError("https://hooks.slack.com/services/T/B/secret", status, "x", Message(), None)
    error = classify_slack_error(exc)
    assert error.permanent is permanent
    assert "secret" not in str(error)


@pytest.mark.parametrize(
    ("exc", "reason"),
    [
        (TimeoutError("timed out"), "timeout"),
        (URLError(TimeoutError("timed out")), "timeout"),
        (URLError(ConnectionRefusedError(111, "refused")), "connection_error"),
        (ConnectionResetError(104, "reset"), "connection_error"),
    ],
)
def test_network_failures_are_retryable(exc: Exception, reason: str) -> None:
    error = classify_slack_error(exc)
    assert error.retryable
    assert error.reason == reason


def test_client_side_and_unexpected_errors_are_permanent() -> None:
    assert classify_slack_error(SlackRequestError("bad url")).permanent
    error = classify_slack_error(ValueError(f"oops {TOKEN}"))
    assert error.permanent
    assert error.reason == "unexpected_error"
    assert TOKEN not in str(error)


def test_unknown_slack_error_is_retried_rather_than_dropped() -> None:
    error = classify_slack_error(api_error(200, {"ok": False, "error": "brand_new_error"}))
    assert error.retryable
    assert error.reason == "brand_new_error"


def test_webhook_style_answers() -> None:
    assert classify_response(404, "channel_not_found").permanent
    assert classify_response(410, "channel_is_archived").permanent
    assert classify_response(400, "invalid_payload").permanent
    assert classify_response(500, "").retryable
    limited = classify_response(429, "rate_limited", {"Retry-After": ["3"]})
    assert limited.retryable
    assert limited.retry_after == 3.0


def test_error_text_never_carries_secrets() -> None:
    hook = "https://hooks.slack.com/services/T000/B000/abcdefgh"
    error = classify_response(403, f"invalid_token {hook}", secrets=[hook])
    assert hook not in str(error) and hook not in repr(error)
    for exc in (api_error(200, {"ok": False, "error": "invalid_auth"}), ValueError(TOKEN)):
        classified = classify_slack_error(exc, secrets=[TOKEN])
        assert TOKEN not in str(classified)
        assert TOKEN not in repr(classified)


def test_redact_removes_given_secrets_and_token_shapes() -> None:
    text = f"token={TOKEN} other=xoxb-1234-abcd hook=https://hooks.slack.com/services/T/B/C end"
    cleaned = redact(text, [TOKEN, None, ""])
    assert TOKEN not in cleaned
    assert "xoxb-1234" not in cleaned
    assert "hooks.slack.com" not in cleaned
    assert cleaned.endswith("end")


def test_delivery_error_passes_through_unchanged() -> None:
    original = DeliveryError("x", permanent=False, reason="timeout")
    assert classify_slack_error(original) is original
