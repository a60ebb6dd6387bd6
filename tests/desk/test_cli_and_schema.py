"""``sigap user add`` and the desk's migration."""

from __future__ import annotations

import io
from collections.abc import Callable

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import Engine, inspect

from desk import UserDirectory
from desk.audit import entries
from sigap.cli import main
from sigap.db import Base, alembic_config, make_engine, upgrade_database
from sigap.settings import get_settings

DESK_TABLES = {"desk_user", "desk_call", "desk_escalation", "desk_gap", "desk_qa_review"}


def _users() -> UserDirectory:
    engine = make_engine(get_settings().database_url)
    return UserDirectory(engine)


def test_user_add_generates_and_prints_a_password_once(capsys) -> None:
    assert main(["user", "add", "Agen.Satu", "--role", "agent", "--name", "Agen Satu"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0] == "created agen.satu (agent)"
    password = out[1].removeprefix("password: ")
    users = _users()
    assert users.authenticate("agen.satu", password).display_name == "Agen Satu"
    assert entries(users.engine, action="user_add")[0].actor.startswith("cli")


def test_user_add_reads_the_password_from_stdin(capsys, monkeypatch) -> None:
    monkeypatch.setattr("sys.stdin", io.StringIO("rahasia-yang-panjang\n"))
    assert main(["user", "add", "tl1", "--role", "team_leader", "--password-stdin"]) == 0
    assert "password:" not in capsys.readouterr().out
    assert _users().authenticate("tl1", "rahasia-yang-panjang").role == "team_leader"


def test_user_add_errors_are_one_line(capsys, monkeypatch) -> None:
    monkeypatch.setattr("sys.stdin", io.StringIO("pendek\n"))
    assert main(["user", "add", "tl1", "--role", "qa", "--password-stdin"]) == 1
    assert capsys.readouterr().err.strip() == "sigap: error: kata sandi minimal 10 karakter"
    with pytest.raises(SystemExit):
        main(["user", "add", "tl1", "--role", "bos"])


def test_user_list(capsys) -> None:
    main(["user", "add", "qa1", "--role", "qa"])
    capsys.readouterr()
    assert main(["user", "list"]) == 0
    assert capsys.readouterr().out.split() == ["qa1", "qa", "qa1"]


def test_migration_creates_matches_and_drops_the_desk_tables(
    fresh_engine: Callable[[], Engine],
) -> None:
    engine = fresh_engine()
    upgrade_database(engine)
    assert set(inspect(engine).get_table_names()) >= DESK_TABLES
    with engine.connect() as conn:
        assert compare_metadata(MigrationContext.configure(conn), Base.metadata) == []
    with engine.begin() as conn:
        config = alembic_config()
        config.attributes["connection"] = conn
        command.downgrade(config, "0001")
    assert not DESK_TABLES & set(inspect(engine).get_table_names())
    upgrade_database(engine)
    assert set(inspect(engine).get_table_names()) >= DESK_TABLES
