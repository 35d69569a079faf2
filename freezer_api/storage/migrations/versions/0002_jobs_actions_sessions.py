"""Jobs, actions and sessions.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-29
"""

from freezer_api.storage.migrations.document_ops import create_document_tables, drop_document_tables

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    create_document_tables("jobs", "job_id", extra_indexes=[("ix_jobs_job_id", ["job_id"])])
    create_document_tables("actions", "action_id")
    create_document_tables("sessions", "session_id")


def downgrade() -> None:
    drop_document_tables("sessions")
    drop_document_tables("actions")
    drop_document_tables("jobs")
