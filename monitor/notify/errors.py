"""Turn whatever slack-sdk or urllib raised into one error type with a retry verdict.

The outbox only needs to know "try again later" or "give up and tell someone"; it must
never see the token or the webhook URL, so messages are built from our own words and
Slack's short error codes only, then scrubbed once more.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any
from urllib.error import HTTPError, URLError

from slack_sdk.errors import SlackApiError, SlackRequestError

PERMANENT_SLACK_ERRORS = frozenset(
    {
        "account_inactive",
        "action_prohibited",
        "cannot_reply_to_message",
        "channel_is_archived",
        "channel_not_found",
        "ekm_access_denied",
        "invalid_arguments",
        "invalid_auth",
        "invalid_blocks",
        "invalid_payload",
        "invalid_token",
        "is_archived",
        "missing_scope",
        "msg_blocks_too_long",
        "msg_too_long",
        "no_service",
        "no_service_id",
        "no_team",
        "no_text",
        "not_allowed_token_type",
        "not_authed",
        "not_in_channel",
        "posting_to_general_channel_denied",
        "restricted_action",
        "team_access_not_granted",
        "team_disabled",
        "token_expired",
        "token_revoked",
        "too_many_attachments",
        "user_not_found",
    }
)
"""Slack answers that will not change by waiting: configuration or message bugs."""

RETRYABLE_SLACK_ERRORS = frozenset(
    {"fatal_error", "internal_error", "ratelimited", "rate_limited", "request_timeout", "timeout"}
)
"""Slack answers that describe a passing condition on Slack's side."""

PERMANENT_HTTP_STATUSES = frozenset({400, 401, 403, 404, 410})
"""Statuses that say the request or credentials are wrong, not that Slack is busy."""

_TOKEN_PATTERN = re.compile(r"xox[a-z]-[A-Za-z0-9-]+")
_HOOK_PATTERN = re.compile(r"https?://hooks\.slack\.com/\S+")
REDACTED = "[redacted]"


class DeliveryError(Exception):
    """A message could not be delivered; ``permanent`` says whether retrying can help."""

    def __init__(
        self,
        message: str,
        *,
        permanent: bool,
        reason: str,
        status: int | None = None,
        retry_after: float | None = None,
    ) -> None:
        super().__init__(message)
        self.permanent = permanent
        self.reason = reason
        self.status = status
        self.retry_after = retry_after

    @property
    def retryable(self) -> bool:
        return not self.permanent

    def __repr__(self) -> str:
        return (
            f"DeliveryError({str(self)!r}, permanent={self.permanent}, reason={self.reason!r},"
            f" status={self.status}, retry_after={self.retry_after})"
        )


def redact(text: str, secrets: Iterable[str | None] = ()) -> str:
    """Remove the given secrets and anything shaped like a Slack token or webhook URL."""
    for secret in secrets:
        if secret:
            text = text.replace(secret, REDACTED)
    text = _HOOK_PATTERN.sub(REDACTED, text)
    return _TOKEN_PATTERN.sub(REDACTED, text)


def _header(headers: Mapping[str, Any] | None, name: str) -> str | None:
    for key, value in (headers or {}).items():
        if key.lower() == name.lower():
            return str(value[0] if isinstance(value, list) and value else value)
    return None


def retry_after_seconds(headers: Mapping[str, Any] | None) -> float | None:
    """The ``Retry-After`` delay in seconds, when present and numeric."""
    raw = _header(headers, "Retry-After")
    try:
        return max(float(raw), 0.0) if raw is not None else None
    except ValueError:
        return None


def _error_code(value: str | None) -> str | None:
    """A Slack error code is short snake_case; anything else is not trusted into messages."""
    value = (value or "").strip()
    return value if re.fullmatch(r"[a-z0-9_]{1,64}", value) else None


def classify_response(
    status: int,
    error: str | None,
    headers: Mapping[str, Any] | None = None,
    *,
    secrets: Iterable[str | None] = (),
) -> DeliveryError:
    """Verdict for a completed HTTP exchange that did not deliver (API or webhook)."""
    code = _error_code(error)
    retry_after = retry_after_seconds(headers) if status == 429 else None
    if status == 429 or code in {"ratelimited", "rate_limited"}:
        reason, permanent = "ratelimited", False
    elif code in PERMANENT_SLACK_ERRORS:
        reason, permanent = code, True
    elif code in RETRYABLE_SLACK_ERRORS or status >= 500:
        reason, permanent = code or f"http_{status}", False
    elif status in PERMANENT_HTTP_STATUSES:
        reason, permanent = code or f"http_{status}", True
    else:
        # An error code we do not know: waiting is the safer bet than dropping the alert.
        reason, permanent = code or f"http_{status}", False
    kind = "permanent" if permanent else "temporary"
    message = f"Slack refused the message ({kind}): {reason} (HTTP {status})"
    return DeliveryError(
        redact(message, secrets),
        permanent=permanent,
        reason=reason,
        status=status,
        retry_after=retry_after,
    )


def _is_timeout(exc: BaseException) -> bool:
    if isinstance(exc, TimeoutError):
        return True
    return isinstance(exc, URLError) and isinstance(exc.reason, TimeoutError)


def classify_slack_error(
    exc: BaseException, *, secrets: Iterable[str | None] = ()
) -> DeliveryError:
    """Map an exception from slack-sdk/urllib to a :class:`DeliveryError`, without secrets."""
    secrets = tuple(secrets)
    if isinstance(exc, DeliveryError):
        return exc
    if isinstance(exc, SlackApiError):
        response = exc.response
        data = response.data if isinstance(response.data, dict) else {}
        error = data.get("error") if isinstance(data.get("error"), str) else None
        return classify_response(
            int(response.status_code), error, response.headers, secrets=secrets
        )
    if isinstance(exc, HTTPError):
        return classify_response(exc.code, None, dict(exc.headers or {}), secrets=secrets)
    if _is_timeout(exc):
        return DeliveryError("Slack did not answer in time", permanent=False, reason="timeout")
    if isinstance(exc, URLError | ConnectionError | OSError):
        return DeliveryError(
            "Could not connect to Slack", permanent=False, reason="connection_error"
        )
    if isinstance(exc, SlackRequestError):
        return DeliveryError(
            "The Slack request could not be made (client-side problem)",
            permanent=True,
            reason="request_error",
        )
    # A bug on our side will not heal by retrying; say which type it was, not its text.
    return DeliveryError(
        f"Unexpected error while sending to Slack: {type(exc).__name__}",
        permanent=True,
        reason="unexpected_error",
    )
