"""Cross-referencing changelog, Deprecated page and reference pages; whole-site extraction."""

from __future__ import annotations

from datetime import date

from monitor.domain import Action, AnnouncedOnSource, DeprecationRecord, Kind, Origin
from monitor.extract.crossref import cross_reference
from monitor.extract.reference import ReferencePage
from monitor.extract.reference_tables import DeprecatedField
from monitor.extract.site import extract_site

BASE = "https://docs.instacart.com/connect/api/fulfillment"
FIRST_SEEN = date(2026, 5, 20)
SURFACE = "Connect Fulfillment API"


def ref(slug: str, title: str, endpoint: str | None, deprecated: bool, **more) -> ReferencePage:
    method, path = endpoint.split(" ", 1) if endpoint else (None, None)
    return ReferencePage(f"{BASE}/{slug}", SURFACE, title, method, path, deprecated, **more)


PAGES = [
    ref(
        "lastmile/create_order",
        "Create a last mile delivery order",
        "POST /v2/fulfillment/lastmile/users/{user_id}/orders",
        True,
        replacement="POST /v2/fulfillment/users/{user_id}/orders/last_mile",
    ),
    ref(
        "lastmile/find_stores",
        "Find stores offering last mile delivery",
        "POST /v2/fulfillment/lastmile/stores",
        True,
    ),
    ref(
        "lastmile/get_order",
        "Get a last mile delivery order",
        "GET /v2/fulfillment/lastmile/orders/{order_id}",
        True,
    ),
    ref("delivery/get_orders", "Get orders", "GET /v2/fulfillment/users/{user_id}/orders", True),
    ref(
        "dispatch/find_stores",
        "Find stores for dispatch",
        "POST /v2/fulfillment/lastmile/stores",
        False,
    ),
    ref(
        "dispatch/get_order",
        "Get a dispatch order",
        "GET /v2/fulfillment/lastmile/orders/{id}",
        False,
    ),
    ref(
        "delivery/get_order",
        "Get an order",
        "GET /v2/fulfillment/users/{user_id}/orders/{order_id}",
        False,
        fields=(DeprecatedField("is_express", "Order", "Deprecated", "is_instacartplus"),),
    ),
    ref(
        "pickup/get_order",
        "Get a pickup order",
        "GET /v2/fulfillment/users/{user_id}/orders/{order_id}/pickup",
        False,
        fields=(DeprecatedField("is_express", "Order", "Deprecated", "is_instacartplus"),),
    ),
    ref(
        "delivery/legacy_tip",
        "Add a tip (legacy)",
        "POST /v2/fulfillment/orders/{order_id}/tip",
        True,
    ),
    ref(
        "products_link",
        "Create shopping list page",
        "POST /idp/v1/products/products_link",
        False,
        fields=(DeprecatedField("quantity", "LineItem", "Deprecated", "line_item_measurements"),),
    ),
]
LISTED = [
    f"{BASE}/lastmile/create_order",
    f"{BASE}/lastmile/find_stores#top",
    f"{BASE}/lastmile/get_order/",
    f"{BASE}/delivery/get_orders",
    f"{BASE}/lastmile/not_fetched",
]


def changelog(kind: Kind, items: tuple[str, ...], on: date, **more) -> DeprecationRecord:
    return DeprecationRecord(
        kind=kind,
        action=more.pop("action", Action.DEPRECATED),
        surface=SURFACE,
        items=items,
        title="t",
        origin=Origin.CHANGELOG,
        source_url=f"{BASE}/changelog#{on.isoformat()}",
        announced_on=on,
        entry_key=f"{SURFACE}|{on.isoformat()}|0",
        **more,
    )


CHANGELOG = [
    # Names the endpoint by a different parameter spelling: matched by shape.
    changelog(
        Kind.ENDPOINT,
        ("POST /v2/fulfillment/lastmile/users/{id}/orders",),
        date(2025, 6, 2),
        effective_on=date(2026, 1, 1),
    ),
    # Links the page only (no item resolved).
    changelog(
        Kind.ENDPOINT, (), date(2025, 8, 4), extra={"linked_pages": f"{BASE}/delivery/get_orders"}
    ),
    changelog(Kind.FIELD, ("LineItem.quantity",), date(2026, 3, 18)),
    changelog(Kind.ENDPOINT, ("GET /v2/fulfillment/lastmile/orders/{order_id}",), date(2025, 9, 1)),
]


def by_origin(records: list[DeprecationRecord], origin: Origin) -> list[DeprecationRecord]:
    return [r for r in records if r.origin is origin]


def test_one_deprecated_page_record_per_listed_operation() -> None:
    records = cross_reference(CHANGELOG, PAGES, LISTED, FIRST_SEEN)
    listed = by_origin(records, Origin.DEPRECATED_PAGE)
    assert [
        (r.title, r.items, r.announced_on, r.announced_on_source, r.shared_with_live)
        for r in listed
    ] == [
        (
            "Create a last mile delivery order",
            ("POST /v2/fulfillment/lastmile/users/{user_id}/orders",),
            date(2025, 6, 2),
            AnnouncedOnSource.CHANGELOG,
            False,
        ),
        (
            "Find stores offering last mile delivery",
            ("POST /v2/fulfillment/lastmile/stores",),
            None,
            AnnouncedOnSource.FIRST_SEEN,
            True,
        ),
        (
            "Get a last mile delivery order",
            ("GET /v2/fulfillment/lastmile/orders/{order_id}",),
            date(2025, 9, 1),
            AnnouncedOnSource.CHANGELOG,
            True,
        ),
        (
            "Get orders",
            ("GET /v2/fulfillment/users/{user_id}/orders",),
            date(2025, 8, 4),
            AnnouncedOnSource.CHANGELOG,
            False,
        ),
        ("Not fetched", (), None, AnnouncedOnSource.FIRST_SEEN, False),
    ]
    create = listed[0]
    assert create.replacement == "POST /v2/fulfillment/users/{user_id}/orders/last_mile"
    assert create.effective_on == date(2026, 1, 1)
    assert create.source_url == f"{BASE}/lastmile/create_order"
    assert create.extra["announcement"] == f"{SURFACE}|2025-06-02|0"
    assert listed[-1].needs_review is True
    assert listed[1].closes_on(FIRST_SEEN) == date(2026, 11, 20)


def test_changelog_records_are_kept_and_marked_when_path_is_live() -> None:
    records = cross_reference(CHANGELOG, PAGES, LISTED, FIRST_SEEN)
    kept = by_origin(records, Origin.CHANGELOG)
    assert len(kept) == len(CHANGELOG)
    assert [r.shared_with_live for r in kept] == [False, False, False, True]


def test_reference_records_only_for_what_nothing_else_covers() -> None:
    records = cross_reference(CHANGELOG, PAGES, LISTED, FIRST_SEEN)
    own = by_origin(records, Origin.REFERENCE_PAGE)
    assert sorted((r.kind, r.items) for r in own) == [
        (Kind.ENDPOINT, ("POST /v2/fulfillment/orders/{order_id}/tip",)),
        (Kind.FIELD, ("Order.is_express",)),
    ]
    field = next(r for r in own if r.kind is Kind.FIELD)
    assert field.source_url == f"{BASE}/delivery/get_order"
    assert field.extra["also_on"] == f"{BASE}/pickup/get_order"
    # The announced LineItem.quantity is linked, not duplicated.
    line_item = next(r for r in records if r.items == ("LineItem.quantity",))
    assert line_item.origin is Origin.CHANGELOG
    assert line_item.extra["reference_url"] == f"{BASE}/products_link"
    assert line_item.replacement == "line_item_measurements"


def test_without_changelog_every_date_is_first_seen() -> None:
    records = cross_reference([], PAGES, LISTED, FIRST_SEEN)
    assert all(r.announced_on is None for r in records)
    assert {r.announced_on_source for r in records} == {AnnouncedOnSource.FIRST_SEEN}


def _doc(body: str) -> str:
    markdown = f"<div class='theme-doc-markdown markdown'>{body}</div>"
    return f"<html><body><article>{markdown}</article></body></html>"


def test_extract_site_end_to_end_with_a_broken_page() -> None:
    pages = {
        f"{BASE}/changelog": (
            "changelog",
            SURFACE,
            _doc(
                "<h2 id='mar-3-2026'>Mar 3, 2026</h2><ul><li>Deprecated "
                "<a href='/connect/api/fulfillment/lastmile/stores_page'>Find stores offering last"
                " mile "
                "delivery</a>.</li><li>Added pickup.</li></ul>"
            ),
        ),
        f"{BASE}/lastmile/stores_page": (
            "reference",
            SURFACE,
            _doc(
                "<h1>Find stores offering last mile delivery</h1><pre><code>POST"
                " /v2/fulfillment/lastmile/stores"
                "</code></pre><div class='theme-admonition"
                " theme-admonition-caution'><div>caution</div>"
                "<div><p>This endpoint is deprecated.</p></div></div>"
            ),
        ),
        f"{BASE}/dispatch/stores": (
            "reference",
            SURFACE,
            _doc(
                "<h1>Find stores for dispatch</h1><pre><code>POST https://&lt;instacart_domain&gt;"
                "/v2/fulfillment/lastmile/stores</code></pre>"
            ),
        ),
        f"{BASE}/deprecated": (
            "deprecated",
            SURFACE,
            _doc(
                "<ul><li><a href='lastmile/stores_page'>Find stores offering last mile"
                " delivery</a></li></ul>"
            ),
        ),
        f"{BASE}/ads/changelog": (
            "changelog",
            "Carrot Ads API",
            "<html><body>maintenance</body></html>",
        ),
        f"{BASE}/mystery": ("video", SURFACE, _doc("<p>x</p>")),
    }
    result = extract_site(pages, FIRST_SEEN)
    assert [p.url for p in result.problems] == [f"{BASE}/mystery", f"{BASE}/ads/changelog"]
    assert len(result.entries) == 2
    summary = [
        (r.origin, r.kind, r.items, r.announced_on, r.shared_with_live) for r in result.records
    ]
    assert summary == [
        (
            Origin.CHANGELOG,
            Kind.ENDPOINT,
            ("POST /v2/fulfillment/lastmile/stores",),
            date(2026, 3, 3),
            True,
        ),
        (
            Origin.DEPRECATED_PAGE,
            Kind.ENDPOINT,
            ("POST /v2/fulfillment/lastmile/stores",),
            date(2026, 3, 3),
            True,
        ),
    ]
