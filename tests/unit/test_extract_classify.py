"""Changelog entry -> deprecation records: kinds, actions, items, dates, decoys, ambiguity."""

from __future__ import annotations

from datetime import date

import pytest

from monitor.domain import Action, AnnouncedOnSource, ChangelogEntry, Kind, Origin
from monitor.extract.changelog import parse_changelog
from monitor.extract.classify import classify_entry

BASE = "https://docs.instacart.com"
URL = f"{BASE}/connect/api/fulfillment/changelog"
ANNOUNCED = date(2026, 5, 12)
INDEX = {
    f"{BASE}/connect/api/fulfillment/lastmile/create_order": (
        "POST",
        "/v2/fulfillment/lastmile/users/{user_id}/orders",
        "Create a last mile delivery order",
    ),
    f"{BASE}/connect/api/fulfillment/delivery/get_orders/": (
        "GET",
        "/v2/fulfillment/users/{user_id}/orders",
        "Get orders",
    ),
    f"{BASE}/connect/api/fulfillment/last_mile/create_order": (
        "POST",
        "/v2/fulfillment/users/{user_id}/orders/last_mile",
        "Create an order for last mile delivery",
    ),
    f"{BASE}/connect/api/fulfillment/lastmile/find_stores": (
        "POST",
        "/v2/fulfillment/lastmile/stores",
        "Find stores offering last mile delivery",
    ),
}


def entries_of(body: str, heading: str = "May 12, 2026") -> list[ChangelogEntry]:
    html = (
        "<html><body><article><div class='theme-doc-markdown markdown'>"
        f"<h2 id='entry-date'>{heading}</h2>{body}</div></article></body></html>"
    )
    return parse_changelog(html, URL, "Connect Fulfillment API")


def records_of(item_html: str) -> list:
    (entry,) = entries_of(f"<ul><li>{item_html}</li></ul>")
    return classify_entry(entry, INDEX)


# (case name, entry HTML, kind, action, items, replacement, effective_on)
RECORD_CASES = [
    (
        "fields-on-object-in-favour-of",
        "Deprecated <code>quantity</code> and <code>unit</code> on the <code>LineItem</code>"
        " object "
        "in favour of <code>line_item_measurements</code>.",
        Kind.FIELD,
        Action.DEPRECATED,
        ("LineItem.quantity", "LineItem.unit"),
        "line_item_measurements",
        None,
    ),
    (
        "removed-field-from-object",
        "Removed <code>currency</code> from <code>OrderProperties</code> in Ingest orders.",
        Kind.FIELD,
        Action.REMOVED,
        ("OrderProperties.currency",),
        None,
        None,
    ),
    (
        "removed-enum-value",
        "Removed <code>asap</code> as a <code>service_options[].window.type</code> value; "
        "added <code>priority_eta</code>.",
        Kind.REMOVED_VALUE,
        Action.REMOVED,
        ("service_options[].window.type=asap",),
        None,
        None,
    ),
    (
        "deprecated-enum-value-with-switch-to",
        "The <code>standard</code> option of <code>delivery.speed</code> is deprecated; switch to "
        "<code>scheduled</code>.",
        Kind.ENUM_VALUE,
        Action.DEPRECATED,
        ("delivery.speed=standard",),
        "scheduled",
        None,
    ),
    (
        "endpoint-by-link-replaced-by-link",
        'The <a href="/connect/api/fulfillment/lastmile/create_order">Create a last mile delivery '
        'order</a> endpoint is deprecated and replaced by <a href="last_mile/create_order">'
        "Create an order for last mile delivery</a>.",
        Kind.ENDPOINT,
        Action.DEPRECATED,
        ("POST /v2/fulfillment/lastmile/users/{user_id}/orders",),
        "Create an order for last mile delivery",
        None,
    ),
    (
        "endpoint-written-with-colon-params",
        "<code>GET /v2/fulfillment/users/:user_id/orders</code> is deprecated and will be removed "
        "on 1 December 2026.",
        Kind.ENDPOINT,
        Action.DEPRECATED,
        ("GET /v2/fulfillment/users/{user_id}/orders",),
        None,
        date(2026, 12, 1),
    ),
    (
        "endpoint-bare-path-method-from-index",
        "Deprecated <code>/v2/fulfillment/lastmile/stores</code>. Use "
        "<code>POST /v2/fulfillment/stores/last_mile</code> instead.",
        Kind.ENDPOINT,
        Action.DEPRECATED,
        ("POST /v2/fulfillment/lastmile/stores",),
        "POST /v2/fulfillment/stores/last_mile",
        None,
    ),
    (
        "endpoint-by-title-in-prose",
        "We deprecated Find stores offering last mile delivery.",
        Kind.ENDPOINT,
        Action.DEPRECATED,
        ("POST /v2/fulfillment/lastmile/stores",),
        None,
        None,
    ),
    (
        "future-removal-is-a-deprecation-with-date",
        "The <code>tip</code> field of <code>Order</code> will be removed starting Sept 1, 2026.",
        Kind.FIELD,
        Action.DEPRECATED,
        ("Order.tip",),
        None,
        date(2026, 9, 1),
    ),
    (
        "removed-deprecated-field-is-a-removal",
        "Removed the deprecated <code>legacy_id</code> field from <code>Store</code>.",
        Kind.FIELD,
        Action.REMOVED,
        ("Store.legacy_id",),
        None,
        None,
    ),
    (
        "prose-snake-case-without-code",
        "The is_express attribute is deprecated, use is_instacartplus instead.",
        Kind.FIELD,
        Action.DEPRECATED,
        ("is_express",),
        "is_instacartplus",
        None,
    ),
    (
        "item-named-in-another-sentence",
        "<code>express_member</code> on sandbox users. This flag is now deprecated; "
        "use <code>instacartplus_member</code>.",
        Kind.FIELD,
        Action.DEPRECATED,
        ("express_member",),
        "instacartplus_member",
        None,
    ),
    (
        "qualified-path-kept",
        "Deprecated <code>LineItem.unit</code>, superseded by"
        " <code>line_item_measurements[].unit</code>.",
        Kind.FIELD,
        Action.DEPRECATED,
        ("LineItem.unit",),
        "line_item_measurements[].unit",
        None,
    ),
    (
        "until-date",
        "<code>store_code</code> is deprecated and supported until Nov 30, 2026; moved to "
        "<code>location_code</code>.",
        Kind.FIELD,
        Action.DEPRECATED,
        ("store_code",),
        "location_code",
        date(2026, 11, 30),
    ),
]


@pytest.mark.parametrize(
    ("html", "kind", "action", "items", "replacement", "effective"),
    [case[1:] for case in RECORD_CASES],
    ids=[case[0] for case in RECORD_CASES],
)
def test_record_cases(html, kind, action, items, replacement, effective) -> None:
    (record,) = records_of(html)
    assert (record.kind, record.action, record.items) == (kind, action, items)
    assert record.replacement == replacement
    assert record.effective_on == effective
    assert record.needs_review is False
    assert record.origin is Origin.CHANGELOG
    assert record.announced_on == ANNOUNCED
    assert record.announced_on_source is AnnouncedOnSource.CHANGELOG
    assert record.source_url == URL + "#entry-date"
    assert record.entry_key == "Connect Fulfillment API|2026-05-12|0"
    assert record.title


@pytest.mark.parametrize(
    "html",
    [
        "Added <code>priority_eta</code> as a window type.",
        "New endpoint: <code>POST /v2/fulfillment/stores/last_mile</code>.",
        "Updated the description of <code>user_id</code>.",
        "Fixed a broken link on the deprecated endpoints page.",
        "Clarified the deprecation policy.",
        "Removed a stale example from the ordering guide.",
        "Fixed a typo in the Deprecated section of the sidebar.",
        "Improved error messages when a deprecated endpoint is called.",
        "Orders now include <code>retailer_reference</code>.",
        "Removed a duplicated row from the <code>LineItem</code> table.",
        "Updated the README so it no longer points to deprecated endpoints.",
    ],
)
def test_entries_without_deprecations_give_nothing(html: str) -> None:
    assert records_of(html) == []


@pytest.mark.parametrize(
    ("html", "hedge"),
    [
        ("The <code>express_member</code> flag may be retired in a future release.", "may"),
        ("We plan to deprecate <code>tip_amount</code> on <code>Order</code>.", "plan to"),
        ("Legacy webhooks might be removed eventually.", "might"),
    ],
)
def test_ambiguous_wording_is_kept_for_review(html: str, hedge: str) -> None:
    (record,) = records_of(html)
    assert record.needs_review is True
    assert record.review_reason is not None and hedge in record.review_reason
    assert record.action is Action.DEPRECATED


def test_deprecation_without_identifiable_item_is_flagged() -> None:
    (record,) = records_of("Older authentication flows are deprecated.")
    assert record.items == ()
    assert record.title == "Older authentication flows are deprecated."
    assert record.needs_review is True
    assert "no deprecated item" in (record.review_reason or "")


def test_breaking_requirement_without_deprecation() -> None:
    (record,) = records_of(
        "<strong>Breaking change</strong>: from June 9, 2026, <code>user_phone</code> "
        '(<a href="/connect/api/fulfillment/lastmile/create_order">Create a last mile delivery '
        "order</a>) and <code>phone_number</code> (other order requests) must be E.164 numbers."
    )
    assert (record.kind, record.action) == (Kind.BREAKING_CHANGE, Action.BREAKING)
    assert record.items == ("user_phone", "phone_number")
    assert record.effective_on == date(2026, 6, 9)
    assert record.title == "Breaking change: user_phone, phone_number"


def test_error_codes_are_not_affected_fields() -> None:
    (record,) = records_of(
        "<strong>Breaking change</strong>: from 2026-07-01 <code>email</code> must be lower case. "
        "Other spellings fail with the <code>invalid_email</code> error code."
    )
    assert (record.kind, record.items) == (Kind.BREAKING_CHANGE, ("email",))


def test_explicit_endpoints_in_sub_bullets_win_over_successor_names() -> None:
    (entry,) = entries_of(
        "<ul><li>Deprecated the endpoints below. Switch to the <code>v3</code> variants."
        "<ul><li><code>GET /v2/a/{id}</code></li><li><code>DELETE /v2/b</code></li></ul></li></ul>"
    )
    (record,) = classify_entry(entry, INDEX)
    assert (record.kind, record.items, record.replacement) == (
        Kind.ENDPOINT,
        ("GET /v2/a/{id}", "DELETE /v2/b"),
        "v3",
    )


def test_one_entry_with_removal_and_deprecation_gives_two_records() -> None:
    records = records_of(
        "Removed <code>rrc</code> from <code>EventProperties</code>. "
        "Deprecated <code>upc</code> on <code>EventProperties</code>."
    )
    assert {(r.action, r.items) for r in records} == {
        (Action.REMOVED, ("EventProperties.rrc",)),
        (Action.DEPRECATED, ("EventProperties.upc",)),
    }


def test_lead_in_context_is_used_for_items() -> None:
    entries = entries_of(
        "<p>Deprecated on <code>LineItem</code>:</p><ul><li><code>quantity</code></li>"
        "<li><code>unit</code></li></ul>"
    )
    items = [r.items for e in entries for r in classify_entry(e, INDEX)]
    assert items == [("LineItem.quantity",), ("LineItem.unit",)]


def test_sub_bullets_are_judged_one_by_one() -> None:
    (entry,) = entries_of(
        "<ul><li>Events API<ul><li>Added <code>slot_id</code> to <code>EventProperties</code></li>"
        "<li>Removed <code>rrc</code> from <code>EventProperties</code></li></ul></li></ul>"
    )
    (record,) = classify_entry(entry, INDEX)
    assert (record.action, record.items) == (Action.REMOVED, ("EventProperties.rrc",))


def test_nested_removal_qualifies_with_its_object() -> None:
    entries = entries_of(
        "<ul><li>Events API<ul><li>Removed <code>rrc</code> and <code>upc</code> from "
        "<code>FeaturedProductEventProperties</code>.</li></ul></li></ul>",
        heading="2025-02-18",
    )
    records = [r for e in entries for r in classify_entry(e, INDEX)]
    assert [(r.kind, r.action, r.items, r.announced_on) for r in records] == [
        (
            Kind.FIELD,
            Action.REMOVED,
            ("FeaturedProductEventProperties.rrc", "FeaturedProductEventProperties.upc"),
            date(2025, 2, 18),
        )
    ]


@pytest.mark.parametrize(
    ("html", "kind", "items"),
    [
        (
            "The <code>store_id</code> query parameter of <code>GET /v2/fulfillment/stores</code>"
            " is deprecated and will be removed on March 1, 2026.",
            "field",
            ("store_id",),
        ),
        (
            "The <code>legacy</code> value for <code>fulfillment_type</code> is no longer"
            " supported. Switch to <code>standard</code>.",
            "removed_value",
            ("fulfillment_type=legacy",),
        ),
        (
            "We deprecated the <code>POST /v2/fulfillment/users/{user_id}/carts</code> endpoint.",
            "endpoint",
            ("POST /v2/fulfillment/users/{user_id}/carts",),
        ),
    ],
    ids=["parameter-of-endpoint", "value-for-plain-field", "endpoint-subject"],
)
def test_subject_of_the_sentence(html: str, kind: str, items: tuple[str, ...]) -> None:
    page = (
        '<html><body><article><div class="theme-doc-markdown markdown">'
        f'<h2 id="d">Sep 1, 2025</h2><ul><li>{html}</li></ul></div></article></body></html>'
    )
    entries = parse_changelog(page, "https://docs.instacart.com/x/changelog", "Catalog")
    records = classify_entry(entries[0], {})
    assert [(r.kind.value, r.items) for r in records] == [(kind, items)]
