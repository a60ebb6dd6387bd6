"""``sigap.db``: engines, sessions, migrations and UTC timestamps on every backend."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, inspect, select, text
from sqlalchemy.exc import IntegrityError, StatementError

from kb.models import ArticleRow, ArticleVersionRow, AuditLogRow
from sigap.db import Base, alembic_config, make_engine, session_scope, upgrade_database

TABLES = {"alembic_version", "kb_article", "kb_article_version", "audit_log"}


@pytest.fixture
def engine(fresh_engine: Callable[[], Engine]) -> Engine:
    engine = fresh_engine()
    upgrade_database(engine)
    return engine


def _article(article_id: str = "djp-x") -> ArticleRow:
    return ArticleRow(id=article_id, created_by="t", created_at=dt.datetime.now(dt.UTC))


def test_upgrade_creates_the_tables_at_head(engine: Engine) -> None:
    assert set(inspect(engine).get_table_names()) >= TABLES
    with engine.connect() as conn:
        version = conn.execute(text("SELECT version_num FROM alembic_version")).scalar()
    assert version == ScriptDirectory.from_config(alembic_config()).get_current_head()


def test_upgrade_is_idempotent(engine: Engine) -> None:
    with session_scope(engine) as session:
        session.add(_article())

    upgrade_database(engine)

    with session_scope(engine) as session:
        assert session.scalars(select(ArticleRow.id)).all() == ["djp-x"]


def test_migrations_match_the_models(engine: Engine) -> None:
    with engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), Base.metadata)

    assert diff == []


def test_upgrade_from_a_url_creates_the_sqlite_folder(tmp_path: Path) -> None:
    path = tmp_path / "deep" / "er" / "sigap.db"

    upgrade_database(f"sqlite:///{path}")

    assert path.is_file()
    engine = make_engine(f"sqlite:///{path}")
    assert set(inspect(engine).get_table_names()) >= TABLES
    engine.dispose()


def test_make_engine_creates_the_parent_folder_of_a_sqlite_file(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'new' / 'x.db'}")
    with engine.connect() as conn:
        conn.execute(text("SELECT 1"))
    engine.dispose()

    assert (tmp_path / "new" / "x.db").is_file()


def test_make_engine_accepts_a_postgresql_url_without_connecting() -> None:
    engine = make_engine("postgresql+psycopg://user:pw@localhost:5432/sigap")

    assert (engine.dialect.name, engine.dialect.driver) == ("postgresql", "psycopg")


def test_foreign_keys_are_enforced(engine: Engine) -> None:
    now = dt.datetime.now(dt.UTC)
    orphan = ArticleVersionRow(
        article_id="missing",
        version=1,
        status="draft",
        desk="djp",
        category="DJP-AKUN",
        title="Judul artikel",
        questions=["a", "b", "c", "d"],
        answer="Jawaban yang cukup panjang.",
        legal_basis=[],
        requires_validation=False,
        keywords=[],
        verified_on=dt.date(2025, 1, 1),
        content_hash="0" * 64,
        created_by="t",
        created_at=now,
        updated_by="t",
        updated_at=now,
    )

    with pytest.raises(IntegrityError), session_scope(engine) as session:
        session.add(orphan)


def test_session_scope_commits_on_success_and_rolls_back_on_error(engine: Engine) -> None:
    with session_scope(engine) as session:
        session.add(_article("kept"))
    with pytest.raises(RuntimeError, match="boom"), session_scope(engine) as session:
        session.add(_article("dropped"))
        session.flush()
        raise RuntimeError("boom")

    with session_scope(engine) as session:
        assert session.scalars(select(ArticleRow.id)).all() == ["kept"]


def test_timestamps_come_back_timezone_aware_in_utc(engine: Engine) -> None:
    jakarta = dt.timezone(dt.timedelta(hours=7))
    moment = dt.datetime(2025, 6, 1, 9, 30, 15, 123456, tzinfo=jakarta)
    with session_scope(engine) as session:
        session.add(
            AuditLogRow(at=moment, actor="t", action="x", entity="e", entity_id="1", details={})
        )

    with session_scope(engine) as session:
        stored = session.scalar(select(AuditLogRow.at))

    assert stored == moment
    assert stored.tzinfo == dt.UTC and stored.hour == 2


def test_naive_timestamps_are_refused(engine: Engine) -> None:
    naive = dt.datetime(2025, 6, 1, 9, 30)

    with pytest.raises(StatementError, match="naive datetime"), session_scope(engine) as session:
        session.add(ArticleRow(id="x", created_by="t", created_at=naive))
        session.flush()
