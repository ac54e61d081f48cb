"""Scanner benchmark: a cold full scan, a warm rescan, and ripgrep over the same tree.

ripgrep is the yardstick because it is what someone would use instead: it is
given every literal token the scanner's prefilter looks for, so both read the
same bytes; the scanner then also understands what it found. Prints one line
per figure. Without ``rg`` on PATH the ratios are skipped.

    python bench/bench_scan.py [TREE] [--files N] [--lines N] [--seed N] [--workers N]
                               [--repeat N]

With no TREE a synthetic one (``bench/gen_tree.py``) is written to a temp dir.
``--repeat`` runs the cold scan and the warm rescan N times (a fresh cache
each time), timing ripgrep right after each round; a ratio is taken per round
(both sides measured moments apart) and the median printed with the best,
since a shared machine is noisy.
"""

from __future__ import annotations

import argparse
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from bench.gen_tree import TARGETS, generate  # noqa: E402
from monitor.domain import DeprecationRecord  # noqa: E402
from monitor.scan import build_targets  # noqa: E402
from monitor.scan.cache import ScanCache  # noqa: E402
from monitor.scan.runner import RACY_WINDOW_NS, ScanResult, scan_tree  # noqa: E402
from monitor.scan.walker import FileEntry, walk  # noqa: E402
from tests.support.scan_targets import load_fixture_targets  # noqa: E402


def load_records(path: Path = TARGETS) -> list[tuple[str, DeprecationRecord]]:
    return load_fixture_targets(path)


def count_lines(tree: Path, result: ScanResult) -> int:
    """Lines in the files the scanner covered (read once more, outside any timing)."""
    skipped = {s.rel for s in result.skipped}
    return sum(
        Path(entry.path).read_bytes().count(b"\n")
        for entry in walk(tree)
        if isinstance(entry, FileEntry) and entry.rel not in skipped
    )


def rg_command(tokens: list[str]) -> list[str] | None:
    rg = shutil.which("rg")
    if rg is None:
        return None
    command = [rg, "-c", "-F", "--no-require-git", "--no-messages"]
    for token in tokens:
        command += ["-e", token]
    return [*command, "."]


def time_rg(tree: Path, command: list[str], rounds: int = 2) -> float:
    """ripgrep's best time over ``rounds`` runs."""
    timings = []
    for _ in range(rounds):
        started = time.perf_counter()
        subprocess.run(command, cwd=tree, stdout=subprocess.DEVNULL, check=False)
        timings.append(time.perf_counter() - started)
    return min(timings)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("tree", nargs="?", type=Path)
    parser.add_argument("--files", type=int, default=20_000)
    parser.add_argument("--lines", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--workers", type=int, default=0)
    parser.add_argument("--repeat", type=int, default=1)
    args = parser.parse_args()
    records = load_records()
    with tempfile.TemporaryDirectory(prefix="bench-scan-") as scratch:
        tree = args.tree
        if tree is None:
            tree = Path(scratch) / "tree"
            generate(tree, args.files, args.lines, args.seed)
            # Let the newest files age out of the cache's "too fresh" window.
            time.sleep(RACY_WINDOW_NS / 1e9 + 0.1)
        command = rg_command(sorted(build_targets(records).by_token))
        workers_peak = 0  # KiB; read before ripgrep first runs, as it is a child too
        fulls: list[float] = []
        warms: list[float] = []
        rgs: list[float] = []  # ripgrep timed right after each round: a noisy machine
        # slows both alike, so each round's ratio compares like with like
        for round_ in range(max(1, args.repeat)):
            cache = ScanCache.for_root(Path(scratch) / f"data{round_}", tree)
            before = resource.getrusage(resource.RUSAGE_SELF)
            children_before = resource.getrusage(resource.RUSAGE_CHILDREN)
            full = scan_tree(tree, records, cache=cache, workers=args.workers)
            after = resource.getrusage(resource.RUSAGE_SELF)
            children = resource.getrusage(resource.RUSAGE_CHILDREN)
            warm = scan_tree(tree, records, cache=cache, workers=args.workers)
            fulls.append(full.elapsed)
            warms.append(warm.elapsed)
            if round_ == 0:
                workers_peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
            if command is not None:
                if round_ == 0:
                    time_rg(tree, command, 1)  # a first run warms what rg alone touches
                rgs.append(time_rg(tree, command))
        lines = count_lines(tree, full)
    own = resource.getrusage(resource.RUSAGE_SELF)
    full_s, warm_s = statistics.median(fulls), statistics.median(warms)
    rounds = f" (median of {len(fulls)} rounds)" if len(fulls) > 1 else ""
    print(f"files scanned: {full.files_scanned} (skipped {full.files_skipped})")
    print(f"lines: {lines}")
    print(f"scanner full scan{rounds}: {full_s:.3f} s ({full.workers or 1} process(es))")
    # The main process scans too, so both counts matter (figures of the last round).
    main_cpu = after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime
    workers_cpu = (
        children.ru_utime + children.ru_stime - children_before.ru_utime - children_before.ru_stime
    )
    cpu = workers_cpu + main_cpu
    cores = cpu / full.elapsed
    print(f"cpu (main + workers): {main_cpu:.2f} + {workers_cpu:.2f} s = {cores:.2f} cores busy")
    print(f"scanner rescan (warm cache){rounds}: {warm_s:.3f} s, {warm.cache_hits} cache hits")
    if len(fulls) > 1:
        print(f"full scan over {len(fulls)} rounds: {min(fulls):.3f}-{max(fulls):.3f} s")
        print(f"rescan over {len(warms)} rounds: {min(warms):.3f}-{max(warms):.3f} s")
    if not rgs:
        print("rg: not found on PATH (apt-get install ripgrep); ratios skipped")
    else:
        rg_s = statistics.median(rgs)
        print(f"rg full scan (best of 2 after each round, median): {rg_s:.3f} s")
        for name, timings, median in (("scanner", fulls, full_s), ("rescan", warms, warm_s)):
            ratios = [own / rg for own, rg in zip(timings, rgs, strict=True)]
            print(
                f"ratio {name}/rg: {statistics.median(ratios):.2f} per round (median;"
                f" best round {min(ratios):.2f}); {median / rg_s:.2f} median over median"
            )
    # ru_maxrss is in KiB on Linux; for children it is the largest single child.
    print(f"peak rss main: {own.ru_maxrss / 1024:.0f} MiB")
    print(f"peak rss largest worker (first round): {workers_peak / 1024:.0f} MiB")
    print(f"findings: {len(full.findings)} (rescan: {len(warm.findings)})")


if __name__ == "__main__":
    main()
