"""Backups and clients.

Revision ID: 0001
Revises:
Create Date: 2026-11-29
"""

import sqlalchemy as sa

from freezer_api.storage.migrations.document_ops import create_document_tables, drop_document_tables

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    create_document_tables(
        "backups",
        "backup_id",
        extra_columns=[sa.Column("time_stamp", sa.BigInteger, nullable=True)],
        extra_indexes=[("ix_backups_project_time", ["project_id", "time_stamp"])],
    )
    create_document_tables(
        "clients",
        "client_id",
        extra_columns=[sa.Column("is_central", sa.Boolean, nullable=False)],
        extra_indexes=[
            ("ix_clients_central", ["is_central", "client_id"]),
            ("ix_clients_client_id", ["client_id"]),
        ],
    )


def downgrade() -> None:
    drop_document_tables("clients")
    drop_document_tables("backups")
