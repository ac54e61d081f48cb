"""A warm rescan that replays the last walk must answer exactly as a fresh walk would.

Each test scans a copy of the fixture codebases with a cache, changes the
tree in one way, and compares the next cached scan with an uncached one.
Directories are backdated along with files, since a just-modified directory
is (rightly) never trusted. Whether the replay was used is observed by making
the walker fail.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from monitor.domain import DeprecationRecord
from monitor.scan import runner as runner_module
from monitor.scan.cache import ScanCache
from monitor.scan.rewalk import replay, snapshot, walk_settings
from monitor.scan.runner import ScanOptions, ScanResult, scan_tree
from monitor.scan.walker import Skipped, SkipReason, WalkRecord, walk
from tests.support.scan_targets import load_fixture_targets
from tests.support.scan_trees import OLD, age, count_walks, fixture_tree, same_scan

CLIENT = "python-shop/instacart_shop/client.py"

Records = list[tuple[str, DeprecationRecord]]


@pytest.fixture(scope="module")
def records() -> Records:
    return load_fixture_targets()


@pytest.fixture
def tree(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    # A directory's ctime cannot be backdated; trust what is older than "now" instead.
    monkeypatch.setattr(runner_module, "RACY_WINDOW_NS", 0)
    return fixture_tree(tmp_path)


@pytest.fixture
def no_walk(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    return count_walks(monkeypatch)


def cached_scan(
    tree: Path, records: Records, data_dir: Path, options: ScanOptions | None = None
) -> ScanResult:
    return scan_tree(tree, records, options, cache=ScanCache.for_root(data_dir, tree), workers=1)


def test_an_unchanged_tree_is_replayed_without_walking(
    tree: Path, records: Records, data_dir: Path, no_walk: list[str]
) -> None:
    cold = cached_scan(tree, records, data_dir)
    assert no_walk == [str(tree)]
    warm = cached_scan(tree, records, data_dir)
    assert no_walk == [str(tree)], "the second scan replayed the first walk"
    assert warm.bytes_read == 0
    assert warm.cache_hits == cold.files_scanned + cold.skipped_by_reason["binary"]
    same_scan(warm, cold)
    same_scan(warm, scan_tree(tree, records, workers=1))


def test_an_edited_file_is_read_again_during_a_replay(
    tree: Path, records: Records, data_dir: Path, no_walk: list[str]
) -> None:
    cached_scan(tree, records, data_dir)
    client = tree / CLIENT
    client.write_text("# nothing left here\n")  # same directory entry: only the file moved
    os.utime(client, ns=(OLD + 10**9, OLD + 10**9))
    warm = cached_scan(tree, records, data_dir)
    assert len(no_walk) == 1
    assert warm.bytes_read == client.stat().st_size
    assert not [f for f in warm.findings if f.path == CLIENT]
    same_scan(warm, scan_tree(tree, records, workers=1))


def test_a_new_file_moves_its_directory_and_the_tree_is_walked(
    tree: Path, records: Records, data_dir: Path, no_walk: list[str]
) -> None:
    cached_scan(tree, records, data_dir)
    added = tree / "shell-scripts" / "added.sh"
    added.write_text('curl -X POST "$BASE/v2/fulfillment/lastmile/stores"\n')
    os.utime(added, ns=(OLD, OLD))
    warm = cached_scan(tree, records, data_dir)
    assert len(no_walk) == 2
    assert [f.item for f in warm.findings if f.path == "shell-scripts/added.sh"]
    same_scan(warm, scan_tree(tree, records, workers=1))


def test_an_ignore_file_edited_in_place_stops_the_replay(
    tree: Path, records: Records, data_dir: Path, no_walk: list[str]
) -> None:
    cold = cached_scan(tree, records, data_dir)
    assert [f for f in cold.findings if f.path == CLIENT]
    rules = tree / "python-shop" / ".gitignore"
    rules.write_text(rules.read_text() + "instacart_shop/client.py\n")
    os.utime(rules.parent, ns=(OLD, OLD))  # the directory's mtime gives nothing away
    warm = cached_scan(tree, records, data_dir)
    assert len(no_walk) == 2
    assert not [f for f in warm.findings if f.path == CLIENT]
    assert Skipped(CLIENT, SkipReason.GITIGNORED) in warm.skipped
    same_scan(warm, scan_tree(tree, records, workers=1))


def test_a_file_grown_too_large_is_skipped_during_a_replay(
    tree: Path, records: Records, data_dir: Path, no_walk: list[str]
) -> None:
    options = ScanOptions(max_file_bytes=4000)
    cached_scan(tree, records, data_dir, options)
    client = tree / CLIENT
    client.write_text(client.read_text() + "#" * 5000 + "\n")
    os.utime(client, ns=(OLD + 10**9, OLD + 10**9))
    warm = cached_scan(tree, records, data_dir, options)
    assert len(no_walk) == 1
    assert Skipped(CLIENT, SkipReason.TOO_LARGE) in warm.skipped
    again = cached_scan(tree, records, data_dir, options)  # too large: no row, still replayed
    assert len(no_walk) == 1
    same_scan(again, warm)
    same_scan(warm, scan_tree(tree, records, options, workers=1))


def test_symlinks_are_judged_again_on_every_replay(
    tree: Path, tmp_path: Path, records: Records, data_dir: Path, no_walk: list[str]
) -> None:
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    (outside / "target.py").write_text("x = 1\n")
    (tree / "configs" / "linked.py").symlink_to(outside / "target.py")
    age(tree)
    cold = cached_scan(tree, records, data_dir)
    assert Skipped("configs/linked.py", SkipReason.SYMLINK_OUTSIDE) in cold.skipped
    (outside / "target.py").unlink()  # outside the tree: no directory the walk saw moved
    warm = cached_scan(tree, records, data_dir)
    assert len(no_walk) == 1
    assert Skipped("configs/linked.py", SkipReason.BROKEN_SYMLINK) in warm.skipped
    same_scan(warm, scan_tree(tree, records, workers=1))


def test_fresh_directories_are_never_replayed(
    tree: Path,
    records: Records,
    data_dir: Path,
    no_walk: list[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(runner_module, "RACY_WINDOW_NS", 2_000_000_000)
    (tree / "configs" / "late.yaml").write_text("a: 1\n")  # the directory is now "just modified"
    cached_scan(tree, records, data_dir)
    warm = cached_scan(tree, records, data_dir)
    assert len(no_walk) == 2
    same_scan(warm, scan_tree(tree, records, workers=1))


def test_other_walk_settings_do_not_reuse_a_record(
    tree: Path, records: Records, data_dir: Path, no_walk: list[str]
) -> None:
    cached_scan(tree, records, data_dir)
    narrow = ScanOptions(exclude=("python-shop/",))
    warm = cached_scan(tree, records, data_dir, narrow)
    assert len(no_walk) == 2
    assert not [f for f in warm.findings if f.path.startswith("python-shop/")]
    same_scan(warm, scan_tree(tree, records, narrow, workers=1))


def test_replay_gives_the_walks_verdicts(tree: Path) -> None:
    root = os.path.realpath(tree)
    record = WalkRecord(untrusted_after_ns=2**62)
    walked = list(walk(tree, record=record))
    settings = walk_settings(root, (), (), False, 1 << 20)
    saved = snapshot(settings, record)
    replayed = replay(saved, settings)
    assert replayed is not None
    assert sorted([*replayed.skipped, *replayed.items(1 << 20)]) == sorted(walked)
    assert replay(saved, walk_settings(root, ("*.py",), (), False, 1 << 20)) is None
    assert replay(("not", "a", "record"), settings) is None
    assert snapshot(settings, WalkRecord(untrusted_after_ns=0)) is not None  # nothing walked yet
    assert snapshot(settings, _walked(tree, untrusted_after_ns=0)) is None  # all too fresh


def test_a_file_gone_or_replaced_behind_unchanged_directories_stops_the_replay(
    tree: Path,
) -> None:
    root = os.path.realpath(tree)
    settings = walk_settings(root, (), (), False, 1 << 20)
    record = _walked(tree, untrusted_after_ns=2**62)
    # Without the directory checks, only the files' own ``lstat`` can notice.
    unchecked = (settings, *snapshot(settings, record)[1:2], (), record.files, ())  # type: ignore[index]
    assert replay(unchecked, settings) is not None
    (tree / CLIENT).unlink()
    assert replay(unchecked, settings) is None
    os.mkfifo(tree / CLIENT)
    assert replay(unchecked, settings) is None  # no longer a regular file


def test_a_changed_directory_or_ignore_file_stops_the_replay(tree: Path) -> None:
    root = os.path.realpath(tree)
    settings = walk_settings(root, (), (), False, 1 << 20)
    saved = snapshot(settings, _walked(tree, untrusted_after_ns=2**62))
    rules = tree / "python-shop" / ".gitignore"
    before = rules.stat()
    rules.write_text(rules.read_text() + "# one more line\n")
    os.utime(rules, ns=(before.st_atime_ns, before.st_mtime_ns))  # same mtime, new size
    assert replay(saved, settings) is None
    saved = snapshot(settings, _walked(tree, untrusted_after_ns=2**62))
    os.utime(tree / "configs", ns=(OLD + 1, OLD + 1))
    assert replay(saved, settings) is None


def _walked(tree: Path, untrusted_after_ns: int) -> WalkRecord:
    record = WalkRecord(untrusted_after_ns)
    for _ in walk(tree, record=record):
        pass
    return record
