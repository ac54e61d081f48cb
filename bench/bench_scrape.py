"""Scrape benchmark: extraction cost per page and what an unchanged re-scrape costs.

Prints one line per figure. Times are also given as a ratio to a reference run in the
same process (parsing every page with BeautifulSoup+lxml and nothing else), because
absolute seconds on shared machines are noise.

    python bench/bench_scrape.py [--rounds N]
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

from bs4 import BeautifulSoup

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from monitor.extract.site import extract_site  # noqa: E402
from tests.support.docs_server import (  # noqa: E402
    EXPECTED_LABELS,
    FIXTURE_SITE,
    DocsServer,
    copy_site,
)
from tests.support.scraping import make_scraper  # noqa: E402

KINDS = {"changelog": "changelog", "reference": "reference", "deprecated_page": "deprecated"}


def _site_pages() -> dict[str, tuple[str, str, bytes]]:
    labels = json.loads(EXPECTED_LABELS.read_text())
    pages = {}
    for path, info in labels["pages"].items():
        if info["kind"] in KINDS:
            body = (FIXTURE_SITE / (path.strip("/") + ".html")).read_bytes()
            pages["https://docs.instacart.com" + path] = (
                KINDS[info["kind"]],
                info["surface"],
                body,
            )
    return pages


def _best_of(rounds: int, work: object) -> float:
    timings = []
    for _ in range(rounds):
        started = time.perf_counter()
        work()  # type: ignore[operator]
        timings.append(time.perf_counter() - started)
    return min(timings)


def bench_extraction(rounds: int) -> None:
    pages = _site_pages()
    total_bytes = sum(len(body) for _, _, body in pages.values())
    reference = _best_of(rounds, lambda: [BeautifulSoup(b, "lxml") for _, _, b in pages.values()])
    extraction = _best_of(rounds, lambda: extract_site(pages, date(2026, 11, 29)))
    print(f"pages: {len(pages)} ({total_bytes / 1e6:.2f} MB)")
    print(f"reference (lxml parse only): {reference * 1000 / len(pages):.1f} ms/page")
    print(f"extract_site: {extraction * 1000 / len(pages):.1f} ms/page")
    print(f"extract_site / reference: {extraction / reference:.2f}x")


def bench_rescrape() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        root = copy_site(Path(tmp) / "site")
        with DocsServer(root) as server:
            scraper = make_scraper(server.base_url, Path(tmp) / "data")
            started = time.perf_counter()
            first = scraper(date(2026, 11, 29))
            first_time = time.perf_counter() - started
            started = time.perf_counter()
            second = scraper(date(2026, 11, 30))
            second_time = time.perf_counter() - started
            scraper.database.close()
    print(
        f"first scrape: {first.requests} requests, {first.bytes_received} bytes, {first_time:.2f} s"
    )
    print(
        f"unchanged re-scrape: {second.requests} requests, {second.bytes_received} bytes, "
        f"{second_time:.2f} s ({second.pages_not_modified} x 304)"
    )
    ratio = second.bytes_received / first.bytes_received if first.bytes_received else 0
    print(f"re-scrape / first: bytes {ratio:.3f}x, time {second_time / first_time:.2f}x")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    bench_extraction(args.rounds)
    bench_rescrape()


if __name__ == "__main__":
    main()
