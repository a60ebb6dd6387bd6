"""UI fixtures: a migrated store with the tiny KB, the tiny index, accounts, and AppTest runs.

Pages are run one by one with ``AppTest.from_file``, logged in by putting the
user into the session, as ``ui/app.py`` does after a login.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from desk import Desk, User
from kb import KBStore
from sigap.db import make_engine, upgrade_database
from sigap.settings import get_settings
from ui.common import USER_KEY

UI = Path(__file__).resolve().parents[2] / "ui"
PASSWORD = "kata-sandi-uji-123"
ROLE_USERS = {
    "agent": "agen1",
    "team_leader": "tl1",
    "qa": "qa1",
    "evaluator": "eva1",
    "admin": "admin1",
}


@pytest.fixture(autouse=True)
def _fast_bcrypt(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("desk.auth.BCRYPT_ROUNDS", 4)


@pytest.fixture
def index_dir(tiny_index: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The tiny index, shared read-only (tests that publish use ``own_index``)."""
    monkeypatch.setenv("SIGAP_INDEX_DIR", str(tiny_index / "index"))
    return tiny_index / "index"


@pytest.fixture
def own_index(tiny_index: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A private copy of the tiny index and its embedding cache, for tests that rebuild."""
    root = tmp_path / "own-index"
    shutil.copytree(tiny_index / "index", root)
    monkeypatch.setenv("SIGAP_INDEX_DIR", str(root))
    cache = get_settings().cache_dir
    cache.mkdir(parents=True, exist_ok=True)
    shutil.copy(tiny_index / "cache.sqlite", cache / "embeddings.sqlite")
    return root


@pytest.fixture
def desk(index_dir: Path, tiny_articles) -> Desk:
    """The services over this test's database, the tiny KB imported, one user per role."""
    engine = make_engine(get_settings().database_url)
    upgrade_database(engine)
    desk = Desk.open(engine)
    KBStore(engine).import_articles(tiny_articles, actor="test")
    for role, name in ROLE_USERS.items():
        desk.users.add(name, role=role, password=PASSWORD)
    yield desk
    engine.dispose()


@pytest.fixture
def users(desk: Desk) -> dict[str, User]:
    return {role: desk.users.get(name) for role, name in ROLE_USERS.items()}


@pytest.fixture
def page(desk: Desk) -> Callable[..., AppTest]:
    """``page("console", user)``: an AppTest of one page, logged in as ``user``."""

    def make(name: str, user: User | None = None) -> AppTest:
        at = AppTest.from_file(str(UI / "views" / f"{name}.py"), default_timeout=60)
        if user is not None:
            at.session_state[USER_KEY] = user
        return at

    return make


def texts(at: AppTest) -> str:
    """Every piece of text on the page, for assertions about what a person sees."""
    parts = []
    for kind in ("title", "header", "subheader", "markdown", "caption", "text"):
        parts += [str(el.value) for el in getattr(at, kind)]
    for kind in ("error", "warning", "info", "success"):
        parts += [str(el.value) for el in getattr(at, kind)]
    return "\n".join(parts)


@pytest.fixture
def page_text() -> Callable[[AppTest], str]:
    return texts
