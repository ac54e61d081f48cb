"""Reference pages: operation method/path, whole-operation deprecation, fields and notes."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from monitor.domain import AnnouncedOnSource, Kind, Origin
from monitor.extract.errors import UnrecognisedPage
from monitor.extract.reference import parse_reference_page, reference_records

CASES = Path(__file__).parent / "extract_cases"
BASE = "https://docs.instacart.com/connect/api/fulfillment"
FIRST_SEEN = date(2026, 5, 1)


def page(body: str, title: str) -> str:
    skeleton = (CASES / "skeleton.html").read_text()
    return skeleton.replace("{title}", title).replace("{body}", body)


def case(name: str, title: str) -> str:
    return page((CASES / f"{name}.body.html").read_text(), title)


def test_deprecated_operation_with_badge_path_and_endpoint_replacement() -> None:
    html = case("reference_lastmile_create_order", "Create a last mile delivery order")
    ref = parse_reference_page(html, f"{BASE}/lastmile/create_order#request", "Fulfillment")
    assert ref.title == "Create a last mile delivery order"
    assert ref.endpoint == "POST /v2/fulfillment/lastmile/users/{user_id}/orders"
    assert ref.deprecated is True
    assert ref.replacement == "POST /v2/fulfillment/users/{user_id}/orders/last_mile"
    assert ref.url == f"{BASE}/lastmile/create_order"
    # "Replaces the deprecated `language` field" does not deprecate `locale`.
    assert ref.fields == ()
    (record,) = reference_records(ref, FIRST_SEEN)
    assert (record.kind, record.items, record.origin) == (
        Kind.ENDPOINT,
        ("POST /v2/fulfillment/lastmile/users/{user_id}/orders",),
        Origin.REFERENCE_PAGE,
    )
    assert record.announced_on is None
    assert record.announced_on_source is AnnouncedOnSource.FIRST_SEEN
    assert record.closes_on(FIRST_SEEN) == date(2026, 11, 1)


def test_table_fields_are_qualified_by_the_object_heading() -> None:
    html = case("reference_shopping_list", "Create shopping list page")
    ref = parse_reference_page(
        html, "https://connect.instacart.com/idp/x", "Developer Platform API"
    )
    assert ref.endpoint == "POST /idp/v1/products/products_link"
    assert ref.deprecated is False
    assert [(f.item, f.replacement) for f in ref.fields] == [
        ("LineItem.quantity", "line_item_measurements"),
        ("LineItem.unit", "line_item_measurements"),
    ]
    records = reference_records(ref, FIRST_SEEN)
    assert [r.items for r in records] == [("LineItem.quantity",), ("LineItem.unit",)]
    assert all(r.kind is Kind.FIELD and not r.needs_review for r in records)


def test_openapi_badge_link_replacement_and_prose_note() -> None:
    html = case("reference_find_stores", "Find stores offering last mile delivery")
    ref = parse_reference_page(html, f"{BASE}/lastmile/find_stores", "Fulfillment")
    assert ref.endpoint == "POST /v2/fulfillment/lastmile/stores"
    assert ref.deprecated is True
    assert ref.replacement == "Find stores for last mile delivery"
    assert ref.replacement_url == f"{BASE}/last_mile/find_stores"
    (note,) = ref.notes
    assert note.items == ("postal_code",) and note.guessed is True
    endpoint_record, note_record = reference_records(ref, FIRST_SEEN)
    assert endpoint_record.kind is Kind.ENDPOINT
    assert (note_record.kind, note_record.items, note_record.needs_review) == (
        Kind.FIELD,
        ("postal_code",),
        True,
    )


def test_badge_in_name_cell_marks_field_and_live_operation_is_not_deprecated() -> None:
    ref = parse_reference_page(case("reference_get_order", "Get an order"), f"{BASE}/g", "F")
    assert ref.endpoint == "GET /v2/fulfillment/users/{user_id}/orders/{order_id}"
    assert ref.deprecated is False
    assert [(f.item, f.replacement) for f in ref.fields] == [
        ("Order.is_express", "is_instacartplus")
    ]


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        (
            "<pre><code>GET https://&lt;instacart_domain&gt;/v2/a/&lt;order_id&gt;/b</code></pre>",
            "GET /v2/a/{order_id}/b",
        ),
        (
            "<h2>PUT /v2/fulfillment/lastmile/orders/:order_id</h2>",
            "PUT /v2/fulfillment/lastmile/orders/{order_id}",
        ),
        (
            "<p>Call <code>DELETE /v2/items/{item_id}/</code> to drop it.</p>",
            "DELETE /v2/items/{item_id}",
        ),
        (
            "<pre><code>curl --request PATCH \\\n  --url https://x.example/v2/things?x=1</code></pre>",
            "PATCH /v2/things",
        ),
        ("<p>No operation on this page.</p>", None),
    ],
)
def test_method_and_path_variants(body: str, expected: str | None) -> None:
    ref = parse_reference_page(page(body, "Op"), f"{BASE}/op", "F")
    assert ref.endpoint == expected


def test_replacement_path_in_admonition_is_not_the_operation() -> None:
    body = (
        '<div class="theme-admonition theme-admonition-warning"><div class="h_1">warning</div>'
        "<div class='c_2'><p>Deprecated. Use <code>POST /v2/new/{user_id}</code>"
        " instead.</p></div></div>"
        "<pre><code>POST /v2/old/{user_id}</code></pre>"
    )
    ref = parse_reference_page(page(body, "Old"), f"{BASE}/old", "F")
    assert (ref.endpoint, ref.deprecated, ref.replacement) == (
        "POST /v2/old/{user_id}",
        True,
        "POST /v2/new/{user_id}",
    )


@pytest.mark.parametrize(
    ("body", "deprecated"),
    [
        ('<h1>Old thing <span class="badge badge--danger">Deprecated</span></h1><p>x</p>', True),
        (
            '<div class="theme-admonition theme-admonition-info"><div>note</div><div><p>See the'
            " deprecation policy for timelines.</p></div></div>",
            False,
        ),
        (
            '<div class="theme-admonition'
            ' theme-admonition-caution"><div>Deprecated</div><div><p>Plan your'
            " migration.</p></div></div>",
            True,
        ),
        (
            '<div class="theme-admonition'
            ' theme-admonition-caution"><div>caution</div><div><p>The <code>zip</code> parameter'
            " is deprecated.</p></div></div>",
            False,
        ),
    ],
)
def test_whole_operation_deprecation_signals(body: str, deprecated: bool) -> None:
    html = (
        f"<html><body><article><div class='theme-doc-markdown'>{body}</div></article></body></html>"
    )
    ref = parse_reference_page(html, f"{BASE}/x", "F")
    assert ref.deprecated is deprecated


def test_partial_note_with_code_item_is_not_guessed() -> None:
    body = (
        '<div class="theme-admonition theme-admonition-caution"><div>caution</div><div>'
        "<p>The <code>zip</code> parameter is deprecated; use <code>address</code>.</p></div></div>"
    )
    ref = parse_reference_page(page(body, "Find"), f"{BASE}/x", "F")
    (note,) = ref.notes
    assert (note.items, note.guessed, note.replacement) == (("zip",), False, "address")


def test_unnamed_table_uses_bare_names_and_ignores_non_deprecated_rows() -> None:
    body = (
        "<h2>Request body</h2><table><tr><th>Key</th><th>Notes</th></tr>"
        "<tr><td>express_member</td><td>Deprecated. Use"
        " <code>instacartplus_member</code>.</td></tr>"
        "<tr><td>instacartplus_member</td><td>Not deprecated; replaces express_member.</td></tr>"
        "<tr><td><code>pin</code></td><td>This field is deprecated.</td></tr></table>"
    )
    ref = parse_reference_page(page(body, "Create a sandbox user"), f"{BASE}/s", "Sandbox")
    assert [(f.item, f.replacement) for f in ref.fields] == [
        ("express_member", "instacartplus_member"),
        ("pin", None),
    ]


def test_unrecognisable_reference_page_raises() -> None:
    with pytest.raises(UnrecognisedPage):
        parse_reference_page("<html><body><div>nothing</div></body></html>", f"{BASE}/x", "F")


def _admonition(kind: str, title: str, html: str) -> str:
    return (
        f'<div class="theme-admonition theme-admonition-{kind} alert">'
        f'<div class="h_9">{title}</div><div class="c_9">{html}</div></div>'
    )


@pytest.mark.parametrize(
    ("box", "deprecated", "replacement"),
    [
        (
            _admonition(
                "note", "note", "<p>Replaces the deprecated <a href='/old'>Old op</a>.</p>"
            ),
            False,
            None,
        ),
        (
            _admonition(
                "caution",
                "Deprecated",
                "<p>This endpoint is deprecated. Ship orders with <a href='/new'>Ship an"
                " order</a>.</p>",
            ),
            True,
            "Ship an order",
        ),
        (
            _admonition(
                "warning",
                "Deprecated endpoint",
                "<p>This endpoint is deprecated. No replacement is planned; see the "
                "<a href='/changelog'>changelog</a>.</p>",
            ),
            True,
            None,
        ),
    ],
)
def test_successor_without_cue_and_passing_mentions(
    box: str, deprecated: bool, replacement: str | None
) -> None:
    ref = parse_reference_page(page("<pre><code>POST /v2/op</code></pre>" + box, "Op"), BASE, "F")
    assert (ref.deprecated, ref.replacement) == (deprecated, replacement)


def test_conditional_note_is_flagged_and_successor_taken_from_next_sentence() -> None:
    box = _admonition(
        "caution",
        "caution",
        "<p>Filtering by <code>zip</code> alone is deprecated. Send the whole <code>address</code>"
        " instead of a partial one.</p>",
    )
    ref = parse_reference_page(page(box, "Find"), f"{BASE}/find", "F")
    assert ref.deprecated is False
    (record,) = reference_records(ref, FIRST_SEEN)
    assert (record.items, record.replacement, record.needs_review) == (("zip",), "address", True)
    assert "only one way" in (record.review_reason or "")


def test_deprecated_value_in_a_live_row_is_an_enum_record() -> None:
    body = (
        "<h3 id='display_options'>display_options</h3><table><tr><th>Parameter</th>"
        "<th>Description</th></tr><tr><td><code>layout</code></td>"
        "<td>Either <code>grid</code> or <code>list</code>. "
        "The <code>list</code> value is deprecated; use <code>grid</code>.</td></tr></table>"
    )
    ref = parse_reference_page(page(body, "Widget"), f"{BASE}/w", "Shopping Widgets")
    (record,) = reference_records(ref, FIRST_SEEN)
    assert (record.kind, record.items, record.replacement) == (
        Kind.ENUM_VALUE,
        ("display_options.layout=list",),
        "grid",
    )
