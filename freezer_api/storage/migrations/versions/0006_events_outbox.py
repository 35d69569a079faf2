"""The event outbox, the channels' read positions, webhooks and their deliveries; a backup status column.

Backups get the column /metrics counts good backups by (status), filled from
each stored document; hostname and backup_name are 0005's.

Revision ID: 0006_events_outbox
Revises: 0005_backup_sets
Create Date: 2026-12-04
"""

from typing import Any

import orjson
import sqlalchemy as sa
from alembic import op

from freezer_api.storage.tables import DocumentText, Key, Seq

revision = "0006_events_outbox"
down_revision = "0005_backup_sets"
branch_labels = None
depends_on = None

_TABLE: dict[str, Any] = {"mysql_engine": "InnoDB", "mysql_charset": "utf8mb4"}


_BATCH = 1000


def _text(value: Any, length: int) -> str | None:
    return value[:length] if isinstance(value, str) else None


# As tables.backup_status computes it at this revision.
_COLUMNS = {
    "status": lambda doc: _text(doc.get("status"), 32),
}


def _add_backup_status_column() -> None:
    with op.batch_alter_table("backups") as batch:
        batch.add_column(sa.Column("status", sa.String(32), nullable=True))
    backups = sa.table(
        "backups",
        sa.column("seq", Seq),
        sa.column("doc", DocumentText),
        sa.column("status", sa.String(32)),
    )
    columns = _COLUMNS
    connection = op.get_bind()
    update = (
        sa.update(backups)
        .where(backups.c.seq == sa.bindparam("b_seq"))
        .values({name: sa.bindparam(f"b_{name}") for name in columns})
    )
    after = 0
    while True:
        rows = connection.execute(
            sa.select(backups.c.seq, backups.c.doc).where(backups.c.seq > after).order_by(backups.c.seq).limit(_BATCH)
        ).all()
        if not rows:
            return
        values = []
        for seq, raw in rows:
            doc = orjson.loads(raw)
            values.append({"b_seq": seq, **{f"b_{name}": compute(doc) for name, compute in columns.items()}})
        connection.execute(update, values)
        after = rows[-1][0]


def upgrade() -> None:
    _add_backup_status_column()
    op.create_table(
        "events",
        sa.Column("seq", Seq, primary_key=True, autoincrement=True),
        sa.Column("event_id", sa.String(36), nullable=False),
        sa.Column("event_type", sa.String(64), nullable=False),
        sa.Column("priority", sa.String(8), nullable=False),
        sa.Column("project_id", Key, nullable=False),
        sa.Column("payload", DocumentText, nullable=False),
        sa.Column("created_at", sa.Double(), nullable=False),
        sa.UniqueConstraint("event_id", name="uq_events_event_id"),
        **_TABLE,
    )
    op.create_table(
        "event_consumers",
        sa.Column("name", sa.String(64), primary_key=True),
        sa.Column("last_seq", sa.BigInteger, nullable=False),
        sa.Column("lease_owner", sa.String(128), nullable=True),
        sa.Column("lease_until", sa.Double(), nullable=False),
        **_TABLE,
    )
    op.create_table(
        "webhooks",
        sa.Column("seq", Seq, primary_key=True, autoincrement=True),
        sa.Column("project_id", Key, nullable=False),
        sa.Column("webhook_id", Key, nullable=False),
        sa.Column("user_id", Key, nullable=False),
        sa.Column("url", sa.Text, nullable=False),
        sa.Column("events", sa.Text, nullable=False),
        sa.Column("secret", sa.String(255), nullable=False),
        sa.Column("created_at", sa.Double(), nullable=False),
        sa.UniqueConstraint("project_id", "webhook_id", name="uq_webhooks_project_id_webhook_id"),
        **_TABLE,
    )
    op.create_table(
        "webhook_deliveries",
        sa.Column("seq", Seq, primary_key=True, autoincrement=True),
        sa.Column("webhook_seq", Seq, nullable=False),
        sa.Column("event_seq", Seq, nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("attempts", sa.Integer, nullable=False),
        sa.Column("next_attempt_at", sa.Double(), nullable=False),
        sa.Column("last_attempt_at", sa.Double(), nullable=True),
        sa.Column("response_status", sa.Integer, nullable=True),
        sa.Column("last_error", sa.Text, nullable=True),
        sa.Column("delivered_at", sa.Double(), nullable=True),
        sa.UniqueConstraint("webhook_seq", "event_seq", name="uq_webhook_deliveries_webhook_seq_event_seq"),
        **_TABLE,
    )
    op.create_index("ix_webhook_deliveries_status_webhook_seq", "webhook_deliveries", ["status", "webhook_seq", "seq"])


def downgrade() -> None:
    with op.batch_alter_table("backups") as batch:
        batch.drop_column("status")
    op.drop_table("webhook_deliveries")
    op.drop_table("webhooks")
    op.drop_table("event_consumers")
    op.drop_table("events")
