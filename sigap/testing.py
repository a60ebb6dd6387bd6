"""Pytest fixtures for any package's database tests: fresh databases on each backend.

Import the fixtures into a ``conftest.py``::

    from sigap import testing
    db_backend, fresh_engine = testing.db_backend, testing.fresh_engine

SQLite always runs. PostgreSQL runs when ``SIGAP_TEST_PG_URL`` names a server
(``postgresql+psycopg://user:password@host:5432/db``); every database handed
out there is a fresh schema, dropped afterwards, so tests never see each
other's rows. Without the variable the PostgreSQL cases are skipped, except
under ``CI=true``, where a skip would hide a broken CI setup: they fail.
Needs pytest (a dev dependency); never imported by the application.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, text

from sigap.db import make_engine

PG_URL_ENV = "SIGAP_TEST_PG_URL"
BACKENDS = ("sqlite", pytest.param("postgresql", marks=pytest.mark.postgres))


def postgres_url() -> str:
    """The test server's URL; skips the test (fails it under CI) when none is set."""
    url = os.environ.get(PG_URL_ENV, "").strip()
    if url:
        return url
    if os.environ.get("CI", "").strip().lower() == "true":
        pytest.fail(f"CI=true but {PG_URL_ENV} is not set: the PostgreSQL tests must run")
    pytest.skip(f"PostgreSQL tests need {PG_URL_ENV}=postgresql+psycopg://user:pw@host/db")


class PostgresSchemas:
    """Hands out engines bound to fresh schemas on one server; drops them on close."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.admin = make_engine(url)
        self.schemas: list[str] = []

    def engine(self) -> Engine:
        schema = f"t_{uuid.uuid4().hex[:16]}"
        with self.admin.begin() as conn:
            conn.execute(text(f'CREATE SCHEMA "{schema}"'))
        self.schemas.append(schema)
        return make_engine(self.url, connect_args={"options": f"-csearch_path={schema}"})

    def close(self) -> None:
        with self.admin.begin() as conn:
            for schema in self.schemas:
                conn.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
        self.admin.dispose()


@pytest.fixture(params=BACKENDS)
def db_backend(request: pytest.FixtureRequest) -> str:
    """The backend under test: ``sqlite``, or ``postgresql`` (see :func:`postgres_url`)."""
    if request.param == "postgresql":
        postgres_url()
    return request.param


@pytest.fixture
def fresh_engine(db_backend: str, tmp_path: Path) -> Iterator[Callable[[], Engine]]:
    """A factory of engines, each on its own empty (unmigrated) database."""
    engines: list[Engine] = []
    schemas = PostgresSchemas(postgres_url()) if db_backend == "postgresql" else None

    def make() -> Engine:
        if schemas is not None:
            engine = schemas.engine()
        else:
            engine = make_engine(f"sqlite:///{tmp_path / f'db-{len(engines)}.sqlite'}")
        engines.append(engine)
        return engine

    yield make
    for engine in engines:
        engine.dispose()
    if schemas is not None:
        schemas.close()
