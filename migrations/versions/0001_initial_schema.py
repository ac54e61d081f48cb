"""initial schema

Revision ID: 0001
Revises:
Create Date: 2026-11-29 12:05:15.547929
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:

    op.create_table(
        "codebases",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("location", sa.String(length=2000), nullable=False),
        sa.Column("is_git_remote", sa.Boolean(), nullable=False),
        sa.Column("branch", sa.String(length=200), nullable=True),
        sa.Column("channel", sa.String(length=200), nullable=True),
        sa.Column("owner", sa.String(length=200), nullable=True),
        sa.Column("link_template", sa.String(length=2000), nullable=True),
        sa.Column("include", sa.JSON(), nullable=False),
        sa.Column("exclude", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_codebases")),
        sa.UniqueConstraint("name", name=op.f("uq_codebases_name")),
    )
    op.create_table(
        "job_runs",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("job", sa.String(length=64), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("error", sa.Text(), nullable=True),
        sa.Column("summary", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_job_runs")),
    )
    with op.batch_alter_table("job_runs", schema=None) as batch_op:
        batch_op.create_index("ix_job_runs_job_started", ["job", "started_at"], unique=False)

    op.create_table(
        "reports",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("week", sa.String(length=10), nullable=False),
        sa.Column("today", sa.Date(), nullable=False),
        sa.Column("generated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("content", sa.JSON(), nullable=False),
        sa.Column("formats", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_reports")),
        sa.UniqueConstraint("week", name=op.f("uq_reports_week")),
    )
    op.create_table(
        "sources",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("surface", sa.String(length=200), nullable=True),
        sa.Column("path", sa.String(length=1000), nullable=False),
        sa.Column("enabled", sa.Boolean(), nullable=False),
        sa.Column("last_status", sa.String(length=32), nullable=True),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("consecutive_failures", sa.Integer(), nullable=False),
        sa.Column("last_entry_count", sa.Integer(), nullable=True),
        sa.Column("last_success_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_attempt_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sources")),
        sa.UniqueConstraint("name", name=op.f("uq_sources_name")),
    )
    op.create_table(
        "changelog_entries",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("stable_key", sa.String(length=400), nullable=False),
        sa.Column("source_id", sa.Integer(), nullable=True),
        sa.Column("surface", sa.String(length=200), nullable=False),
        sa.Column("entry_date", sa.Date(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("html", sa.Text(), nullable=False),
        sa.Column("content_hash", sa.String(length=64), nullable=False),
        sa.Column("source_url", sa.String(length=2000), nullable=False),
        sa.Column("breaking", sa.Boolean(), nullable=False),
        sa.Column("first_seen_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_seen_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("changed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("disappeared_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["source_id"],
            ["sources.id"],
            name=op.f("fk_changelog_entries_source_id_sources"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_changelog_entries")),
        sa.UniqueConstraint("stable_key", name=op.f("uq_changelog_entries_stable_key")),
    )
    with op.batch_alter_table("changelog_entries", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_changelog_entries_entry_date"), ["entry_date"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_changelog_entries_surface"), ["surface"], unique=False)

    op.create_table(
        "page_snapshots",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("source_id", sa.Integer(), nullable=True),
        sa.Column("url", sa.String(length=2000), nullable=False),
        sa.Column("status_code", sa.Integer(), nullable=True),
        sa.Column("etag", sa.String(length=500), nullable=True),
        sa.Column("last_modified", sa.String(length=100), nullable=True),
        sa.Column("content_hash", sa.String(length=64), nullable=True),
        sa.Column("byte_count", sa.BigInteger(), nullable=False),
        sa.Column("entry_count", sa.Integer(), nullable=True),
        sa.Column("error", sa.Text(), nullable=True),
        sa.Column("fetched_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["source_id"],
            ["sources.id"],
            name=op.f("fk_page_snapshots_source_id_sources"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_page_snapshots")),
    )
    with op.batch_alter_table("page_snapshots", schema=None) as batch_op:
        batch_op.create_index("ix_page_snapshots_url_fetched", ["url", "fetched_at"], unique=False)

    op.create_table(
        "scan_runs",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("codebase_id", sa.Integer(), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("status", sa.String(length=32), nullable=False),
        sa.Column("error", sa.Text(), nullable=True),
        sa.Column("commit", sa.String(length=64), nullable=True),
        sa.Column("deprecation_set_hash", sa.String(length=64), nullable=True),
        sa.Column("files_scanned", sa.Integer(), nullable=False),
        sa.Column("files_skipped", sa.Integer(), nullable=False),
        sa.Column("bytes_scanned", sa.BigInteger(), nullable=False),
        sa.Column("findings_new", sa.Integer(), nullable=False),
        sa.Column("findings_present", sa.Integer(), nullable=False),
        sa.Column("findings_fixed", sa.Integer(), nullable=False),
        sa.Column("open_uses", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["codebase_id"],
            ["codebases.id"],
            name=op.f("fk_scan_runs_codebase_id_codebases"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_scan_runs")),
    )
    with op.batch_alter_table("scan_runs", schema=None) as batch_op:
        batch_op.create_index(
            "ix_scan_runs_codebase_started", ["codebase_id", "started_at"], unique=False
        )

    op.create_table(
        "deprecations",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("natural_key", sa.String(length=64), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("action", sa.String(length=32), nullable=False),
        sa.Column("surface", sa.String(length=200), nullable=False),
        sa.Column("items", sa.JSON(), nullable=False),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("announced_on", sa.Date(), nullable=True),
        sa.Column("announced_on_source", sa.String(length=32), nullable=False),
        sa.Column("effective_on", sa.Date(), nullable=True),
        sa.Column("window_closes_on", sa.Date(), nullable=False),
        sa.Column("replacement", sa.Text(), nullable=True),
        sa.Column("source_url", sa.String(length=2000), nullable=False),
        sa.Column("origin", sa.String(length=32), nullable=False),
        sa.Column("status", sa.String(length=32), nullable=False),
        sa.Column("needs_review", sa.Boolean(), nullable=False),
        sa.Column("review_reason", sa.Text(), nullable=True),
        sa.Column("shared_with_live", sa.Boolean(), nullable=False),
        sa.Column("entry_id", sa.Integer(), nullable=True),
        sa.Column("first_seen_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_seen_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("disappeared_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["entry_id"],
            ["changelog_entries.id"],
            name=op.f("fk_deprecations_entry_id_changelog_entries"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_deprecations")),
        sa.UniqueConstraint("natural_key", name=op.f("uq_deprecations_natural_key")),
    )
    with op.batch_alter_table("deprecations", schema=None) as batch_op:
        batch_op.create_index(
            "ix_deprecations_status_closes", ["status", "window_closes_on"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_deprecations_surface"), ["surface"], unique=False)

    op.create_table(
        "entry_revisions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("entry_id", sa.Integer(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("html", sa.Text(), nullable=False),
        sa.Column("content_hash", sa.String(length=64), nullable=False),
        sa.Column("replaced_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["entry_id"],
            ["changelog_entries.id"],
            name=op.f("fk_entry_revisions_entry_id_changelog_entries"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_entry_revisions")),
    )
    op.create_table(
        "alerts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=300), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("deprecation_id", sa.Integer(), nullable=True),
        sa.Column("target", sa.String(length=200), nullable=False),
        sa.Column("threshold", sa.String(length=64), nullable=False),
        sa.Column("payload", sa.JSON(), nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("next_attempt_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("delivered_to", sa.String(length=200), nullable=True),
        sa.Column("message_ts", sa.String(length=64), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["deprecation_id"],
            ["deprecations.id"],
            name=op.f("fk_alerts_deprecation_id_deprecations"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_alerts")),
        sa.UniqueConstraint(
            "deprecation_id",
            "target",
            "threshold",
            name=op.f("uq_alerts_deprecation_id_target_threshold"),
        ),
        sa.UniqueConstraint("key", name=op.f("uq_alerts_key")),
    )
    with op.batch_alter_table("alerts", schema=None) as batch_op:
        batch_op.create_index("ix_alerts_state_next", ["state", "next_attempt_at"], unique=False)

    op.create_table(
        "deprecation_events",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("deprecation_id", sa.Integer(), nullable=False),
        sa.Column("event", sa.String(length=32), nullable=False),
        sa.Column("details", sa.JSON(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["deprecation_id"],
            ["deprecations.id"],
            name=op.f("fk_deprecation_events_deprecation_id_deprecations"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_deprecation_events")),
    )
    with op.batch_alter_table("deprecation_events", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_deprecation_events_at"), ["at"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_deprecation_events_deprecation_id"), ["deprecation_id"], unique=False
        )

    op.create_table(
        "findings",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("codebase_id", sa.Integer(), nullable=False),
        sa.Column("deprecation_id", sa.Integer(), nullable=True),
        sa.Column("fingerprint", sa.String(length=64), nullable=False),
        sa.Column("rule", sa.String(length=64), nullable=False),
        sa.Column("item", sa.String(length=500), nullable=False),
        sa.Column("category", sa.String(length=16), nullable=False),
        sa.Column("confidence", sa.String(length=16), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("path", sa.String(length=2000), nullable=False),
        sa.Column("line", sa.Integer(), nullable=False),
        sa.Column("column", sa.Integer(), nullable=False),
        sa.Column("end_column", sa.Integer(), nullable=False),
        sa.Column("snippet", sa.Text(), nullable=False),
        sa.Column("suppressed", sa.Boolean(), nullable=False),
        sa.Column("first_seen_run_id", sa.Integer(), nullable=True),
        sa.Column("last_seen_run_id", sa.Integer(), nullable=True),
        sa.Column("first_seen_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_seen_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("fixed_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["codebase_id"],
            ["codebases.id"],
            name=op.f("fk_findings_codebase_id_codebases"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["deprecation_id"],
            ["deprecations.id"],
            name=op.f("fk_findings_deprecation_id_deprecations"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["first_seen_run_id"],
            ["scan_runs.id"],
            name=op.f("fk_findings_first_seen_run_id_scan_runs"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["last_seen_run_id"],
            ["scan_runs.id"],
            name=op.f("fk_findings_last_seen_run_id_scan_runs"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_findings")),
        sa.UniqueConstraint(
            "codebase_id", "fingerprint", name=op.f("uq_findings_codebase_id_fingerprint")
        ),
    )
    with op.batch_alter_table("findings", schema=None) as batch_op:
        batch_op.create_index(
            "ix_findings_deprecation_state", ["deprecation_id", "fixed_at"], unique=False
        )


def downgrade() -> None:

    with op.batch_alter_table("findings", schema=None) as batch_op:
        batch_op.drop_index("ix_findings_deprecation_state")

    op.drop_table("findings")
    with op.batch_alter_table("deprecation_events", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_deprecation_events_deprecation_id"))
        batch_op.drop_index(batch_op.f("ix_deprecation_events_at"))

    op.drop_table("deprecation_events")
    with op.batch_alter_table("alerts", schema=None) as batch_op:
        batch_op.drop_index("ix_alerts_state_next")

    op.drop_table("alerts")
    op.drop_table("entry_revisions")
    with op.batch_alter_table("deprecations", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_deprecations_surface"))
        batch_op.drop_index("ix_deprecations_status_closes")

    op.drop_table("deprecations")
    with op.batch_alter_table("scan_runs", schema=None) as batch_op:
        batch_op.drop_index("ix_scan_runs_codebase_started")

    op.drop_table("scan_runs")
    with op.batch_alter_table("page_snapshots", schema=None) as batch_op:
        batch_op.drop_index("ix_page_snapshots_url_fetched")

    op.drop_table("page_snapshots")
    with op.batch_alter_table("changelog_entries", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_changelog_entries_surface"))
        batch_op.drop_index(batch_op.f("ix_changelog_entries_entry_date"))

    op.drop_table("changelog_entries")
    op.drop_table("sources")
    op.drop_table("reports")
    with op.batch_alter_table("job_runs", schema=None) as batch_op:
        batch_op.drop_index("ix_job_runs_job_started")

    op.drop_table("job_runs")
    op.drop_table("codebases")
