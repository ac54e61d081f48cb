"""The extractor over the full docs replica, compared with its labels.

Two documented differences from the labels' conventions are asserted as such:
a Deprecated-page record takes ``announced_on`` from the changelog entry that
announced it, and a reference-page deprecation already announced in a changelog
is linked to that changelog record (``extra["reference_url"]``) instead of
becoming a second record.
"""

from __future__ import annotations

import json
from collections import Counter
from datetime import date
from pathlib import Path

import pytest

from monitor.domain import DeprecationRecord, Origin
from monitor.extract.site import SiteExtraction, extract_site

FIXTURES = Path(__file__).parents[1] / "fixtures"
LABELS = FIXTURES / "docs_expected.json"
BASE = "https://docs.instacart.com"
KINDS = {"changelog": "changelog", "reference": "reference", "deprecated_page": "deprecated"}

pytestmark = pytest.mark.skipif(not LABELS.exists(), reason="docs replica not present")


@pytest.fixture(scope="module")
def labels() -> dict:
    return json.loads(LABELS.read_text())


@pytest.fixture(scope="module")
def result(labels: dict) -> SiteExtraction:
    pages = {
        BASE + path: (KINDS[info["kind"]], info["surface"], _read(path))
        for path, info in labels["pages"].items()
        if info["kind"] in KINDS
    }
    return extract_site(pages, date(2026, 5, 20))


def _read(path: str) -> bytes:
    return (FIXTURES / "docs" / (path.strip("/") + ".html")).read_bytes()


def _key(origin: str, source: str, kind: str, items: list[str] | tuple[str, ...]) -> tuple:
    return (origin, source, kind, tuple(sorted(items)))


def _mine(result: SiteExtraction) -> dict[tuple, DeprecationRecord]:
    return {
        _key(r.origin.value, r.source_url.removeprefix(BASE), r.kind.value, r.items): r
        for r in result.records
    }


def _iso(value: date | None) -> str | None:
    return value.isoformat() if value else None


def test_every_page_parses_and_entry_counts_match(result: SiteExtraction, labels: dict) -> None:
    assert result.problems == ()
    counts = Counter(e.source_url.split("#")[0].removeprefix(BASE) for e in result.entries)
    expected = {p: i["entries"] for p, i in labels["pages"].items() if i["kind"] == "changelog"}
    assert {p: counts[p] for p in expected} == expected


def test_decoys_are_entries_without_records(result: SiteExtraction, labels: dict) -> None:
    by_text = {e.text: e.stable_key for e in result.entries}
    recorded = {r.entry_key for r in result.records}
    for decoy in labels["decoys"]:
        assert decoy in by_text
        assert by_text[decoy] not in recorded, decoy


def test_changelog_records_match(result: SiteExtraction, labels: dict) -> None:
    mine = _mine(result)
    for label in (r for r in labels["records"] if r["origin"] == "changelog"):
        record = mine[_key(label["origin"], label["source_path"], label["kind"], label["items"])]
        got = (
            record.action.value,
            _iso(record.announced_on),
            _iso(record.effective_on),
            record.replacement,
            record.needs_review,
            record.shared_with_live,
        )
        want = tuple(
            label[f]
            for f in (
                "action",
                "announced_on",
                "effective_on",
                "replacement",
                "needs_review",
                "shared_with_live",
            )
        )
        assert got == want, label["source_path"]


def test_deprecated_page_records_match(result: SiteExtraction, labels: dict) -> None:
    mine = _mine(result)
    announced = {
        item: r for r in result.records if r.origin is Origin.CHANGELOG for item in r.items
    }
    for label in (r for r in labels["records"] if r["origin"] == "deprecated_page"):
        record = mine[_key(label["origin"], label["source_path"], label["kind"], label["items"])]
        assert (record.replacement, record.shared_with_live, record.needs_review) == (
            label["replacement"],
            label["shared_with_live"],
            label["needs_review"],
        )
        source = announced.get(label["items"][0])
        assert record.announced_on == (source.announced_on if source else None)


def test_reference_records_exist_or_are_linked(result: SiteExtraction, labels: dict) -> None:
    mine = _mine(result)
    for label in (r for r in labels["records"] if r["origin"] == "reference_page"):
        key = _key(label["origin"], label["source_path"], label["kind"], label["items"])
        if key in mine:
            record = mine[key]
            assert (record.replacement, record.needs_review) == (
                label["replacement"],
                label["needs_review"],
            )
            continue
        linked = [
            r
            for r in result.records
            if r.origin is Origin.CHANGELOG
            and set(label["items"]) <= set(r.items)
            and label["source_path"] in r.extra.get("reference_url", "")
        ]
        assert linked, label


def test_no_unlabelled_records(result: SiteExtraction, labels: dict) -> None:
    expected = {
        _key(r["origin"], r["source_path"], r["kind"], r["items"]) for r in labels["records"]
    }
    assert set(_mine(result)) - expected == set()
