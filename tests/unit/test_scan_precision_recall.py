"""Scan every fixture codebase and compare with the hand-written labels.

Both precision and recall must be exact: a scanner people trust finds every
real use and reports (almost) nothing else.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from monitor.domain import DeprecationRecord
from monitor.scan import Finding, TargetSet, build_targets, language_for, scan_text
from tests.support.scan_targets import load_fixture_targets

ROOT = Path(__file__).resolve().parents[1] / "fixtures" / "codebases"
META = {"targets.json", "labels.json"}


def load_records() -> list[tuple[str, DeprecationRecord]]:
    return load_fixture_targets(ROOT / "targets.json")


@pytest.fixture(scope="module")
def targets() -> TargetSet:
    return build_targets(load_records())


@pytest.fixture(scope="module")
def labels() -> dict[str, object]:
    return json.loads((ROOT / "labels.json").read_text())


def _files(skipped: list[str]) -> list[Path]:
    found = []
    for path in sorted(ROOT.rglob("*")):
        rel = path.relative_to(ROOT).as_posix()
        if not path.is_file() or rel in META or any(rel.startswith(s) for s in skipped):
            continue
        found.append(path)
    return found


def _scan_all(targets: TargetSet, skipped: list[str]) -> list[Finding]:
    findings: list[Finding] = []
    for path in _files(skipped):
        rel = path.relative_to(ROOT).as_posix()
        findings.extend(scan_text(rel, path.read_text(), targets))
    return findings


def test_precision_and_recall_are_perfect(targets: TargetSet, labels: dict) -> None:
    findings = _scan_all(targets, labels["skipped_paths"])
    found = {f.key for f in findings}
    expected = {(e["path"], e["line"], e["item"], e["category"]) for e in labels["findings"]}
    true_positives = found & expected
    precision = len(true_positives) / len(found) if found else 0.0
    recall = len(true_positives) / len(expected)
    print(
        f"\nscanner precision={precision:.3f} recall={recall:.3f} "
        f"({len(true_positives)} of {len(expected)} labels, {len(found)} reported)"
    )
    assert sorted(found - expected) == [], "unexpected findings"
    assert sorted(expected - found) == [], "missed findings"
    assert precision == 1.0
    assert recall == 1.0


def test_confidence_and_suppression_match_labels(targets: TargetSet, labels: dict) -> None:
    by_key = {f.key: f for f in _scan_all(targets, labels["skipped_paths"])}
    for entry in labels["findings"]:
        finding = by_key[(entry["path"], entry["line"], entry["item"], entry["category"])]
        if "confidence" in entry:
            assert finding.confidence == entry["confidence"], entry
        assert finding.suppressed == entry.get("suppressed", False), entry


def test_decoy_lines_report_nothing(targets: TargetSet, labels: dict) -> None:
    findings = _scan_all(targets, labels["skipped_paths"])
    flagged = {(f.path, f.line) for f in findings}
    for decoy in labels["decoys"]:
        assert (decoy["path"], decoy["line"]) not in flagged, decoy["why"]


def test_skipped_paths_hold_real_uses(targets: TargetSet, labels: dict) -> None:
    """The walker must skip them: prove they would otherwise be reported.

    Single files listed there are .gitignore'd by their fixture, so a fresh
    clone may lack them unless they were added with ``git add -f``.
    """
    checked = 0
    for prefix in labels["skipped_paths"]:
        paths = [
            p
            for p in ROOT.rglob("*")
            if p.is_file() and p.relative_to(ROOT).as_posix().startswith(prefix)
        ]
        if not paths and not prefix.endswith("/"):
            continue
        assert paths, prefix
        hits = [
            f
            for p in paths
            for f in scan_text(p.relative_to(ROOT).as_posix(), p.read_text(), targets)
        ]
        assert hits, prefix
        checked += 1
    assert checked >= 3


def test_every_language_family_is_exercised(labels: dict) -> None:
    languages = {language_for(e["path"]) for e in labels["findings"]}
    assert {
        "python",
        "java",
        "kotlin",
        "go",
        "javascript",
        "shell",
        "json",
        "yaml",
        "http",
        "docs",
    } <= languages


def test_low_confidence_only_adds_findings(targets: TargetSet, labels: dict) -> None:
    skipped = labels["skipped_paths"]
    default = {f.key for f in _scan_all(targets, skipped)}
    everything: set[tuple[str, int, str, str]] = set()
    lows: list[Finding] = []
    for path in _files(skipped):
        rel = path.relative_to(ROOT).as_posix()
        for finding in scan_text(rel, path.read_text(), targets, min_confidence="low"):
            everything.add(finding.key)
            if finding.confidence == "low":
                lows.append(finding)
    assert default < everything
    assert lows and all(f.key not in default for f in lows)
