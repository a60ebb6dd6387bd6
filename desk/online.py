"""Stored calls as :class:`evaluation.online.CallRecord`, for the online metrics."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from desk.calls import Call
from desk.sla import POLICIES, answer_deadline_s
from evaluation.online import CallRecord


def call_record(call: Call) -> CallRecord | None:
    """The metrics' view of one call; ``None`` for a call still open (no outcome yet).

    ``suggestions`` is the list the agent chose from (or the last one shown),
    ``answered_at`` the ``jawaban`` SOP step: absent when the caller was not
    answered on the line (call back, or an escalation still unanswered).
    """
    if call.is_open or call.outcome is None:
        return None
    return CallRecord(
        call_id=call.id,
        desk=call.desk,
        started_at=call.started_at,
        outcome=call.outcome,
        answered_at=call.answered_at,
        ended_at=call.ended_at,
        suggestions=tuple(s.article_id for s in sorted(call.suggestions, key=lambda s: s.rank)),
        used_article_id=call.used_article_id,
        flags=call.flag_codes,
    )


def call_records(calls: Iterable[Call]) -> list[CallRecord]:
    """Records of the closed calls among ``calls``."""
    return [r for r in (call_record(c) for c in calls) if r is not None]


def answer_sla() -> dict[str, dt.timedelta]:
    """Per desk, the time within which a caller must be answered (for ``sla_compliance``)."""
    return {desk: dt.timedelta(seconds=answer_deadline_s(p)) for desk, p in POLICIES.items()}
