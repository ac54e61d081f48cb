"""A cold parallel scan: every process walks, reads and matches its own share of the tree.

When the cache knows nothing of a tree, every file has to be read. Walking
it in one process while the others match left the walk (a quarter of the
work) on one core, and cost a round trip per file. Here the work is shared
by directory instead: a task is a handful of unlisted folders; whoever runs
it (a worker process or this one) lists them depth first, reads and
matches each file, and stops after ``budget`` files, handing back the
folders it did not reach. Tasks stay small enough to balance the cores on
a lopsided tree, and only results cross process boundaries, column by
column (``TaskResult``), ready to become the cache table.

Folders carry their ignore chain, so a worker needs no state beyond what
its initializer built. A worker that dies loses only unreported tasks,
which are then run here.
"""

from __future__ import annotations

import gc
import logging
from collections import deque
from collections.abc import Callable, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from typing import Any, NamedTuple

from .cache import stored_findings, stored_mtime
from .walker import FileEntry, Folder, RecordParts, Skipped, SkipReason, TreeWalk, WalkRecord

log = logging.getLogger(__name__)

WORKER_BUDGET = 512  # files per task in a worker: a round trip costs about as much as one file
LOCAL_BUDGET = 64  # files per task here: this process must come back often to feed the pool
BATCH = 16  # folders handed to a worker at once (it returns those it did not reach)


class TaskResult(NamedTuple):
    """What one task learned, column by column (lists of plain values pickle and merge
    far faster than a tuple per file).

    ``rels``, ``sizes``, ``mtimes`` and ``digests`` (16 bytes each, joined) describe
    every file read, in listing order: the cache rows, with a too-fresh mtime
    already 0. ``notes`` holds (index into those columns, skip reason or None,
    findings, findings as the cache stores them) for the few files that were
    skipped once read or have findings. ``skipped`` are files the walk passed
    over or that could not be read; ``record`` is this task's part of the walk
    record (None when not recording); ``left`` the folders it did not reach.
    """

    rels: list[str]
    sizes: list[int]
    mtimes: list[int]
    digests: bytes
    notes: list[tuple[int, str | None, tuple[Any, ...], tuple[Any, ...]]]
    skipped: list[Skipped]
    bytes_read: int
    record: RecordParts | None
    left: list[Folder]

    def files(self) -> int:
        return len(self.rels) + len(self.skipped)


class SubtreeScanner:
    """Runs tasks: lists folders with ``TreeWalk`` and matches files with a ``FileScanner``.

    ``scan_file`` is ``FileScanner.run`` (an ``Outcome`` per file).
    """

    def __init__(
        self,
        tree: TreeWalk,
        scan_file: Callable[[Any], tuple[Any, ...]],
        fresh_after_ns: int,
        record: bool,
    ) -> None:
        self.tree = tree
        self.scan_file = scan_file
        self.fresh_after_ns = fresh_after_ns  # see ``stored_mtime``
        self.record = record

    def run(self, folders: Sequence[Folder], budget: int) -> TaskResult:
        record = WalkRecord(self.fresh_after_ns) if self.record else None
        stack = list(reversed(folders))  # the first folder is listed first
        rels: list[str] = []
        sizes: list[int] = []
        mtimes: list[int] = []
        digests: list[bytes] = []
        notes: list[tuple[int, str | None, tuple[Any, ...], tuple[Any, ...]]] = []
        skipped: list[Skipped] = []
        bytes_read = files = 0
        fresh = self.fresh_after_ns
        list_folder, scan_file, file_entry = self.tree.list_folder, self.scan_file, FileEntry
        while stack and files < budget:
            items, subdirs = list_folder(stack.pop(), record)
            for item in items:
                if item.__class__ is not file_entry:
                    skipped.append(item)  # type: ignore[arg-type]
                    continue
                files += 1
                path, rel, size, mtime_ns = item
                _, size, mtime_ns, digest, skip, found, _, read = scan_file(
                    (rel, path, size, mtime_ns, b"")
                )
                bytes_read += read
                if not digest:  # unreadable, or the matcher failed: nothing to cache
                    skipped.append(Skipped(rel, SkipReason(skip or SkipReason.SCAN_ERROR)))
                    continue
                if skip is not None or found:
                    notes.append((len(rels), skip, found, stored_findings(found)))
                rels.append(rel)
                sizes.append(size)
                mtimes.append(stored_mtime(mtime_ns, fresh))
                digests.append(digest)
            stack.extend(subdirs)
        stack.reverse()  # back in walk order: the next folder to list first
        return TaskResult(
            rels,
            sizes,
            mtimes,
            b"".join(digests),
            notes,
            skipped,
            bytes_read,
            None if record is None else record.parts(),
            stack,
        )


_subtrees: SubtreeScanner | None = None


def init_worker(make: Callable[[], SubtreeScanner]) -> None:
    global _subtrees  # noqa: PLW0603 - one scanner per worker process, built once
    gc.disable()  # the process lives for one scan and makes almost only acyclic tuples
    _subtrees = make()


def _run_task(folders: list[Folder]) -> TaskResult:
    if _subtrees is None:  # pragma: no cover - the initializer always runs first
        raise RuntimeError("scan worker used before its initializer ran")
    return _subtrees.run(folders, WORKER_BUDGET)


class SplitScan:
    """Shares one tree between ``workers`` processes (this one included).

    ``make`` builds the ``SubtreeScanner`` (here, and in each worker: it
    must be picklable for ``spawn``). The pool starts only once
    ``start_pool_after`` files are done and folders are still waiting, so a
    small tree never starts a process. ``absorb`` takes each finished task.
    """

    def __init__(
        self,
        make: Callable[[], SubtreeScanner],
        workers: int,
        start_pool_after: int,
        pool_factory: Callable[..., ProcessPoolExecutor],
    ) -> None:
        self.make = make
        self.workers = workers
        self.start_pool_after = start_pool_after
        self.pool_factory = pool_factory
        self.pool: ProcessPoolExecutor | None = None
        self.used_pool = False
        self.local = make()

    def run(self, start: Folder, absorb: Callable[[TaskResult], None]) -> None:
        pending: deque[Folder] = deque([start])
        running: dict[Future[TaskResult], list[Folder]] = {}
        files_done = 0

        def take(task: TaskResult) -> None:
            nonlocal files_done
            files_done += len(task.rels)
            pending.extend(task.left)
            absorb(task)

        try:
            while pending or running:
                for task in self._finished(running, pending):
                    take(task)
                if self._pool_wanted(files_done, pending):
                    self.pool = self.pool_factory(self.workers - 1, self.make)
                    self.used_pool = True
                self._feed(running, pending)
                if pending:
                    take(self.local.run([pending.pop()], LOCAL_BUDGET))
                elif running:
                    wait(running, return_when=FIRST_COMPLETED)
        finally:
            self._close()

    def _finished(
        self, running: dict[Future[TaskResult], list[Folder]], pending: deque[Folder]
    ) -> list[TaskResult]:
        """The results of the pool's finished tasks. If the pool died, every folder it
        held goes back to ``pending`` and the rest of the scan runs in this process."""
        results = []
        for future in [f for f in running if f.done()]:
            try:
                results.append(future.result())
            except BrokenProcessPool as error:
                self._abandon_pool(error, running, pending)
                break
            del running[future]
        return results

    def _abandon_pool(
        self,
        error: BrokenProcessPool,
        running: dict[Future[TaskResult], list[Folder]],
        pending: deque[Folder],
    ) -> None:
        """Every folder the pool held goes back to ``pending``; no pool is started again."""
        log.warning("scan workers died (%s); finishing in-process", error)
        for lost in running.values():
            pending.extend(lost)
        running.clear()
        self._close()
        self.workers = 1

    def _feed(
        self, running: dict[Future[TaskResult], list[Folder]], pending: deque[Folder]
    ) -> None:
        """Keep the pool a few tasks ahead, taking at most half of what waits (the
        oldest folders, likely the largest): this process must not run dry."""
        ahead = 2 * max(1, self.workers - 1)
        while self.pool is not None and len(pending) > 1 and len(running) < ahead:
            batch = [pending.popleft() for _ in range(min(BATCH, len(pending) // 2))]
            try:
                running[self.pool.submit(_run_task, batch)] = batch
            except BrokenProcessPool as error:  # died before its tasks failed: keep the batch
                pending.extendleft(reversed(batch))
                self._abandon_pool(error, running, pending)

    def _pool_wanted(self, files_done: int, pending: deque[Folder]) -> bool:
        return (
            self.pool is None
            and self.workers > 1
            and files_done >= self.start_pool_after
            and len(pending) > 1
        )

    def _close(self) -> None:
        if self.pool is not None:
            self.pool.shutdown(wait=True, cancel_futures=True)
            self.pool = None
