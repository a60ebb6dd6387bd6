"""The entry script: login, wrong passwords, and navigation by role."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from ui.common import USER_KEY

UI = Path(__file__).resolve().parents[2] / "ui"
PASSWORD = "kata-sandi-uji-123"  # the accounts of the ``desk`` fixture (conftest.py)


def login(at: AppTest, username: str, password: str) -> AppTest:
    at.text_input(key="login_username").input(username)
    at.text_input(key="login_password").input(password)
    at.button[0].click()
    return at.run()


@pytest.fixture
def app(desk) -> AppTest:
    return AppTest.from_file(str(UI / "app.py"), default_timeout=60).run()


def test_a_wrong_password_is_refused(app: AppTest) -> None:
    login(app, "agen1", PASSWORD + "salah")
    assert [e.value for e in app.error] == ["Nama pengguna atau kata sandi salah."]
    assert USER_KEY not in app.session_state


def test_login_opens_the_pages_of_the_role(app: AppTest) -> None:
    login(app, "agen1", PASSWORD)
    assert app.session_state[USER_KEY].role == "agent"
    assert [t.value for t in app.title] == ["Konsol agen"]
    assert "Agen" in app.sidebar.markdown[0].value


@pytest.mark.parametrize(
    ("username", "page", "title"),
    [
        ("tl1", "views/team_leader.py", "Team leader"),
        ("qa1", "views/curation.py", "Kurasi basis pengetahuan"),
        ("eva1", "views/eval_qa.py", "Evaluasi & QA"),
        ("admin1", "views/curation.py", "Kurasi basis pengetahuan"),
    ],
)
def test_each_role_reaches_its_pages(app: AppTest, username: str, page: str, title: str) -> None:
    login(app, username, PASSWORD)
    app.switch_page(page).run()
    assert [t.value for t in app.title] == [title]


def test_an_agent_cannot_open_curation(app: AppTest) -> None:
    login(app, "agen1", PASSWORD)
    # Curation is not among the agent's pages at all, so there is nothing to navigate to...
    with pytest.raises(ValueError, match=r"Known pages: \['[^']*console.py'\]"):
        app.switch_page("views/curation.py")
    # ...and the page itself refuses an agent who reaches its script another way.
    page = AppTest.from_file(str(UI / "views" / "curation.py"), default_timeout=60)
    page.session_state[USER_KEY] = app.session_state[USER_KEY]
    page.run()
    assert [e.value for e in page.error] == [
        "Akses ditolak: peran Agen tidak dapat membuka kurasi basis pengetahuan."
    ]
    assert not page.title


@pytest.mark.parametrize("name", ["console", "team_leader", "curation", "eval_qa"])
def test_every_page_asks_for_a_login_first(desk, name: str) -> None:
    page = AppTest.from_file(str(UI / "views" / f"{name}.py"), default_timeout=60).run()
    assert [i.value for i in page.info] == ["Silakan masuk terlebih dahulu."]


def test_logout_forgets_the_user(app: AppTest) -> None:
    login(app, "agen1", PASSWORD)
    app.sidebar.button(key="logout").click().run()
    assert USER_KEY not in app.session_state
    assert app.text_input(key="login_username") is not None
