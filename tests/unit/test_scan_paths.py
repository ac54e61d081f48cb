"""Path rebuilding and template matching: the core of endpoint detection."""

from __future__ import annotations

import pytest

from monitor.domain import Action, DeprecationRecord, Kind, Origin
from monitor.scan import build_targets, scan_text
from monitor.scan.comments import lex
from monitor.scan.lang_python import LEX as PY_LEX
from monitor.scan.paths import PH, candidate_segments, code_constants, match_template
from monitor.scan.targets import parse_segments


def _endpoints(*items: str, shared: bool = False):
    record = DeprecationRecord(
        kind=Kind.ENDPOINT,
        action=Action.DEPRECATED,
        surface="Connect Fulfillment API",
        items=items,
        title="t",
        origin=Origin.DEPRECATED_PAGE,
        source_url="https://docs.instacart.com/connect/api/fulfillment/deprecated",
        shared_with_live=shared,
    )
    return build_targets([("ep", record)])


def _match(value: str, template: str):
    split = candidate_segments(value)
    assert split is not None
    return match_template(split[0], split[1], parse_segments(template))


@pytest.mark.parametrize(
    ("value", "exact"),
    [
        ("/v2/fulfillment/lastmile/stores", True),
        ("https://connect.instacart.com/v2/fulfillment/lastmile/stores?postal_code=1", True),
        (f"{PH}/v2/fulfillment/lastmile/stores", True),
        ("https://connect.dev.instacart.tools/proxy/v2/fulfillment/lastmile/stores/", True),
        ("/lastmile/stores", False),  # a base URL set elsewhere holds /v2/fulfillment
    ],
)
def test_template_matches_real_spellings(value: str, exact: bool) -> None:
    found = _match(value, "/v2/fulfillment/lastmile/stores")
    assert found is not None and found.exact is exact


@pytest.mark.parametrize(
    "value",
    [
        "/v2/fulfillment/stores/last_mile",  # the live replacement
        "/v2/fulfillment/lastmile/stores/extra",
        f"/v2/fulfillment/{PH}/stores",  # a parameter cannot stand for a literal segment
        "/stores",  # too little left to tell
    ],
)
def test_literal_segments_must_match_exactly(value: str) -> None:
    assert _match(value, "/v2/fulfillment/lastmile/stores") is None


def test_parameters_take_exactly_one_segment() -> None:
    template = "/v2/fulfillment/users/{user_id}/orders"
    assert _match(f"/v2/fulfillment/users/{PH}/orders", template) is not None
    assert _match("/v2/fulfillment/users/u-1/orders", template) is not None
    assert _match("/v2/fulfillment/users/:user_id/orders", template) is not None
    assert _match("/v2/fulfillment/users/u-1/orders/o-2", template) is None
    assert _match("/v2/fulfillment/users/orders", template) is None


def test_constants_resolve_across_concatenation_and_fstrings() -> None:
    source = (
        'HOST = "https://connect.instacart.com"\n'
        'BASE = HOST + "/v2/fulfillment"\n'
        'LASTMILE = f"{BASE}/lastmile"\n'
    )
    constants = code_constants(lex(source, PY_LEX), implicit_concat=True)
    assert constants["LASTMILE"] == "https://connect.instacart.com/v2/fulfillment/lastmile"


@pytest.mark.parametrize(
    ("path", "source"),
    [
        ("a.py", 'BASE = "/v2/fulfillment"\nr = c.post(BASE + "/lastmile/stores")\n'),
        ("a.py", 'BASE = "/v2/fulfillment"\nr = c.post(f"{BASE}/lastmile/stores")\n'),
        ("a.py", 'r = c.post("/v2/fulfillment" "/lastmile/stores")\n'),
        ("a.py", 'B = "/v2/fulfillment"\nr = c.post("%s/lastmile/stores" % B)\n'),
        (
            "a.go",
            'const b = "/v2/fulfillment"\nu := fmt.Sprintf("%s/lastmile/stores", b)\n'
            "req, _ := http.NewRequest(http.MethodPost, u, nil)\n",
        ),
        (
            "A.java",
            'String u = String.format("%s/lastmile/stores", BASE);\n'
            'static final String BASE = "/v2/fulfillment";\nx.post(u);\n',
        ),
        (
            "a.ts",
            "const BASE = `${HOST}/v2/fulfillment`;\n"
            "await axios.post(`${BASE}/lastmile/stores`);\n",
        ),
        ("A.kt", 'const val BASE = "/v2/fulfillment"\nclient.post("$BASE/lastmile/stores")\n'),
        (
            "a.sh",
            'B="https://connect.instacart.com"\ncurl -X POST "$B/v2/fulfillment/lastmile/stores"\n',
        ),
        (
            "a.http",
            "@h = https://connect.instacart.com\nPOST {{h}}/v2/fulfillment/lastmile/stores\n",
        ),
        ("a.yaml", "method: POST\npath: /v2/fulfillment/lastmile/stores\n"),
    ],
)
def test_paths_built_in_code_are_found(path: str, source: str) -> None:
    targets = _endpoints("POST /v2/fulfillment/lastmile/stores")
    findings = scan_text(path, source, targets)
    assert [f.item for f in findings] == ["POST /v2/fulfillment/lastmile/stores"]


def test_live_lookalikes_are_not_reported() -> None:
    targets = _endpoints(
        "POST /v2/fulfillment/lastmile/stores", "GET /v2/fulfillment/users/{user_id}/orders"
    )
    source = (
        'B = "https://connect.instacart.com/v2/fulfillment"\n'
        'c.post(f"{B}/stores/last_mile")\n'
        'c.get(f"{B}/users/{uid}/orders/{oid}")\n'
        'c.post(f"{B}/lastmile/orders")\n'
    )
    assert scan_text("a.py", source, targets) == []


def test_shared_paths_are_medium_and_say_why() -> None:
    targets = _endpoints("GET /v2/fulfillment/lastmile/orders/{order_id}", shared=True)
    source = 'B = "/v2/fulfillment"\nr = c.get(B + "/lastmile/orders/" + oid)\n'
    (finding,) = scan_text("a.py", source, targets)
    assert finding.confidence == "medium"
    assert "live operation" in finding.reason
