"""What backup sets and restore plans read: each backup's set, time_stamp and level as columns.

Existing backups are backfilled from their documents; a stored value chains
cannot use (a time_stamp of "yesterday") leaves the columns empty and the
reason in `problem`.

Revision ID: 0005_backup_sets
Revises: 0003
Create Date: 2026-12-04
"""

import orjson
import sqlalchemy as sa
from alembic import op

from freezer_api.domain.restore import catalog_fields
from freezer_api.storage.tables import DocumentText

revision = "0005_backup_sets"
down_revision = "0003"
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


def downgrade() -> None:
    op.drop_index(INDEX[0], table_name="backups")
    with op.batch_alter_table("backups") as batch:
        for name, _ in reversed(COLUMNS):
            batch.drop_column(name)
