"""Accounts: bcrypt hashes, generated passwords, login refused for wrong passwords."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from desk import AuthenticationFailed, Desk, InvalidUsername, UserExists, WeakPassword
from desk.audit import entries
from desk.auth import generate_password, hash_password, verify_password
from desk.models import UserRow
from desk.roles import ROLES, can, check_role, require
from sigap.db import session_scope

PASSWORD = "kata-sandi-uji-123"


def test_password_is_stored_only_as_a_bcrypt_hash(desk: Desk) -> None:
    desk.users.add("Budi", role="agent", password=PASSWORD)
    with session_scope(desk.engine) as session:
        row = session.scalar(select(UserRow))
    assert row.username == "budi" and row.password_hash.startswith("$2b$")
    assert PASSWORD not in row.password_hash
    assert desk.users.authenticate("BUDI", PASSWORD).role == "agent"


def test_wrong_password_is_refused_and_audited(desk: Desk) -> None:
    desk.users.add("budi", role="agent", password=PASSWORD)
    with pytest.raises(AuthenticationFailed) as wrong:
        desk.users.authenticate("budi", PASSWORD + "x")
    with pytest.raises(AuthenticationFailed) as unknown:
        desk.users.authenticate("siapa", PASSWORD)
    # The message never says whether the username exists.
    assert str(wrong.value) == str(unknown.value) == "Nama pengguna atau kata sandi salah."
    failed = entries(desk.engine, action="login_failed")
    assert [e.entity_id for e in failed] == ["budi", "siapa"]
    assert all(PASSWORD not in str(e.details) for e in failed)


def test_a_generated_password_is_returned_once_and_works(desk: Desk) -> None:
    user, password = desk.users.add("admin", role="admin")
    assert password and len(password) >= 16
    assert desk.users.authenticate("admin", password) == user
    (entry,) = entries(desk.engine, action="user_add")
    assert entry.details == {"role": "admin", "generated_password": True}
    assert password not in str(entry.details)


def test_chosen_passwords_and_usernames_are_checked(desk: Desk) -> None:
    with pytest.raises(WeakPassword, match="minimal 10 karakter"):
        desk.users.add("budi", role="agent", password="pendek")
    with pytest.raises(InvalidUsername):
        desk.users.add("b", role="agent", password=PASSWORD)
    with pytest.raises(ValueError, match="unknown role"):
        desk.users.add("budi", role="bos", password=PASSWORD)
    desk.users.add("budi", role="agent", password=PASSWORD)
    with pytest.raises(UserExists, match="sudah dipakai"):
        desk.users.add("BUDI", role="qa", password=PASSWORD)


def test_counts_and_listing(desk: Desk) -> None:
    desk.users.add("budi", role="agent", password=PASSWORD)
    desk.users.add("admin", role="admin")
    assert desk.users.count() == 2 and desk.users.count(role="admin") == 1
    assert [u.username for u in desk.users.list_users()] == ["admin", "budi"]


def test_hashes_never_verify_the_wrong_password() -> None:
    hashed = hash_password("benar-sekali-123", rounds=4)
    assert verify_password("benar-sekali-123", hashed)
    assert not verify_password("salah-sekali-123", hashed)
    assert not verify_password("x", "bukan-hash")
    assert generate_password() != generate_password()


@pytest.mark.parametrize(
    ("role", "allowed"),
    [
        ("agent", {"console"}),
        ("team_leader", {"console", "escalations", "curation"}),
        ("qa", {"curation", "evaluation", "qa_review"}),
        ("evaluator", {"evaluation"}),
        ("admin", {"console", "escalations", "curation", "evaluation", "qa_review", "users"}),
    ],
)
def test_role_permissions(role: str, allowed: set[str]) -> None:
    perms = {"console", "escalations", "curation", "evaluation", "qa_review", "users"}
    assert {p for p in perms if can(role, p)} == allowed


def test_roles_refuse_typos() -> None:
    assert check_role("qa") == "qa" and len(ROLES) == 5
    with pytest.raises(ValueError, match="unknown permission"):
        can("agent", "konsol")
    with pytest.raises(ValueError, match="unknown role"):
        check_role("supervisor")


def test_access_denied_names_role_and_page(desk: Desk) -> None:
    user, _ = desk.users.add("budi", role="agent", password=PASSWORD)
    with pytest.raises(PermissionError, match="peran Agen tidak dapat membuka kurasi"):
        require(user, "curation")
