from __future__ import annotations

from alembic import context

from salesbot.store.db import make_engine
from salesbot.store.models import Base

config = context.config
target_metadata = Base.metadata


def run_migrations_offline() -> None:
    context.configure(
        url=config.get_main_option("sqlalchemy.url"),
        target_metadata=target_metadata,
        literal_binds=True,
        render_as_batch=True,
    )
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        context.configure(connection=connection, target_metadata=target_metadata, render_as_batch=True)
        with context.begin_transaction():
            context.run_migrations()
        return
    engine = make_engine(config.get_main_option("sqlalchemy.url") or "")
    with engine.connect() as conn:
        if conn.dialect.name == "sqlite":
            # SQLite's batch mode copies a table and drops the old one, which the rows of other tables point at:
            # with foreign keys enforced that DROP fails on any real book. The pragma only takes effect outside a
            # transaction, so it goes straight to the driver before ours begins. The copies keep every id, so no
            # key can break; no check after (it would read the whole book on every start, and refuse to start a
            # book with an old stray row). This engine is disposed of below: no other connection runs without keys.
            conn.connection.driver_connection.execute("PRAGMA foreign_keys=OFF")
        context.configure(connection=conn, target_metadata=target_metadata, render_as_batch=True)
        with context.begin_transaction():
            context.run_migrations()
    engine.dispose()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
