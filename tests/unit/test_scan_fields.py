"""Field and value uses: owner context, ties to Instacart, ordinary vs distinctive names."""

from __future__ import annotations

import pytest

from monitor.domain import Kind
from monitor.scan import TargetSet, build_targets, scan_text
from tests.support.scan_targets import deprecated

URL = "https://docs.instacart.com/developer_platform_api/api/changelog"


def _record(kind: Kind, items: tuple[str, ...], replacement: str | None = None):
    return deprecated(kind, items, replacement, "Developer Platform API", URL)


@pytest.fixture(scope="module")
def targets() -> TargetSet:
    return build_targets(
        [
            (
                "lineitem",
                _record(
                    Kind.FIELD, ("LineItem.quantity", "LineItem.unit"), "line_item_measurements"
                ),
            ),
            ("express", _record(Kind.FIELD, ("Order.is_express",), "is_instacartplus")),
            (
                "asap",
                _record(
                    Kind.REMOVED_VALUE, ("service_options[].window.type=asap",), "priority_eta"
                ),
            ),
        ]
    )


TIE = 'LINK = "https://connect.instacart.com/idp/v1/products/products_link"\n'


def _items(targets: TargetSet, path: str, source: str) -> list[tuple[int, str, str]]:
    return [(f.line, f.item, f.confidence) for f in scan_text(path, source, targets)]


def test_owner_key_is_high_and_replacement_keys_are_ignored(targets: TargetSet) -> None:
    source = TIE + (
        'body = {"line_items": [\n'
        '    {"name": "milk", "quantity": 2},\n'
        '    {"name": "eggs", "line_item_measurements": [{"quantity": 12, "unit": "each"}]},\n'
        "]}\n"
    )
    assert _items(targets, "a.py", source) == [(3, "LineItem.quantity", "high")]


def test_ordinary_name_needs_a_tie_to_instacart(targets: TargetSet) -> None:
    untied = 'row = {"sku": "a1", "quantity": 3}\n'
    assert _items(targets, "cart.py", untied) == []
    low = scan_text("cart.py", untied, targets, min_confidence="low")
    assert [(f.item, f.confidence) for f in low] == [("LineItem.quantity", "low")]
    assert _items(targets, "a.py", TIE + untied) == [(2, "LineItem.quantity", "medium")]


def test_distinctive_name_needs_less_context(targets: TargetSet) -> None:
    assert _items(targets, "a.py", 'x = order.get("is_express")\n') == [
        (1, "Order.is_express", "medium")
    ]
    assert _items(targets, "a.py", TIE + 'x = order["is_express"]\n') == [
        (2, "Order.is_express", "high")
    ]


def test_other_object_keys_do_not_count_for_common_names(targets: TargetSet) -> None:
    source = TIE + 'inventory = {"warehouse": {"quantity": 40}}\n'
    assert _items(targets, "a.py", source) == []


@pytest.mark.parametrize(
    ("path", "source", "line"),
    [
        (
            "m.py",
            "class LineItem(BaseModel):\n    name: str\n    quantity: float | None = None\n",
            3,
        ),
        ("m.go", 'type LineItem struct {\n\tQuantity *float64 `json:"quantity,omitempty"`\n}\n', 2),
        ("M.java", 'class LineItem {\n  @JsonProperty("quantity")\n  private Double qty;\n}\n', 2),
        ("M.kt", "data class LineItem(\n    val quantity: Double? = null,\n)\n", 2),
        ("m.ts", "export interface LineItem {\n  quantity?: number;\n}\n", 2),
    ],
)
def test_models_named_after_the_owner_count(
    targets: TargetSet, path: str, source: str, line: int
) -> None:
    assert _items(targets, path, source) == [(line, "LineItem.quantity", "medium")]


@pytest.mark.parametrize(
    ("path", "source"),
    [
        ("m.py", TIE + "class LineItemMeasurement(BaseModel):\n    quantity: float\n"),
        (
            "m.go",
            TIE + 'type LineItemMeasurement struct {\n\tQuantity float64 `json:"quantity"`\n}\n',
        ),
        (
            "m.ts",
            TIE + "const m = { line_item_measurements: sizes.map((s) => ({ quantity: s.n })) };\n",
        ),
        (
            "m.yaml",
            "url: https://connect.instacart.com\n"
            "line_item_measurements:\n  - quantity: 2\n    unit: each\n",
        ),
        ("M.java", TIE + 'class X { @JsonProperty("qty") private Double quantity; }\n'),
        ("m.py", TIE + "def add(quantity: int, unit: str) -> None:\n    pass\n"),
        ("m.ts", TIE + "const n = ready ? quantity : 0;\n"),
    ],
)
def test_lookalikes_are_not_field_uses(targets: TargetSet, path: str, source: str) -> None:
    assert _items(targets, path, source) == []


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ('if window.type == "asap":\n', "high"),
        ('payload = {"window": {"type": "asap"}}\n', "high"),
        ('kind = {"type": "asap"}\n', "medium"),
        ('priority = "asap"\n', None),
        ('msg = "please reply asap"\n', None),
    ],
)
def test_enum_value_only_where_the_window_type_is_set(
    targets: TargetSet, source: str, expected: str | None
) -> None:
    found = [f.confidence for f in scan_text("a.py", TIE + source, targets)]
    assert found == ([expected] if expected else [])


def test_yaml_unquoted_value(targets: TargetSet) -> None:
    source = "base: https://connect.instacart.com\nwindow:\n  type: asap\n"
    assert _items(targets, "req.yaml", source) == [
        (3, "service_options[].window.type=asap", "high")
    ]


def test_go_struct_literals_of_two_targets_sharing_a_name() -> None:
    """``LineItem.quantity`` and ``Item.quantity``: each literal goes to its own owner."""
    shared = build_targets(
        [
            ("lineitem", _record(Kind.FIELD, ("LineItem.quantity",))),
            ("item", _record(Kind.FIELD, ("Item.quantity",))),
        ]
    )
    source = TIE.replace("LINK =", "var link =") + (
        'type LineItem struct {\n\tQuantity float64 `json:"quantity"`\n}\n'
        "func order() LineItem {\n\treturn LineItem{Quantity: 2}\n}\n"
    )
    found = _items(shared, "m.go", source)
    assert (6, "LineItem.quantity", "high") in found
