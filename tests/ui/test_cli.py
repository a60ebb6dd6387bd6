"""``sigap run``: first-start preparation and the Streamlit command it hands over to."""

from __future__ import annotations

import pytest

from desk import UserDirectory
from indexer.artifacts import read_pointer
from kb import KBStore
from sigap.cli import main
from sigap.db import make_engine, upgrade_database
from sigap.settings import get_settings
from ui import cli


@pytest.fixture
def engine():
    engine = make_engine(get_settings().database_url)
    upgrade_database(engine)
    yield engine
    engine.dispose()


def _passwords(lines: list[str]) -> dict[str, str]:
    found = {}
    for line in lines:
        if " / " in line:
            name, password = line.split(":", 1)[1].strip().split(" / ")
            found[name] = password
    return found


def test_first_start_creates_admin_and_demo_agent_once(engine) -> None:
    lines = cli._create_first_accounts(engine)
    passwords = _passwords(lines)
    assert set(passwords) == {"admin", "agen"}
    users = UserDirectory(engine)
    assert users.authenticate("admin", passwords["admin"]).role == "admin"
    assert users.authenticate("agen", passwords["agen"]).role == "agent"
    # Printed once: a second start creates nothing and shows no password.
    assert cli._create_first_accounts(engine) == []


def test_an_admin_is_added_when_only_other_accounts_exist(engine) -> None:
    UserDirectory(engine).add("budi", role="agent", password="kata-sandi-uji-123")
    assert set(_passwords(cli._create_first_accounts(engine))) == {"admin"}


def test_the_shipped_kb_is_imported_into_an_empty_store_only(engine, capsys) -> None:
    cli._prepare_store(engine)
    store = KBStore(engine)
    count = len(store.list_articles())
    assert count > 100 and f"imported the shipped KB: {count} articles" in capsys.readouterr().out
    cli._prepare_store(engine)
    assert capsys.readouterr().out == ""


def test_prepare_builds_a_stale_index_and_creates_accounts(
    engine, own_index, tiny_articles, tiny_examples, monkeypatch, capsys
) -> None:
    monkeypatch.setattr("kb.training.load_training_examples", lambda *a, **k: tiny_examples)
    store = KBStore(engine)
    store.import_articles(tiny_articles, actor="test")
    lines = cli.prepare()
    assert read_pointer(own_index).version == store.kb_version()
    assert "dibangun" in capsys.readouterr().out
    assert set(_passwords(lines)) == {"admin", "agen"}
    cli.prepare()
    assert "sudah terkini" in capsys.readouterr().out


def test_run_hands_over_to_streamlit(monkeypatch, capsys) -> None:
    calls = []
    monkeypatch.setattr(cli, "prepare", lambda: ["  administrator: admin / rahasia"])
    monkeypatch.setattr(cli.os, "execve", lambda *args: calls.append(args))
    monkeypatch.delenv("OPENBLAS_NUM_THREADS", raising=False)
    assert main(["run", "--port", "8765", "--headless"]) == 0
    ((_, argv, env),) = calls
    assert argv[1:5] == ["-m", "streamlit", "run", str(cli.APP)]
    assert argv[argv.index("--server.port") + 1] == "8765"
    assert argv[argv.index("--server.headless") + 1] == "true"
    assert argv[argv.index("--browser.gatherUsageStats") + 1] == "false"
    assert env["OPENBLAS_NUM_THREADS"] == "1"
    out = capsys.readouterr().out
    assert "admin / rahasia" in out and "http://localhost:8765" in out


def test_run_keeps_a_thread_count_the_operator_chose(monkeypatch) -> None:
    monkeypatch.setenv("OPENBLAS_NUM_THREADS", "2")
    assert cli.server_env()["OPENBLAS_NUM_THREADS"] == "2"
    assert "false" in cli.streamlit_command(8501, headless=False)


def test_a_bad_port_is_a_usage_error(capsys) -> None:
    assert main(["run", "--port", "0"]) == 2
    assert "--port 0" in capsys.readouterr().err
