"""Alembic environment: runs on the connection freezer-manage hands it."""

from alembic import context

from freezer_api.storage.tables import metadata

config = context.config
connection = config.attributes.get("connection")
if connection is None:
    raise RuntimeError("run migrations through freezer-manage db upgrade")

context.configure(connection=connection, target_metadata=metadata, compare_type=True, render_as_batch=True)
with context.begin_transaction():
    context.run_migrations()
