"""The health states the health watcher last reported, one row per job and client.

Revision ID: 0007_health_transitions
Revises: 0006_events_outbox
Create Date: 2026-12-04
"""

from typing import Any

import sqlalchemy as sa
from alembic import op

from freezer_api.storage.tables import Key

revision = "0007_health_transitions"
down_revision = "0006_events_outbox"
branch_labels = None
depends_on = None

_TABLE: dict[str, Any] = {"mysql_engine": "InnoDB", "mysql_charset": "utf8mb4", "sqlite_with_rowid": False}


def upgrade() -> None:
    op.create_table(
        "health_states",
        sa.Column("project_id", Key, primary_key=True),
        sa.Column("kind", sa.String(8), primary_key=True),
        sa.Column("subject_id", Key, primary_key=True),
        sa.Column("state", sa.String(16), nullable=False),
        sa.Column("changed_at", sa.BigInteger, nullable=False),
        **_TABLE,
    )


def downgrade() -> None:
    op.drop_table("health_states")
