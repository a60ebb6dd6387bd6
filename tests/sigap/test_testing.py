"""``sigap.testing``: PostgreSQL cases skip locally but fail under CI when unconfigured."""

from __future__ import annotations

import pytest

from sigap.testing import PG_URL_ENV, postgres_url


def test_without_a_server_postgres_cases_skip_with_a_reason(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv(PG_URL_ENV, raising=False)
    monkeypatch.delenv("CI", raising=False)

    with pytest.raises(pytest.skip.Exception, match=PG_URL_ENV):
        postgres_url()


def test_under_ci_a_missing_server_fails_instead_of_skipping(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv(PG_URL_ENV, raising=False)
    monkeypatch.setenv("CI", "true")

    with pytest.raises(pytest.fail.Exception, match=f"CI=true but {PG_URL_ENV} is not set"):
        postgres_url()


def test_a_configured_server_is_used(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(PG_URL_ENV, " postgresql+psycopg://u:p@db/x ")

    assert postgres_url() == "postgresql+psycopg://u:p@db/x"
