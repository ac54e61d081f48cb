"""Replay a recorded walk: the same verdicts without listing a directory or matching a glob.

A warm rescan of an unchanged tree is mostly the walk: listing every
directory and judging every name against ignore files and globs again. When
no directory and no ignore file has changed since ``WalkRecord`` was made,
those verdicts cannot have changed either, and one ``lstat`` per file is all
that is left to learn. Anything unexpected (a directory touched, a file that
is gone or no longer regular) makes ``replay`` answer None: walk normally.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Sequence
from operator import attrgetter
from typing import Any, NamedTuple

from .walker import (
    ITEM_LINK,
    FileEntry,
    Skipped,
    SkipReason,
    WalkRecord,
    ancestor_rule_files,
    symlink_reason,
)

# The walk's settings a record is only good for.
Settings = tuple[str, tuple[str, ...], tuple[str, ...], bool, int]

_SIZE = attrgetter("st_size")
_MTIME = attrgetter("st_mtime_ns")
_MODE = attrgetter("st_mode")
_RELATIVE_STAT = os.stat in os.supports_dir_fd


class Replayed(NamedTuple):
    """A replayed walk, column by column: the regular files and every other verdict."""

    root_real: str
    rels: list[str]
    sizes: list[int]
    mtimes: list[int]
    skipped: list[Skipped]

    def within(self, max_file_bytes: int) -> tuple[Replayed, list[Skipped]]:
        """The files small enough to read, and a skip for each of the others."""
        if not self.sizes or max(self.sizes) <= max_file_bytes:
            return self, []
        keep = [i for i, size in enumerate(self.sizes) if size <= max_file_bytes]
        kept = set(keep)
        large = [
            Skipped(rel, SkipReason.TOO_LARGE) for i, rel in enumerate(self.rels) if i not in kept
        ]
        small = self._replace(
            rels=[self.rels[i] for i in keep],
            sizes=[self.sizes[i] for i in keep],
            mtimes=[self.mtimes[i] for i in keep],
        )
        return small, large

    def items(self, max_file_bytes: int) -> list[FileEntry | Skipped]:
        """The files as the walk would yield them (a file grown too large is skipped)."""
        prefix = self.root_real.rstrip(os.sep) + os.sep
        return [
            FileEntry(prefix + rel, rel, size, mtime_ns)
            if size <= max_file_bytes
            else Skipped(rel, SkipReason.TOO_LARGE)
            for rel, size, mtime_ns in zip(self.rels, self.sizes, self.mtimes, strict=True)
        ]


def walk_settings(
    root_real: str,
    include: Sequence[str],
    exclude: Sequence[str],
    include_vendored: bool,
    max_file_bytes: int,
) -> Settings:
    return (root_real, tuple(include), tuple(exclude), include_vendored, max_file_bytes)


def snapshot(settings: Settings, record: WalkRecord) -> tuple[Any, ...] | None:
    """What to store for ``replay``: plain built-in values only. None when unusable."""
    if not record.complete:
        return None
    ancestors = tuple(path for path, _ in ancestor_rule_files(settings[0]))
    return (settings, ancestors, tuple(record.checks), record.files, tuple(record.others))


def replay(saved: Any, settings: Settings) -> Replayed | None:
    """The walk's output again when nothing it depends on has changed, else None."""
    try:
        stored, ancestors, checks, files, others = saved
    except (TypeError, ValueError):
        return None
    if stored != settings:
        return None
    root_real = settings[0]
    if ancestors != tuple(path for path, _ in ancestor_rule_files(root_real)):
        return None  # a repository appeared or vanished above the root
    if not all(_unchanged(*check) for check in checks):
        return None
    try:
        infos = _lstat_all(root_real, files)
        skipped = [_other(item, root_real) for item in others]
    except (OSError, ValueError):  # gone, unreadable, or a reason this code does not know
        return None
    if not all(map(stat.S_ISREG, map(_MODE, infos))):
        return None
    return Replayed(root_real, files, list(map(_SIZE, infos)), list(map(_MTIME, infos)), skipped)


def _unchanged(path: str, size: int, mtime_ns: int, ctime_ns: int) -> bool:
    try:
        info = os.stat(path, follow_symlinks=False)
    except FileNotFoundError:
        return size == -1
    except OSError:
        return False
    return (info.st_mtime_ns, info.st_ctime_ns, info.st_size) == (mtime_ns, ctime_ns, size)


def _lstat_all(root_real: str, rels: list[str]) -> list[os.stat_result]:
    """``lstat`` of each file; relative to an open root where the platform allows."""
    lstat = os.lstat
    if not _RELATIVE_STAT:
        prefix = root_real.rstrip(os.sep) + os.sep
        return [lstat(prefix + rel) for rel in rels]
    folder = os.open(root_real, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
    try:
        return [lstat(rel, dir_fd=folder) for rel in rels]
    finally:
        os.close(folder)


def _other(item: tuple[str, str, str, bool], root_real: str) -> Skipped:
    kind, first, second, is_dir = item
    if kind == ITEM_LINK:
        return Skipped(second, symlink_reason(first, second, root_real))
    return Skipped(first, SkipReason(second), is_dir)
