"""Local accounts: create, look up, log in. Passwords are kept only as bcrypt hashes."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import Engine, func, select

from desk import audit
from desk.auth import (
    burn_check,
    check_password_policy,
    generate_password,
    hash_password,
    verify_password,
)
from desk.models import UserRow
from desk.roles import ROLE_LABELS, check_role
from sigap.db import session_scope, utcnow

USERNAME_PATTERN = re.compile(r"^[a-z][a-z0-9._-]{2,31}$")
ENTITY = "desk_user"


class UserError(Exception):
    """Base of the account errors; ``str()`` is a message for people."""


class InvalidUsername(UserError, ValueError):
    def __init__(self, username: str) -> None:
        super().__init__(
            f"nama pengguna {username!r} tidak valid: 3–32 karakter, huruf kecil, angka, "
            "titik, strip atau garis bawah, diawali huruf"
        )


class UserExists(UserError, ValueError):
    def __init__(self, username: str) -> None:
        super().__init__(f"nama pengguna {username!r} sudah dipakai")


class UserNotFound(UserError, LookupError):
    def __init__(self, username: str) -> None:
        super().__init__(f"tidak ada pengguna {username!r}")


class AuthenticationFailed(UserError):
    """Wrong username or password; the message never says which."""

    def __init__(self) -> None:
        super().__init__("Nama pengguna atau kata sandi salah.")


@dataclass(frozen=True)
class User:
    """Who is logged in: what every desk service checks roles against."""

    username: str
    role: str
    display_name: str
    active: bool = True

    @property
    def role_label(self) -> str:
        return ROLE_LABELS.get(self.role, self.role)


def _user(row: UserRow) -> User:
    return User(row.username, row.role, row.display_name, row.active)


def normalize_username(username: str) -> str:
    """``username`` trimmed and lower-cased.

    Raises:
        InvalidUsername: not 3–32 of ``a-z 0-9 . _ -`` starting with a letter.
    """
    name = (username or "").strip().lower()
    if not USERNAME_PATTERN.match(name):
        raise InvalidUsername(username)
    return name


class UserDirectory:
    """The local accounts over a migrated engine."""

    def __init__(self, engine: Engine, *, clock: Callable[[], dt.datetime] = utcnow) -> None:
        self.engine = engine
        self.clock = clock

    def add(
        self,
        username: str,
        *,
        role: str,
        password: str | None = None,
        display_name: str | None = None,
        actor: str = "system",
    ) -> tuple[User, str | None]:
        """Create an account.

        Args:
            username: login name (normalised to lower case).
            role: one of :data:`desk.roles.ROLES`.
            password: the chosen password; ``None`` generates one.
            display_name: shown in the interface (default: the username).
            actor: who creates it, for the audit log.

        Returns:
            The user, and the generated password (``None`` when one was given):
            show it once, it is not stored.

        Raises:
            InvalidUsername, UserExists, ValueError (unknown role), WeakPassword.
        """
        name = normalize_username(username)
        check_role(role)
        generated = None
        if password is None:
            password = generated = generate_password()
        check_password_policy(password)
        now = self.clock()
        with session_scope(self.engine) as session:
            if session.get(UserRow, name) is not None:
                raise UserExists(name)
            row = UserRow(
                username=name,
                password_hash=hash_password(password),
                role=role,
                display_name=(display_name or "").strip() or name,
                active=True,
                created_by=actor,
                created_at=now,
            )
            session.add(row)
            audit.record(
                session,
                actor=actor,
                action="user_add",
                entity=ENTITY,
                entity_id=name,
                at=now,
                details={"role": role, "generated_password": generated is not None},
            )
        return _user(row), generated

    def authenticate(self, username: str, password: str) -> User:
        """The active user with this password; every attempt is in the audit log.

        Raises:
            AuthenticationFailed: unknown or inactive user, or wrong password
                (indistinguishable, also in time).
        """
        name = (username or "").strip().lower()[:32]
        now = self.clock()
        with session_scope(self.engine) as session:
            row = session.get(UserRow, name) if name else None
            if row is None:
                burn_check(password)
                ok = False
            else:
                ok = verify_password(password, row.password_hash) and row.active
            audit.record(
                session,
                actor=name or "-",
                action="login" if ok else "login_failed",
                entity=ENTITY,
                entity_id=name or "-",
                at=now,
            )
        if not ok or row is None:
            raise AuthenticationFailed()
        return _user(row)

    def get(self, username: str) -> User:
        """Raises: UserNotFound."""
        with session_scope(self.engine) as session:
            row = session.get(UserRow, (username or "").strip().lower())
            if row is None:
                raise UserNotFound(username)
            return _user(row)

    def list_users(self) -> list[User]:
        """Every account, sorted by username."""
        with session_scope(self.engine) as session:
            return [_user(r) for r in session.scalars(select(UserRow).order_by(UserRow.username))]

    def count(self, *, role: str | None = None) -> int:
        """How many accounts (of ``role``) exist."""
        query = select(func.count()).select_from(UserRow)
        if role is not None:
            query = query.where(UserRow.role == check_role(role))
        with session_scope(self.engine) as session:
            return int(session.scalar(query) or 0)
