"""Passwords: bcrypt hashes, generated passwords, and the minimum a chosen one must meet."""

from __future__ import annotations

import secrets
from functools import cache

import bcrypt

MIN_PASSWORD_CHARS = 10
# bcrypt ignores bytes past 72; refuse instead of silently truncating.
MAX_PASSWORD_BYTES = 72
BCRYPT_ROUNDS = 12  # ~0.25 s per check here: slow for guessing, unnoticed at login
GENERATED_BYTES = 12  # 16 URL-safe characters


class WeakPassword(ValueError):
    """A chosen password that is too short or too long. ``str()`` is the Indonesian message."""


def check_password_policy(password: str) -> str:
    """``password`` if it may be used.

    Raises:
        WeakPassword: shorter than :data:`MIN_PASSWORD_CHARS` or over 72 bytes.
    """
    if len(password) < MIN_PASSWORD_CHARS:
        raise WeakPassword(f"kata sandi minimal {MIN_PASSWORD_CHARS} karakter")
    if len(password.encode("utf-8")) > MAX_PASSWORD_BYTES:
        raise WeakPassword(f"kata sandi maksimal {MAX_PASSWORD_BYTES} byte")
    return password


def generate_password() -> str:
    """A random password for a new account (shown once, never stored in clear)."""
    return secrets.token_urlsafe(GENERATED_BYTES)


def hash_password(password: str, *, rounds: int | None = None) -> str:
    """The bcrypt hash of ``password`` (salt included)."""
    salt = bcrypt.gensalt(rounds or BCRYPT_ROUNDS)
    return bcrypt.hashpw(password.encode("utf-8"), salt).decode("ascii")


def verify_password(password: str, hashed: str) -> bool:
    """Whether ``password`` matches ``hashed``; False for any malformed input."""
    data = password.encode("utf-8")
    if len(data) > MAX_PASSWORD_BYTES:
        return False
    try:
        return bcrypt.checkpw(data, hashed.encode("ascii"))
    except ValueError:  # not a bcrypt hash
        return False


@cache
def _dummy_hash(rounds: int) -> str:
    return hash_password(secrets.token_urlsafe(16), rounds=rounds)


def burn_check(password: str) -> None:
    """Spend the time of one password check, for an unknown username.

    A wrong username and a wrong password then take the same time and cannot
    be told apart.
    """
    verify_password(password, _dummy_hash(BCRYPT_ROUNDS))
