"""The bundled catalog: loads, every record is well-formed, and a broken file is refused."""

from __future__ import annotations

import json
import re
from datetime import date
from typing import Any

import pytest

from monitor.catalog import CatalogError, load_catalog, parse_catalog, read_catalog_text
from monitor.domain import Action, DeprecationRecord, Kind
from monitor.scan import build_targets

BASE = "https://docs.instacart.com"

# The Deprecated page's twelve operations, from the shared facts file.
DEPRECATED_PAGE = {
    "GET /v2/fulfillment/users/{user_id}/orders",
    "POST /v2/fulfillment/users/{user_id}/service_options/{service_option_id}/reserve/cart",
    "POST /v2/fulfillment/lastmile/orders/{order_id}/cancel",
    "POST /v2/fulfillment/lastmile/users/{user_id}/orders",
    "POST /v2/fulfillment/lastmile/users/{user_id}/service_options/{service_option_id}/reserve",
    "POST /v2/fulfillment/lastmile/validate_address",
    "POST /v2/fulfillment/lastmile/stores",
    "GET /v2/fulfillment/lastmile/orders/{order_id}",
    "POST /v2/fulfillment/lastmile/service_options",
    "POST /v2/fulfillment/lastmile/orders/{order_id}/staged",
    "PUT /v2/fulfillment/lastmile/orders/{order_id}",
    "POST /v2/fulfillment/lastmile/users/{user_id}/validate_address",
}
SHARED_WITH_LIVE = {
    "POST /v2/fulfillment/lastmile/stores",
    "GET /v2/fulfillment/lastmile/orders/{order_id}",
    "PUT /v2/fulfillment/lastmile/orders/{order_id}",
    "POST /v2/fulfillment/lastmile/orders/{order_id}/staged",
    "POST /v2/fulfillment/lastmile/orders/{order_id}/cancel",
}
NOTATION = {
    Kind.FIELD: re.compile(r"^(?:[A-Z]\w*\.)?[a-z_][a-z0-9_]*$"),
    Kind.ENDPOINT: re.compile(r"^(?:GET|POST|PUT|PATCH|DELETE) (?:/(?:[a-z0-9_]+|\{[a-z_]+\}))+$"),
    Kind.REMOVED_VALUE: re.compile(r"^[\w\[\].]+=\w+$"),
    Kind.BREAKING_CHANGE: re.compile(r"^[a-z_]+$"),
}


@pytest.fixture(scope="module")
def catalog() -> list[tuple[str, DeprecationRecord]]:
    return load_catalog(BASE)


@pytest.fixture(scope="module")
def by_item(catalog: list[tuple[str, DeprecationRecord]]) -> dict[str, DeprecationRecord]:
    return {item: record for _, record in catalog for item in record.items}


def _raw() -> dict[str, Any]:
    data: dict[str, Any] = json.loads(read_catalog_text())
    return data


def test_the_shipped_catalog_resolves_against_the_base_url(
    catalog: list[tuple[str, DeprecationRecord]],
) -> None:
    """What the loader does not enforce itself (ids, origins and review flags it does)."""
    assert "catalog:lineitem-quantity" in [key for key, _ in catalog]
    for key, record in catalog:
        assert record.source_url.startswith(BASE + "/"), key
        assert record.extra["description"], key
        assert record.announced_on is not None
        assert record.closes_on(date(2000, 1, 1)) >= record.announced_on, key
        for item in record.items:
            assert NOTATION[record.kind].match(item), (key, item)


def test_every_item_becomes_a_scan_target(catalog: list[tuple[str, DeprecationRecord]]) -> None:
    """The scanner silently skips items it cannot parse, so count them."""
    targets = build_targets(catalog)
    assert len(targets.targets) == sum(len(record.items) for _, record in catalog)


def test_the_twelve_deprecated_page_operations(
    catalog: list[tuple[str, DeprecationRecord]],
) -> None:
    operations = [record for _, record in catalog if "operation" in record.extra]
    assert len(operations) == 12
    assert {record.items[0] for record in operations} == DEPRECATED_PAGE
    for record in operations:
        assert record.kind is Kind.ENDPOINT and record.action is Action.DEPRECATED
        assert record.surface == "Connect Fulfillment API"
        assert "/connect/api/fulfillment/" in record.source_url
        assert record.shared_with_live is (record.items[0] in SHARED_WITH_LIVE)
        assert record.extra["date_basis"] == "catalog_as_of"
        assert record.announced_on == date.fromisoformat(_raw()["as_of"])


def test_create_order_is_not_confused_with_the_live_dispatch_path(
    by_item: dict[str, DeprecationRecord],
) -> None:
    create = by_item["POST /v2/fulfillment/lastmile/users/{user_id}/orders"]
    assert create.shared_with_live is False
    assert create.replacement == "POST /v2/fulfillment/users/{user_id}/orders/last_mile"
    assert "POST /v2/fulfillment/lastmile/orders" not in by_item


def test_dated_changelog_facts(by_item: dict[str, DeprecationRecord]) -> None:
    quantity = by_item["LineItem.quantity"]
    assert quantity.announced_on == date(2026, 3, 18)
    assert quantity.closes_on(date(2030, 1, 1)) == date(2026, 9, 18)
    assert quantity.replacement == "line_item_measurements"
    assert by_item["LineItem.unit"].replacement == "line_item_measurements"
    phone = by_item["user_phone"]
    assert phone is by_item["phone_number"]
    assert (phone.kind, phone.action) == (Kind.BREAKING_CHANGE, Action.BREAKING)
    assert (phone.announced_on, phone.effective_on) == (date(2026, 5, 12), date(2026, 6, 9))
    asap = by_item["service_options[].window.type=asap"]
    assert (asap.action, asap.announced_on, asap.replacement) == (
        Action.REMOVED,
        date(2024, 11, 18),
        "priority_eta",
    )
    assert by_item["OrderProperties.currency"].announced_on == date(2024, 10, 25)
    for name in ("rrc", "upc"):
        assert by_item[f"FeaturedProductEventProperties.{name}"].announced_on == date(2025, 2, 18)
    assert by_item["is_express"].replacement == "is_instacartplus"
    assert by_item["express_member"].surface == "Connect Sandbox API"
    assert by_item["postal_code"].needs_review is True


def test_source_urls_follow_a_mirror_base(catalog: list[tuple[str, DeprecationRecord]]) -> None:
    mirrored = load_catalog("http://127.0.0.1:8123/mirror/")
    for (_, official), (_, mirror) in zip(catalog, mirrored, strict=True):
        assert mirror.source_url == official.source_url.replace(
            BASE, "http://127.0.0.1:8123/mirror"
        )
        # The store keys non-changelog rows on the URL path only, so a mirror is not a new row
        # as long as it serves from the root; with a prefix the path differs, which is expected.
    rooted = load_catalog("http://127.0.0.1:8123")
    assert [r.natural_key for _, r in rooted] == [r.natural_key for _, r in catalog]


def _broken(mutate: Any) -> str:
    data = _raw()
    mutate(data)
    return json.dumps(data)


def _entry(data: dict[str, Any], key: str) -> dict[str, Any]:
    entry: dict[str, Any] = next(e for e in data["entries"] if e["id"] == key)
    return entry


@pytest.mark.parametrize(
    ("mutate", "fragment"),
    [
        (lambda d: _entry(d, "catalog:get-orders").update(items=["fetch orders"]), "get-orders"),
        (lambda d: _entry(d, "catalog:lineitem-unit").update(kind="gadget"), "lineitem-unit"),
        (
            lambda d: _entry(d, "catalog:lineitem-unit").update(source_url="https://x.test/a"),
            "relative to the docs base",
        ),
        (
            lambda d: _entry(d, "catalog:e164-phone-numbers").update(effective_on="2026-01-01"),
            "e164-phone-numbers",
        ),
        (
            lambda d: _entry(d, "catalog:window-type-asap").update(announced_on="2024-13-40"),
            "window-type-asap",
        ),
        (lambda d: _entry(d, "catalog:featuredproduct-rrc").pop("title"), "featuredproduct-rrc"),
        (lambda d: _entry(d, "catalog:featuredproduct-upc").update(colour="red"), "colour"),
        (lambda d: d["entries"].append(dict(d["entries"][0])), "id used twice"),
        (lambda d: d["entries"][3].pop("id"), "entry #4"),
        (
            lambda d: _entry(d, "catalog:lastmile-get-order").update(needs_review=True),
            "review_reason",
        ),
        (lambda d: d.update(version=2), "version 2"),
    ],
)
def test_broken_catalog_names_the_entry(mutate: Any, fragment: str) -> None:
    with pytest.raises(CatalogError) as caught:
        parse_catalog(_broken(mutate), BASE)
    assert fragment in str(caught.value)
    assert "catalog.json" in str(caught.value)


def test_invalid_json_is_a_catalog_error() -> None:
    with pytest.raises(CatalogError, match="not valid JSON"):
        parse_catalog("{", BASE, name="custom.json")
