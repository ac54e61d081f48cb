"""Slack delivery: Block Kit message building, limits, and the sinks that send them."""

from monitor.notify.blocks import (
    AlertContent,
    CodebaseUsage,
    DigestItem,
    DigestKind,
    Location,
    OpsContent,
    OpsEvent,
    build_alert,
    build_digest,
    build_ops_alert,
    build_test_message,
)
from monitor.notify.errors import DeliveryError, classify_slack_error
from monitor.notify.fit import (
    fit_to_limits,
    validate,
)
from monitor.notify.message import (
    SlackMessage,
    escape_mrkdwn,
)
from monitor.notify.sinks import (
    BotSink,
    ConsoleSink,
    Delivery,
    RetryPolicy,
    Sink,
    UploadedFile,
    WebhookSink,
    make_sink,
)

__all__ = [
    "AlertContent",
    "BotSink",
    "CodebaseUsage",
    "ConsoleSink",
    "Delivery",
    "DeliveryError",
    "DigestItem",
    "DigestKind",
    "Location",
    "OpsContent",
    "OpsEvent",
    "RetryPolicy",
    "Sink",
    "SlackMessage",
    "UploadedFile",
    "WebhookSink",
    "build_alert",
    "build_digest",
    "build_ops_alert",
    "build_test_message",
    "classify_slack_error",
    "escape_mrkdwn",
    "fit_to_limits",
    "make_sink",
    "validate",
]
