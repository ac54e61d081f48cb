"""Whole-tree scans: parallel equals serial, and the cache is fast without being wrong."""

from __future__ import annotations

import logging
import multiprocessing
import os
import shutil
import sys
import threading
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

import pytest

from bench.gen_tree import generate
from monitor.domain import DeprecationRecord
from monitor.scan import build_targets, scan_text
from monitor.scan import runner as runner_module
from monitor.scan import split as split_module
from monitor.scan.cache import CachedFile, ScanCache, cache_key, cache_path
from monitor.scan.runner import Job, Outcome, ScanOptions, scan_tree
from monitor.scan.split import TaskResult
from monitor.scan.walker import FileEntry, Folder, walk
from tests.support.scan_targets import load_fixture_targets
from tests.support.scan_trees import OLD, age, count_walks, fixture_tree, same_scan

Records = list[tuple[str, DeprecationRecord]]


@pytest.fixture(scope="module")
def records() -> Records:
    return load_fixture_targets()


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    return fixture_tree(tmp_path)


def test_findings_match_the_core_file_by_file(tree: Path, records: Records) -> None:
    result = scan_tree(tree, records, workers=1)
    targets = build_targets(records)
    expected = []
    for entry in walk(tree):
        if isinstance(entry, FileEntry) and entry.rel != "assets/blob.dat":
            expected += scan_text(entry.rel, Path(entry.path).read_text(), targets)
    assert result.findings, "the fixture codebases hold known uses"
    assert sorted(result.findings, key=lambda f: (f.path, f.line, f.column)) == result.findings
    assert set(result.findings) == set(expected)
    assert result.skipped_by_reason["binary"] == 1  # found by reading, not by name
    assert result.skipped_by_reason["vendored"] >= 2
    assert result.files_scanned == len({e.rel for e in walk(tree) if isinstance(e, FileEntry)}) - 1
    assert result.bytes_scanned > 0
    assert result.workers == 0  # a small tree stays in-process


def test_progress_reaches_the_total(tree: Path, records: Records) -> None:
    calls: list[tuple[int, int]] = []
    result = scan_tree(tree, records, workers=1, progress=lambda d, t: calls.append((d, t)))
    done, total = calls[-1]
    assert done == total == result.files_scanned + result.files_skipped
    assert [d for d, _ in calls] == sorted(d for d, _ in calls)


@pytest.mark.slow
def test_parallel_and_serial_agree(tmp_path: Path, records: Records) -> None:
    root = tmp_path / "big"
    generate(root, files=600, lines=24_000, seed=3)
    parallel = scan_tree(root, records, workers=2)
    serial = scan_tree(root, records, workers=1)
    assert parallel.workers == 2
    assert serial.workers == 0
    assert parallel.findings, "the generated tree has planted uses"
    assert parallel.findings == serial.findings
    assert parallel.skipped_by_reason == serial.skipped_by_reason
    assert parallel.files_scanned == serial.files_scanned


# --- a cold scan shared by directory (``split``) ----------------------------------------


@pytest.fixture(scope="module")
def big(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Enough files for a worker pool, a nested ignore file, and old mtimes."""
    root = tmp_path_factory.mktemp("split") / "big"
    generate(root, files=600, lines=24_000, seed=5)
    service = next(p for p in sorted((root / "services").iterdir()) if p.is_dir())
    (service / ".gitignore").write_text("*.py\n")  # only reachable through the folder's chain
    (root / "services" / "blob.js").write_bytes(b"var a = 1;\0\0")  # skipped once read
    age(root)  # a walk record trusts only settled metadata
    return root


@pytest.mark.slow
def test_a_cold_parallel_scan_is_replayed_by_the_next(
    big: Path, records: Records, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A directory's ctime cannot be backdated; trust what is older than "now" instead.
    monkeypatch.setattr(runner_module, "RACY_WINDOW_NS", 0)
    serial = scan_tree(big, records, workers=1)
    assert serial.skipped_by_reason["gitignored"] > 0, "the nested .gitignore took effect"
    cache = ScanCache.for_root(tmp_path, big)
    cold = scan_tree(big, records, cache=cache, workers=2)
    assert cold.workers == 2
    same_scan(cold, serial)
    walks = count_walks(monkeypatch)
    warm = scan_tree(big, records, cache=ScanCache.for_root(tmp_path, big), workers=2)
    assert walks == [], "the walk the workers recorded between them was replayed"
    assert warm.bytes_read == 0
    same_scan(warm, serial)


@pytest.mark.slow
def test_a_shared_cold_scan_writes_the_cache_a_serial_one_would(
    big: Path, records: Records, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The workers' columns become the cache table as they are: same rows, same order."""
    monkeypatch.setattr(runner_module, "RACY_WINDOW_NS", 0)
    serial_cache = ScanCache.for_root(tmp_path / "serial", big)
    scan_tree(big, records, cache=serial_cache, workers=1)
    shared_cache = ScanCache.for_root(tmp_path / "shared", big)
    assert scan_tree(big, records, cache=shared_cache, workers=2).workers == 2
    serial_rows, shared_rows = serial_cache.peek(), shared_cache.peek()
    assert shared_rows == serial_rows
    assert any(row.findings for row in shared_rows.values())
    assert any(row.skip for row in shared_rows.values())
    # Rows follow the recorded walk, which lets the next rescan compare whole columns.
    options = ScanOptions()
    key = cache_key(
        records, options.min_confidence, options.include_vendored, options.max_file_bytes
    )
    table = shared_cache.load(key)
    _settings, _ancestors, _checks, recorded_files, _others = shared_cache.walk
    assert table.rels == [rel for rel in recorded_files if rel in shared_rows]

    # An edit after a shared cold scan is read again, the rest is taken from the table.
    edited = next(rel for rel, row in sorted(shared_rows.items()) if row.findings)
    path = big / edited
    original = path.read_bytes()
    try:
        path.write_bytes(original.replace(b"\n", b"\n\n", 1))
        again = scan_tree(big, records, cache=shared_cache, workers=2)
        assert again.bytes_read == len(original) + 1
        same_scan(again, scan_tree(big, records, workers=1))
    finally:
        path.write_bytes(original)
        os.utime(path, ns=(OLD, OLD))


_PARENT = os.getpid()
_REAL_RUN_TASK = split_module._run_task


def _dies_in_a_worker(folders: list[Folder]) -> TaskResult:
    """``split._run_task`` in this process; in a worker, an abrupt exit (as if killed)."""
    if os.getpid() != _PARENT:
        os._exit(1)
    return _REAL_RUN_TASK(folders)


def _fails_in_a_worker(folders: list[Folder]) -> TaskResult:
    """``split._run_task`` in this process; in a worker, a bug in the scanner."""
    if os.getpid() != _PARENT:
        raise RuntimeError("scanner bug in a helper")
    return _REAL_RUN_TASK(folders)


@pytest.mark.slow
@pytest.mark.parametrize(
    ("run_task", "why"),
    [
        (_dies_in_a_worker, "exited (code 1)"),
        (_fails_in_a_worker, "RuntimeError: scanner bug in a helper"),  # the helper's traceback
    ],
)
def test_a_lost_helper_says_why_and_leaves_its_share_to_this_process(
    big: Path,
    records: Records,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
    run_task: Callable[[list[Folder]], TaskResult],
    why: str,
) -> None:
    monkeypatch.setattr(split_module, "_run_task", run_task)
    with caplog.at_level(logging.WARNING, logger="monitor.scan.split"):
        result = scan_tree(big, records, workers=2)
    assert "finishing in-process" in caplog.text
    assert why in caplog.text
    same_scan(result, scan_tree(big, records, workers=1))


_HELPER_LOG = "CONNECT_MONITOR_TEST_HELPER_LOG"


def _counted_in_a_worker(folders: list[Folder]) -> TaskResult:
    """``split._run_task``, noting in a file how many files each helper task scanned."""
    task = _REAL_RUN_TASK(folders)
    if os.getpid() != _PARENT:
        with open(os.environ[_HELPER_LOG], "a", encoding="utf-8") as log_file:
            log_file.write(f"{len(task.rels)}\n")
    return task


@pytest.mark.slow
def test_helpers_scan_a_share_of_a_cold_tree(
    big: Path, records: Records, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    helper_log = tmp_path / "helper.log"
    helper_log.touch()
    monkeypatch.setenv(_HELPER_LOG, str(helper_log))
    monkeypatch.setattr(split_module, "_run_task", _counted_in_a_worker)
    result = scan_tree(big, records, workers=2)
    by_helper = sum(map(int, helper_log.read_text().split()))
    assert 0 < by_helper < result.files_scanned
    same_scan(result, scan_tree(big, records, workers=1))


def test_a_hurried_task_hands_back_the_folders_it_has_not_listed(
    big: Path, records: Records
) -> None:
    """The flag a helper reads between folders when this process has run out of work."""
    scanner = runner_module._subtree_scanner(
        records, ScanOptions(), os.path.realpath(big), 0, record=False
    )
    start = [scanner.tree.root_folder()]
    hurry = multiprocessing.get_context("fork").RawValue("b", 1)
    hurried = scanner.run(start, budget=10_000, hurry=hurry)
    assert hurried.rels == [] and hurried.left == start
    hurry.value = 0
    calm = scanner.run(start, budget=10_000, hurry=hurry)
    assert len(calm.rels) > runner_module.SERIAL_BELOW and calm.left == []


_REAL_RUN_CHUNK = runner_module._run_chunk


def _chunk_dies_in_a_worker(jobs: list[Job]) -> list[Outcome]:
    """``runner._run_chunk`` in this process; in a worker, an abrupt exit (as if killed)."""
    if os.getpid() != _PARENT:
        os._exit(1)
    return _REAL_RUN_CHUNK(jobs)


@pytest.mark.slow
@pytest.mark.parametrize("workers_die", [False, True])
def test_a_rescan_of_many_changed_files_shares_them_with_a_pool(
    big: Path,
    records: Records,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
    workers_die: bool,
) -> None:
    """After a branch switch every file's mtime moves: the readers' pool (``Dispatcher``)
    rereads them, reuses the verdicts of unchanged bytes and rescans the edited file."""
    monkeypatch.setattr(runner_module, "RACY_WINDOW_NS", 0)
    tree = tmp_path / "tree"
    shutil.copytree(big, tree)
    data = tmp_path / "data"
    first = scan_tree(tree, records, cache=ScanCache.for_root(data, tree), workers=1)
    edited = tree / next(f.path for f in first.findings if f.category == "use")
    edited.write_text(edited.read_text() + "\n# edited on another branch\n")
    files = [path for path in tree.rglob("*") if path.is_file()]
    assert len(files) > runner_module.SERIAL_BELOW
    for path in files:
        os.utime(path, ns=(OLD + 10**9, OLD + 10**9))
    if workers_die:
        monkeypatch.setattr(runner_module, "_run_chunk", _chunk_dies_in_a_worker)
    with caplog.at_level(logging.WARNING, logger="monitor.scan.runner"):
        rescan = scan_tree(tree, records, cache=ScanCache.for_root(data, tree), workers=2)
    assert ("finishing in-process" in caplog.text) == workers_die
    if not workers_die:  # a pool that broke during the walk leaves the count at 0
        assert rescan.workers == 2
    # Every file was read again; all but the edited one had the same bytes, so their verdicts
    # came from the cache.
    assert rescan.bytes_read >= first.bytes_scanned
    assert rescan.cache_hits >= first.files_scanned - 1
    same_scan(rescan, scan_tree(tree, records, workers=1))


@pytest.mark.slow
def test_a_threaded_process_shares_a_cold_scan_with_spawned_workers(
    big: Path, records: Records, caplog: pytest.LogCaptureFixture
) -> None:
    release = threading.Event()
    helper = threading.Thread(target=release.wait)
    helper.start()
    try:
        assert runner_module._pool_context().get_start_method() == "spawn"
        with caplog.at_level(logging.WARNING, logger="monitor.scan.split"):
            parallel = scan_tree(big, records, workers=2)
    finally:
        release.set()
        helper.join()
    assert parallel.workers == 2
    assert "scan workers died" not in caplog.text, "the spawned workers did the work"
    same_scan(parallel, scan_tree(big, records, workers=1))


@pytest.mark.slow
def test_progress_of_a_shared_scan_ends_at_its_total(big: Path, records: Records) -> None:
    calls: list[tuple[int, int | None]] = []
    result = scan_tree(big, records, workers=2, progress=lambda d, t: calls.append((d, t)))
    assert calls[-1] == (result.files_scanned + result.files_skipped,) * 2
    assert [d for d, _ in calls] == sorted(d for d, _ in calls)


# --- the cache ---------------------------------------------------------------------------


def rows(cache: ScanCache) -> dict[str, tuple[int, int]]:
    return {path: (row.size, row.mtime_ns) for path, row in cache.peek().items()}


def test_warm_rescan_reads_nothing(tree: Path, records: Records, data_dir: Path) -> None:
    cache = ScanCache.for_root(data_dir, tree)
    cold = scan_tree(tree, records, cache=cache, workers=1)
    warm = scan_tree(tree, records, cache=ScanCache.for_root(data_dir, tree), workers=1)
    assert cold.cache_hits == 0
    assert warm.findings == cold.findings
    assert warm.bytes_read == 0
    assert warm.cache_hits == cold.files_scanned + cold.skipped_by_reason["binary"]
    assert warm.skipped_by_reason == cold.skipped_by_reason  # content skips are remembered
    assert cache.path == cache_path(data_dir, tree)


def test_changed_touched_new_and_deleted_files(
    tree: Path, records: Records, data_dir: Path
) -> None:
    cache = ScanCache.for_root(data_dir, tree)
    first = scan_tree(tree, records, cache=cache, workers=1)
    client = tree / "python-shop" / "instacart_shop" / "client.py"
    models = tree / "python-shop" / "instacart_shop" / "models.py"
    client_rel = "python-shop/instacart_shop/client.py"
    before = [f for f in first.findings if f.path == client_rel]
    assert before
    client.write_text("# emptied\n")
    os.utime(client, ns=(OLD + 10**9, OLD + 10**9))
    os.utime(models, ns=(OLD + 10**9, OLD + 10**9))  # metadata moves, bytes do not
    (tree / "new.sh").write_text('curl -X POST "$BASE/v2/fulfillment/lastmile/stores"\n')
    os.utime(tree / "new.sh", ns=(OLD, OLD))
    (tree / "go-delivery" / "cart" / "cart.go").unlink()

    second = scan_tree(tree, records, cache=cache, workers=1)
    assert not [f for f in second.findings if f.path == client_rel]
    assert [f.item for f in second.findings if f.path == "new.sh"] == [
        "POST /v2/fulfillment/lastmile/stores"
    ]
    models_rel = "python-shop/instacart_shop/models.py"
    models_findings = [f for f in first.findings if f.path == models_rel]
    assert [f for f in second.findings if f.path == models_rel] == models_findings
    read = client.stat().st_size + models.stat().st_size + (tree / "new.sh").stat().st_size
    assert second.bytes_read == read  # only the three files with new metadata
    assert second.cache_hits == first.files_scanned + 1 - 2  # binary hit, client and cart not
    stored = rows(cache)
    assert "go-delivery/cart/cart.go" not in stored
    assert stored["new.sh"][1] == OLD
    assert stored["python-shop/instacart_shop/models.py"][1] == OLD + 10**9


def test_just_written_files_are_checked_by_content_next_time(
    tree: Path, records: Records, data_dir: Path
) -> None:
    fresh = tree / "python-shop" / "scripts" / "smoke.py"
    fresh.write_text(fresh.read_text())  # mtime is now: too fresh to trust
    cache = ScanCache.for_root(data_dir, tree)
    first = scan_tree(tree, records, cache=cache, workers=1)
    assert rows(cache)["python-shop/scripts/smoke.py"][1] == 0
    second = scan_tree(tree, records, cache=cache, workers=1)
    assert second.bytes_read == fresh.stat().st_size  # re-read and hashed, not rescanned
    assert second.cache_hits == first.files_scanned + first.skipped_by_reason["binary"]
    assert second.findings == first.findings


def test_other_deprecations_or_options_invalidate_everything(
    tree: Path, records: Records, data_dir: Path
) -> None:
    cache = ScanCache.for_root(data_dir, tree)
    scan_tree(tree, records, cache=cache, workers=1)
    fewer = records[:-1]
    changed_title = [(records[0][0], replace(records[0][1], title="edited")), *records[1:]]
    for variant, options in (
        (fewer, None),
        (changed_title, None),
        (records, ScanOptions(min_confidence="low")),
    ):
        result = scan_tree(tree, variant, options=options, cache=cache, workers=1)
        assert result.cache_hits == 0
        assert result.findings == scan_tree(tree, variant, options=options, workers=1).findings
    keys = {
        cache_key(records, "medium", False, 1024),
        cache_key(records, "high", False, 1024),
        cache_key(records, "medium", True, 1024),
        cache_key(fewer, "medium", False, 1024),
        cache_key(list(reversed(records)), "medium", False, 1024),
    }
    assert len(keys) == 4  # the order of the records does not matter


@pytest.mark.parametrize("damage", [b"this is not a database" * 10, b""])
def test_corrupt_cache_is_rebuilt(
    tree: Path,
    records: Records,
    data_dir: Path,
    damage: bytes,
    caplog: pytest.LogCaptureFixture,
) -> None:
    cache = ScanCache.for_root(data_dir, tree)
    clean = scan_tree(tree, records, cache=cache, workers=1)
    original = cache.path.read_bytes()
    cache.path.write_bytes(damage or original[: len(original) // 3])
    with caplog.at_level(logging.WARNING, logger="monitor.scan.cache"):
        rebuilt = scan_tree(tree, records, cache=cache, workers=1)
    assert rebuilt.findings == clean.findings
    assert rebuilt.cache_hits == 0
    assert "scan cache" in caplog.text
    again = scan_tree(tree, records, cache=cache, workers=1)
    assert again.cache_hits > 0 and again.bytes_read == 0


def test_a_flipped_byte_is_treated_as_damage(
    tree: Path, records: Records, data_dir: Path, caplog: pytest.LogCaptureFixture
) -> None:
    cache = ScanCache.for_root(data_dir, tree)
    clean = scan_tree(tree, records, cache=cache, workers=1)
    data = bytearray(cache.path.read_bytes())
    data[len(data) // 2] ^= 0x01  # a bit flips inside the payload: the checksum notices
    cache.path.write_bytes(bytes(data))
    with caplog.at_level(logging.WARNING, logger="monitor.scan.cache"):
        rebuilt = scan_tree(tree, records, cache=cache, workers=1)
    assert "checksum" in caplog.text
    assert rebuilt.cache_hits == 0
    assert rebuilt.findings == clean.findings


def test_a_cache_an_earlier_version_wrote_is_replaced_without_a_warning(
    tree: Path, records: Records, data_dir: Path, caplog: pytest.LogCaptureFixture
) -> None:
    cache = ScanCache.for_root(data_dir, tree)
    clean = scan_tree(tree, records, cache=cache, workers=1)
    cache.path.write_bytes(b"MSCACHE2" + bytes(16) + b"an older layout")
    with caplog.at_level(logging.INFO, logger="monitor.scan.cache"):
        rebuilt = scan_tree(tree, records, cache=cache, workers=1)
    assert "earlier version" in caplog.text
    assert not [r for r in caplog.records if r.levelno >= logging.WARNING]
    assert rebuilt.cache_hits == 0 and rebuilt.findings == clean.findings
    assert not cache.path.read_bytes().startswith(b"MSCACHE2")
    assert scan_tree(tree, records, cache=cache, workers=1).bytes_read == 0


def test_a_crash_mid_scan_leaves_the_old_cache(
    tree: Path, records: Records, data_dir: Path
) -> None:
    cache = ScanCache.for_root(data_dir, tree)
    scan_tree(tree, records, cache=cache, workers=1)
    before = rows(cache)
    (tree / "python-shop" / "extra.py").write_text("x = 1\n")

    def explode(done: int, total: int) -> None:
        if done:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        scan_tree(tree, records, cache=cache, workers=1, progress=explode)
    assert rows(cache) == before


def test_a_failing_matcher_skips_one_file(
    tree: Path, records: Records, monkeypatch: pytest.MonkeyPatch
) -> None:
    real = runner_module.scan_text
    # A file with findings: a quiet one never reaches the matcher.
    broken = scan_tree(tree, records, workers=1).findings[0].path

    def flaky(path: str, text: str, *args: object) -> list[object]:
        if path == broken:
            raise ValueError("matcher bug")
        return real(path, text, *args)  # type: ignore[arg-type]

    monkeypatch.setattr(runner_module, "scan_text", flaky)
    result = scan_tree(tree, records, workers=1)
    assert result.skipped_by_reason["scan_error"] == 1
    assert broken in {item.rel for item in result.skipped}
    assert result.findings
    assert all(finding.path != broken for finding in result.findings)


# --- worker start and the cache file ---------------------------------------------------


def test_workers_fork_only_while_this_process_runs_one_thread() -> None:
    if sys.platform.startswith("linux") and threading.active_count() == 1:
        assert runner_module._pool_context().get_start_method() == "fork"
    release = threading.Event()
    helper = threading.Thread(target=release.wait)
    helper.start()
    try:
        assert runner_module._pool_context().get_start_method() == "spawn"
    finally:
        release.set()
        helper.join()


def test_stored_rows_come_back_in_walk_order_with_findings_and_skips(
    tree: Path, records: Records, data_dir: Path
) -> None:
    found = scan_tree(tree, records, workers=1).findings
    client = [f for f in found if f.path == "python-shop/instacart_shop/client.py"]
    assert client
    changed = {
        "b.py": CachedFile(10, OLD, b"b" * 16),
        "python-shop/instacart_shop/client.py": CachedFile(20, OLD, b"c" * 16, None, tuple(client)),
        "assets/blob.dat": CachedFile(30, OLD, b"d" * 16, "binary"),
        "a.py": CachedFile(40, 0, b"a" * 16),
        "odd.py": CachedFile(50, OLD, b"short"),  # not a whole digest: left out
    }
    cache = ScanCache.for_root(data_dir, tree)
    cache.load("k")
    cache.store("k", changed, (), None, order=["a.py", "gone.py", "b.py"])
    table = ScanCache.for_root(data_dir, tree).load("k")
    assert table.rels[:2] == ["a.py", "b.py"]  # the walk's order first
    assert set(table.rels) == set(changed) - {"odd.py"}
    stored = cache.peek()
    assert stored["python-shop/instacart_shop/client.py"].findings == tuple(client)
    assert stored["assets/blob.dat"] == changed["assets/blob.dat"]
    assert stored["a.py"] == changed["a.py"]
    assert ScanCache.for_root(data_dir, tree).load("other key").rels == []


def test_the_terminal_progress_bar_starts_no_thread(monkeypatch: pytest.MonkeyPatch) -> None:
    """A second thread would make the scanner spawn its workers instead of forking them."""
    from monitor.cli import scan_cmd

    monkeypatch.setattr(sys.stderr, "isatty", lambda: True)
    threads = threading.active_count()
    with scan_cmd._progress(True) as tick:
        assert tick is not None
        assert threading.active_count() == threads
        tick(5, None)  # total unknown while a shared scan still finds folders
        tick(10, 10)
        assert threading.active_count() == threads
