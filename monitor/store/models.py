"""The database schema, designed up front for every stage so later features do not fight it.

Every timestamp is timezone-aware UTC (``UTCDateTime``); calendar days (announcements,
window closes) are plain ``Date`` values because the docs publish days, not instants.
Uniqueness rules make re-running any stage idempotent:
- a deprecation is identified by ``natural_key`` (see ``DeprecationRecord.natural_key``);
- a changelog entry by ``stable_key`` (surface, date, position under the date);
- an alert by (deprecation, target, threshold), so each threshold fires at most once;
- a finding by (codebase, fingerprint), so its life (new, still present, fixed) is tracked.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any, ClassVar

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Text,
    TypeDecorator,
    UniqueConstraint,
)
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def utcnow() -> datetime:
    return datetime.now(UTC)


class UTCDateTime(TypeDecorator[datetime]):
    """Stores UTC, always returns aware datetimes (SQLite keeps no zone of its own)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column; pass an aware datetime")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map: ClassVar[dict[Any, Any]] = {
        datetime: UTCDateTime,
        dict[str, Any]: JSON,
        list[Any]: JSON,
    }


class Source(Base):
    """A docs page we fetch, with its health (for canaries and operational alerts)."""

    __tablename__ = "sources"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    kind: Mapped[str] = mapped_column(
        String(32)
    )  # changelog | deprecated_page | reference | sitemap
    surface: Mapped[str | None] = mapped_column(String(200))
    path: Mapped[str] = mapped_column(String(1000))  # relative to docs.base_url
    enabled: Mapped[bool] = mapped_column(Boolean, default=True)
    last_status: Mapped[str | None] = mapped_column(
        String(32)
    )  # ok | not_modified | failed | canary
    last_error: Mapped[str | None] = mapped_column(Text)
    consecutive_failures: Mapped[int] = mapped_column(Integer, default=0)
    last_entry_count: Mapped[int | None] = mapped_column(Integer)
    last_success_at: Mapped[datetime | None]
    last_attempt_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    snapshots: Mapped[list[PageSnapshot]] = relationship(back_populates="source")


class PageSnapshot(Base):
    """One fetch of one URL: what conditional requests and change detection need."""

    __tablename__ = "page_snapshots"
    __table_args__ = (Index("ix_page_snapshots_url_fetched", "url", "fetched_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    source_id: Mapped[int | None] = mapped_column(ForeignKey("sources.id", ondelete="CASCADE"))
    url: Mapped[str] = mapped_column(String(2000))
    status_code: Mapped[int | None] = mapped_column(Integer)
    etag: Mapped[str | None] = mapped_column(String(500))
    last_modified: Mapped[str | None] = mapped_column(String(100))
    content_hash: Mapped[str | None] = mapped_column(String(64))
    byte_count: Mapped[int] = mapped_column(BigInteger, default=0)
    entry_count: Mapped[int | None] = mapped_column(Integer)
    error: Mapped[str | None] = mapped_column(Text)
    # Kept on the newest successful snapshot of a URL only: lets an unchanged (304) page
    # be re-extracted without fetching it again.
    body: Mapped[bytes | None] = mapped_column(LargeBinary)
    fetched_at: Mapped[datetime] = mapped_column(default=utcnow)

    source: Mapped[Source | None] = relationship(back_populates="snapshots")


class ChangelogEntryRow(Base):
    __tablename__ = "changelog_entries"

    id: Mapped[int] = mapped_column(primary_key=True)
    stable_key: Mapped[str] = mapped_column(String(400), unique=True)
    source_id: Mapped[int | None] = mapped_column(ForeignKey("sources.id", ondelete="SET NULL"))
    surface: Mapped[str] = mapped_column(String(200), index=True)
    entry_date: Mapped[date] = mapped_column(Date, index=True)
    position: Mapped[int] = mapped_column(Integer)
    text: Mapped[str] = mapped_column(Text)
    html: Mapped[str] = mapped_column(Text)
    content_hash: Mapped[str] = mapped_column(String(64))
    source_url: Mapped[str] = mapped_column(String(2000))
    breaking: Mapped[bool] = mapped_column(Boolean, default=False)
    first_seen_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_seen_at: Mapped[datetime] = mapped_column(default=utcnow)
    changed_at: Mapped[datetime | None]
    disappeared_at: Mapped[datetime | None]

    revisions: Mapped[list[EntryRevision]] = relationship(
        back_populates="entry", cascade="all, delete-orphan", order_by="EntryRevision.id"
    )


class EntryRevision(Base):
    """The earlier text of an entry that was edited: history is kept, never overwritten."""

    __tablename__ = "entry_revisions"

    id: Mapped[int] = mapped_column(primary_key=True)
    entry_id: Mapped[int] = mapped_column(ForeignKey("changelog_entries.id", ondelete="CASCADE"))
    text: Mapped[str] = mapped_column(Text)
    html: Mapped[str] = mapped_column(Text)
    content_hash: Mapped[str] = mapped_column(String(64))
    replaced_at: Mapped[datetime] = mapped_column(default=utcnow)

    entry: Mapped[ChangelogEntryRow] = relationship(back_populates="revisions")


class Deprecation(Base):
    __tablename__ = "deprecations"
    __table_args__ = (Index("ix_deprecations_status_closes", "status", "window_closes_on"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    natural_key: Mapped[str] = mapped_column(String(64), unique=True)
    kind: Mapped[str] = mapped_column(String(32))
    action: Mapped[str] = mapped_column(String(32))
    surface: Mapped[str] = mapped_column(String(200), index=True)
    items: Mapped[list[Any]] = mapped_column(JSON)
    title: Mapped[str] = mapped_column(Text)
    announced_on: Mapped[date | None] = mapped_column(Date)
    announced_on_source: Mapped[str] = mapped_column(String(32))
    effective_on: Mapped[date | None] = mapped_column(Date)
    window_closes_on: Mapped[date] = mapped_column(Date)
    replacement: Mapped[str | None] = mapped_column(Text)
    source_url: Mapped[str] = mapped_column(String(2000))
    origin: Mapped[str] = mapped_column(String(32))
    status: Mapped[str] = mapped_column(String(32), default="active")
    needs_review: Mapped[bool] = mapped_column(Boolean, default=False)
    review_reason: Mapped[str | None] = mapped_column(Text)
    shared_with_live: Mapped[bool] = mapped_column(Boolean, default=False)
    entry_id: Mapped[int | None] = mapped_column(
        ForeignKey("changelog_entries.id", ondelete="SET NULL")
    )
    first_seen_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_seen_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime | None]
    disappeared_at: Mapped[datetime | None]

    events: Mapped[list[DeprecationEvent]] = relationship(
        back_populates="deprecation", cascade="all, delete-orphan", order_by="DeprecationEvent.id"
    )


class DeprecationEvent(Base):
    """What happened to a deprecation and when: created, changed, disappeared, reappeared."""

    __tablename__ = "deprecation_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    deprecation_id: Mapped[int] = mapped_column(
        ForeignKey("deprecations.id", ondelete="CASCADE"), index=True
    )
    event: Mapped[str] = mapped_column(String(32))
    details: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    at: Mapped[datetime] = mapped_column(default=utcnow, index=True)

    deprecation: Mapped[Deprecation] = relationship(back_populates="events")


class Codebase(Base):
    __tablename__ = "codebases"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    location: Mapped[str] = mapped_column(String(2000))  # local directory or git URL
    is_git_remote: Mapped[bool] = mapped_column(Boolean, default=False)
    branch: Mapped[str | None] = mapped_column(String(200))
    channel: Mapped[str | None] = mapped_column(String(200))
    owner: Mapped[str | None] = mapped_column(String(200))
    link_template: Mapped[str | None] = mapped_column(String(2000))
    include: Mapped[list[Any]] = mapped_column(JSON, default=list)
    exclude: Mapped[list[Any]] = mapped_column(JSON, default=list)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    findings: Mapped[list[Finding]] = relationship(
        back_populates="codebase", cascade="all, delete-orphan"
    )
    scan_runs: Mapped[list[ScanRun]] = relationship(
        back_populates="codebase", cascade="all, delete-orphan"
    )


class ScanRun(Base):
    """One scan of one codebase, with totals kept so trends need no per-finding history."""

    __tablename__ = "scan_runs"
    __table_args__ = (Index("ix_scan_runs_codebase_started", "codebase_id", "started_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    codebase_id: Mapped[int] = mapped_column(ForeignKey("codebases.id", ondelete="CASCADE"))
    started_at: Mapped[datetime] = mapped_column(default=utcnow)
    finished_at: Mapped[datetime | None]
    status: Mapped[str] = mapped_column(String(32), default="running")  # running | ok | failed
    error: Mapped[str | None] = mapped_column(Text)
    commit: Mapped[str | None] = mapped_column(String(64))
    deprecation_set_hash: Mapped[str | None] = mapped_column(String(64))
    files_scanned: Mapped[int] = mapped_column(Integer, default=0)
    files_skipped: Mapped[int] = mapped_column(Integer, default=0)
    bytes_scanned: Mapped[int] = mapped_column(BigInteger, default=0)
    findings_new: Mapped[int] = mapped_column(Integer, default=0)
    findings_present: Mapped[int] = mapped_column(Integer, default=0)
    findings_fixed: Mapped[int] = mapped_column(Integer, default=0)
    open_uses: Mapped[int] = mapped_column(Integer, default=0)

    codebase: Mapped[Codebase] = relationship(back_populates="scan_runs")


class Finding(Base):
    """A use or mention of a deprecated item in a codebase, tracked across scan runs."""

    __tablename__ = "findings"
    __table_args__ = (
        UniqueConstraint("codebase_id", "fingerprint"),
        Index("ix_findings_deprecation_state", "deprecation_id", "fixed_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    codebase_id: Mapped[int] = mapped_column(ForeignKey("codebases.id", ondelete="CASCADE"))
    deprecation_id: Mapped[int | None] = mapped_column(
        ForeignKey("deprecations.id", ondelete="SET NULL")
    )
    fingerprint: Mapped[str] = mapped_column(String(64))
    rule: Mapped[str] = mapped_column(String(64))  # item kind or an integration rule name
    item: Mapped[str] = mapped_column(String(500))
    category: Mapped[str] = mapped_column(String(16))  # use | mention
    confidence: Mapped[str] = mapped_column(String(16))
    reason: Mapped[str] = mapped_column(Text)
    path: Mapped[str] = mapped_column(String(2000))
    line: Mapped[int] = mapped_column(Integer)
    column: Mapped[int] = mapped_column(Integer)
    end_column: Mapped[int] = mapped_column(Integer)
    snippet: Mapped[str] = mapped_column(Text)
    suppressed: Mapped[bool] = mapped_column(Boolean, default=False)
    first_seen_run_id: Mapped[int | None] = mapped_column(
        ForeignKey("scan_runs.id", ondelete="SET NULL")
    )
    last_seen_run_id: Mapped[int | None] = mapped_column(
        ForeignKey("scan_runs.id", ondelete="SET NULL")
    )
    first_seen_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_seen_at: Mapped[datetime] = mapped_column(default=utcnow)
    fixed_at: Mapped[datetime | None]

    codebase: Mapped[Codebase] = relationship(back_populates="findings")


class Alert(Base):
    """The outbox: written with the decision, then sent, then marked; never silently lost."""

    __tablename__ = "alerts"
    __table_args__ = (
        UniqueConstraint("deprecation_id", "target", "threshold"),
        Index("ix_alerts_state_next", "state", "next_attempt_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(300), unique=True)
    kind: Mapped[str] = mapped_column(String(32))  # threshold | announced | closed | removed | ...
    deprecation_id: Mapped[int | None] = mapped_column(
        ForeignKey("deprecations.id", ondelete="SET NULL")
    )
    target: Mapped[str] = mapped_column(String(200))  # a Slack channel or "default"
    threshold: Mapped[str] = mapped_column(String(64))
    payload: Mapped[dict[str, Any]] = mapped_column(JSON)
    state: Mapped[str] = mapped_column(String(16), default="pending")  # pending | sent | failed
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str | None] = mapped_column(Text)
    next_attempt_at: Mapped[datetime | None]
    delivered_to: Mapped[str | None] = mapped_column(String(200))
    message_ts: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    sent_at: Mapped[datetime | None]


class Report(Base):
    """A weekly report as generated, so a past week can be shown again exactly."""

    __tablename__ = "reports"

    id: Mapped[int] = mapped_column(primary_key=True)
    week: Mapped[str] = mapped_column(String(10), unique=True)  # ISO week, e.g. 2026-W48
    today: Mapped[date] = mapped_column(Date)
    generated_at: Mapped[datetime] = mapped_column(default=utcnow)
    content: Mapped[dict[str, Any]] = mapped_column(JSON)  # the pure report model
    formats: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)  # format -> rendered text


class JobRun(Base):
    """One run of a daemon or CLI job, for `status`, backoff and the weekly report."""

    __tablename__ = "job_runs"
    __table_args__ = (Index("ix_job_runs_job_started", "job", "started_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    job: Mapped[str] = mapped_column(String(64))
    started_at: Mapped[datetime] = mapped_column(default=utcnow)
    finished_at: Mapped[datetime | None]
    status: Mapped[str] = mapped_column(String(16), default="running")  # running | ok | failed
    error: Mapped[str | None] = mapped_column(Text)
    summary: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
