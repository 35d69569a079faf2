"""Building blocks the migrations use to create a document kind's tables.

Migrations call these with the column lists of their own revision, so a
later change to freezer_api.storage.tables never rewrites history.
"""

from collections.abc import Iterable

import sqlalchemy as sa
from alembic import op

from freezer_api.storage.tables import DocumentText, Key, Seq, TermText


def create_document_tables(
    kind: str,
    id_column: str,
    extra_columns: Iterable[sa.Column] = (),
    extra_indexes: Iterable[tuple[str, list[str]]] = (),
) -> None:
    """Create `<kind>` and `<singular>_terms` as the 2026 schema shapes them."""
    op.create_table(
        kind,
        sa.Column("seq", Seq, primary_key=True, autoincrement=True),
        sa.Column("project_id", Key, nullable=False),
        sa.Column(id_column, Key, nullable=False),
        sa.Column("user_id", Key, nullable=False),
        sa.Column("version", sa.Integer, nullable=False),
        *extra_columns,
        sa.Column("doc", DocumentText, nullable=False),
        sa.Column("search_text", DocumentText, nullable=False),
        sa.UniqueConstraint("project_id", id_column, name=f"uq_{kind}_project_id_{id_column}"),
        mysql_engine="InnoDB",
        mysql_charset="utf8mb4",
    )
    op.create_index(f"ix_{kind}_project_seq", kind, ["project_id", "seq"])
    for name, columns in extra_indexes:
        op.create_index(name, kind, columns)
    singular = kind[:-1]
    op.create_table(
        f"{singular}_terms",
        sa.Column("project_id", Key, nullable=False),
        sa.Column("name", TermText(), nullable=False),
        sa.Column("value", TermText(), nullable=False),
        sa.Column("doc_seq", Seq, nullable=False, autoincrement=False),
        sa.PrimaryKeyConstraint("project_id", "name", "value", "doc_seq", name=f"pk_{singular}_terms"),
        sqlite_with_rowid=False,
        mysql_engine="InnoDB",
        mysql_charset="utf8mb4",
    )


def drop_document_tables(kind: str) -> None:
    op.drop_table(f"{kind[:-1]}_terms")
    op.drop_table(kind)
