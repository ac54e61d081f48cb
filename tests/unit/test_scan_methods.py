"""The HTTP method read from code decides between a deprecated and a live operation."""

from __future__ import annotations

import pytest

from monitor.domain import Action, DeprecationRecord, Kind, Origin
from monitor.scan import build_targets, scan_text
from monitor.scan.lang_shell import curl_method
from monitor.scan.methods import Lines, method_near

ITEM = "GET /v2/fulfillment/users/{user_id}/orders"
TARGETS = build_targets(
    [
        (
            "get-orders",
            DeprecationRecord(
                kind=Kind.ENDPOINT,
                action=Action.DEPRECATED,
                surface="Connect Fulfillment API",
                items=(ITEM,),
                title="Get orders",
                origin=Origin.DEPRECATED_PAGE,
                source_url="https://docs.instacart.com/connect/api/fulfillment/delivery/get_orders",
            ),
        )
    ]
)
URL = '"https://connect.instacart.com/v2/fulfillment/users/" + uid + "/orders"'


def _method(source: str, marker: str = "/orders") -> str | None:
    return method_near(Lines.of(source), source.index(marker))


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ('r = requests.get(f"/users/{u}/orders")', "GET"),
        ('r = await client.post(\n    f"/users/{u}/orders",\n    json=body,\n)', "POST"),
        (
            'req = HttpRequest.newBuilder()\n    .uri(URI.create(b + "/orders"))\n'
            "    .GET()\n    .build();",
            "GET",
        ),
        (
            'Request r = new Request.Builder()\n    .url(b + "/orders")\n'
            "    .put(body)\n    .build();",
            "PUT",
        ),
        ('HttpPost p = new HttpPost(b + "/orders");', "POST"),
        ('req, _ := http.NewRequest(http.MethodDelete, b+"/orders", nil)', "DELETE"),
        ('fetch(`${b}/orders`, {\n  method: "PATCH",\n  body,\n});', "PATCH"),
        ("fetch(`${b}/orders`);", "GET"),
        ('@GET("v2/fulfillment/users/{id}/orders")', "GET"),
        ("curl -sS \"$B/orders\" \\\n  -d '{}'", "POST"),
        ('curl -sS -X PUT "$B/orders"', "PUT"),
        ('x = build(b + "/orders")', None),
    ],
)
def test_method_spellings(source: str, expected: str | None) -> None:
    assert _method(source) == expected


def test_dict_get_is_not_an_http_get() -> None:
    assert _method('x = payload.get("orders")\ny = f"/users/{u}/orders"', "/users") is None


@pytest.mark.parametrize(
    ("command", "method"),
    [
        ("curl https://x/v2", "GET"),
        ("curl --data @f.json https://x/v2", "POST"),
        ("curl -G -d a=1 https://x/v2", "GET"),
        ("curl --request DELETE https://x/v2", "DELETE"),
        ("wget https://x/v2", None),
    ],
)
def test_curl_method(command: str, method: str | None) -> None:
    assert curl_method(" " + command) == method


def test_known_other_method_drops_the_finding() -> None:
    assert scan_text("a.py", f"r = requests.post({URL})\n", TARGETS) == []


def test_known_same_method_is_high() -> None:
    (finding,) = scan_text("a.py", f"r = requests.get({URL})\n", TARGETS)
    assert (finding.confidence, finding.line) == ("high", 1)


def test_unknown_method_is_medium() -> None:
    (finding,) = scan_text("a.py", f"path = build({URL})\n", TARGETS)
    assert finding.confidence == "medium"
    assert "method not visible" in finding.reason


def test_method_comes_from_where_the_variable_is_used() -> None:
    source = f"url = {URL}\nlog(url)\nresp = session.get(url, timeout=5)\n"
    (finding,) = scan_text("a.py", source, TARGETS)
    assert (finding.line, finding.confidence) == (1, "high")
    posted = f"url = {URL}\nresp = session.post(url, json={{}})\n"
    assert scan_text("a.py", posted, TARGETS) == []
