"""Alembic environment for the view database. Run programmatically by `projections.schema.upgrade`, which
passes the open connection (inside its transaction) in `config.attributes["connection"]`."""

from alembic import context

from projections.schema import VERSION_TABLE, only_view_tables
from projections.tables import metadata

connection = context.config.attributes["connection"]
context.configure(connection=connection, target_metadata=metadata, version_table=VERSION_TABLE,
                  include_name=only_view_tables)
with context.begin_transaction():
    context.run_migrations()
