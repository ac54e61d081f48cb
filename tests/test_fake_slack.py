"""The fake Slack server itself: auth, recording, Block Kit checks, scripting, uploads."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from slack_sdk import WebClient, WebhookClient
from slack_sdk.errors import SlackApiError

from tests.support.fake_slack import FakeSlack, Reply, check_blocks

TOKEN = "test-bot-token"


@pytest.fixture
def fake() -> Iterator[FakeSlack]:
    with FakeSlack(valid_token=TOKEN, hang_seconds=3) as server:
        yield server


def post(fake: FakeSlack, method: str, token: str | None = TOKEN, **body: Any) -> httpx.Response:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    return httpx.post(f"{fake.api_url}{method}", json=body, headers=headers, timeout=5)


def section(text: str) -> dict[str, Any]:
    return {"type": "section", "text": {"type": "mrkdwn", "text": text}}


def test_auth_checks_the_bearer_token(fake: FakeSlack) -> None:
    assert post(fake, "auth.test").json()["ok"] is True
    assert post(fake, "auth.test", token="someone-else").json() == {
        "ok": False,
        "error": "invalid_auth",
    }
    assert post(fake, "auth.test", token=None).json()["error"] == "not_authed"


def test_post_message_with_json_and_form_bodies(fake: FakeSlack) -> None:
    first = post(fake, "chat.postMessage", channel="alerts", text="hi", blocks=[section("one")])
    form = httpx.post(
        f"{fake.api_url}chat.postMessage",
        data={"channel": "#deprecations", "text": "form", "blocks": json.dumps([section("two")])},
        headers={"Authorization": f"Bearer {TOKEN}"},
    )
    assert first.json()["ok"] and form.json()["ok"]
    assert first.json()["channel"] == "C0ALERTS"
    assert form.json()["channel"] == "C0DEPRECS"
    assert first.json()["message"]["blocks"] == [section("one")]
    messages = fake.messages
    assert [(m.channel, m.text, m.blocks) for m in messages] == [
        ("C0ALERTS", "hi", [section("one")]),
        ("C0DEPRECS", "form", [section("two")]),
    ]
    assert float(messages[0].ts or 0) < float(messages[1].ts or 0)


def test_unknown_channel_and_missing_text(fake: FakeSlack) -> None:
    assert post(fake, "chat.postMessage", channel="nowhere", text="x").json()["error"] == (
        "channel_not_found"
    )
    assert post(fake, "chat.postMessage", channel="alerts").json()["error"] == "no_text"
    assert post(fake, "chat.postMessage", channel="C0NEWONE1", text="x").json()["error"] == (
        "channel_not_found"
    )
    fake.add_channel("new-one", "C0NEWONE1")
    assert post(fake, "chat.postMessage", channel="C0NEWONE1", text="x").json()["ok"]
    assert post(fake, "chat.postMessage", channel="#new-one", text="y").json()["ok"]
    assert [m.channel for m in fake.messages] == ["C0NEWONE1", "C0NEWONE1"]


def test_requests_are_recorded_with_headers_and_body(fake: FakeSlack) -> None:
    before = time.monotonic()
    post(fake, "chat.postMessage", channel="alerts", text="hello", thread_ts="123.000001")
    (request,) = fake.requests
    assert request.api_method == "chat.postMessage"
    assert request.path == "/api/chat.postMessage"
    assert request.headers["authorization"] == f"Bearer {TOKEN}"
    assert request.body["text"] == "hello"
    assert request.at >= before
    assert fake.messages[0].thread_ts == "123.000001"


def fields(count: int, size: int) -> dict[str, Any]:
    return {"type": "section", "fields": [{"type": "mrkdwn", "text": "f" * size}] * count}


def context(count: int) -> dict[str, Any]:
    return {"type": "context", "elements": [{"type": "mrkdwn", "text": "c"}] * count}


@pytest.mark.parametrize(
    ("blocks", "error"),
    [
        ([section("x")] * 51, "invalid_blocks"),
        ([{"type": "carousel"}], "invalid_blocks"),
        ([section("x" * 3001)], "invalid_blocks"),
        ([{"type": "section", "fields": [{"type": "mrkdwn", "text": "f"}] * 11}], "invalid_blocks"),
        (
            [{"type": "section", "fields": [{"type": "mrkdwn", "text": "f" * 2001}]}],
            "invalid_blocks",
        ),
        ([{"type": "header", "text": {"type": "plain_text", "text": "h" * 151}}], "invalid_blocks"),
        ([{"type": "header", "text": {"type": "mrkdwn", "text": "h"}}], "invalid_blocks"),
        (
            [{"type": "context", "elements": [{"type": "mrkdwn", "text": "c"}] * 11}],
            "invalid_blocks",
        ),
        ([{"type": "section", "text": {"text": "no type"}}], "invalid_blocks"),
        ([{"type": "section", "text": {"type": "mrkdwn", "text": ""}}], "invalid_blocks"),
        (
            [{"type": "section", "text": {"type": "mrkdwn", "text": "x", "emoji": True}}],
            "invalid_blocks",
        ),
        ([section("x" * 2900)] * 5, "msg_blocks_too_long"),
        ("not a list", "invalid_blocks_format"),
    ],
)
def test_block_kit_shape_is_checked(fake: FakeSlack, blocks: Any, error: str) -> None:
    answer = post(fake, "chat.postMessage", channel="alerts", text="t", blocks=blocks).json()
    assert answer["ok"] is False
    assert answer["error"] == error
    assert fake.messages == []


def test_limits_are_inclusive() -> None:
    at_limit = [
        {"type": "header", "text": {"type": "plain_text", "text": "h" * 150}},
        section("s" * 3000),
        fields(10, 900),
        context(10),
    ] + [{"type": "divider"}] * 46
    assert check_blocks(at_limit) == (None, [])


def test_invalid_blocks_answer_points_at_the_problem(fake: FakeSlack) -> None:
    blocks = [section("fine"), section("x" * 3001)]
    answer = post(fake, "chat.postMessage", channel="alerts", text="t", blocks=blocks).json()
    assert any("/blocks/1/text" in m for m in answer["response_metadata"]["messages"])


def test_scripted_replies_are_used_in_order_then_normal_handling(fake: FakeSlack) -> None:
    fake.script("chat.postMessage", "ratelimited", 500, "http_503", "not_in_channel")
    limited = post(fake, "chat.postMessage", channel="alerts", text="x")
    assert limited.status_code == 429
    assert limited.headers["Retry-After"] == "1"
    assert limited.json() == {"ok": False, "error": "ratelimited"}
    assert post(fake, "chat.postMessage", channel="alerts", text="x").status_code == 500
    assert post(fake, "chat.postMessage", channel="alerts", text="x").status_code == 503
    assert post(fake, "chat.postMessage", channel="alerts", text="x").json()["error"] == (
        "not_in_channel"
    )
    assert post(fake, "chat.postMessage", channel="alerts", text="x").json()["ok"] is True
    assert len(fake.messages) == 1
    assert len(fake.calls("chat.postMessage")) == 5


def test_scripts_are_per_method_and_optionally_per_channel(fake: FakeSlack) -> None:
    fake.script("chat.postMessage", Reply.fail("is_archived"), channel="ops")
    fake.script("auth.test", Reply.rate_limited(retry_after=7))
    assert post(fake, "chat.postMessage", channel="alerts", text="x").json()["ok"] is True
    assert post(fake, "chat.postMessage", channel="ops", text="x").json()["error"] == "is_archived"
    assert post(fake, "chat.postMessage", channel="ops", text="x").json()["ok"] is True
    assert post(fake, "auth.test").headers["Retry-After"] == "7"


def test_outage_fails_everything_until_switched_off(fake: FakeSlack) -> None:
    fake.set_outage(True)
    assert post(fake, "auth.test").status_code == 503
    assert httpx.post(fake.webhook_url, json={"text": "x"}).status_code == 503
    fake.set_outage(True, status=500)
    assert post(fake, "chat.postMessage", channel="alerts", text="x").status_code == 500
    fake.set_outage(False)
    assert post(fake, "chat.postMessage", channel="alerts", text="x").json()["ok"] is True


def test_hang_outlasts_the_client_timeout(fake: FakeSlack) -> None:
    fake.script("auth.test", "hang")
    started = time.monotonic()
    with pytest.raises(httpx.TimeoutException):
        httpx.post(
            f"{fake.api_url}auth.test", headers={"Authorization": f"Bearer {TOKEN}"}, timeout=0.3
        )
    assert time.monotonic() - started < 2
    assert post(fake, "auth.test").json()["ok"] is True


def test_webhook_answers_like_slack(fake: FakeSlack) -> None:
    client = WebhookClient(fake.webhook_url, timeout=5)
    ok = client.send(text="hello", blocks=[section("body")])
    assert (ok.status_code, ok.body) == (200, "ok")
    assert fake.messages[0].via == "webhook"
    assert fake.messages[0].blocks == [section("body")]
    fake.script("webhook", "channel_not_found")
    missing = client.send(text="again")
    assert (missing.status_code, missing.body) == (404, "channel_not_found")
    broken = client.send(text="t", blocks=[{"type": "carousel"}])
    assert (broken.status_code, broken.body) == (400, "invalid_blocks")
    assert httpx.post(fake.base_url + "/webhook/only-one-part", json={"text": "x"}).text == (
        "no_service"
    )
    assert len(fake.messages) == 1


def test_conversations_list_and_info(fake: FakeSlack) -> None:
    client = WebClient(token=TOKEN, base_url=fake.api_url, timeout=5)
    names = {c["name"] for c in client.conversations_list()["channels"]}
    assert names == {"alerts", "deprecations", "ops"}
    assert client.conversations_info(channel="C0OPSTEAM")["channel"]["name"] == "ops"
    with pytest.raises(SlackApiError) as caught:
        client.conversations_info(channel="C0MISSING")
    assert caught.value.response["error"] == "channel_not_found"


def test_files_upload_v2_goes_through_all_three_steps(fake: FakeSlack) -> None:
    client = WebClient(token=TOKEN, base_url=fake.api_url, timeout=5)
    result = client.files_upload_v2(
        channel="C0ALERTS",
        filename="weekly.html",
        content=b"<html>report</html>",
        title="Weekly report",
        initial_comment="This week",
    )
    assert result["file"]["title"] == "Weekly report"
    methods = [r.api_method for r in fake.requests]
    assert methods == ["files.getUploadURLExternal", "upload", "files.completeUploadExternal"]
    (upload,) = fake.uploads
    assert upload.content == b"<html>report</html>"
    assert (upload.filename, upload.channel, upload.initial_comment) == (
        "weekly.html",
        "C0ALERTS",
        "This week",
    )


def test_completing_an_upload_that_never_arrived_fails(fake: FakeSlack) -> None:
    started = post(fake, "files.getUploadURLExternal", filename="a.txt", length=3).json()
    files = json.dumps([{"id": started["file_id"]}])
    answer = post(fake, "files.completeUploadExternal", files=files).json()
    assert answer == {"ok": False, "error": "file_not_found"}


def test_concurrent_posts_get_unique_increasing_ts(fake: FakeSlack) -> None:
    def send(n: int) -> None:
        post(fake, "chat.postMessage", channel="alerts", text=f"m{n}")

    threads = [threading.Thread(target=send, args=(n,)) for n in range(16)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    stamps = [m.ts for m in fake.messages]
    assert len(stamps) == 16
    assert len(set(stamps)) == 16
    assert sorted(stamps, key=float) == sorted(stamps)
    assert len(fake.requests) == 16


def test_reset_clears_records_scripts_and_outage(fake: FakeSlack) -> None:
    post(fake, "chat.postMessage", channel="alerts", text="x")
    fake.script("auth.test", "invalid_auth")
    fake.set_outage(True)
    fake.reset()
    assert fake.requests == [] and fake.messages == [] and fake.uploads == []
    assert post(fake, "auth.test").json()["ok"] is True
