"""Scan a whole tree: walk it, reuse what the cache knows, match the rest in parallel.

Only the main process walks and talks to the cache; workers get chunks of
file paths, read one file at a time and send back small outcomes, so memory
stays flat however large the tree. Each worker builds the ``TargetSet`` once
from the records it receives at start-up. Small jobs (a warm rescan, a tiny
repository) run in-process, where a process pool would cost more than it saves.

Workers start with ``spawn``, not ``fork``: the daemon runs threads, and
forking a threaded process can copy a held lock into the child. (``forkserver``
measured slower in bench/bench_scan.py; ``spawn`` also makes workers
direct children, so their peak memory shows in ``RUSAGE_CHILDREN``.)
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import time
from collections import Counter, deque
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from monitor.domain import DeprecationRecord

from .cache import CachedFile, ScanCache, cache_key, content_digest
from .engine import scan_text
from .findings import Finding
from .targets import TargetSet, build_targets
from .walker import (
    DEFAULT_MAX_FILE_BYTES,
    FileEntry,
    Skipped,
    SkipReason,
    decode_source,
    read_bytes,
    walk,
)

log = logging.getLogger(__name__)

SERIAL_BELOW = 200  # files to read; below this a process pool is not worth starting
CHUNK = 64  # files per task: small enough to balance the cores, large enough to amortise IPC
AHEAD = 2  # chunks queued per worker process: it never waits, and little is left unbalanced
# Files modified this close to the scan may change again within the same mtime
# tick; their metadata is not trusted next time (git calls these "racily clean").
RACY_WINDOW_NS = 2_000_000_000

Records = Sequence[tuple[str | int, DeprecationRecord]]
ProgressFn = Callable[[int, int], None]
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
    files_skipped: int = 0
    skipped_by_reason: Counter[str] = field(default_factory=Counter)
    bytes_scanned: int = 0  # size of the files counted in files_scanned
    bytes_read: int = 0  # what this run actually read from disk
    elapsed: float = 0.0
    cache_hits: int = 0  # files whose verdict came from the cache (metadata or digest match)
    workers: int = 0  # processes used; 0 means in-process
    skipped: list[Skipped] = field(default_factory=list)

    def skip(self, item: Skipped) -> None:
        self.files_skipped += 1
        self.skipped_by_reason[str(item.reason)] += 1
        self.skipped.append(item)


@dataclass(frozen=True, slots=True)
class Outcome:
    """What a worker learned about one file; ``reused`` means "same bytes as cached"."""

    rel: str
    size: int
    mtime_ns: int
    digest: bytes  # b"" when the file could not be read: nothing to cache
    skip: str | None = None
    findings: tuple[Finding, ...] = ()
    reused: bool = False
    bytes_read: int = 0


class FileScanner:
    """Reads and matches single files; one per process, holding the compiled targets."""

    def __init__(self, records: Records, options: ScanOptions) -> None:
        self.targets: TargetSet = build_targets(records)
        self.options = options

    def run(self, job: Job) -> Outcome:
        rel, path, size, mtime_ns, cached_digest = job
        data = read_bytes(path, self.options.max_file_bytes)
        if isinstance(data, SkipReason):
            return Outcome(rel, size, mtime_ns, b"", skip=str(data))
        digest = content_digest(data)
        if digest == cached_digest:
            return Outcome(rel, len(data), mtime_ns, digest, reused=True, bytes_read=len(data))
        text = decode_source(data, self.options.include_vendored)
        if isinstance(text, SkipReason):
            return Outcome(rel, len(data), mtime_ns, digest, str(text), bytes_read=len(data))
        try:
            found = scan_text(rel, text, self.targets, self.options.min_confidence)
        except Exception:
            log.exception("scanner failed on %s; skipping it", rel)
            return Outcome(
                rel, len(data), mtime_ns, b"", str(SkipReason.SCAN_ERROR), bytes_read=len(data)
            )
        return Outcome(rel, len(data), mtime_ns, digest, None, tuple(found), bytes_read=len(data))


_worker: FileScanner | None = None


def _init_worker(records: Records, options: ScanOptions) -> None:
    global _worker  # noqa: PLW0603 - one scanner per worker process, built once
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
            self._submit(self.waiting[:CHUNK])
            del self.waiting[:CHUNK]

    def _in_flight(self) -> int:
        """Chunks submitted and not finished (the pool finishes them roughly in order)."""
        while self._flight and self._flight[0].done():
            self._flight.popleft()
        return len(self._flight)

    def _submit(self, chunk: list[Job]) -> None:
        if self.pool is not None:
            future = self.pool.submit(_run_chunk, chunk)
            self.running[future] = chunk
            self._flight.append(future)

    def results(self) -> Iterator[list[Outcome]]:
        """Outcomes in chunks, as they finish."""
        if self.pool is None:
            yield from self._in_process(self.waiting)
            return
        pending = list(_chunks(self.waiting, CHUNK))
        pending.reverse()  # popped from the end: the walk's order
        self.waiting = []
        try:
            while pending or self.running:
                while pending and self._in_flight() < self._ahead:
                    self._submit(pending.pop())
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
            log.warning("scan workers died (%s); finishing in-process", error)
            left = [job for chunk in self.running.values() for job in chunk]
            left += [job for chunk in reversed(pending) for job in chunk]
            self.running.clear()
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
    options = options or ScanOptions()
    started = time.perf_counter()
    fresh_after_ns = time.time_ns() - RACY_WINDOW_NS
    result = ScanResult()
    seen: set[str] = set()
    dispatcher = Dispatcher(records, options, workers or available_cpus())
    key = (
        ""
        if cache is None
        else cache_key(
            records, options.min_confidence, options.include_vendored, options.max_file_bytes
        )
    )
    known = cache.load(key) if cache is not None else {}
    try:
        for item in _walk(root, options):
            if isinstance(item, Skipped):
                result.skip(item)
                continue
            seen.add(item.rel)
            row = known.get(item.rel)
            if row is not None and row.mtime_ns == item.mtime_ns != 0 and row.size == item.size:
                _take(result, item.rel, row.size, row)  # unchanged: trust the cache
                result.cache_hits += 1
                continue
            digest = row.digest if row is not None else b""
            dispatcher.add((item.rel, item.path, item.size, item.mtime_ns, digest))
        result.workers = dispatcher.workers if dispatcher.pool is not None else 0
        changed = _collect(result, dispatcher, known, progress, fresh_after_ns)
    finally:
        dispatcher.close()
    if cache is not None:
        cache.store(key, changed, known.keys() - seen)
    result.findings.sort(key=_order)
    result.skipped.sort()
    result.elapsed = time.perf_counter() - started
    return result


def _walk(root: Path | str, options: ScanOptions) -> Iterator[FileEntry | Skipped]:
    return walk(
        root,
        include=options.include,
        exclude=options.exclude,
        include_vendored=options.include_vendored,
        max_file_bytes=options.max_file_bytes,
    )


def _collect(
    result: ScanResult,
    dispatcher: Dispatcher,
    known: dict[str, CachedFile],
    progress: ProgressFn | None,
    fresh_after_ns: int,
) -> dict[str, CachedFile]:
    """Fold worker outcomes into the result; return the cache rows that changed."""
    total = result.files_scanned + result.files_skipped
    total += len(dispatcher.waiting) + sum(map(len, dispatcher.running.values()))
    done = result.files_scanned + result.files_skipped
    if progress is not None:
        progress(done, total)
    changed: dict[str, CachedFile] = {}
    for outcomes in dispatcher.results():
        for outcome in outcomes:
            row = known.get(outcome.rel) if outcome.reused else None
            entry = _entry(outcome, row, fresh_after_ns)
            result.bytes_read += outcome.bytes_read
            result.cache_hits += int(outcome.reused)
            _take(result, outcome.rel, outcome.size, entry)
            if entry.digest and entry != row:
                changed[outcome.rel] = entry
        done += len(outcomes)
        if progress is not None:
            progress(done, total)
    return changed


def _entry(outcome: Outcome, row: CachedFile | None, fresh_after_ns: int) -> CachedFile:
    """The cache row for an outcome; a just-modified file's mtime is stored as untrusted."""
    mtime_ns = 0 if outcome.mtime_ns >= fresh_after_ns else outcome.mtime_ns
    if row is not None:  # same bytes as cached: keep its findings, refresh its metadata
        return CachedFile(outcome.size, mtime_ns, row.digest, row.skip, row.findings)
    return CachedFile(outcome.size, mtime_ns, outcome.digest, outcome.skip, outcome.findings)


def _take(result: ScanResult, rel: str, size: int, entry: CachedFile) -> None:
    if entry.skip is not None:
        result.skip(Skipped(rel, SkipReason(entry.skip)))
        return
    result.files_scanned += 1
    result.bytes_scanned += size
    result.findings.extend(entry.findings)


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
