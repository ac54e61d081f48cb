"""Block Kit building, escaping, trimming and validation (pure, no network)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

import pytest

from monitor.domain import Action, AnnouncedOnSource, Kind
from monitor.notify import limits
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
from monitor.notify.fit import (
    fit_to_limits,
    validate,
)
from monitor.notify.message import (
    SlackMessage,
    block_text_length,
    describe_days_left,
    escape_mrkdwn,
    link,
    location_url,
    safe_url,
    truncate_mrkdwn,
)

CHANGELOG = "https://docs.instacart.com/developer_platform_api/api/changelog#march-18-2026"


def all_text(message: SlackMessage) -> str:
    parts: list[str] = []

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            for key, value in node.items():
                if key == "text" and isinstance(value, str):
                    parts.append(value)
                else:
                    walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(message.blocks)
    return "\n".join(parts)


def usage(name: str, findings: int, *, with_urls: bool = True) -> CodebaseUsage:
    locations = [
        Location(
            path=f"src/{name}/client_{n}.py",
            line=n + 1,
            url=f"https://git.example.com/{name}/blob/abc123/src/{name}/client_{n}.py#L{n + 1}"
            if with_urls
            else None,
        )
        for n in range(findings)
    ]
    return CodebaseUsage(name=name, finding_count=findings, locations=locations)


def alert(**overrides: Any) -> AlertContent:
    values: dict[str, Any] = {
        "item": "LineItem.quantity",
        "title": "quantity and unit on LineItem are deprecated; use line_item_measurements",
        "surface": "Developer Platform API",
        "kind": Kind.FIELD,
        "action": Action.DEPRECATED,
        "announced_on": date(2026, 3, 18),
        "window_closes_on": date(2026, 9, 18),
        "days_left": 12,
        "replacement": "line_item_measurements",
        "source_url": CHANGELOG,
        "threshold_label": "14 days before the window closes",
        "codebases": [usage("storefront", 3)],
    }
    values.update(overrides)
    return AlertContent(**values)


# ------------------------------------------------------------------ escaping


@pytest.mark.parametrize(
    ("raw", "escaped"),
    [
        ("a < b > c", "a &lt; b &gt; c"),
        ("R&D", "R&amp;D"),
        ("&lt;", "&amp;lt;"),  # already-escaped text from the docs is shown literally
        ("<!channel>", "&lt;!channel&gt;"),  # no mass mentions smuggled in from a page
        ("plain", "plain"),
    ],
)
def test_escape_mrkdwn(raw: str, escaped: str) -> None:
    assert escape_mrkdwn(raw) == escaped


def test_link_escapes_label_and_refuses_unsafe_urls() -> None:
    assert link("https://x.example/a b|c>", "a|b <c>") == (
        "<https://x.example/a%20b%7Cc%3E|a¦b &lt;c&gt;>"
    )
    assert link("javascript:alert(1)", "click") == "click"
    assert link(None, "x & y") == "x &amp; y"
    assert safe_url("ftp://host/file") is None
    assert safe_url("https://host/p?a=1&b=2#L3") == "https://host/p?a=1&b=2#L3"


def test_location_url_fills_the_template() -> None:
    template = "https://git.example.com/shop/blob/{commit}/{path}#L{line}"
    url = location_url(template, path="src/my file.py", line=42, commit="abc123", branch="main")
    assert url == "https://git.example.com/shop/blob/abc123/src/my%20file.py#L42"
    branch_template = "https://code.example.org/{branch}/{path}?line={line}&x={unknown}"
    assert location_url(branch_template, path="/a/b.go", line=7, branch="release/1.2") == (
        "https://code.example.org/release/1.2/a/b.go?line=7&x={unknown}"
    )
    assert location_url(None, path="a.py", line=1) is None
    assert location_url("file:///{path}", path="a.py", line=1) is None


def test_truncate_mrkdwn_never_cuts_a_link_or_entity() -> None:
    text = "see " + link("https://example.com/" + "x" * 50, "the page") + " now"
    for limit in range(5, len(text)):
        cut = truncate_mrkdwn(text, limit)
        assert len(cut) <= limit
        assert cut.endswith(limits.ELLIPSIS)
        assert cut.count("<") == cut.count(">")
    entity = "a" * 10 + "&amp;" + "b" * 10
    for limit in range(11, 16):
        cut = truncate_mrkdwn(entity, limit)
        assert "&" not in cut or "&amp;" in cut


@pytest.mark.parametrize(
    ("days", "words"),
    [
        (12, "12 days left"),
        (1, "1 day left"),
        (0, "window closes today"),
        (-1, "window closed 1 day ago"),
        (-3, "window closed 3 days ago"),
    ],
)
def test_describe_days_left(days: int, words: str) -> None:
    assert describe_days_left(days) == words


# ------------------------------------------------------------------ alert builder


def test_alert_shows_item_dates_replacement_link_and_findings() -> None:
    message = build_alert(alert())
    assert validate(message) == []
    assert message.blocks[0] == {
        "type": "header",
        "text": {"type": "plain_text", "text": "LineItem.quantity: 12 days left", "emoji": True},
    }
    text = all_text(message)
    assert "2026-03-18" in text
    assert "2026-09-18" in text
    assert "line_item_measurements" in text
    assert "Developer Platform API" in text
    assert f"<{CHANGELOG}|" in text
    assert "*storefront*: 3 findings" in text
    assert "|src/storefront/client_2.py:3>" in text
    assert "14 days before the window closes" in text
    assert message.text.startswith("LineItem.quantity: 12 days left")


def test_alert_wording_follows_kind_and_action() -> None:
    breaking = build_alert(
        alert(item="user_phone", kind=Kind.BREAKING_CHANGE, action=Action.BREAKING)
    )
    assert "Breaking change in *Developer Platform API*" in all_text(breaking)
    assert "*Change*\nBreaking change" in all_text(breaking)
    removed = build_alert(alert(kind=Kind.ENUM_VALUE, action=Action.REMOVED))
    assert "*Change*\nEnum value, removed" in all_text(removed)
    assert "*Change*\nField, deprecated" in all_text(build_alert(alert()))


def test_alert_after_the_window_closed() -> None:
    message = build_alert(alert(days_left=-3))
    assert message.blocks[0]["text"]["text"] == "LineItem.quantity: window closed 3 days ago"


def test_alert_escapes_docs_text_and_says_when_no_replacement() -> None:
    message = build_alert(
        alert(title="Use <Order> & friends", replacement=None, codebases=[], surface="A&B")
    )
    text = all_text(message)
    assert "Use &lt;Order&gt; &amp; friends" in text
    assert "<Order>" not in text
    assert "none named" in text
    assert "No uses found" in text
    assert validate(message) == []


def test_alert_explains_first_seen_dates() -> None:
    message = build_alert(
        alert(announced_on=date(2026, 1, 5), announced_on_source=AnnouncedOnSource.FIRST_SEEN)
    )
    assert "2026-01-05 (first seen; no announcement found)" in all_text(message)


def test_alert_lists_five_locations_then_and_n_more() -> None:
    message = build_alert(alert(codebases=[usage("backend", 12)]))
    text = all_text(message)
    assert text.count("|src/backend/client_") == limits.MAX_LOCATIONS_PER_CODEBASE
    assert "…and 7 more findings" in text


def test_alert_without_link_template_shows_plain_paths() -> None:
    message = build_alert(alert(codebases=[usage("legacy", 2, with_urls=False)]))
    text = all_text(message)
    assert "`src/legacy/client_0.py:1`" in text
    assert "<https://git.example.com" not in text


def test_alert_orders_codebases_by_finding_count() -> None:
    message = build_alert(alert(codebases=[usage("small", 1), usage("big", 9), usage("mid", 4)]))
    text = all_text(message)
    assert text.index("*big*") < text.index("*mid*") < text.index("*small*")


def test_huge_alert_is_valid_and_says_what_was_left_out() -> None:
    codebases = [usage(f"repo{n:03d}", 500) for n in range(500)]
    message = build_alert(alert(codebases=codebases))
    assert validate(message) == []
    assert len(message.blocks) <= limits.MAX_BLOCKS
    assert sum(block_text_length(b) for b in message.blocks) <= limits.SAFE_TOTAL_TEXT_BUDGET
    shown = all_text(message).count("*: 500 findings")
    assert 0 < shown < 500
    last = message.blocks[-1]
    assert last["type"] == "context"
    hidden = 500 - shown
    assert (
        f"…and {hidden:,} more codebases ({hidden * 500:,} findings)" in last["elements"][0]["text"]
    )


def test_alert_with_enormous_item_name_keeps_days_in_header() -> None:
    message = build_alert(alert(item="X." + "field" * 100, title="t" * 10_000))
    header = message.blocks[0]["text"]["text"]
    assert len(header) <= limits.MAX_HEADER_TEXT
    assert header.endswith(": 12 days left")
    assert validate(message) == []
    assert len(message.text) <= limits.MAX_FALLBACK_TEXT


# ------------------------------------------------------------------ other builders


def digest_items(count: int) -> list[DigestItem]:
    return [
        DigestItem(
            item=f"Field{n}.value",
            surface="Connect Fulfillment API",
            window_closes_on=date(2026, 6, 1 + n % 28),
            days_left=10 + n % 28,
            finding_count=n % 3,
            source_url=f"https://docs.instacart.com/connect/api/fulfillment/changelog#e{n}",
        )
        for n in range(count)
    ]


def test_monitoring_started_digest_names_the_nearest_window() -> None:
    items = digest_items(5)
    message = build_digest(DigestKind.MONITORING_STARTED, items)
    assert message.blocks[0]["text"]["text"] == "Monitoring started: 5 active deprecations"
    assert "nearest window closes on *2026-06-01*" in all_text(message)
    assert "Field0.value" in all_text(message)
    lines = [line for line in all_text(message).splitlines() if line.startswith("•")]
    assert len(lines) == 5
    dates = [line.split("closes ")[1][:10] for line in lines]
    assert dates == sorted(dates)
    assert validate(message) == []


def test_digest_with_no_items_is_still_valid() -> None:
    message = build_digest(DigestKind.MONITORING_STARTED, [])
    assert message.blocks[0]["text"]["text"] == "Monitoring started: 0 active deprecations"
    assert validate(message) == []


def test_over_cap_digest_with_thousands_of_items_fits_and_counts_the_rest() -> None:
    message = build_digest(DigestKind.OVER_CAP, digest_items(3000), cap=20)
    assert validate(message) == []
    text = all_text(message)
    assert "per-run cap of 20" in text
    shown = sum(1 for line in text.splitlines() if line.startswith("•"))
    assert f"…and {3000 - shown:,} more deprecations" in text


@pytest.mark.parametrize(
    ("event", "expected"),
    [
        (OpsEvent.SOURCE_FAILING, "failed 4 times in a row"),
        (OpsEvent.SOURCE_RECOVERED, "reachable again after 4 failed attempts"),
        (OpsEvent.PARSER_CANARY, "layout may have changed"),
    ],
)
def test_ops_alerts(event: OpsEvent, expected: str) -> None:
    content = OpsContent(
        event=event,
        source="Catalog changelog",
        failures=4,
        detail="HTTP 503 <html>",
        since=datetime(2026, 5, 1, 8, 30),
        url="https://docs.instacart.com/catalog/changelog",
    )
    message = build_ops_alert(content)
    assert expected in all_text(message)
    assert "<html>" not in all_text(message)
    assert "Catalog changelog" in message.text
    assert validate(message) == []


def test_test_message() -> None:
    message = build_test_message(target="#alerts", sent_at=datetime(2026, 5, 1, 9, 0, 0))
    assert "#alerts" in all_text(message)
    assert "2026-05-01T09:00:00" in all_text(message)
    assert validate(message) == []


# ------------------------------------------------------------------ fit and validate


def section(text: str) -> dict[str, Any]:
    return {"type": "section", "text": {"type": "mrkdwn", "text": text}}


def test_validate_reports_each_kind_of_problem() -> None:
    broken = SlackMessage(
        text="",
        blocks=[
            {"type": "header", "text": {"type": "mrkdwn", "text": "not plain"}},
            {"type": "header", "text": {"type": "plain_text", "text": "h" * 151}},
            section("s" * 3001),
            {"type": "section", "fields": [{"type": "mrkdwn", "text": "f"}] * 11},
            {"type": "section", "fields": [{"type": "mrkdwn", "text": "f" * 2001}]},
            {"type": "context", "elements": [{"type": "mrkdwn", "text": "c"}] * 11},
            {"type": "carousel"},
            {"type": "section", "text": {"type": "markdown", "text": "x"}},
            {"type": "section", "text": {"type": "mrkdwn", "text": ""}},
            {"type": "section"},
        ],
    )
    problems = validate(broken)
    joined = "\n".join(problems)
    assert "text: empty fallback text" in joined
    assert "blocks[0].text: must be plain_text" in joined
    assert "blocks[1].text: 151 characters" in joined
    assert "blocks[2].text: 3001 characters" in joined
    assert "blocks[3].fields: more than 10" in joined
    assert "blocks[4].fields[0]: 2001 characters" in joined
    assert "blocks[5].elements: more than 10" in joined
    assert "blocks[6]: unknown block type 'carousel'" in joined
    assert "blocks[7].text: unknown text type 'markdown'" in joined
    assert "blocks[8].text: empty text" in joined
    assert "blocks[9]: section needs text or fields" in joined


def test_validate_counts_blocks_and_total_text() -> None:
    too_many = SlackMessage(text="t", blocks=[section("x")] * 51)
    assert any("51 blocks" in p for p in validate(too_many))
    too_long = SlackMessage(text="t", blocks=[section("x" * 2500)] * 5)
    assert any("12500 characters of text" in p for p in validate(too_long))
    assert validate(SlackMessage(text="t", blocks=[section("x" * 2400)] * 5)) == []


def test_fit_to_limits_repairs_everything_validate_complains_about() -> None:
    broken = SlackMessage(
        text="   ",
        blocks=[
            {"type": "header", "text": {"type": "mrkdwn", "text": "h" * 400}},
            section("s" * 5000),
            {"type": "section", "fields": [{"type": "mrkdwn", "text": "f" * 700}] * 14},
            {"type": "context", "elements": [{"type": "mrkdwn", "text": "c"}] * 15},
            {"type": "carousel"},
            {"type": "section", "text": {"type": "mrkdwn", "text": ""}},
            {"type": "divider"},
        ],
    )
    fitted = fit_to_limits(broken)
    assert validate(fitted) == []
    assert [b["type"] for b in fitted.blocks] == [
        "header",
        "section",
        "section",
        "context",
        "divider",
    ]
    assert fitted.blocks[0]["text"]["type"] == "plain_text"
    assert fitted.blocks[1]["text"]["text"].endswith(limits.ELLIPSIS)
    assert len(fitted.blocks[2]["fields"]) == limits.MAX_FIELDS
    assert fitted.blocks[3]["elements"][-1]["text"] == "…and 6 more"
    assert fitted.text.startswith("hhh")  # fallback taken from the first text
    assert broken.blocks[1]["text"]["text"] == "s" * 5000  # the input is not mutated


def test_fit_to_limits_drops_overflow_and_says_how_much() -> None:
    message = SlackMessage(text="many", blocks=[section(f"part {n}") for n in range(80)])
    fitted = fit_to_limits(message)
    assert validate(fitted) == []
    assert len(fitted.blocks) == limits.MAX_BLOCKS
    assert fitted.blocks[-2] == section("part 48")
    assert "…and 31 more parts" in fitted.blocks[-1]["elements"][0]["text"]


def test_fit_to_limits_skips_one_giant_block_but_keeps_later_ones() -> None:
    giant = {"type": "section", "fields": [{"type": "mrkdwn", "text": "g" * 2000}] * 10}
    message = SlackMessage(text="t", blocks=[section("before"), giant, section("after")])
    fitted = fit_to_limits(message)
    assert validate(fitted) == []
    assert fitted.blocks[:2] == [section("before"), section("after")]
    assert "…and 1 more part " in fitted.blocks[-1]["elements"][0]["text"]


def test_fit_to_limits_leaves_a_valid_message_alone() -> None:
    message = build_alert(alert())
    assert fit_to_limits(message) == message


def test_fit_to_limits_always_has_fallback_text() -> None:
    assert fit_to_limits(SlackMessage(text="", blocks=[])).text
    assert len(fit_to_limits(SlackMessage(text="y" * 9000)).text) == limits.MAX_FALLBACK_TEXT
