"""Per-codebase scan cache: unchanged files are not read, changed-but-equal files not rescanned.

One SQLite file per scanned root, under ``<data_dir>/scan-cache/``. Rows hold a
file's size, mtime, content digest and its findings (or why it was skipped).
The whole cache belongs to one *key* - the deprecation set, the scanner's own
code and the options that change results - so a new deprecation or a scanner
upgrade invalidates everything at once.

Writes happen in one transaction at the end of a scan, so a crash leaves the
previous cache intact; a corrupt file is logged, deleted and rebuilt. No
method here raises for a cache problem: the cache may only make scans faster.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import logging
import operator
import sqlite3
from collections.abc import Iterable, Mapping, Sequence
from contextlib import closing
from pathlib import Path
from typing import NamedTuple

from monitor import __version__
from monitor.domain import DeprecationRecord

from .findings import Finding

log = logging.getLogger(__name__)

SCHEMA_VERSION = "1"
CACHE_DIR = "scan-cache"
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
    return Path(data_dir) / CACHE_DIR / f"{digest}.sqlite"


def content_digest(data: bytes) -> bytes:
    return hashlib.sha256(data).digest()[:16]


def scanner_fingerprint() -> str:
    """The scanner's code, hashed: editing a matcher must invalidate old results."""
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


def _encode(findings: Sequence[Finding]) -> str:
    if not findings:
        return ""
    return json.dumps([_STORED_FIELDS(f) for f in findings], separators=(",", ":"))


def _decode(path: str, payload: str) -> tuple[Finding, ...]:
    if not payload:
        return ()
    return tuple(Finding(path, *row) for row in json.loads(payload))


class ScanCache:
    """The cache file of one root. ``load`` at the start of a scan, ``store`` at the end."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self._stored_key: str | None = None

    @classmethod
    def for_root(cls, data_dir: Path, root: Path) -> ScanCache:
        return cls(cache_path(data_dir, root))

    def load(self, key: str) -> dict[str, CachedFile]:
        """Rows valid under ``key``; empty when there is no cache, another key, or damage."""
        self._stored_key = None
        if not self.path.exists():
            return {}
        try:
            with closing(self._connect()) as conn:
                stored = _meta(conn)
                self._stored_key = stored.get("key")
                if stored.get("schema") != SCHEMA_VERSION or self._stored_key != key:
                    return {}
                rows = conn.execute(
                    "SELECT path, size, mtime_ns, digest, skip, findings FROM files"
                ).fetchall()
            # Built inline: a warm rescan loads every row, and most have no findings.
            return {
                path: CachedFile(size, mtime_ns, digest, skip, _decode(path, payload))
                for path, size, mtime_ns, digest, skip, payload in rows
            }
        except sqlite3.OperationalError as error:  # busy or locked: not damage, keep the file
            log.warning("scan cache %s is busy (%s); scanning without it", self.path, error)
            return {}
        except (sqlite3.Error, ValueError, TypeError) as error:
            log.warning("scan cache %s is unreadable (%s); rebuilding it", self.path, error)
            self._discard()
            return {}

    def store(self, key: str, changed: Mapping[str, CachedFile], gone: Iterable[str]) -> None:
        """Write this scan's news in one transaction; a failure is logged, never raised."""
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            with closing(self._connect()) as conn, conn:
                _create(conn)
                if self._stored_key != key:
                    conn.execute("DELETE FROM files")
                conn.executemany(
                    "INSERT OR REPLACE INTO files VALUES (?, ?, ?, ?, ?, ?)",
                    (
                        (p, c.size, c.mtime_ns, c.digest, c.skip, _encode(c.findings))
                        for p, c in changed.items()
                    ),
                )
                conn.executemany("DELETE FROM files WHERE path = ?", ((p,) for p in gone))
                conn.executemany(
                    "INSERT OR REPLACE INTO meta VALUES (?, ?)",
                    (("schema", SCHEMA_VERSION), ("key", key)),
                )
            self._stored_key = key
        except (OSError, sqlite3.OperationalError) as error:  # busy, locked, disk full
            log.warning("could not save scan cache %s (%s)", self.path, error)
        except sqlite3.Error as error:
            log.warning("scan cache %s is damaged (%s); next scan starts cold", self.path, error)
            self._discard()

    def _connect(self) -> sqlite3.Connection:
        conn = sqlite3.connect(self.path, timeout=10)
        conn.execute("PRAGMA synchronous = NORMAL")
        return conn

    def _discard(self) -> None:
        self._stored_key = None
        for suffix in ("", "-journal", "-wal", "-shm"):
            try:
                Path(str(self.path) + suffix).unlink(missing_ok=True)
            except OSError as error:
                log.warning("could not remove damaged scan cache %s: %s", self.path, error)


def _create(conn: sqlite3.Connection) -> None:
    conn.execute("CREATE TABLE IF NOT EXISTS meta (name TEXT PRIMARY KEY, value TEXT NOT NULL)")
    conn.execute(
        "CREATE TABLE IF NOT EXISTS files (path TEXT PRIMARY KEY, size INTEGER NOT NULL,"
        " mtime_ns INTEGER NOT NULL, digest BLOB NOT NULL, skip TEXT, findings TEXT NOT NULL)"
    )


def _meta(conn: sqlite3.Connection) -> dict[str, str]:
    _create(conn)
    return dict(conn.execute("SELECT name, value FROM meta").fetchall())
