"""Desk fixtures: a migrated database on every backend, a clock the test moves, accounts."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest
from sqlalchemy import Engine

from desk import Desk, User
from sigap import testing as db_testing
from sigap.db import upgrade_database

db_backend = db_testing.db_backend
fresh_engine = db_testing.fresh_engine

T0 = dt.datetime(2026, 11, 23, 8, 0, tzinfo=dt.UTC)
PASSWORD = "kata-sandi-uji-123"


class Clock:
    """A clock that only moves when the test says so."""

    def __init__(self, start: dt.datetime = T0) -> None:
        self.now = start

    def __call__(self) -> dt.datetime:
        return self.now

    def advance(self, seconds: float) -> dt.datetime:
        self.now += dt.timedelta(seconds=seconds)
        return self.now


@pytest.fixture(autouse=True)
def _fast_bcrypt(monkeypatch: pytest.MonkeyPatch) -> None:
    # The cost factor is what makes guessing slow; tests only need the behaviour.
    monkeypatch.setattr("desk.auth.BCRYPT_ROUNDS", 4)


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def engine(fresh_engine: Callable[[], Engine]) -> Engine:
    engine = fresh_engine()
    upgrade_database(engine)
    return engine


@pytest.fixture
def desk(engine: Engine, clock: Clock) -> Desk:
    return Desk.open(engine, clock=clock)


@pytest.fixture
def agent(desk: Desk) -> User:
    user, _ = desk.users.add("agen1", role="agent", password=PASSWORD, display_name="Agen Satu")
    return user


@pytest.fixture
def other_agent(desk: Desk) -> User:
    user, _ = desk.users.add("agen2", role="agent", password=PASSWORD)
    return user


@pytest.fixture
def leader(desk: Desk) -> User:
    user, _ = desk.users.add("tl1", role="team_leader", password=PASSWORD)
    return user


@pytest.fixture
def reviewer(desk: Desk) -> User:
    user, _ = desk.users.add("qa1", role="qa", password=PASSWORD)
    return user


def _efin_record(*, question: str = "lupa efin gmn", score: float = 0.91) -> dict:
    return {
        "query": question,
        "suggestions": [
            {"article_id": "djp-akun-lupa-efin", "title": "Lupa EFIN", "score": score},
            {"article_id": "djp-akun-lupa-password", "title": "Lupa sandi", "score": 0.4},
        ],
        "category": {"code": "DJP-AKUN", "confidence": 0.93, "alternatives": []},
        "jenis": {"code": "INFORMASI", "confidence": 0.97},
        "flags": [{"code": "validasi", "reason": "data penelepon", "confidence": 0.7}],
        "kb_version": "kb-test",
        "latency_ms": 12.0,
    }


@pytest.fixture
def efin_record() -> Callable[..., dict]:
    """Suggestion records as the engine returns them (suggest-contract.md), trimmed."""
    return _efin_record
