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

Each helper process has its own pipe, written and read only by this
process's one thread (``Helper``), and a shared flag: when this process
runs out of folders it raises the flag and the helpers hand back, at their
next folder, what they have not listed, so the scan ends on both cores at
once instead of waiting for a whole task.

Folders carry their ignore chain, so a helper needs no state beyond the
scanner it inherits (forked) or builds (spawned). A helper that dies or
fails loses only unreported tasks, which are then run here.
"""

from __future__ import annotations

import gc
import logging
import signal
import traceback
from collections import deque
from collections.abc import Callable, Sequence
from contextlib import suppress
from multiprocessing.connection import Connection
from multiprocessing.connection import wait as wait_for
from multiprocessing.context import BaseContext
from typing import Any, NamedTuple

from .cache import stored_findings, stored_mtime
from .walker import FileEntry, Folder, RecordParts, Skipped, SkipReason, TreeWalk, WalkRecord

log = logging.getLogger(__name__)

WORKER_BUDGET = 512  # files per task in a worker: a round trip costs about as much as one file
LOCAL_BUDGET = 64  # files per task here: this process must come back often to feed the helpers
# Folders a task here may take at once: most are leaves of a dozen files, and a
# turn of the loop around each cost about as much as scanning two more files.
LOCAL_FOLDERS = 8
BATCH = 16  # folders handed to a worker at once (it returns those it did not reach)


class TaskResult(NamedTuple):
    """What one task learned, column by column (lists of plain values pickle and merge
    far faster than a tuple per file).

    ``rels``, ``sizes``, ``mtimes`` and ``digests`` (16 bytes each, joined) describe
    every file read, in listing order: the cache rows, with a too-fresh mtime
    already 0. ``notes`` holds (index into those columns, skip reason or None,
    findings as the cache stores them: plain tuples, which unpickle several
    times faster than ``Finding`` objects) for the few files that were skipped
    once read or have findings. ``skipped`` are files the walk passed
    over or that could not be read; ``record`` is this task's part of the walk
    record (None when not recording); ``left`` the folders it did not reach.
    """

    rels: list[str]
    sizes: list[int]
    mtimes: list[int]
    digests: bytes
    notes: list[tuple[int, str | None, tuple[Any, ...]]]
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

    def run(self, folders: Sequence[Folder], budget: int, hurry: Any = None) -> TaskResult:
        """Lists and scans ``folders`` depth first until ``budget`` files are done, or
        ``hurry`` (a shared flag) is raised, and hands back the folders not reached."""
        record = WalkRecord(self.fresh_after_ns) if self.record else None
        stack = list(reversed(folders))  # the first folder is listed first
        rels: list[str] = []
        sizes: list[int] = []
        mtimes: list[int] = []
        digests: list[bytes] = []
        notes: list[tuple[int, str | None, tuple[Any, ...]]] = []
        skipped: list[Skipped] = []
        bytes_read = files = 0
        fresh = self.fresh_after_ns
        list_folder, scan_file, file_entry = self.tree.list_folder, self.scan_file, FileEntry
        while stack and files < budget:
            if hurry is not None and hurry.value:
                break
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
                    notes.append((len(rels), skip, stored_findings(found)))
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
_hurry: Any = None  # the shared flag this process's helper watches (``Helper``)


def _run_task(folders: list[Folder]) -> TaskResult:
    if _subtrees is None:  # pragma: no cover - ``_serve`` sets it first
        raise RuntimeError("scan worker used before it was set up")
    return _subtrees.run(folders, WORKER_BUDGET, _hurry)


def _serve(connection: Connection, source: Any, hurry: Any) -> None:
    """A helper process: run each task the pipe brings until it brings None.

    ``source`` is the parent's own ``SubtreeScanner`` when forked (inherited,
    not rebuilt) or the function that builds one when spawned.
    """
    global _subtrees, _hurry  # noqa: PLW0603 - one scanner per helper process
    gc.disable()  # the process lives for one scan and makes almost only acyclic tuples
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle
    _subtrees = source if isinstance(source, SubtreeScanner) else source()
    _hurry = hurry
    try:
        while (folders := connection.recv()) is not None:
            try:
                reply: TaskResult | str = _run_task(folders)
            except Exception:  # reported to the parent, which redoes the task
                reply = traceback.format_exc(limit=5)
            connection.send(reply)
    except (EOFError, OSError):
        return  # the parent closed the pipe (interrupted, or gave up): nobody is waiting


class HelperLost(Exception):
    """A helper process died or failed; the folders it held must be scanned elsewhere."""


class Helper:
    """One helper process, fed tasks through its own pipe.

    A pipe per process, written and read by this thread only, instead of a
    ``ProcessPoolExecutor``: the executor's two threads in this process
    (queue manager and pipe feeder) took the GIL from the scan on every
    hand-over, and a task it held could not be taken back. ``hurry`` is
    shared memory the helper reads between folders: set, the helper hands
    back at once the folders it has not listed.
    """

    def __init__(self, context: BaseContext, source: Any, hurry: Any) -> None:
        self.tasks: deque[list[Folder]] = deque()  # sent, not yet answered, oldest first
        self.connection, far_end = context.Pipe(duplex=True)
        self.process = context.Process(
            target=_serve, args=(far_end, source, hurry), name="connect-monitor-scan", daemon=True
        )
        self.process.start()
        far_end.close()  # only the helper holds it now, so its death reads as end of file

    def send(self, folders: list[Folder]) -> None:
        try:
            self.connection.send(folders)
        except OSError as error:
            raise HelperLost(f"helper process {self.process.pid} is gone ({error})") from error
        self.tasks.append(folders)

    def receive(self) -> TaskResult:
        try:
            reply = self.connection.recv()
        except (EOFError, OSError) as error:
            code = self.process.exitcode if self.process.join(1) is None else None
            raise HelperLost(f"helper process {self.process.pid} exited (code {code})") from error
        if isinstance(reply, str):
            raise HelperLost(f"helper process {self.process.pid} failed: {reply.strip()}")
        self.tasks.popleft()
        return reply

    def stop(self) -> None:
        """Ask the helper to stop (it exits once it reads this, or finds the pipe closed)."""
        if self.connection.closed:
            return
        with suppress(OSError):
            self.connection.send(None)
        self.connection.close()

    def reap(self) -> None:
        """Wait for a stopped helper to exit; one that does not within seconds is killed."""
        self.process.join(5)
        if self.process.is_alive():  # pragma: no cover - a helper stuck in a system call
            self.process.kill()
            self.process.join()

    def close(self) -> None:
        self.stop()
        self.reap()


class SplitScan:
    """Shares one tree between ``workers`` processes (this one included).

    ``make`` builds the ``SubtreeScanner``: here, and in each helper when it
    is spawned (it must be picklable then); a forked helper inherits this
    process's. Helpers start only once ``start_helpers_after`` files are done
    and folders are still waiting, so a small tree never starts a process.
    ``absorb`` takes each finished task. When this process runs out of
    folders it raises the ``hurry`` flag instead of waiting for whole tasks.
    """

    def __init__(
        self,
        make: Callable[[], SubtreeScanner],
        workers: int,
        start_helpers_after: int,
        context: Callable[[], BaseContext],
    ) -> None:
        self.make = make
        self.workers = workers
        self.start_helpers_after = start_helpers_after
        self.context = context
        self.helpers: list[Helper] = []
        self._stopped: list[Helper] = []
        self.started = 0  # helper processes started (none again once one is lost)
        self.local = make()
        self._hurry: Any = None

    def run(self, start: Folder, absorb: Callable[[TaskResult], None]) -> None:
        pending: deque[Folder] = deque([start])
        files_done = 0

        def take(task: TaskResult) -> None:
            nonlocal files_done
            files_done += len(task.rels)
            pending.extend(task.left)
            absorb(task)

        try:
            while pending or self._busy():
                for task in self._finished(pending):
                    take(task)
                if self._helpers_wanted(files_done, pending):
                    self._start_helpers()
                self._feed(pending)
                if pending:
                    share = [pending.pop() for _ in range(min(LOCAL_FOLDERS, len(pending)))]
                    take(self.local.run(share, LOCAL_BUDGET))
                elif self._busy():
                    self._hurry.value = 1  # nothing left here: hand back what is not started
                    wait_for([helper.connection for helper in self.helpers])
        except BaseException:
            self._close()
            self.reap()
            raise
        self._close()  # stopped now, reaped by ``reap``: they exit while the caller saves

    def _busy(self) -> bool:
        return any(helper.tasks for helper in self.helpers)

    def _start_helpers(self) -> None:
        context = self.context()
        forked = context.get_start_method() == "fork"
        source = self.local if forked else self.make
        self._hurry = context.RawValue("b", 0)
        try:
            for _ in range(self.workers - 1):
                self.helpers.append(Helper(context, source, self._hurry))
        except OSError as error:  # out of processes or memory: scan with what started
            log.warning("could not start a scan helper process (%s)", error)
            if not self.helpers:
                self.workers = 1
                return
        self.started = len(self.helpers)

    def _finished(self, pending: deque[Folder]) -> list[TaskResult]:
        """What the helpers finished. A helper that died or failed is closed, and every
        folder it held goes back to ``pending``; no helper is started again."""
        results: list[TaskResult] = []
        if not self.helpers:
            return results
        ready = wait_for([helper.connection for helper in self.helpers], timeout=0)
        for helper in [helper for helper in self.helpers if helper.connection in ready]:
            try:
                results.append(helper.receive())
            except HelperLost as error:
                self._drop(helper, error, pending)
        return results

    def _drop(self, helper: Helper, error: HelperLost, pending: deque[Folder]) -> None:
        log.warning("scan workers died (%s); finishing in-process", error)
        for lost in helper.tasks:
            pending.extend(lost)
        helper.tasks.clear()
        helper.close()
        self.helpers.remove(helper)
        self.workers = 1  # no new helper either

    def _feed(self, pending: deque[Folder]) -> None:
        """Keep each helper two tasks ahead, each taking at most half of what waits (the
        oldest folders, likely the largest): this process must not run dry."""
        if not self.helpers:
            return
        self._hurry.value = 0
        for helper in list(self.helpers):
            while len(pending) > 1 and len(helper.tasks) < 2:
                batch = [pending.popleft() for _ in range(min(BATCH, len(pending) // 2))]
                try:
                    helper.send(batch)
                except HelperLost as error:  # died before it answered: keep the batch
                    pending.extendleft(reversed(batch))
                    self._drop(helper, error, pending)
                    break

    def _helpers_wanted(self, files_done: int, pending: deque[Folder]) -> bool:
        return (
            not self.started  # once: a lost helper is not replaced
            and self.workers > 1
            and files_done >= self.start_helpers_after
            and len(pending) > 1
        )

    def _close(self) -> None:
        for helper in self.helpers:
            helper.stop()
        self._stopped += self.helpers
        self.helpers = []

    def reap(self) -> None:
        """Wait for the stopped helpers' exit (so their resource use is counted)."""
        for helper in self._stopped:
            helper.reap()
        self._stopped = []
