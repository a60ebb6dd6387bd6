"""What every page shares: the cached database and engine, the logged-in user, page guards.

Heavy objects are built once per process (``st.cache_resource``) and keyed by
where they come from, so a test that points ``SIGAP_HOME`` elsewhere gets its
own. No business rule lives here: pages ask :mod:`desk`, :mod:`kb` and
:mod:`suggest`.
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import streamlit as st

from desk import Desk, User, can
from desk.roles import AccessDenied
from indexer.artifacts import IndexNotFound
from sigap.db import make_engine, upgrade_database
from sigap.settings import get_settings
from suggest import Engine

USER_KEY = "sigap_user"
# Call centres in Jawa Barat and Kring Pajak work on Western Indonesian Time.
LOCAL_TZ = ZoneInfo("Asia/Jakarta")


@st.cache_resource(show_spinner=False)
def _desk_for(database_url: str) -> Desk:
    engine = make_engine(database_url)
    upgrade_database(engine)
    return Desk.open(engine)


def desk_services() -> Desk:
    """Every desk service over the configured database (migrated once per process)."""
    return _desk_for(get_settings().database_url)


@st.cache_resource(show_spinner="Memuat indeks saran…")
def _engine_for(index_dir: str, encoder: str, default_desk: str) -> Engine:
    # One engine per process and configuration (the arguments are the cache key;
    # Engine.load reads the same settings). It reloads by itself when a new
    # index is published, so a publish never needs a restart.
    return Engine.load(index_dir)


def suggestion_engine() -> Engine | None:
    """The suggestion engine, or ``None`` when no index has been built yet."""
    settings = get_settings()
    try:
        return _engine_for(str(settings.index_dir), settings.encoder, settings.desk)
    except IndexNotFound:
        return None


def current_user() -> User | None:
    """Who is logged in in this browser session."""
    user = st.session_state.get(USER_KEY)
    return user if isinstance(user, User) else None


def log_in(user: User) -> None:
    st.session_state[USER_KEY] = user


def log_out() -> None:
    # Everything this session held belonged to the user; the open call stays
    # saved in the database and comes back at the next login.
    for key in list(st.session_state.keys()):
        del st.session_state[key]


def require_page(permission: str) -> User:
    """The logged-in user if their role may open this page; otherwise a message and stop."""
    user = current_user()
    if user is None:
        st.info("Silakan masuk terlebih dahulu.")
        st.stop()
    if not can(user.role, permission):
        st.error(str(AccessDenied(user.username, user.role, permission)))
        st.stop()
    return user


def local_time(when: dt.datetime | None, fmt: str = "%d-%m-%Y %H:%M") -> str:
    """A UTC timestamp as the call centre reads it (WIB)."""
    if when is None:
        return "-"
    return when.astimezone(LOCAL_TZ).strftime(fmt)


def minutes(seconds: float) -> str:
    """``12 mnt 05 dtk`` for waiting times."""
    whole = int(max(seconds, 0))
    if whole < 60:
        return f"{whole} dtk"
    return f"{whole // 60} mnt {whole % 60:02d} dtk"


def desk_label(desk: str) -> str:
    return {"djp": "Kring Pajak (DJP)", "samsat": "Samsat Jawa Barat"}.get(desk, desk)
