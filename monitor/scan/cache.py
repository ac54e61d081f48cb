"""Per-codebase scan cache: unchanged files are not read, changed-but-equal files not rescanned.

One file per scanned root, under ``<data_dir>/scan-cache/``. Rows hold a
file's size, mtime, content digest and its findings (or why it was skipped);
beside them sits the last walk's record (``rewalk``), which lets a rescan of
an unchanged tree skip listing directories. The whole cache belongs to one
*key* - the deprecation set, the scanner's own code and the options that
change results - so a new deprecation or a scanner upgrade invalidates
everything at once.

The file is one ``marshal`` payload behind a magic string and a checksum: a
warm rescan loads every row, and unpacking one payload costs a fraction of
reading the same rows from SQLite. A scan writes a new file next to the old
and renames it over, so a crash leaves the previous cache intact; a damaged
file fails its checksum, is logged, deleted and rebuilt. No method here
raises for a cache problem: the cache may only make scans faster.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import logging
import marshal
import operator
import os
import threading
from collections.abc import Iterable, Mapping, Sequence
from contextlib import suppress
from functools import lru_cache
from pathlib import Path
from typing import Any, NamedTuple

import xxhash

from monitor import __version__
from monitor.domain import DeprecationRecord

from .findings import Finding

log = logging.getLogger(__name__)

SCHEMA_VERSION = "2"
CACHE_DIR = "scan-cache"
CACHE_SUFFIX = ".scancache"
_LEGACY_SUFFIX = ".sqlite"  # the format before this one: removed when a new file is written
_MAGIC = b"MSCACHE3"
# Files an earlier version wrote: replaced without a warning, they are not damage.
_OLD_MAGICS = (b"MSCACHE2",)
_CHECK_BYTES = 16
_MARSHAL_VERSION = 4
_SCANNER_DIR = Path(__file__).resolve().parent


class CachedFile(NamedTuple):
    """What the last scan learned about one file (a named tuple: a cache loads thousands)."""

    size: int
    mtime_ns: int  # 0 forces a content check next time (the file was too fresh to trust)
    digest: bytes
    skip: str | None = None
    findings: tuple[Finding, ...] = ()


def cache_path(data_dir: Path, root: Path) -> Path:
    digest = hashlib.sha256(str(Path(root).resolve()).encode()).hexdigest()
    return Path(data_dir) / CACHE_DIR / f"{digest}{CACHE_SUFFIX}"


def content_digest(data: bytes) -> bytes:
    """16 bytes that change when the content does.

    XXH3-128, not a cryptographic hash: it only tells an edited file from an
    unchanged one whose mtime moved (nobody gains by forging a collision with
    their own source), and it runs about eight times faster than SHA-256,
    which a cold scan of every file notices.
    """
    return xxhash.xxh3_128_digest(data)


@lru_cache(maxsize=1)
def scanner_fingerprint() -> str:
    """The scanner's code, hashed: editing a matcher must invalidate old results.

    Read once per process: the code that runs is the code that was imported,
    even when an upgrade replaces the files under a long-running daemon.
    """
    digest = hashlib.sha256(__version__.encode())
    for source in sorted(_SCANNER_DIR.glob("*.py")):
        try:
            digest.update(source.name.encode() + b"\0" + source.read_bytes())
        except OSError:  # a zipped install: the version alone has to do
            continue
    return digest.hexdigest()


def cache_key(
    records: Sequence[tuple[str | int, DeprecationRecord]],
    min_confidence: str,
    include_vendored: bool,
    max_file_bytes: int,
) -> str:
    """Everything besides a file's own bytes that decides its findings."""
    rows = sorted((str(record_id), dataclasses.asdict(record)) for record_id, record in records)
    payload = json.dumps(
        {
            "schema": SCHEMA_VERSION,
            "scanner": scanner_fingerprint(),
            "records": rows,
            "min_confidence": min_confidence,
            "include_vendored": include_vendored,
            "max_file_bytes": max_file_bytes,
        },
        sort_keys=True,
        default=str,
    )
    return hashlib.sha256(payload.encode()).hexdigest()


# Every field but the path, which is the row's key. ``astuple`` would deep-copy each value.
_STORED_FIELDS = operator.attrgetter(*(f.name for f in dataclasses.fields(Finding)[1:]))
# A row: ``CachedFile``'s fields in its order as a plain tuple (building thousands
# of named tuples would cost more than the comparisons they serve). Findings are
# ``Finding`` objects, or tuples of field values without the path once stored;
# ``row_findings`` gives ``Finding`` objects either way.
Row = tuple[int, int, bytes, str | None, tuple[Any, ...]]


def _plain(value: Any) -> Any:
    """``marshal`` takes exact built-in types only: enum members become their ``str``."""
    return str(value) if isinstance(value, str) and type(value) is not str else value


def stored_mtime(mtime_ns: int, fresh_after_ns: int) -> int:
    """The mtime a row keeps: 0 for a file modified too recently to trust, which may
    change again within the same timestamp tick (git calls these "racily clean"), so
    the next scan checks its content."""
    return 0 if mtime_ns >= fresh_after_ns else mtime_ns


def stored_findings(findings: Sequence[Finding]) -> tuple[tuple[Any, ...], ...]:
    """Findings as the cache holds them: tuples of built-in field values, path left out."""
    return tuple(tuple(map(_plain, _STORED_FIELDS(f))) for f in findings)


def _encode(entry: Row | CachedFile) -> Row:
    """A row as stored: only built-in types, findings as tuples of field values."""
    size, mtime_ns, digest, skip, found = entry
    if found and isinstance(found[0], Finding):
        found = stored_findings(found)
    return (size, mtime_ns, digest, None if skip is None else str(skip), found)


def row_findings(path: str, found: tuple[Any, ...]) -> tuple[Finding, ...]:
    """A row's findings (its last field) as ``Finding`` objects, whether stored as plain
    tuples or still objects."""
    if not found or isinstance(found[0], Finding):
        return found  # type: ignore[return-value]
    return tuple(Finding(path, *values) for values in found)


_DIGEST_BYTES = 16


class Rows:
    """The stored rows, column by column: cheap to load, to compare in bulk and to write.

    ``rels``, ``sizes`` and ``mtimes`` run in parallel, in the order of the walk
    that wrote them, so a rescan can compare whole lists at once; ``digests``
    holds the 16-byte digests back to back; ``extras`` maps the index of each
    row with a skip reason or findings to (skip, findings as plain tuples).
    """

    __slots__ = ("_mapping", "digests", "extras", "mtimes", "rels", "sizes")

    def __init__(
        self,
        rels: list[str] | None = None,
        sizes: list[int] | None = None,
        mtimes: list[int] | None = None,
        digests: bytes = b"",
        extras: dict[int, tuple[str | None, tuple[tuple[Any, ...], ...]]] | None = None,
    ) -> None:
        self.rels = rels or []
        self.sizes = sizes or []
        self.mtimes = mtimes or []
        self.digests = digests
        self.extras = extras or {}
        self._mapping: dict[str, Row] | None = None

    def __len__(self) -> int:
        return len(self.rels)

    def mapping(self) -> dict[str, Row]:
        """Row by path (built on first use: a rescan of an unchanged tree never needs it)."""
        if self._mapping is None:
            digests, extras, none = self.digests, self.extras, (None, ())
            self._mapping = {
                rel: (
                    size,
                    mtime_ns,
                    digests[i * _DIGEST_BYTES : (i + 1) * _DIGEST_BYTES],
                    *extras.get(i, none),
                )
                for i, (rel, size, mtime_ns) in enumerate(
                    zip(self.rels, self.sizes, self.mtimes, strict=True)
                )
            }
        return self._mapping

    @classmethod
    def of(cls, rows: Mapping[str, Row], order: Sequence[str]) -> Rows:
        """Columns for ``rows``, the paths in ``order`` first (the walk's order)."""
        rels = [rel for rel in order if rel in rows]
        if len(rels) != len(rows):
            rels = list(dict.fromkeys([*rels, *rows]))
        if not rels:
            return cls()
        sizes, mtimes, digests, skips, found = zip(*map(rows.__getitem__, rels), strict=True)
        joined = b"".join(digests)
        if len(joined) != _DIGEST_BYTES * len(rels):  # only whole digests line up
            return cls.of(
                {r: row for r, row in rows.items() if len(row[2]) == _DIGEST_BYTES}, order
            )
        extras = {
            i: (skip, findings)
            for i, (skip, findings) in enumerate(zip(skips, found, strict=True))
            if skip is not None or findings
        }
        return cls(rels, list(sizes), list(mtimes), joined, extras)

    def columns(self) -> tuple[Any, ...]:
        return (self.rels, self.sizes, self.mtimes, self.digests, self.extras)


def _check(payload: bytes) -> bytes:
    """Catches a torn or damaged file, not forgery (the cache is this user's own
    file): XXH3-128 reads the whole payload at memory speed, SHA-256 took a
    millisecond more at each end of a scan of 20,000 files."""
    return xxhash.xxh3_128_digest(payload)


class CacheDamage(ValueError):
    """The file is not a cache this code wrote in one piece."""


def _unpack(data: bytes) -> tuple[Any, ...]:
    head = len(_MAGIC) + _CHECK_BYTES
    if len(data) < head or not data.startswith(_MAGIC):
        raise CacheDamage("not a scan cache file")
    payload = data[head:]
    if _check(payload) != data[len(_MAGIC) : head]:
        raise CacheDamage("checksum mismatch")
    content = marshal.loads(payload)
    if not isinstance(content, tuple) or len(content) != 4:
        raise CacheDamage("unexpected layout")
    return content


def _rows(columns: Any) -> Rows:
    rels, sizes, mtimes, digests, extras = columns
    if not (len(rels) == len(sizes) == len(mtimes) == len(digests) // _DIGEST_BYTES):
        raise CacheDamage("columns of different lengths")
    return Rows(rels, sizes, mtimes, digests, extras)


class ScanCache:
    """The cache file of one root. ``load`` at the start of a scan, ``store`` at the end.

    After ``load``, ``walk`` holds the last walk's record (or None).
    """

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self.walk: Any = None
        self._stored_key: str | None = None
        self._rows = Rows()

    @classmethod
    def for_root(cls, data_dir: Path, root: Path) -> ScanCache:
        return cls(cache_path(data_dir, root))

    def load(self, key: str) -> Rows:
        """Rows valid under ``key``; empty when there is no cache, another key, or damage."""
        self._stored_key, self._rows, self.walk = None, Rows(), None
        content = self._read()
        if content is None:
            return self._rows
        schema, stored_key, columns, walk = content
        if schema != SCHEMA_VERSION:
            return self._rows
        self._stored_key = stored_key
        if stored_key == key:
            try:
                self._rows = _rows(columns)
            except (TypeError, ValueError) as error:
                log.warning("scan cache %s is unreadable (%s); rebuilding it", self.path, error)
                self._discard()
                return self._rows
            self.walk = walk
        return self._rows

    def peek(self) -> dict[str, CachedFile]:
        """Every stored row whatever its key (for inspection and tests)."""
        content = self._read()
        if content is None:
            return {}
        try:
            rows = _rows(content[2]).mapping()
        except (TypeError, ValueError):
            return {}
        return {
            path: CachedFile(*row[:4], row_findings(path, row[4])) for path, row in rows.items()
        }

    def store(
        self,
        key: str,
        changed: Mapping[str, Row | CachedFile],
        gone: Iterable[str],
        walk: Any = None,
        order: Sequence[str] = (),
    ) -> None:
        """Write this scan's news as a new file; a failure is logged, never raised.

        ``order`` lists paths in walk order: rows are written in it, so the
        next rescan of an unchanged tree compares whole columns.
        """
        same_key = self._stored_key == key
        gone = list(gone) if same_key else []
        if same_key and not changed and not gone and walk is self.walk:
            return  # nothing new: the file on disk already says all of it
        rows = dict(self._rows.mapping()) if same_key else {}
        for path in gone:
            rows.pop(path, None)
        rows.update(changed)  # type: ignore[arg-type]
        for path, entry in changed.items():
            if entry[3] is not None or entry[4]:  # the few rows that need converting
                rows[path] = _encode(entry)
        self._write(key, Rows.of(rows, order), walk)

    def replace(self, key: str, table: Rows, walk: Any = None) -> None:
        """Write ``table`` as the whole cache under ``key`` (a first scan builds it in
        walk order already, with findings stored as ``stored_findings`` gives them)."""
        self._write(key, table, walk)

    def _write(self, key: str, table: Rows, walk: Any) -> None:
        try:
            payload = marshal.dumps((SCHEMA_VERSION, key, table.columns(), walk), _MARSHAL_VERSION)
        except ValueError as error:  # an unexpected type in a row: a bug, not a reason to fail
            log.warning("could not save scan cache %s (%s)", self.path, error)
            return
        partial = self.path.with_name(f"{self.path.name}.{os.getpid()}.{threading.get_ident()}")
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            partial.write_bytes(_MAGIC + _check(payload) + payload)
            os.replace(partial, self.path)
        except OSError as error:  # disk full, read-only, permissions
            log.warning("could not save scan cache %s (%s)", self.path, error)
            with suppress(OSError):
                partial.unlink(missing_ok=True)
            return
        with suppress(OSError):
            self.path.with_suffix(_LEGACY_SUFFIX).unlink(missing_ok=True)
        self._stored_key, self._rows, self.walk = key, table, walk

    def _read(self) -> tuple[Any, ...] | None:
        try:
            data = self.path.read_bytes()
        except FileNotFoundError:
            return None
        except OSError as error:
            log.warning("scan cache %s cannot be read (%s); scanning without it", self.path, error)
            return None
        if data.startswith(_OLD_MAGICS):
            log.info("scan cache %s is from an earlier version; rebuilding it", self.path)
            return None
        try:
            return _unpack(data)
        except (ValueError, EOFError, TypeError) as error:
            log.warning("scan cache %s is unreadable (%s); rebuilding it", self.path, error)
            self._discard()
            return None

    def _discard(self) -> None:
        self._stored_key, self._rows, self.walk = None, Rows(), None
        try:
            self.path.unlink(missing_ok=True)
        except OSError as error:
            log.warning("could not remove damaged scan cache %s: %s", self.path, error)
