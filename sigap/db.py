"""The database edge shared by every package: declarative base, engine, sessions, migrations.

The same code runs on a local SQLite file (the default deployment) and on
PostgreSQL (``postgresql+psycopg://...``) when many agents share one store.
The schema is owned by the Alembic migrations in ``sigap/migrations``; tables
are never created behind their back.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import DateTime, Engine, MetaData, create_engine, event
from sqlalchemy.engine import URL, make_url
from sqlalchemy.orm import DeclarativeBase, Session
from sqlalchemy.types import TypeDecorator

if TYPE_CHECKING:
    from alembic.config import Config

MIGRATIONS_DIR = Path(__file__).with_name("migrations")

# Explicit constraint names, so that later migrations (and SQLite batch mode)
# can refer to them by name on every backend.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    """Declarative base of every table, whichever package owns it."""

    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class UTCDateTime(TypeDecorator[dt.datetime]):
    """A timezone-aware UTC timestamp on every backend.

    SQLite keeps no offset, so values are stored as naive UTC there and made
    aware again when read. Naive values are refused rather than guessed at.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: dt.datetime | None, dialect: Any) -> dt.datetime | None:
        if value is None:
            return None
        if value.tzinfo is None or value.utcoffset() is None:
            raise ValueError(f"naive datetime {value!r}: pass a timezone-aware value")
        value = value.astimezone(dt.UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: dt.datetime | None, dialect: Any) -> dt.datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=dt.UTC)
        return value.astimezone(dt.UTC)


def utcnow() -> dt.datetime:
    """The current time, timezone-aware UTC."""
    return dt.datetime.now(dt.UTC)


def _enable_sqlite_foreign_keys(dbapi_connection: Any, _record: Any) -> None:
    # SQLite ignores foreign keys unless each connection asks for them.
    cursor = dbapi_connection.cursor()
    try:
        cursor.execute("PRAGMA foreign_keys=ON")
    finally:
        cursor.close()


def make_engine(url: str | URL, **engine_options: Any) -> Engine:
    """An engine for ``url``, ready for SIGAP's tables.

    For a SQLite file the parent folder is created and foreign keys are
    enforced on every connection; other URLs (``postgresql+psycopg://...``)
    are used as given, with a liveness check on pooled connections.

    Args:
        url: SQLAlchemy database URL.
        **engine_options: passed on to :func:`sqlalchemy.create_engine`.
    """
    url = make_url(url)
    if url.get_backend_name() != "sqlite":
        engine_options.setdefault("pool_pre_ping", True)
        return create_engine(url, **engine_options)
    if url.database and url.database != ":memory:" and not url.database.startswith("file:"):
        Path(url.database).expanduser().parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(url, **engine_options)
    event.listen(engine, "connect", _enable_sqlite_foreign_keys)
    return engine


@contextmanager
def session_scope(engine: Engine) -> Iterator[Session]:
    """A session in one transaction: committed on success, rolled back on any error.

    Objects stay readable after the commit (``expire_on_commit=False``), so
    results can be built from them once the block ends.
    """
    with Session(engine, expire_on_commit=False) as session, session.begin():
        yield session


def alembic_config() -> Config:
    """Alembic configuration built in code (no ``alembic.ini`` needed)."""
    # Imported here: Alembic costs ~0.1 s, and only the migration step needs it.
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    return config


def upgrade_database(engine_or_url: Engine | str | URL, *, revision: str = "head") -> None:
    """Run the Alembic migrations up to ``revision`` (default: the newest).

    Safe to call on every start: an up-to-date database is left as it is.

    Args:
        engine_or_url: an engine from :func:`make_engine`, or a database URL.
        revision: target revision id.
    """
    from alembic import command

    owned = not isinstance(engine_or_url, Engine)
    engine = make_engine(engine_or_url) if owned else engine_or_url
    try:
        with engine.begin() as connection:
            config = alembic_config()
            config.attributes["connection"] = connection
            command.upgrade(config, revision)
    finally:
        if owned:
            engine.dispose()
