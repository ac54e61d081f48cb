"""Scan a whole tree: walk it, reuse what the cache knows, match the rest in parallel.

Only the main process walks and talks to the cache; workers get chunks of
file paths, read one file at a time and send back small outcomes (plain
tuples: cheap to pickle), so memory stays flat however large the tree. Each
worker builds the ``TargetSet`` once from the records it receives at start-up.
Small jobs (a tiny repository, changed files only) run in-process, where a
process pool would cost more than it saves.

Three paths, cheapest first:
- nothing changed: the last walk is replayed (``rewalk``), one ``lstat`` per
  file, and whole columns of sizes and mtimes are compared with the cache's;
- something changed: files whose metadata moved are read, the rest trusted;
- no cache rows: the walk skips the per-file ``stat`` (the reader's ``fstat``
  gives size and mtime); with more than one core the tree is shared out by
  directory (``split``) and the results arrive as columns that become the
  new cache table as they are, with no per-file merge.

Workers start with ``fork`` only while this process runs a single thread
(Linux): nothing can hold a lock then, and a forked worker is scanning within
milliseconds instead of re-importing the scanner for ~0.1 s. A threaded
process (the daemon) uses ``spawn``: forking it could copy a held lock into
the child. (``forkserver`` measured slower in bench/bench_scan.py.) Either
way the workers are direct children, so their peak memory shows in
``RUSAGE_CHILDREN``.
"""

from __future__ import annotations

import gc
import logging
import multiprocessing
import os
import sys
import threading
import time
from collections import Counter, deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Any

from monitor.domain import DeprecationRecord

from .cache import (
    Row,
    Rows,
    ScanCache,
    cache_key,
    content_digest,
    row_findings,
    stored_mtime,
)
from .engine import scan_text
from .findings import Finding
from .rewalk import Replayed, replay, snapshot, walk_settings
from .split import SplitScan, SubtreeScanner, TaskResult
from .targets import TargetSet, build_targets
from .walker import (
    DEFAULT_MAX_FILE_BYTES,
    FileEntry,
    Skipped,
    SkipReason,
    TreeWalk,
    WalkRecord,
    ascii_source_reason,
    decode_source,
    read_file,
    walk,
)

log = logging.getLogger(__name__)

SERIAL_BELOW = 200  # files to read; below this a process pool is not worth starting
CHUNK = 256  # files per task: small enough to balance the cores, large enough to amortise IPC
MIN_CHUNK = 16  # the smallest share worth a round trip to a worker
# Chunks queued per worker process. Handing one over needs this process's GIL,
# which the walk holds for up to a switch interval: with only two queued the
# worker sat idle for about a sixth of a cold scan.
AHEAD = 4
# Files modified this close to the scan may change again within the same mtime
# tick; their metadata is not trusted next time (git calls these "racily clean").
RACY_WINDOW_NS = 2_000_000_000

Records = Sequence[tuple[str | int, DeprecationRecord]]
ProgressFn = Callable[[int, int | None], None]  # (done, total or None while unknown)
# (rel, absolute path, size, mtime_ns, digest the cache holds or b"")
Job = tuple[str, str, int, int, bytes]


@dataclass(frozen=True, slots=True)
class ScanOptions:
    """The per-codebase settings that shape a scan."""

    include: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()
    include_vendored: bool = False
    max_file_bytes: int = DEFAULT_MAX_FILE_BYTES
    min_confidence: str = "medium"

    @classmethod
    def from_settings(
        cls, scan: Any, include: Sequence[str] = (), exclude: Sequence[str] = ()
    ) -> ScanOptions:
        """From ``ScanSettings`` (or anything with its attributes) plus a codebase's globs."""
        return cls(
            include=tuple(include),
            exclude=tuple(exclude),
            include_vendored=scan.include_vendored,
            max_file_bytes=scan.max_file_bytes,
            min_confidence=scan.min_confidence,
        )


@dataclass(slots=True)
class ScanResult:
    findings: list[Finding] = field(default_factory=list)
    files_scanned: int = 0  # files whose findings are known, read now or from the cache
    bytes_scanned: int = 0  # size of the files counted in files_scanned
    bytes_read: int = 0  # what this run actually read from disk
    elapsed: float = 0.0
    cache_hits: int = 0  # files whose verdict came from the cache (metadata or digest match)
    workers: int = 0  # processes used; 0 means in-process
    skipped: list[Skipped] = field(default_factory=list)

    def skip(self, item: Skipped) -> None:
        self.skipped.append(item)

    def add_columns(
        self,
        rels: Sequence[str],
        sizes: Sequence[int],
        verdicts: Iterable[tuple[int, str | None, Sequence[Finding]]],
    ) -> None:
        """Files given column by column, all scanned but those ``verdicts`` (index, skip
        reason or None, findings) name as skipped; only those few are visited."""
        scanned, scanned_bytes = len(rels), sum(sizes)
        for index, skip, findings in verdicts:
            if skip is None:
                self.findings.extend(findings)
            else:
                self.skip(Skipped(rels[index], SkipReason(skip)))
                scanned -= 1
                scanned_bytes -= sizes[index]
        self.files_scanned += scanned
        self.bytes_scanned += scanned_bytes

    @property
    def files_skipped(self) -> int:
        return len(self.skipped)

    @property
    def skipped_by_reason(self) -> Counter[str]:
        return Counter(str(item.reason) for item in self.skipped)


# What a reader learned about one file, as a plain tuple (building and pickling
# thousands of named tuples or dataclasses cost more than the quiet files' whole
# matching): (rel, size, mtime_ns, digest - b"" when there is nothing to cache,
# skip reason or None, findings, reused - same bytes as cached, bytes read).
Outcome = tuple[str, int, int, bytes, str | None, tuple[Finding, ...], bool, int]


class FileScanner:
    """Reads and matches single files; one per process, holding the compiled targets."""

    def __init__(self, records: Records, options: ScanOptions) -> None:
        self.targets: TargetSet = build_targets(records)
        self.options = options
        # ``scan_text`` skips its quiet screen at low confidence, so the bytes may not either.
        self._screen_bytes = options.min_confidence != "low"
        self._quiet_bytes = self.targets.gate.quiet_bytes
        self._include_vendored = options.include_vendored

    def run(self, job: Job) -> Outcome:
        rel, path, size, mtime_ns, cached_digest = job
        found = read_file(path, self.options.max_file_bytes)
        if found.__class__ is not tuple:
            return (rel, size, mtime_ns, b"", str(found), (), False, 0)
        data, opened_mtime_ns = found  # type: ignore[misc]
        size = len(data)
        if mtime_ns < 0:  # the walk did not stat it
            mtime_ns = opened_mtime_ns
        digest = content_digest(data)
        if digest == cached_digest:
            return (rel, size, mtime_ns, digest, None, (), True, size)
        if self._screen_bytes and self._quiet_bytes(data):
            # Most files end here: nothing to find, so no decode and no matcher.
            shape = ascii_source_reason(data, self._include_vendored)
            skip = None if shape is None else str(shape)
            return (rel, size, mtime_ns, digest, skip, (), False, size)
        text = decode_source(data, self._include_vendored)
        if isinstance(text, SkipReason):
            return (rel, size, mtime_ns, digest, str(text), (), False, size)
        try:
            findings = scan_text(rel, text, self.targets, self.options.min_confidence)
        except Exception:
            log.exception("scanner failed on %s; skipping it", rel)
            return (rel, size, mtime_ns, b"", str(SkipReason.SCAN_ERROR), (), False, size)
        return (rel, size, mtime_ns, digest, None, tuple(findings), False, size)


_worker: FileScanner | None = None


def _init_worker(records: Records, options: ScanOptions) -> None:
    global _worker  # noqa: PLW0603 - one scanner per worker process, built once
    gc.disable()  # as in ``scan_tree``: the process lives for one scan
    _worker = FileScanner(records, options)


def _run_chunk(jobs: list[Job]) -> list[Outcome]:
    if _worker is None:  # pragma: no cover - the initializer always runs first
        raise RuntimeError("scan worker used before its initializer ran")
    return [_worker.run(job) for job in jobs]


def available_cpus() -> int:
    """Cores this process may use (respects CPU affinity, unlike ``os.cpu_count``)."""
    if hasattr(os, "sched_getaffinity"):
        return max(1, len(os.sched_getaffinity(0)))
    return max(1, os.cpu_count() or 1)


def _chunks(jobs: Sequence[Job], size: int) -> Iterator[list[Job]]:
    for start in range(0, len(jobs), size):
        yield list(jobs[start : start + size])


def _pool_context() -> multiprocessing.context.BaseContext:
    """``fork`` while this process runs one thread, else ``spawn`` (see the module docstring)."""
    if threading.active_count() == 1 and sys.platform.startswith("linux"):
        return multiprocessing.get_context("fork")
    return multiprocessing.get_context("spawn")


class Dispatcher:
    """Takes jobs while the walk runs and shares them between worker processes and itself.

    Of the ``workers`` processes asked for, ``workers - 1`` are started as soon
    as ``SERIAL_BELOW`` jobs are known, so they boot and scan while the main
    process is still walking; once the walk ends the main process scans chunks
    too, instead of idling while it waits. That saves one interpreter start and
    the pickling of its share of the outcomes. The pool is only fed a few chunks
    ahead, so whatever it has not taken is left for the main process. If a
    worker dies (killed, out of memory) its unfinished chunks are scanned
    in-process instead.
    """

    def __init__(self, records: Records, options: ScanOptions, workers: int) -> None:
        self.records = records
        self.options = options
        self.workers = workers
        self.pool: ProcessPoolExecutor | None = None
        self.waiting: list[Job] = []
        self.running: dict[Future[list[Outcome]], list[Job]] = {}
        self._flight: deque[Future[list[Outcome]]] = deque()  # submitted, oldest first
        self._ahead = AHEAD * max(1, workers - 1)  # chunks in flight that keep the pool busy
        self._scanner: FileScanner | None = None

    def add(self, job: Job) -> None:
        self.waiting.append(job)
        if self.pool is None and self.workers > 1 and len(self.waiting) >= SERIAL_BELOW:
            self.pool = ProcessPoolExecutor(
                max_workers=self.workers - 1,
                mp_context=_pool_context(),
                initializer=_init_worker,
                initargs=(self.records, self.options),
            )
        if self.pool is not None and len(self.waiting) >= CHUNK and self._in_flight() < self._ahead:
            try:
                self._submit(self.waiting[:CHUNK])
            except BrokenProcessPool as error:  # a worker died while the walk goes on
                self._abandon_pool(error)
                return
            del self.waiting[:CHUNK]

    def _in_flight(self) -> int:
        """Chunks submitted and not finished (the pool finishes them roughly in order)."""
        while self._flight and self._flight[0].done():
            self._flight.popleft()
        return len(self._flight)

    def _submit(self, chunk: list[Job]) -> None:
        """Hand ``chunk`` to the pool; a broken pool raises and the caller keeps it."""
        if self.pool is not None:
            future = self.pool.submit(_run_chunk, chunk)
            self.running[future] = chunk
            self._flight.append(future)

    def _abandon_pool(self, error: BrokenProcessPool) -> None:
        """Take back every chunk the pool held; the rest of the scan runs in-process."""
        log.warning("scan workers died (%s); finishing in-process", error)
        self.waiting[:0] = [job for chunk in self.running.values() for job in chunk]
        self.running.clear()
        self._flight.clear()
        self.close()
        self.pool = None
        self.workers = 1  # no second pool

    def results(self) -> Iterator[list[Outcome]]:
        """Outcomes in chunks, as they finish."""
        if self.pool is None:
            yield from self._in_process(self.waiting)
            return
        # What the walk left is shared in smaller chunks when it is little, so
        # the main process gets a share while the pool works on its own.
        size = max(MIN_CHUNK, min(CHUNK, len(self.waiting) // (2 * self.workers)))
        pending = list(_chunks(self.waiting, size))
        pending.reverse()  # popped from the end: the walk's order
        self.waiting = []
        try:
            while pending or self.running:
                while pending and self._in_flight() < self._ahead:
                    self._submit(pending[-1])
                    pending.pop()  # only once the pool took it
                done = [future for future in self.running if future.done()]
                if not done and not pending:
                    done = list(wait(self.running, return_when=FIRST_COMPLETED).done)
                for future in done:
                    outcomes = future.result()
                    del self.running[future]
                    yield outcomes
                if pending:
                    yield self._scan_here(pending.pop())
        except BrokenProcessPool as error:
            self._abandon_pool(error)
            left = self.waiting + [job for chunk in reversed(pending) for job in chunk]
            self.waiting = []
            yield from self._in_process(left)

    def _scan_here(self, chunk: Sequence[Job]) -> list[Outcome]:
        if self._scanner is None:
            self._scanner = FileScanner(self.records, self.options)
        return [self._scanner.run(job) for job in chunk]

    def _in_process(self, jobs: Sequence[Job]) -> Iterator[list[Outcome]]:
        for chunk in _chunks(jobs, CHUNK):
            yield self._scan_here(chunk)

    def close(self) -> None:
        if self.pool is not None:
            self.pool.shutdown(wait=True, cancel_futures=True)


def scan_tree(
    root: Path | str,
    records: Records,
    options: ScanOptions | None = None,
    cache: ScanCache | None = None,
    workers: int = 0,
    progress: ProgressFn | None = None,
) -> ScanResult:
    """Findings for every scannable file under ``root``, sorted by path, line and column.

    ``records`` are ``(id, DeprecationRecord)`` pairs; ``workers=0`` means one
    process per available core; ``progress(done, total)`` is called as files finish.
    """
    with _collector_paused():
        return _scan_tree(root, records, options, cache, workers, progress)


@contextmanager
def _collector_paused() -> Iterator[None]:
    """No cyclic garbage collection during a scan, which makes almost only acyclic tuples.

    Its passes over the whole heap cost a few percent of a cold scan (and
    their writes to shared pages cost a forked worker copies). Cycles made
    meanwhile are collected once it is back on.
    """
    if not gc.isenabled():
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.enable()


def _scan_tree(
    root: Path | str,
    records: Records,
    options: ScanOptions | None,
    cache: ScanCache | None,
    workers: int,
    progress: ProgressFn | None,
) -> ScanResult:
    options = options or ScanOptions()
    started = time.perf_counter()
    fresh_after_ns = time.time_ns() - RACY_WINDOW_NS
    result = ScanResult()
    seen: set[str] = set()
    workers = workers or available_cpus()
    key = (
        ""
        if cache is None
        else cache_key(
            records, options.min_confidence, options.include_vendored, options.max_file_bytes
        )
    )
    table = cache.load(key) if cache is not None else Rows()
    root_real = os.path.realpath(root)
    settings = walk_settings(
        root_real,
        options.include,
        options.exclude,
        options.include_vendored,
        options.max_file_bytes,
    )
    replayed = replay(cache.walk, settings) if cache is not None and len(table) else None
    record = WalkRecord(fresh_after_ns) if cache is not None and replayed is None else None
    known: dict[str, Row] = {}
    built: Rows | None = None  # a whole new cache table (a first scan shared out)
    changed: dict[str, Row] = {}
    split: SplitScan | None = None
    if replayed is None and not len(table) and workers > 1:
        split = _new_split(records, options, root_real, workers, record, fresh_after_ns)
        built = _scan_split(split, result, record, progress)
    else:
        dispatcher = Dispatcher(records, options, workers)
        try:
            if replayed is None or not _take_all(result, table, replayed, options.max_file_bytes):
                known = table.mapping()
                if replayed is None:  # with nothing to compare against, the readers stat files
                    items: Iterable[FileEntry | Skipped] = _walk(root, options, record, bool(known))
                else:
                    items = [*replayed.skipped, *replayed.items(options.max_file_bytes)]
                _match_metadata(result, items, known, seen, dispatcher)
            result.workers = dispatcher.workers if dispatcher.pool is not None else 0
            changed = _collect(result, dispatcher, known, progress, fresh_after_ns)
        finally:
            dispatcher.close()
    try:
        if cache is not None:
            walked = cache.walk if record is None else snapshot(settings, record)
            if built is not None:
                cache.replace(key, built, walked)
            else:
                order = replayed.rels if replayed is not None else record.files if record else ()
                cache.store(key, changed, known.keys() - seen, walked, order)
    finally:
        if split is not None:
            split.reap()  # the helpers exited while the cache was written
    result.findings.sort(key=_order)
    result.skipped.sort()
    result.elapsed = time.perf_counter() - started
    return result


def _take_all(result: ScanResult, table: Rows, replayed: Replayed, max_file_bytes: int) -> bool:
    """Every verdict from the cache at once, if no file changed; False (and nothing taken) if not.

    Sizes and mtimes are compared column by column, and only rows with
    findings or a skip are visited. A row whose mtime was too fresh to trust
    (stored as 0) needs a content check, so it counts as a change.
    """
    files, too_large = replayed.within(max_file_bytes)
    if not (
        table.rels == files.rels
        and table.mtimes == files.mtimes
        and table.sizes == files.sizes
        and 0 not in table.mtimes
    ):
        return False
    for item in (*replayed.skipped, *too_large):
        result.skip(item)
    rels = table.rels
    verdicts = (
        (index, skip, row_findings(rels[index], found))
        for index, (skip, found) in table.extras.items()
    )
    result.add_columns(rels, table.sizes, verdicts)
    result.cache_hits += len(rels)
    return True


def _match_metadata(
    result: ScanResult,
    items: Iterable[FileEntry | Skipped],
    known: dict[str, Row],
    seen: set[str],
    dispatcher: Dispatcher,
) -> None:
    """Take each unchanged file's verdict from the cache; hand every other file to a reader.

    The loop every file of a warm rescan goes through, so it is kept flat:
    a file with neither findings nor a skip only adds to two counters.
    """
    get, see, add, skipped = known.get, seen.add, dispatcher.add, Skipped
    hits = scanned = scanned_bytes = 0
    for item in items:
        if item.__class__ is skipped:
            result.skip(item)  # type: ignore[arg-type]
            continue
        path, rel, size, mtime_ns = item
        see(rel)
        row = get(rel)
        if row is None:
            add((rel, path, size, mtime_ns, b""))
        elif row[1] != mtime_ns or row[0] != size or not mtime_ns:
            add((rel, path, size, mtime_ns, row[2]))
        elif row[3] is None and not row[4]:  # unchanged and clean: the usual file
            hits += 1
            scanned += 1
            scanned_bytes += size
        else:  # unchanged: trust the cache
            hits += 1
            _take(result, rel, size, row[3], row_findings(rel, row[4]))
    result.cache_hits += hits
    result.files_scanned += scanned
    result.bytes_scanned += scanned_bytes


def _walk(
    root: Path | str,
    options: ScanOptions,
    record: WalkRecord | None = None,
    stat_files: bool = True,
) -> Iterator[FileEntry | Skipped]:
    return walk(
        root,
        include=options.include,
        exclude=options.exclude,
        include_vendored=options.include_vendored,
        max_file_bytes=options.max_file_bytes,
        record=record,
        stat_files=stat_files,
    )


def _collect(
    result: ScanResult,
    dispatcher: Dispatcher,
    known: dict[str, Row],
    progress: ProgressFn | None,
    fresh_after_ns: int,
) -> dict[str, Row]:
    """Fold worker outcomes into the result; return the cache rows that changed."""
    total = result.files_scanned + result.files_skipped
    total += len(dispatcher.waiting) + sum(map(len, dispatcher.running.values()))
    done = result.files_scanned + result.files_skipped
    if progress is not None:
        progress(done, total)
    changed: dict[str, Row] = {}
    for outcomes in dispatcher.results():
        _fold(result, outcomes, known, changed, fresh_after_ns)
        done += len(outcomes)
        if progress is not None:
            progress(done, total)
    return changed


def _fold(
    result: ScanResult,
    outcomes: Sequence[Outcome],
    known: dict[str, Row],
    changed: dict[str, Row],
    fresh_after_ns: int,
) -> None:
    """Add outcomes to the result, and their cache rows to ``changed``."""
    hits = read = scanned = scanned_bytes = 0
    for outcome in outcomes:
        rel, size, mtime_ns, digest, skip, findings, reused, bytes_read = outcome
        mtime_ns = stored_mtime(mtime_ns, fresh_after_ns)
        read += bytes_read
        if reused:  # same bytes as cached: keep its verdict, refresh its metadata
            row = known[rel]
            hits += 1
            skip, findings = row[3], row_findings(rel, row[4])
            if (size, mtime_ns) != row[:2]:
                changed[rel] = (size, mtime_ns, row[2], skip, findings)
        elif digest:
            changed[rel] = (size, mtime_ns, digest, skip, findings)
        if skip is not None:
            result.skip(Skipped(rel, SkipReason(skip)))
            continue
        scanned += 1
        scanned_bytes += size
        if findings:
            result.findings.extend(findings)
    result.cache_hits += hits
    result.bytes_read += read
    result.files_scanned += scanned
    result.bytes_scanned += scanned_bytes


def _new_split(
    records: Records,
    options: ScanOptions,
    root_real: str,
    workers: int,
    record: WalkRecord | None,
    fresh_after_ns: int,
) -> SplitScan:
    recording = record is not None
    make = partial(_subtree_scanner, records, options, root_real, fresh_after_ns, recording)
    return SplitScan(make, workers, SERIAL_BELOW, _pool_context)


def _scan_split(
    split: SplitScan,
    result: ScanResult,
    record: WalkRecord | None,
    progress: ProgressFn | None,
) -> Rows:
    """A cold scan shared by directory between processes (see ``split``); returns the
    cache table it built, in the order the walk record lists the files. The helpers
    are stopped, not yet reaped (``SplitScan.reap``)."""
    rels: list[str] = []
    sizes: list[int] = []
    mtimes: list[int] = []
    digests: list[bytes] = []
    extras: dict[int, tuple[str | None, tuple[Any, ...]]] = {}
    done = 0

    def absorb(task: TaskResult) -> None:
        nonlocal done
        offset = len(rels)
        rels.extend(task.rels)
        sizes.extend(task.sizes)
        mtimes.extend(task.mtimes)
        digests.append(task.digests)
        for index, skip, stored in task.notes:
            extras[offset + index] = (skip, stored)
        names = task.rels
        verdicts = (
            (index, skip, row_findings(names[index], stored)) for index, skip, stored in task.notes
        )
        result.add_columns(task.rels, task.sizes, verdicts)
        for item in task.skipped:
            result.skip(item)
        result.bytes_read += task.bytes_read
        if record is not None and task.record is not None:
            record.absorb(task.record)
        done += task.files()
        if progress is not None:
            progress(done, None)

    split.run(split.local.tree.root_folder(record), absorb)
    result.workers = 1 + split.started if split.started else 0
    if progress is not None:
        progress(done, done)
    return Rows(rels, sizes, mtimes, b"".join(digests), extras)


def _subtree_scanner(
    records: Records,
    options: ScanOptions,
    root_real: str,
    fresh_after_ns: int,
    record: bool,
) -> SubtreeScanner:
    tree = TreeWalk(
        root_real,
        options.include,
        options.exclude,
        options.include_vendored,
        options.max_file_bytes,
        stat_files=False,  # the reader's ``fstat`` tells size and mtime
    )
    scanner = FileScanner(records, options)
    return SubtreeScanner(tree, scanner.run, fresh_after_ns, record)


def _take(
    result: ScanResult, rel: str, size: int, skip: str | None, findings: Sequence[Finding]
) -> None:
    if skip is not None:
        result.skip(Skipped(rel, SkipReason(skip)))
        return
    result.files_scanned += 1
    result.bytes_scanned += size
    result.findings.extend(findings)


def _order(finding: Finding) -> tuple[str, int, int, int, str, str, str]:
    return (
        finding.path,
        finding.line,
        finding.column,
        finding.end_column,
        finding.item,
        finding.category,
        finding.deprecation_id,
    )
