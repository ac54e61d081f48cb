"""Fingerprints survive edits elsewhere in the file and tell identical lines apart."""

from __future__ import annotations

from monitor.domain import Action, DeprecationRecord, Kind, Origin
from monitor.scan import build_targets, language_for, scan_text

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
    ]
)
CALL = 'r = client.post("https://connect.instacart.com/v2/fulfillment/lastmile/stores")\n'


def _prints(source: str, path: str = "svc/a.py") -> list[tuple[int, str]]:
    return [(f.line, f.fingerprint) for f in scan_text(path, source, TARGETS)]


def test_adding_lines_above_keeps_fingerprints() -> None:
    before = _prints("import x\n" + CALL + CALL)
    after = _prints("import x\n\n# a new comment\nimport y\n" + CALL + "\n" + CALL)
    assert [p for _, p in before] == [p for _, p in after]
    assert [line for line, _ in before] != [line for line, _ in after]


def test_identical_lines_get_distinct_fingerprints() -> None:
    prints = [p for _, p in _prints(CALL + CALL)]
    assert len(prints) == 2 and prints[0] != prints[1]


def test_fingerprint_depends_on_path_and_content() -> None:
    (a,) = _prints(CALL)
    (b,) = _prints(CALL, path="svc/b.py")
    (c,) = _prints(CALL.replace("r =", "response ="))
    (d,) = _prints("    " + CALL)  # re-indenting is not a change
    assert a[1] != b[1] and a[1] != c[1] and a[1] == d[1]


def test_findings_carry_positions_and_snippets() -> None:
    (finding,) = scan_text("a.py", "x = 1\n" + CALL, TARGETS)
    assert (finding.line, finding.column) == (2, CALL.index('"') + 1)
    assert finding.end_column > finding.column
    assert finding.snippet == CALL.strip()


def test_language_for() -> None:
    assert language_for("src/App.kt") == "kotlin"
    assert language_for("web/api.tsx") == "javascript"
    assert language_for("ops/Dockerfile") == "shell"
    assert language_for("api/requests.http") == "http"
    assert language_for("docs/notes.rst") == "docs"
    assert language_for("data/file.unknownext") == "text"
    assert language_for("img/logo.png") is None


def test_files_without_tokens_are_rejected_before_any_work() -> None:
    assert not TARGETS.finder.find("def add(a, b):\n    return a + b\n")
    assert TARGETS.finder.find('p = "/v2/fulfillment/lastmile/stores"')
    assert not TARGETS.finder.find("the stores are open")  # a path segment needs its slash
