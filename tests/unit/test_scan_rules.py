"""Integration rules (plain HTTP, hard-coded secrets) and inline suppressions."""

from __future__ import annotations

import pytest

from monitor.domain import Action, DeprecationRecord, Kind, Origin
from monitor.scan import build_targets, mask_secrets, scan_text
from monitor.scan.suppress import directives

TARGETS = build_targets(
    [
        (
            "stores",
            DeprecationRecord(
                kind=Kind.ENDPOINT,
                action=Action.DEPRECATED,
                surface="Connect Fulfillment API",
                items=("POST /v2/fulfillment/lastmile/stores",),
                title="Find stores",
                origin=Origin.DEPRECATED_PAGE,
                source_url="https://docs.instacart.com/x",
            ),
        ),
        (
            "phones",
            DeprecationRecord(
                kind=Kind.BREAKING_CHANGE,
                action=Action.BREAKING,
                surface="Connect Fulfillment API",
                items=("user_phone",),
                title="E.164",
                origin=Origin.CHANGELOG,
                source_url="https://docs.instacart.com/y",
            ),
        ),
    ]
)
SECRET = "k9Qw2Lm7Zx4Tr8Vb"


def _rules(path: str, source: str) -> list[tuple[int, str]]:
    return [(f.line, f.item) for f in scan_text(path, source, TARGETS) if f.kind != "endpoint"]


def test_plain_http_to_instacart_is_flagged_but_localhost_is_not() -> None:
    source = 'A = "http://connect.dev.instacart.tools/v2/x"\nB = "http://localhost:8080/v2/x"\n'
    assert _rules("a.py", source) == [(1, "insecure_http")]


@pytest.mark.parametrize(
    ("path", "source"),
    [
        ("a.py", f'URL = "https://connect.instacart.com"\nclient_secret = "{SECRET}"\n'),
        ("a.json", f'{{"url": "https://connect.instacart.com",\n "client_secret": "{SECRET}"}}\n'),
        (
            "a.sh",
            f'B=https://connect.instacart.com\ncurl -H "Authorization: Bearer {SECRET}" "$B"\n',
        ),
        (
            "a.go",
            'const u = "https://connect.instacart.com"\n'
            f'var c = Config{{ClientSecret: "{SECRET}"}}\n',
        ),
    ],
)
def test_hardcoded_secrets_are_reported_and_masked(path: str, source: str) -> None:
    findings = [f for f in scan_text(path, source, TARGETS) if f.item == "hardcoded_secret"]
    assert [(f.line, f.confidence) for f in findings] == [(2, "high")]
    finding = findings[0]
    assert SECRET not in finding.snippet and SECRET not in finding.reason
    assert "****" in finding.snippet


@pytest.mark.parametrize(
    "line",
    [
        'client_secret = os.environ["INSTACART_CLIENT_SECRET"]',
        'headers = {"Authorization": f"Bearer {token}"}',
        'headers = {"Authorization": "Bearer " + token}',
        "curl -H 'Authorization: Bearer ${TOKEN}'",
        'client_secret: "<your client secret>"',
        'client_secret = "YOUR_CLIENT_SECRET"',
    ],
)
def test_placeholders_are_not_secrets(line: str) -> None:
    source = 'URL = "https://connect.instacart.com"\n' + line + "\n"
    assert _rules("a.py", source) == []


def test_mask_secrets_hides_values_anywhere_in_a_line() -> None:
    line = f'call(token="Bearer {SECRET}", client_secret="{SECRET}", x=1)'
    masked = mask_secrets(line)
    assert SECRET not in masked
    assert masked.count("****") == 2
    assert mask_secrets("nothing to hide here") == "nothing to hide here"


def test_secret_in_a_file_with_no_instacart_tie_is_low() -> None:
    source = f'client_secret = "{SECRET}"\n'
    assert scan_text("a.py", source, TARGETS) == []
    low = scan_text("a.py", source, TARGETS, min_confidence="low")
    assert [(f.item, f.confidence) for f in low] == [("hardcoded_secret", "low")]


USE = (
    'r = c.post("https://connect.instacart.com/v2/fulfillment/lastmile/stores", '
    'json={"user_phone": p})'
)


@pytest.mark.parametrize(
    ("source", "suppressed"),
    [
        (f"{USE}  # connect-monitor: ignore[stores] moving next sprint\n", {"stores"}),
        (f"# connect-monitor: ignore[user_phone] validated upstream\n{USE}\n", {"phones"}),
        (f"{USE}  # connect-monitor: ignore\n", {"stores", "phones"}),
        (f"# connect-monitor: ignore[*]\n{USE}\n", {"stores", "phones"}),
        (f"# connect-monitor: ignore[other-id]\n{USE}\n", set()),
    ],
)
def test_suppression_marks_but_keeps_findings(source: str, suppressed: set[str]) -> None:
    findings = scan_text("a.py", source, TARGETS)
    assert {f.deprecation_id for f in findings} == {"stores", "phones"}
    assert {f.deprecation_id for f in findings if f.suppressed} == suppressed


def test_directive_on_a_code_line_does_not_reach_the_next_line() -> None:
    table = directives("x = 1  # connect-monitor: ignore\ny = 2\n")
    assert set(table) == {1}
    table = directives("# connect-monitor: ignore[a, b] why\ny = 2\n")
    assert table[2] == frozenset({"a", "b"})


@pytest.mark.parametrize("separator", ["\x0c", "\u2028", "\x0b"])
def test_a_form_feed_above_a_directive_does_not_move_it(separator: str) -> None:
    """Lines are counted at newlines only, as the findings' line numbers are."""
    source = f"x = 1{separator}\n# connect-monitor: ignore[stores] later\n{USE}\n{USE}\n"
    findings = [f for f in scan_text("a.py", source, TARGETS) if f.deprecation_id == "stores"]
    assert [(f.line, f.suppressed) for f in findings] == [(3, True), (4, False)]
