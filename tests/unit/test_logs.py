from __future__ import annotations

import io
import json
import logging

import pytest

from monitor.logs import configure_logging, redact

TOKEN = "test-secret-token-42"
# Built at run time so the repository never holds anything shaped like a real Slack token.
SHAPED_LIKE_A_BOT_TOKEN = "xox" + "b-" + "1234567890-abcdef"
HOOK = "https://hooks.slack.com/services/TFAKE/BFAKE/notarealsecret"


@pytest.fixture
def captured() -> io.StringIO:
    stream = io.StringIO()
    handler = configure_logging("DEBUG", "json", secrets=[TOKEN], stream=stream)
    yield stream
    logging.getLogger().removeHandler(handler)


def test_configured_secret_and_slack_shapes_are_redacted(captured: io.StringIO) -> None:
    log = logging.getLogger("test.redact")
    log.info("posting with %s to %s", TOKEN, HOOK, extra={"url": HOOK, "token": TOKEN})
    log.warning("header Authorization: Bearer abc.def.ghi and %s", SHAPED_LIKE_A_BOT_TOKEN)
    try:
        raise RuntimeError(f"boom {TOKEN}")
    except RuntimeError:
        log.exception("failed")
    output = captured.getvalue()
    assert TOKEN not in output and "notarealsecret" not in output
    assert "abc.def.ghi" not in output and SHAPED_LIKE_A_BOT_TOKEN not in output
    records = [json.loads(line) for line in output.splitlines()]
    assert records[0]["message"] == "posting with *** to ***"
    assert records[0]["url"] == "***"
    assert "boom ***" in records[2]["exception"]


def test_redact_leaves_ordinary_text_alone() -> None:
    assert redact("fetched /connect/api/fulfillment/changelog", [TOKEN]) == (
        "fetched /connect/api/fulfillment/changelog"
    )


def test_text_format_is_one_line_per_event() -> None:
    stream = io.StringIO()
    handler = configure_logging("INFO", "text", stream=stream)
    try:
        logging.getLogger("t").info("line one\nline two", extra={"source": "catalog"})
    finally:
        logging.getLogger().removeHandler(handler)
    lines = stream.getvalue().splitlines()
    assert len(lines) == 1 and "source=catalog" in lines[0]
