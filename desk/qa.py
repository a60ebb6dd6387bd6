"""QA review of one call against the SOP rubric.

The rubric follows the call-centre SOPs: greet, capture the caller's
identity, file the right Matrix Category, give the right answer, escalate when
the rules require it, and stay within the SOP time. Each item is met
(``True``), not met (``False``) or not applicable (``None``). Some items can
be read off the stored call; the reviewer confirms or overrides them.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

from sqlalchemy import Engine, select

from desk import audit
from desk.calls import Call, CallNotFound
from desk.escalations import Escalation
from desk.models import CallRow, QAReviewRow
from desk.roles import HasRole, require
from sigap.db import session_scope, utcnow

ENTITY = "desk_qa_review"


@dataclass(frozen=True)
class RubricItem:
    code: str
    label: str
    help: str


RUBRIC = (
    RubricItem("salam", "Salam pembuka", "Agen membuka dengan salam dan menyebut nama sesuai SOP."),
    RubricItem(
        "identitas",
        "Identitas dicatat",
        "NPWP/NIK (DJP) atau nama, nomor polisi dan wilayah Samsat dicatat dan valid.",
    ),
    RubricItem(
        "kategori",
        "Kategori tepat",
        "Matrix Category (topik dan jenis) sesuai maksud penelepon.",
    ),
    RubricItem(
        "jawaban",
        "Jawaban benar",
        "Jawaban sesuai basis pengetahuan dan peraturan, tanpa penafsiran sendiri.",
    ),
    RubricItem(
        "eskalasi",
        "Eskalasi bila wajib",
        "Permintaan penafsiran, data back office, atau di luar KB dieskalasi ke team leader.",
    ),
    RubricItem("waktu", "Sesuai waktu SOP", "Panggilan selesai dalam batas waktu SOP layanannya."),
)
RUBRIC_CODES = tuple(item.code for item in RUBRIC)
# Flags after which the SOP requires the agent to escalate.
ESCALATION_FLAGS = ("interpretasi",)


class InvalidReview(ValueError):
    """Marks that do not fit the rubric."""


@dataclass(frozen=True)
class QAReview:
    id: int
    call_id: str
    reviewer: str
    created_at: dt.datetime
    marks: dict[str, bool | None]
    score: float | None
    comment: str | None


def score(marks: Mapping[str, bool | None]) -> float | None:
    """Share of applicable items met; ``None`` when nothing applies.

    >>> score({"salam": True, "identitas": False, "eskalasi": None})
    0.5
    """
    applicable = [v for v in marks.values() if v is not None]
    if not applicable:
        return None
    return sum(bool(v) for v in applicable) / len(applicable)


def prefill(
    call: Call, escalations: Sequence[Escalation] = (), *, now: dt.datetime | None = None
) -> dict[str, bool | None]:
    """The rubric as far as the stored call tells; ``None`` where a person must judge.

    - salam: the greeting step was marked;
    - identitas: a validated identity was stored;
    - kategori, jawaban: left to the reviewer;
    - eskalasi: required when an ``interpretasi`` flag was raised; met when the
      call was escalated; not applicable when neither;
    - waktu: the call stayed within its desk's SOP time (no clock went red).
    """
    escalated = bool(escalations) or call.outcome == "escalated"
    required = any(code in ESCALATION_FLAGS for code in call.flag_codes)
    if required or escalated:
        escalation: bool | None = escalated
    else:
        escalation = None
    status = call.sla(now or call.ended_at or utcnow())
    within = status.state != "red" and all(s.state != "red" for s in status.steps)
    return {
        "salam": "salam" in call.step_marks,
        "identitas": call.identity is not None,
        "kategori": None,
        "jawaban": None,
        "eskalasi": escalation,
        "waktu": within if call.ended_at is not None else None,
    }


def _review(row: QAReviewRow) -> QAReview:
    return QAReview(
        row.id, row.call_id, row.reviewer, row.created_at, dict(row.marks), row.score, row.comment
    )


class QAReviews:
    """QA reviews over a migrated engine."""

    def __init__(self, engine: Engine, *, clock: Callable[[], dt.datetime] = utcnow) -> None:
        self.engine = engine
        self.clock = clock

    def record(
        self,
        call_id: str,
        reviewer: HasRole,
        marks: Mapping[str, bool | None],
        *,
        comment: str | None = None,
    ) -> QAReview:
        """Store one review of a closed call.

        Raises:
            AccessDenied: the role does not review calls.
            InvalidReview: marks missing or beyond the rubric, or the call is still open.
            CallNotFound.
        """
        require(reviewer, "qa_review")
        if set(marks) != set(RUBRIC_CODES):
            raise InvalidReview(f"penilaian harus memuat tepat butir: {', '.join(RUBRIC_CODES)}")
        clean = {
            code: (None if marks[code] is None else bool(marks[code])) for code in RUBRIC_CODES
        }
        now = self.clock()
        with session_scope(self.engine) as session:
            call = session.get(CallRow, call_id)
            if call is None:
                raise CallNotFound(call_id)
            if call.status != "closed":
                raise InvalidReview("panggilan yang masih terbuka belum dapat direview")
            row = QAReviewRow(
                call_id=call_id,
                reviewer=reviewer.username,
                created_at=now,
                marks=clean,
                score=score(clean),
                comment=(comment or "").strip() or None,
            )
            session.add(row)
            session.flush()
            audit.record(
                session,
                actor=reviewer.username,
                action="qa_review",
                entity=ENTITY,
                entity_id=row.id,
                at=now,
                details={"call_id": call_id, "score": row.score},
            )
            return _review(row)

    def for_call(self, call_id: str) -> list[QAReview]:
        """Reviews of one call, oldest first."""
        query = select(QAReviewRow).where(QAReviewRow.call_id == call_id)
        with session_scope(self.engine) as session:
            return [_review(r) for r in session.scalars(query.order_by(QAReviewRow.id))]
