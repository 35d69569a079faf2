"""Runs, clients' liveness and the facts job health is computed from (docs/health.md).

Revision ID: 0004_runs_and_liveness
Revises: 0003
Create Date: 2026-12-04
"""

from typing import Any

import sqlalchemy as sa
from alembic import op

from freezer_api.storage.tables import Key, Seq

revision = "0004_runs_and_liveness"
down_revision = "0003"
branch_labels = None
depends_on = None

_TABLE_OPTIONS: dict[str, Any] = {"mysql_engine": "InnoDB", "mysql_charset": "utf8mb4"}


def upgrade() -> None:
    op.create_table(
        "runs",
        sa.Column("seq", Seq, primary_key=True, autoincrement=True),
        sa.Column("project_id", Key, nullable=False),
        sa.Column("run_id", Key, nullable=False),
        sa.Column("job_id", Key, nullable=False),
        sa.Column("client_id", Key, nullable=False),
        sa.Column("session_id", Key, nullable=True),
        sa.Column("session_tag", sa.Integer, nullable=True),
        sa.Column("started_at", sa.BigInteger, nullable=False),
        sa.Column("ended_at", sa.BigInteger, nullable=True),
        sa.Column("result", sa.String(16), nullable=False),
        sa.Column("open_job", Key, nullable=True),
        sa.PrimaryKeyConstraint("seq", name="pk_runs"),
        sa.UniqueConstraint("project_id", "run_id", name="uq_runs_project_id_run_id"),
        sa.UniqueConstraint("project_id", "open_job", name="uq_runs_project_id_open_job"),
        **_TABLE_OPTIONS,
    )
    op.create_index("ix_runs_project_job_seq", "runs", ["project_id", "job_id", "seq"])
    op.create_index("ix_runs_project_seq", "runs", ["project_id", "seq"])
    op.create_index("ix_runs_ended_at", "runs", ["ended_at"])
    op.create_table(
        "run_backups",
        sa.Column("run_seq", Seq, nullable=False, autoincrement=False),
        sa.Column("backup_id", Key, nullable=False),
        sa.PrimaryKeyConstraint("run_seq", "backup_id", name="pk_run_backups"),
        sqlite_with_rowid=False,
        **_TABLE_OPTIONS,
    )
    op.create_table(
        "client_liveness",
        sa.Column("project_id", Key, nullable=False),
        sa.Column("client_id", Key, nullable=False),
        sa.Column("last_seen", sa.BigInteger, nullable=False),
        sa.PrimaryKeyConstraint("project_id", "client_id", name="pk_client_liveness"),
        sqlite_with_rowid=False,
        **_TABLE_OPTIONS,
    )
    op.create_table(
        "job_health",
        sa.Column("project_id", Key, nullable=False),
        sa.Column("job_id", Key, nullable=False),
        sa.Column("client_id", Key, nullable=False),
        sa.Column("paused_since", sa.BigInteger, nullable=True),
        sa.Column("one_shot", sa.Boolean, nullable=False),
        sa.Column("armed_at", sa.BigInteger, nullable=False),
        sa.Column("expected_at", sa.BigInteger, nullable=True),
        sa.Column("open_run_id", Key, nullable=True),
        sa.Column("open_started_at", sa.BigInteger, nullable=True),
        sa.Column("last_run_id", Key, nullable=True),
        sa.Column("last_result", sa.String(16), nullable=True),
        sa.Column("last_started_at", sa.BigInteger, nullable=True),
        sa.Column("last_ended_at", sa.BigInteger, nullable=True),
        sa.Column("last_success_at", sa.BigInteger, nullable=True),
        sa.Column("failing_since", sa.BigInteger, nullable=True),
        sa.PrimaryKeyConstraint("project_id", "job_id", name="pk_job_health"),
        sqlite_with_rowid=False,
        **_TABLE_OPTIONS,
    )
    op.create_index("ix_job_health_project_client", "job_health", ["project_id", "client_id"])


def downgrade() -> None:
    op.drop_table("job_health")
    op.drop_table("client_liveness")
    op.drop_table("run_backups")
    op.drop_table("runs")
