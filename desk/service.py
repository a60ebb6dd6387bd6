"""``Desk``: every desk service over one engine, built once."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import Engine

from desk.calls import CallLog
from desk.escalations import EscalationDesk
from desk.gaps import GapLog
from desk.qa import QAReviews
from desk.users import UserDirectory
from kb.store import KBStore
from sigap.db import utcnow


@dataclass(frozen=True)
class Desk:
    """The SOP workflow over one migrated database.

    Example:
        >>> desk = Desk.open(engine)                            # doctest: +SKIP
        >>> agent = desk.users.authenticate("agen", password)   # doctest: +SKIP
        >>> call = desk.calls.start(agent, "djp")               # doctest: +SKIP
    """

    engine: Engine
    kb: KBStore
    users: UserDirectory
    calls: CallLog
    escalations: EscalationDesk
    gaps: GapLog
    qa: QAReviews

    @classmethod
    def open(
        cls,
        engine: Engine,
        *,
        kb_store: KBStore | None = None,
        clock: Callable[[], dt.datetime] = utcnow,
    ) -> Desk:
        """Every service over ``engine`` (already migrated), sharing one clock."""
        kb = kb_store or KBStore(engine)
        return cls(
            engine=engine,
            kb=kb,
            users=UserDirectory(engine, clock=clock),
            calls=CallLog(engine, clock=clock),
            escalations=EscalationDesk(engine, kb_store=kb, clock=clock),
            gaps=GapLog(engine, clock=clock),
            qa=QAReviews(engine, clock=clock),
        )
