"""Alembic environment, driven from code by :func:`sigap.db.upgrade_database`.

The caller hands over an open connection in ``config.attributes["connection"]``;
the migrations run inside that connection's transaction.
"""

from __future__ import annotations

import importlib

from alembic import context
from alembic.util import CommandError

from sigap.db import Base, make_engine

# Modules that declare tables on ``Base``; imported so that autogenerate sees
# them. A package adding tables adds its models module here.
MODEL_MODULES = ("kb.models", "desk.models")

for _name in MODEL_MODULES:
    importlib.import_module(_name)

target_metadata = Base.metadata


def _run(connection) -> None:
    # render_as_batch: SQLite cannot ALTER most things; batch mode copies the
    # table instead, so later migrations stay portable.
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=connection.dialect.name == "sqlite",
    )
    with context.begin_transaction():
        context.run_migrations()


def run_migrations() -> None:
    """Run against the caller's connection, or a URL in ``sqlalchemy.url``."""
    config = context.config
    connection = config.attributes.get("connection")
    if connection is not None:
        _run(connection)
        return
    engine = make_engine(config.get_main_option("sqlalchemy.url"))
    try:
        with engine.begin() as conn:
            _run(conn)
    finally:
        engine.dispose()


if context.is_offline_mode():
    raise CommandError("offline (--sql) migrations are not supported; use upgrade_database()")
run_migrations()
