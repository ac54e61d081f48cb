"""Which files of a codebase the scanner reads, and how their bytes become text.

The walk never follows a symlink, never executes anything and never shells
out to git: ``.gitignore`` rules are evaluated with ``pathspec``. Anything odd
on disk (binary data, foreign encodings, huge or generated files, links
leaving the tree, unreadable entries) becomes a counted ``Skipped`` with a
reason instead of an exception, so one strange file cannot stop a scan.

Decisions, made once here:
- Non-UTF-8 files are skipped (``non_utf8``), not decoded with replacement
  characters: a guessed decoding would report wrong columns and snippets.
  A UTF-8 or UTF-16 byte-order mark is honoured.
- A file with any line longer than ``MAX_LINE_CHARS`` is skipped
  (``long_lines``) even with ``include_vendored``: such lines are data blobs
  or bundles, and a truncated line would make misleading snippets.
- Inside-root symlinks are not followed: their target is scanned once, at its
  real path, if the rules allow it (as git itself stores links, not targets).
- Directory skips count the directory once; its contents are never listed.
"""

from __future__ import annotations

import codecs
import errno
import os
import re
import stat
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from enum import StrEnum
from functools import lru_cache
from pathlib import Path
from re import _parser  # Python 3.11+; only parse() is used, as in ``comments``
from typing import AnyStr, NamedTuple

from pathspec import GitIgnoreSpec

from .languages import language_for

DEFAULT_MAX_FILE_BYTES = 2 * 1024 * 1024
MAX_LINE_CHARS = 20_000
BINARY_SNIFF_BYTES = 8 * 1024
# A bundle or generated blob shows itself in its first few lines.
MINIFIED_HEAD_LINES = 5
MINIFIED_LINE_CHARS = 5_000

VCS_DIRS = frozenset({".git", ".hg", ".svn"})
VENDORED_DIRS = frozenset(
    {
        "vendor",
        "node_modules",
        "bower_components",
        "third_party",
        ".venv",
        "venv",
        "site-packages",
        "dist",
        "build",
        "__pycache__",
        ".tox",
    }
)
MINIFIED_SUFFIXES = (".min.js", ".bundle.js", "-min.js", ".min.css", ".min.mjs")


class SkipReason(StrEnum):
    GITIGNORED = "gitignored"
    EXCLUDED = "excluded"
    NOT_INCLUDED = "not_included"
    VENDORED = "vendored"
    GENERATED = "generated"
    TOO_LARGE = "too_large"
    BINARY = "binary"
    NON_UTF8 = "non_utf8"
    LONG_LINES = "long_lines"
    SYMLINK_OUTSIDE = "symlink_outside"
    SYMLINK_LOOP = "symlink_loop"
    SYMLINK_INSIDE = "symlink_inside"  # its target is scanned at its real path
    BROKEN_SYMLINK = "broken_symlink"
    NOT_REGULAR = "not_regular"  # fifo, socket, device: reading could block
    UNREADABLE = "unreadable"
    VANISHED = "vanished"  # deleted while the walk ran
    SCAN_ERROR = "scan_error"  # the matcher raised on it: logged, and retried next scan


class FileEntry(NamedTuple):
    """A file to read: its absolute path, its ``/``-separated path from the root, its stat.

    Named tuples, not dataclasses: a walk makes one per file and they must be cheap.
    """

    path: str
    rel: str
    size: int
    mtime_ns: int


class Skipped(NamedTuple):
    rel: str
    reason: SkipReason
    is_dir: bool = False


# --- ignore rules -----------------------------------------------------------


_GROUP_NAME = re.compile(r"\(\?P<\w+>")


@dataclass(frozen=True, slots=True)
class _Rules:
    """One ignore file: ``strip`` is its directory below the root, ``lead`` its place above it."""

    spec: GitIgnoreSpec
    strip: str
    lead: str = ""
    # All of the file's patterns in one regex: most paths match none, and one
    # search is far cheaper than asking every pattern in turn.
    any_rule: re.Pattern[str] | None = None
    # Text each pattern's every match holds (".log" for ``*.log``): a path with
    # none of them matches no pattern, found without running the regex. None
    # when some pattern holds no such text (``*``).
    needs: tuple[str, ...] | None = None

    def verdict(self, rel: str) -> bool | None:
        """True ignored, False re-included by a ``!`` rule, None when no rule speaks."""
        if not rel.startswith(self.strip):
            return None
        path = self.lead + rel[len(self.strip) :]
        if self.needs is not None and not any(map(path.__contains__, self.needs)):
            return None
        if self.any_rule is not None and self.any_rule.search(path) is None:
            return None
        return self.spec.check_file(path).include

    def may_speak(self, prefix: str, names: Sequence[str]) -> bool:
        """Whether a rule may match an entry of the folder ``prefix`` (False proves that
        none does): one look for the needed texts in all the entries' paths at once."""
        if self.needs is None or not prefix.startswith(self.strip):
            return True
        folder = self.lead + prefix[len(self.strip) :]
        paths = folder + ("/\n" + folder).join(names) + "/"
        return any(map(paths.__contains__, self.needs))


def _any_rule(spec: GitIgnoreSpec) -> re.Pattern[str] | None:
    parts = []
    for pattern in spec.patterns:
        regex = getattr(pattern, "regex", None)
        if pattern.include is None:
            continue
        if not isinstance(regex, re.Pattern):
            return None  # an unfamiliar pattern type: always ask pathspec
        parts.append("(?:" + _GROUP_NAME.sub("(?:", regex.pattern) + ")")
    try:
        return re.compile("|".join(parts)) if parts else None
    except re.error:
        return None


def _needs(spec: GitIgnoreSpec) -> tuple[str, ...] | None:
    """The longest run of plain characters outside any group or repeat in each
    pattern's regex (every match holds it), or None if one pattern has none."""
    needs = set()
    for pattern in spec.patterns:
        regex = getattr(pattern, "regex", None)
        if pattern.include is None:
            continue
        if not isinstance(regex, re.Pattern) or regex.flags & re.IGNORECASE:
            return None
        try:
            items = _parser.parse(regex.pattern, regex.flags).data
        except (re.error, AttributeError, TypeError):
            return None
        runs, run = [], []
        for op, value in items:
            if op is _parser.LITERAL:
                run.append(chr(value))
            else:
                runs.append("".join(run))
                run = []
        longest = max([*runs, "".join(run)], key=len)
        if not longest:
            return None
        needs.add(longest)
    return tuple(sorted(needs)) or None


def _load_rules(path: str, strip: str, lead: str = "") -> _Rules | None:
    try:
        with open(path, encoding="utf-8", errors="replace") as handle:
            lines = handle.read().splitlines()
    except OSError:
        return None
    spec = GitIgnoreSpec.from_lines(lines)
    return _Rules(spec, strip, lead, _any_rule(spec), _needs(spec)) if spec.patterns else None


def ancestor_rule_files(root: str) -> list[tuple[str, str]]:
    """(path, lead) of each ignore file above ``root`` that may apply, existing or not.

    When ``root`` is a subfolder of a repository, that repository's
    ``.git/info/exclude`` and the ``.gitignore`` files between its top and ``root``.
    """
    top = root
    while not os.path.exists(os.path.join(top, ".git")):
        parent = os.path.dirname(top)
        if parent == top:
            top = root  # not inside a repository: only the root's own files count
            break
        top = parent
    files = [(os.path.join(top, ".git", "info", "exclude"), _lead(top, root))]
    folder = top
    while folder != root:
        files.append((os.path.join(folder, ".gitignore"), _lead(folder, root)))
        folder = os.path.join(folder, os.path.relpath(root, folder).split(os.sep)[0])
    return files


def _ancestor_rules(root: str, record: WalkRecord | None = None) -> list[_Rules]:
    """Ignore files of the enclosing repository when ``root`` is one of its subfolders."""
    rules: list[_Rules] = []
    for path, lead in ancestor_rule_files(root):
        if record is not None:
            record.check(path)
        found = _load_rules(path, "", lead)
        if found:
            rules.append(found)
    return rules


def _lead(folder: str, root: str) -> str:
    rel = os.path.relpath(root, folder)
    return "" if rel == "." else rel.replace(os.sep, "/") + "/"


def _ignored(chain: Sequence[_Rules], rel: str) -> bool:
    """Deeper ignore files win over shallower ones; the last matching line wins within one."""
    for rules in chain[::-1]:
        verdict = rules.verdict(rel)
        if verdict is not None:
            return verdict
    return False


def _globs(patterns: Sequence[str]) -> GitIgnoreSpec | None:
    cleaned = [p.strip() for p in patterns if p.strip()]
    return GitIgnoreSpec.from_lines(cleaned) if cleaned else None


# --- the walk -----------------------------------------------------------------

# How a recorded walk verdict other than "a regular file" is replayed (see ``WalkRecord``).
ITEM_LINK = "l"  # a symlink: judge its target again
ITEM_SKIP = "s"  # a verdict that cannot change while its directory does not


RecordParts = tuple[
    list[tuple[str, int, int, int]], list[str], list[tuple[str, str, str, bool]], bool
]


class WalkRecord:
    """What one walk looked at and decided, so a later one can be replayed without listing.

    A directory's mtime changes whenever an entry is added, removed or
    renamed in it, so while every listed directory and every ignore file
    keeps its metadata, the walk would see the same names and reach the
    same verdicts; only file sizes and mtimes need a fresh ``stat``.
    ``checks`` holds (path, size, mtime_ns, ctime_ns) of those directories and
    ignore files (all -1 for an ignore file that was absent; the ctime catches
    a ``chmod`` that would make one unreadable); ``files`` the rel of
    every regular file in walk order (its size decides the rest);
    ``others`` every other verdict as (kind, path or rel, rel or reason, is_dir).
    Anything just modified, or a failure a replay could not reproduce,
    leaves the record unusable (``complete`` False).
    """

    def __init__(self, untrusted_after_ns: int) -> None:
        self.untrusted_after_ns = untrusted_after_ns
        self.checks: list[tuple[str, int, int, int]] = []
        self.files: list[str] = []
        self.others: list[tuple[str, str, str, bool]] = []
        self.complete = True

    def check(self, path: str) -> None:
        """Remember the metadata ``path`` has now (before it is read or listed)."""
        try:
            info = os.stat(path, follow_symlinks=False)
        except FileNotFoundError:
            self.checks.append((path, -1, -1, -1))
            return
        except OSError:
            self.complete = False
            return
        if max(info.st_mtime_ns, info.st_ctime_ns) >= self.untrusted_after_ns:
            self.complete = False  # may change again within the same timestamp tick
        self.checks.append((path, info.st_size, info.st_mtime_ns, info.st_ctime_ns))

    def add(self, entry: os.DirEntry[str], item: FileEntry | Skipped) -> None:
        if item.__class__ is FileEntry or item.reason is SkipReason.TOO_LARGE:
            self.files.append(item.rel)
        elif item.reason in _SYMLINK_REASONS and _is_symlink(entry):
            self.others.append((ITEM_LINK, entry.path, item.rel, False))
        elif item.reason in _PASSING_REASONS:
            self.complete = False  # a stat error: a replay could not say it again
        else:
            self.skip(item)  # type: ignore[arg-type]

    def skip(self, item: Skipped) -> None:
        self.others.append((ITEM_SKIP, item.rel, str(item.reason), item.is_dir))

    def parts(self) -> RecordParts:
        """What this record holds, as plain values (a worker sends them back to be merged)."""
        return self.checks, self.files, self.others, self.complete

    def absorb(self, parts: RecordParts) -> None:
        """Add the record of another part of the same walk."""
        checks, files, others, complete = parts
        self.checks += checks
        self.files += files
        self.others += others
        self.complete = self.complete and complete


# A directory still to list: (absolute path, its rel prefix ending in "/" or "", ignore chain).
Folder = tuple[str, str, tuple[_Rules, ...]]


class TreeWalk:
    """One walk's settings; lists one directory at a time, so a walk can be shared out.

    ``walk`` runs it depth first from the root. A parallel scan hands
    different ``Folder``s (picklable: the ignore chain travels with each) to
    different processes, each listing its own with its own ``WalkRecord``.
    """

    def __init__(
        self,
        root: Path | str,
        include: Sequence[str] = (),
        exclude: Sequence[str] = (),
        include_vendored: bool = False,
        max_file_bytes: int = DEFAULT_MAX_FILE_BYTES,
        stat_files: bool = True,
    ) -> None:
        self.root_real = os.path.realpath(root)
        self.include_spec, self.exclude_spec = _globs(include), _globs(exclude)
        self.include_vendored = include_vendored
        self.max_file_bytes = max_file_bytes
        self.stat_files = stat_files

    def root_folder(self, record: WalkRecord | None = None) -> Folder:
        """Where a walk starts, with the ignore files of an enclosing repository."""
        if not os.path.isdir(self.root_real):
            raise NotADirectoryError(f"not a directory: {self.root_real}")
        return (self.root_real, "", tuple(_ancestor_rules(self.root_real, record)))

    def list_folder(
        self, folder: Folder, record: WalkRecord | None = None
    ) -> tuple[list[FileEntry | Skipped], list[Folder]]:
        """The verdict on every entry of one directory, and its subdirectories to descend into."""
        path, prefix, chain = folder
        if record is not None:
            record.check(path)
        try:
            with os.scandir(path) as listing:
                entries = list(listing)
        except OSError as error:
            if record is not None:
                record.complete = False
            return [Skipped(prefix.rstrip("/") or ".", _os_reason(error), is_dir=True)], []
        include_vendored = self.include_vendored
        names = {e.name for e in entries}
        if prefix and not include_vendored and "pyvenv.cfg" in names:
            skipped = Skipped(prefix.rstrip("/"), SkipReason.VENDORED, is_dir=True)
            if record is not None:
                record.skip(skipped)
            return [skipped], []
        if ".gitignore" in names:
            if record is not None:
                record.check(os.path.join(path, ".gitignore"))
            found = _load_rules(os.path.join(path, ".gitignore"), prefix)
            chain = (*chain, found) if found else chain
        items: list[FileEntry | Skipped] = []
        subdirs: list[Folder] = []
        root_real, include_spec, exclude_spec = (
            self.root_real,
            self.include_spec,
            self.exclude_spec,
        )
        # Only the ignore files that may match something here are asked about each entry
        # (the subfolders inherit the whole chain).
        speaking = tuple(rules for rules in chain if rules.may_speak(prefix, names))
        for entry in entries:
            if entry.name in VCS_DIRS:
                continue
            rel = prefix + entry.name
            result = _visit(
                entry, rel, root_real, speaking, include_spec, exclude_spec, self.stat_files
            )
            if result is None and not include_vendored and entry.name in VENDORED_DIRS:
                result = Skipped(rel, SkipReason.VENDORED, is_dir=True)
            if result is None:
                subdirs.append((entry.path, rel + "/", chain))
                continue
            if result.__class__ is FileEntry:
                result = _file_gate(result, entry.name, include_vendored, self.max_file_bytes)
            if record is not None:
                record.add(entry, result)
            items.append(result)
        return items, subdirs


def walk(
    root: Path | str,
    include: Sequence[str] = (),
    exclude: Sequence[str] = (),
    include_vendored: bool = False,
    max_file_bytes: int = DEFAULT_MAX_FILE_BYTES,
    record: WalkRecord | None = None,
    stat_files: bool = True,
) -> Iterator[FileEntry | Skipped]:
    """Every file under ``root`` to scan, and every entry left out with its reason.

    ``include``/``exclude`` are gitignore-style globs relative to ``root``; a
    non-empty ``include`` keeps only the files it matches. ``record``, when
    given, is filled in for ``rewalk.replay``. Without ``stat_files`` a
    file's type comes from its directory entry and its size and mtime are
    left as -1: a reader that opens it anyway learns them (and whether it is
    too large) from ``read_file``, and the walk is spared one call per file.
    """
    tree = TreeWalk(root, include, exclude, include_vendored, max_file_bytes, stat_files)
    stack = [tree.root_folder(record)]
    while stack:
        items, subdirs = tree.list_folder(stack.pop(), record)
        yield from items
        stack.extend(subdirs)


def _visit(
    entry: os.DirEntry[str],
    rel: str,
    root_real: str,
    chain: Sequence[_Rules],
    include_spec: GitIgnoreSpec | None,
    exclude_spec: GitIgnoreSpec | None,
    stat_files: bool = True,
) -> FileEntry | Skipped | None:
    """The verdict on one directory entry; None means "descend into this directory"."""
    info: os.stat_result | None = None
    try:
        if entry.is_symlink():
            return Skipped(rel, symlink_reason(entry.path, rel, root_real))
        is_dir = entry.is_dir(follow_symlinks=False)
        if is_dir:
            regular = False
        elif stat_files:
            info = entry.stat(follow_symlinks=False)
            regular = stat.S_ISREG(info.st_mode)
        else:
            regular = entry.is_file(follow_symlinks=False)
    except OSError as error:
        return Skipped(rel, _os_reason(error))
    probe = rel + "/" if is_dir else rel
    if chain and _ignored(chain, probe):
        return Skipped(rel, SkipReason.GITIGNORED, is_dir=is_dir)
    if exclude_spec is not None and exclude_spec.match_file(probe):
        return Skipped(rel, SkipReason.EXCLUDED, is_dir=is_dir)
    if is_dir:
        return None
    if not regular:
        return Skipped(rel, SkipReason.NOT_REGULAR)
    if include_spec is not None and not include_spec.match_file(rel):
        return Skipped(rel, SkipReason.NOT_INCLUDED)
    if info is None:
        return FileEntry(entry.path, rel, -1, -1)
    return FileEntry(entry.path, rel, info.st_size, info.st_mtime_ns)


def _file_gate(
    entry: FileEntry, name: str, include_vendored: bool, max_file_bytes: int
) -> FileEntry | Skipped:
    """Checks that need only the name and the size: no file is opened here."""
    name = name.lower()
    minified = name.endswith(MINIFIED_SUFFIXES)
    if not include_vendored and minified:
        return Skipped(entry.rel, SkipReason.GENERATED)
    if (minified or _maybe_binary(name.rpartition(".")[2])) and language_for(entry.rel) is None:
        # The matcher declines these names: reading them would be wasted work.
        return Skipped(entry.rel, SkipReason.GENERATED if minified else SkipReason.BINARY)
    if entry.size > max_file_bytes:
        return Skipped(entry.rel, SkipReason.TOO_LARGE)
    return entry


@lru_cache(maxsize=512)
def _maybe_binary(suffix: str) -> bool:
    """A cheap first question per extension; ``language_for`` still has the last word."""
    return language_for("file." + suffix) is None


def symlink_reason(path: str, rel: str, root_real: str) -> SkipReason:
    try:
        target = os.path.realpath(path, strict=True)
    except OSError as error:
        return SkipReason.SYMLINK_LOOP if error.errno == errno.ELOOP else SkipReason.BROKEN_SYMLINK
    if target != root_real and not target.startswith(root_real + os.sep):
        return SkipReason.SYMLINK_OUTSIDE
    link_dir = os.path.join(root_real, *rel.split("/")[:-1])
    if os.path.isdir(target) and (link_dir == target or link_dir.startswith(target + os.sep)):
        return SkipReason.SYMLINK_LOOP  # following it would walk an ancestor again
    return SkipReason.SYMLINK_INSIDE


_SYMLINK_REASONS = frozenset(
    {
        SkipReason.SYMLINK_OUTSIDE,
        SkipReason.SYMLINK_LOOP,
        SkipReason.SYMLINK_INSIDE,
        SkipReason.BROKEN_SYMLINK,
    }
)
# Verdicts a stat error gives: they may not hold next time, so a walk with one is not replayed.
_PASSING_REASONS = frozenset({SkipReason.UNREADABLE, SkipReason.VANISHED, SkipReason.SYMLINK_LOOP})


def _is_symlink(entry: os.DirEntry[str]) -> bool:
    try:
        return entry.is_symlink()
    except OSError:
        return False


def _os_reason(error: OSError) -> SkipReason:
    if isinstance(error, FileNotFoundError):
        return SkipReason.VANISHED
    if error.errno == errno.ELOOP:
        return SkipReason.SYMLINK_LOOP
    return SkipReason.UNREADABLE


# --- reading ------------------------------------------------------------------

_OPEN_FLAGS = (
    os.O_RDONLY
    | getattr(os, "O_NOFOLLOW", 0)  # a file swapped for a link mid-walk is not followed
    | getattr(os, "O_NONBLOCK", 0)  # a file swapped for a fifo cannot hang the scan
    | getattr(os, "O_CLOEXEC", 0)
    | getattr(os, "O_BINARY", 0)
)


def read_bytes(path: str, max_file_bytes: int = DEFAULT_MAX_FILE_BYTES) -> bytes | SkipReason:
    """The file's bytes, or why it cannot be read; never raises for a file-level problem."""
    found = read_file(path, max_file_bytes)
    return found if isinstance(found, SkipReason) else found[0]


def read_file(
    path: str, max_file_bytes: int = DEFAULT_MAX_FILE_BYTES
) -> tuple[bytes, int] | SkipReason:
    """``read_bytes`` plus the mtime of the open file, for a walk that did not stat it."""
    try:
        fd = os.open(path, _OPEN_FLAGS)
    except OSError as error:
        return _os_reason(error)
    try:
        info = os.fstat(fd)
        if info.st_mode & _S_IFMT != _S_IFREG:
            return SkipReason.NOT_REGULAR
        size = info.st_size
        if size > max_file_bytes:
            return SkipReason.TOO_LARGE  # no need to read what will not be scanned
        # One byte more than ``fstat`` says ends the usual case in one call (see _read_all).
        data = os.read(fd, size + 1)
        if len(data) != size:
            data = _read_all(fd, size, max_file_bytes + 1, data)
    except OSError as error:
        return _os_reason(error)
    finally:
        os.close(fd)
    return SkipReason.TOO_LARGE if len(data) > max_file_bytes else (data, info.st_mtime_ns)


_S_IFMT = 0o170000  # stat.S_IFMT's mask, and the type of a regular file under it
_S_IFREG = stat.S_IFREG


def _read_all(fd: int, size: int, limit: int, first: bytes | None = None) -> bytes:
    """Up to ``limit`` bytes with plain ``os.read`` calls (``first``: what one read
    already returned).

    A buffered file object costs more than the read itself for small files,
    and a tree is mostly small files. Asking for one byte more than ``fstat``
    reported ends the usual case in one call: getting exactly ``size`` back is
    the end of the file; anything else (the file grew, a short read) reads on.
    """
    data = os.read(fd, min(size + 1, limit)) if first is None else first
    if len(data) == size or len(data) >= limit:
        return data
    chunks = [data]
    total = len(data)
    while total < limit:
        more = os.read(fd, min(limit - total, 1 << 20))
        if not more:
            break
        chunks.append(more)
        total += len(more)
    return b"".join(chunks)


_BOMS = (
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)


def decode_source(data: bytes, include_vendored: bool = False) -> str | SkipReason:
    """Text to scan, or why these bytes are not source code. Pure: bytes in, verdict out."""
    encoding = next((name for bom, name in _BOMS if data.startswith(bom)), None)
    if encoding is None and data.find(b"\0", 0, BINARY_SNIFF_BYTES) != -1:
        return SkipReason.BINARY
    try:
        text = data.decode(encoding or "utf-8")
    except UnicodeDecodeError:
        return SkipReason.NON_UTF8
    return _shape_reason(text, "\n", include_vendored) or text


def ascii_source_reason(data: bytes, include_vendored: bool = False) -> SkipReason | None:
    """``decode_source``'s verdict on ASCII bytes (None: source), without decoding them.

    ASCII bytes carry no byte-order mark and are valid UTF-8 with one
    character per byte, so every check can run on the bytes as they are.
    """
    if data.find(b"\0", 0, BINARY_SNIFF_BYTES) != -1:
        return SkipReason.BINARY
    if len(data) <= MINIFIED_LINE_CHARS:
        return None  # too short to be a bundle or a blob (see _shape_reason)
    return _shape_reason(data, b"\n", include_vendored)


def _shape_reason(text: AnyStr, newline: AnyStr, include_vendored: bool) -> SkipReason | None:
    """Why text (or ASCII bytes) of this shape is not scanned: a bundle or data blob."""
    if len(text) <= MINIFIED_LINE_CHARS:
        return None
    if not include_vendored and _minified_head(text, newline):
        return SkipReason.GENERATED
    if len(text) > MAX_LINE_CHARS and _longest_line(text, newline) > MAX_LINE_CHARS:
        return SkipReason.LONG_LINES
    return None


def _minified_head(text: AnyStr, newline: AnyStr) -> bool:
    start = 0
    for _ in range(MINIFIED_HEAD_LINES):
        end = text.find(newline, start)
        stop = len(text) if end == -1 else end
        if stop - start > MINIFIED_LINE_CHARS:
            return True
        if end == -1:
            return False
        start = end + 1
    return False


def _longest_line(text: AnyStr, newline: AnyStr) -> int:
    return max(map(len, text.split(newline)))
