"""What backup sets and restore plans read: each backup's set, time_stamp and level as columns, and a row per set.

Existing backups are backfilled from their documents; a stored value chains
cannot use (a time_stamp of "yesterday") leaves the columns empty and the
reason in `problem`. backup_sets gets one row per set, in the order the
sets first appeared.

Revision ID: 0005_backup_sets
Revises: 0004_runs_and_liveness
Create Date: 2026-12-04
"""

import orjson
import sqlalchemy as sa
from alembic import op

from freezer_api.domain.restore import SetKey, catalog_fields, set_digest
from freezer_api.storage.tables import DocumentText, Key, Seq

revision = "0005_backup_sets"
down_revision = "0004_runs_and_liveness"
branch_labels = None
depends_on = None

# This revision's columns (freezer_api.storage.tables may change later; history does not).
COLUMNS = (
    ("container", DocumentText),
    ("hostname", DocumentText),
    ("backup_name", DocumentText),
    ("host_set", sa.String(64)),
    ("set_time_stamp", sa.BigInteger()),
    ("set_level", sa.BigInteger()),
    ("storage", sa.String(255)),
    ("mode", sa.String(255)),
    ("problem", sa.Text()),
)
INDEX = ("ix_backups_project_host_set", ["project_id", "host_set", "set_time_stamp", "set_level"])
BATCH = 1000


def upgrade() -> None:
    for name, type_ in COLUMNS:
        op.add_column("backups", sa.Column(name, type_, nullable=True))
    op.create_index(INDEX[0], "backups", INDEX[1])
    _backfill()
    op.create_table(
        "backup_sets",
        sa.Column("seq", Seq, primary_key=True, autoincrement=True),
        sa.Column("project_id", Key, nullable=False),
        sa.Column("set_key", sa.String(64), nullable=False),
        sa.Column("host_set", sa.String(64), nullable=False),
        sa.Column("container", DocumentText, nullable=False),
        sa.Column("hostname", DocumentText, nullable=False),
        sa.Column("backup_name", DocumentText, nullable=False),
        sa.UniqueConstraint("project_id", "set_key", name="uq_backup_sets_project_id_set_key"),
        mysql_engine="InnoDB",
        mysql_charset="utf8mb4",
    )
    op.create_index("ix_backup_sets_project_seq", "backup_sets", ["project_id", "seq"])
    op.create_index("ix_backup_sets_project_host_set", "backup_sets", ["project_id", "host_set"])
    _fill_sets()


def _backfill() -> None:
    connection = op.get_bind()
    backups = sa.table("backups", sa.column("seq"), sa.column("doc"), *(sa.column(name) for name, _ in COLUMNS))
    names = [name for name, _ in COLUMNS]
    update = (
        backups.update()
        .where(backups.c.seq == sa.bindparam("b_seq"))
        .values({name: sa.bindparam(f"b_{name}") for name in names})
    )
    last = 0
    while True:
        rows = connection.execute(
            sa.select(backups.c.seq, backups.c.doc).where(backups.c.seq > last).order_by(backups.c.seq).limit(BATCH)
        ).all()
        if not rows:
            return
        changes = []
        for seq, raw in rows:
            fields = catalog_fields(orjson.loads(raw))
            changes.append({"b_seq": seq, **{f"b_{name}": fields.get(name) for name in names}})
        connection.execute(update, changes)
        last = rows[-1][0]


def _fill_sets() -> None:
    """One row per set of existing backups, oldest set (by its first backup) first."""
    connection = op.get_bind()
    backups = sa.table(
        "backups",
        *(sa.column(name) for name in ("seq", "project_id", "host_set", "container", "hostname", "backup_name")),
    )
    names = (backups.c.project_id, backups.c.host_set, backups.c.container, backups.c.hostname, backups.c.backup_name)
    first = sa.func.min(backups.c.seq)
    rows = connection.execute(
        sa.select(*names).where(backups.c.host_set.is_not(None)).group_by(*names).order_by(first)
    ).all()
    sets = sa.table(
        "backup_sets",
        *(sa.column(name) for name in ("project_id", "set_key", "host_set", "container", "hostname", "backup_name")),
    )
    for start in range(0, len(rows), BATCH):
        batch = rows[start : start + BATCH]
        connection.execute(
            sets.insert(),
            [
                {
                    "project_id": project_id,
                    "set_key": set_digest(SetKey(container, hostname, backup_name)),
                    "host_set": host_set,
                    "container": container,
                    "hostname": hostname,
                    "backup_name": backup_name,
                }
                for project_id, host_set, container, hostname, backup_name in batch
            ],
        )


def downgrade() -> None:
    op.drop_table("backup_sets")
    op.drop_index(INDEX[0], table_name="backups")
    with op.batch_alter_table("backups") as batch:
        for name, _ in reversed(COLUMNS):
            batch.drop_column(name)
