"""Calls: start, autosave while open, record identity, suggestions and SOP steps, close.

An open call is a draft: every change the agent makes is saved as it happens
(``autosave``), so a browser refresh or a crash loses nothing; the console
restores the agent's open call when they log in again. Closing validates the
whole call and fixes its outcome and SLA timings.

The NPWP or NIK of a call is shown only to the call's own agent
(``viewer``); everything else gets it masked.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from sqlalchemy import Engine, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from desk import audit
from desk.identity import CallerIdentity, mask_digits, mask_text
from desk.models import OUTCOMES, CallRow, EscalationRow
from desk.roles import HasRole, require
from desk.sla import STEPS, SLAStatus, policy_for, sla_status, step_durations
from kb.categories import load_codes
from sigap.db import session_scope, utcnow

ENTITY = "desk_call"
DESKS = ("djp", "samsat")
OUTCOME_LABELS = {
    "answered": "Terjawab",
    "escalated": "Dieskalasi",
    "call_back": "Dihubungi kembali",
}
# What the console saves while the agent types: raw form inputs, not yet validated.
DRAFT_FIELDS = (
    "caller_name",
    "taxpayer_id",
    "plate",
    "region",
    "question",
    "answer",
    "final_category",
    "final_jenis",
    "outcome",
    "notes",
)
MAX_QUESTION_CHARS = 1000


class CallError(Exception):
    """Base of the call errors; ``str()`` is the Indonesian message for the agent."""


class CallNotFound(CallError, LookupError):
    def __init__(self, call_id: str) -> None:
        self.call_id = call_id
        super().__init__(f"panggilan {call_id} tidak ditemukan")


class CallClosed(CallError):
    def __init__(self, call_id: str) -> None:
        self.call_id = call_id
        super().__init__(f"panggilan {short_id(call_id)} sudah ditutup dan tidak dapat diubah")


class CallAlreadyOpen(CallError):
    def __init__(self, call_id: str) -> None:
        self.call_id = call_id
        super().__init__(
            f"masih ada panggilan terbuka ({short_id(call_id)}); simpan panggilan itu dahulu"
        )


class NotCallOwner(CallError, PermissionError):
    def __init__(self, call_id: str, username: str) -> None:
        self.call_id, self.username = call_id, username
        super().__init__(f"panggilan {short_id(call_id)} milik agen lain")


class CallIncomplete(CallError, ValueError):
    """A call that cannot be saved yet; ``problems`` lists every reason."""

    def __init__(self, problems: Sequence[str]) -> None:
        self.problems = tuple(problems)
        super().__init__("Panggilan belum dapat disimpan: " + "; ".join(self.problems))


def short_id(call_id: str) -> str:
    """The first 8 characters: enough to tell calls apart on screen."""
    return call_id[:8]


@dataclass(frozen=True)
class ShownSuggestion:
    """A suggestion as it was on screen: which article, at which rank, with which score."""

    article_id: str
    rank: int
    score: float
    title: str = ""

    def to_dict(self) -> dict[str, Any]:
        return {
            "article_id": self.article_id,
            "rank": self.rank,
            "score": round(float(self.score), 4),
            "title": self.title,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> ShownSuggestion:
        return cls(
            str(data["article_id"]),
            int(data["rank"]),
            float(data["score"]),
            str(data.get("title", "")),
        )


@dataclass(frozen=True)
class PanelSnapshot:
    """What the side panel showed for the question: the suggestion record, trimmed."""

    question: str
    suggestions: tuple[ShownSuggestion, ...]
    category: str | None
    category_confidence: float | None
    jenis: str | None
    jenis_confidence: float | None
    flags: tuple[dict[str, Any], ...]
    kb_version: str | None

    @classmethod
    def from_record(cls, record: Mapping[str, Any]) -> PanelSnapshot:
        """From the suggestion record of suggest-contract.md (``SuggestionResult.to_dict()``)."""
        category = record.get("category") or {}
        jenis = record.get("jenis") or {}
        return cls(
            question=str(record.get("query", "")),
            suggestions=tuple(
                ShownSuggestion(s["article_id"], rank, float(s["score"]), s.get("title", ""))
                for rank, s in enumerate(record.get("suggestions", ()), start=1)
            ),
            category=category.get("code"),
            category_confidence=category.get("confidence"),
            jenis=jenis.get("code"),
            jenis_confidence=jenis.get("confidence"),
            flags=tuple(
                {"code": f["code"], "reason": f.get("reason", ""), "confidence": f["confidence"]}
                for f in record.get("flags", ())
            ),
            kb_version=record.get("kb_version"),
        )


@dataclass(frozen=True)
class Call:
    """One call as the desk holds it. ``identity`` is masked unless ``revealed``."""

    id: str
    desk: str
    agent: str
    status: str
    started_at: dt.datetime
    ended_at: dt.datetime | None
    identity: CallerIdentity | None
    question: str
    predicted_category: str | None
    category_confidence: float | None
    final_category: str | None
    predicted_jenis: str | None
    jenis_confidence: float | None
    final_jenis: str | None
    flags: tuple[dict[str, Any], ...]
    suggestions: tuple[ShownSuggestion, ...]
    kb_version: str | None
    used_article_id: str | None
    used_rank: int | None
    used_score: float | None
    answer: str | None
    outcome: str | None
    step_marks: dict[str, dt.datetime] = field(default_factory=dict)
    step_seconds: dict[str, float] = field(default_factory=dict)
    draft: dict[str, Any] = field(default_factory=dict)
    revealed: bool = False

    @property
    def short_id(self) -> str:
        return short_id(self.id)

    @property
    def is_open(self) -> bool:
        return self.status == "open"

    @property
    def flag_codes(self) -> tuple[str, ...]:
        return tuple(f["code"] for f in self.flags)

    @property
    def answered_at(self) -> dt.datetime | None:
        """When the caller got an answer on the line (the ``jawaban`` step), if they did."""
        return self.step_marks.get("jawaban")

    @property
    def duration_s(self) -> float | None:
        if self.ended_at is None:
            return None
        return (self.ended_at - self.started_at).total_seconds()

    def sla(self, now: dt.datetime) -> SLAStatus:
        """The SOP clocks at ``now`` (a closed call: as it ended)."""
        return sla_status(
            policy_for(self.desk), self.started_at, self.step_marks, now, ended_at=self.ended_at
        )

    def masked(self) -> Call:
        """This call as any view but its own shows it."""
        if not self.revealed:
            return self
        return _masked(self)


def _masked(call: Call) -> Call:
    draft = dict(call.draft)
    if draft.get("taxpayer_id"):
        draft["taxpayer_id"] = mask_digits(str(draft["taxpayer_id"]))
    for key in ("question", "answer", "notes"):
        if draft.get(key):
            draft[key] = mask_text(str(draft[key]))
    return replace(
        call,
        identity=call.identity.mask() if call.identity else None,
        question=mask_text(call.question),
        answer=mask_text(call.answer) if call.answer else call.answer,
        draft=draft,
        revealed=False,
    )


def identity_of(row: CallRow) -> CallerIdentity | None:
    if row.desk == "djp" and row.id_number:
        return CallerIdentity(
            "djp", name=row.caller_name, id_kind=row.id_kind, id_number=row.id_number
        )
    if row.desk == "samsat" and row.plate:
        return CallerIdentity("samsat", name=row.caller_name, plate=row.plate, region=row.region)
    return None


def _call(row: CallRow, *, reveal: bool) -> Call:
    call = Call(
        id=row.id,
        desk=row.desk,
        agent=row.agent,
        status=row.status,
        started_at=row.started_at,
        ended_at=row.ended_at,
        identity=identity_of(row),
        question=row.question,
        predicted_category=row.predicted_category,
        category_confidence=row.category_confidence,
        final_category=row.final_category,
        predicted_jenis=row.predicted_jenis,
        jenis_confidence=row.jenis_confidence,
        final_jenis=row.final_jenis,
        flags=tuple(row.flags or ()),
        suggestions=tuple(ShownSuggestion.from_dict(s) for s in row.suggestions or ()),
        kb_version=row.kb_version,
        used_article_id=row.used_article_id,
        used_rank=row.used_rank,
        used_score=row.used_score,
        answer=row.answer,
        outcome=row.outcome,
        step_marks={k: dt.datetime.fromisoformat(v) for k, v in (row.step_marks or {}).items()},
        step_seconds=dict(row.step_seconds or {}),
        draft=dict(row.draft or {}),
        revealed=True,
    )
    return call if reveal else _masked(call)


def mark_row(row: CallRow, step: str, at: dt.datetime) -> bool:
    """Mark ``step`` done at ``at`` unless it already is; True when it was new."""
    if step not in STEPS:
        raise ValueError(f"unknown SOP step {step!r}; valid: {', '.join(STEPS)}")
    marks = dict(row.step_marks or {})
    if step in marks:
        return False
    marks[step] = at.isoformat()
    row.step_marks = marks  # a new dict, so that the JSON column is seen as changed
    return True


class CallLog:
    """Calls over a migrated engine. Methods take the acting :class:`desk.users.User`."""

    def __init__(self, engine: Engine, *, clock: Callable[[], dt.datetime] = utcnow) -> None:
        self.engine = engine
        self.clock = clock

    # -- reading ----------------------------------------------------------------------

    def get(self, call_id: str, *, viewer: HasRole | None = None) -> Call:
        """One call; its NPWP or NIK is in clear only when ``viewer`` is its agent.

        Raises:
            CallNotFound.
        """
        with session_scope(self.engine) as session:
            row = self._row(session, call_id)
            return _call(row, reveal=viewer is not None and viewer.username == row.agent)

    def open_call(self, agent: HasRole) -> Call | None:
        """The agent's open call, in clear (it is their own), or ``None``."""
        query = select(CallRow).where(CallRow.agent == agent.username, CallRow.status == "open")
        with session_scope(self.engine) as session:
            row = session.scalar(query)
            return _call(row, reveal=True) if row is not None else None

    def list_calls(
        self,
        *,
        start: dt.datetime | None = None,
        end: dt.datetime | None = None,
        desk: str | None = None,
        agent: str | None = None,
        status: str | None = None,
        limit: int | None = None,
    ) -> list[Call]:
        """Calls started in ``[start, end)``, newest first, always masked."""
        query = select(CallRow)
        if start is not None:
            query = query.where(CallRow.started_at >= start)
        if end is not None:
            query = query.where(CallRow.started_at < end)
        if desk is not None:
            query = query.where(CallRow.desk == desk)
        if agent is not None:
            query = query.where(CallRow.agent == agent)
        if status is not None:
            query = query.where(CallRow.status == status)
        query = query.order_by(CallRow.started_at.desc(), CallRow.id)
        if limit is not None:
            query = query.limit(limit)
        with session_scope(self.engine) as session:
            return [_call(row, reveal=False) for row in session.scalars(query)]

    # -- writing ----------------------------------------------------------------------

    def start(self, agent: HasRole, desk: str) -> Call:
        """Start the clock of a new call ("Mulai panggilan").

        Raises:
            AccessDenied: the role does not take calls.
            ValueError: unknown desk.
            CallAlreadyOpen: the agent still has an open call.
        """
        require(agent, "console")
        if desk not in DESKS:
            raise ValueError(f"unknown desk {desk!r}; valid: {', '.join(DESKS)}")
        existing = self.open_call(agent)
        if existing is not None:
            raise CallAlreadyOpen(existing.id)
        now = self.clock()
        row = CallRow(
            id=uuid.uuid4().hex,
            desk=desk,
            agent=agent.username,
            status="open",
            started_at=now,
            question="",
            flags=[],
            suggestions=[],
            step_marks={},
            step_seconds={},
            draft={},
            updated_at=now,
        )
        try:
            with session_scope(self.engine) as session:
                session.add(row)
                self._audit(session, agent, "call_start", row.id, now, {"desk": desk})
        except IntegrityError as exc:  # a second tab started one at the same moment
            existing = self.open_call(agent)
            if existing is None:
                raise
            raise CallAlreadyOpen(existing.id) from exc
        return _call(row, reveal=True)

    def autosave(
        self,
        call_id: str,
        agent: HasRole,
        *,
        draft: Mapping[str, Any] | None = None,
        panel: PanelSnapshot | None = None,
    ) -> bool:
        """Save what changed in an open call: form inputs and what the panel shows.

        Writes (and audits, naming the fields, never their values) only when
        something differs from what is stored.

        Returns:
            True when something was written.

        Raises:
            ValueError: a draft field not in :data:`DRAFT_FIELDS`.
            CallNotFound, CallClosed, NotCallOwner.
        """
        draft = dict(draft or {})
        unknown = set(draft) - set(DRAFT_FIELDS)
        if unknown:
            raise ValueError(f"unknown draft fields {sorted(unknown)}; valid: {DRAFT_FIELDS}")
        question = draft.get("question")
        if isinstance(question, str) and len(question) > MAX_QUESTION_CHARS:
            draft["question"] = question[:MAX_QUESTION_CHARS]
        now = self.clock()
        with session_scope(self.engine) as session:
            row = self.lock_open_call(session, call_id, agent)
            stored = dict(row.draft or {})
            # A field never saved and one saved empty are the same draft.
            changed = sorted(k for k, v in draft.items() if (stored.get(k) or "") != (v or ""))
            if changed:
                row.draft = {**stored, **draft}
            if "question" in draft and row.question != draft["question"]:
                row.question = str(draft["question"] or "")
            # Once a suggestion is used, the call keeps the list it was chosen
            # from: the used rank and the online metrics refer to that list.
            if panel is not None and row.used_article_id is None and self._apply_panel(row, panel):
                changed.append("panel")
            if not changed:
                return False
            row.updated_at = now
            self._audit(session, agent, "autosave", call_id, now, {"fields": changed})
            return True

    @staticmethod
    def _apply_panel(row: CallRow, panel: PanelSnapshot) -> bool:
        values = {
            "predicted_category": panel.category,
            "category_confidence": panel.category_confidence,
            "predicted_jenis": panel.jenis,
            "jenis_confidence": panel.jenis_confidence,
            "flags": [dict(f) for f in panel.flags],
            "suggestions": [s.to_dict() for s in panel.suggestions],
            "kb_version": panel.kb_version,
        }
        changed = False
        for name, value in values.items():
            if getattr(row, name) != value:
                setattr(row, name, value)
                changed = True
        return changed

    def set_identity(self, call_id: str, agent: HasRole, identity: CallerIdentity) -> Call:
        """Store the validated identity (from :func:`desk.identity.validate_identity`).

        Marks the ``identitas`` SOP step.

        Raises:
            ValueError: the identity is masked or for another desk.
            CallNotFound, CallClosed, NotCallOwner.
        """
        if identity.masked:
            raise ValueError("a masked identity cannot be stored; validate the form again")
        now = self.clock()
        with session_scope(self.engine) as session:
            row = self.lock_open_call(session, call_id, agent)
            if identity.desk != row.desk:
                raise ValueError(f"identity of desk {identity.desk!r} on a {row.desk!r} call")
            row.caller_name = identity.name
            row.id_kind, row.id_number = identity.id_kind, identity.id_number
            row.plate, row.region = identity.plate, identity.region
            mark_row(row, "identitas", now)
            row.updated_at = now
            details = {"identity": identity.mask().summary()}
            self._audit(session, agent, "identity", call_id, now, details)
            return _call(row, reveal=True)

    def mark_step(self, call_id: str, agent: HasRole, step: str) -> bool:
        """Mark an SOP step done now (the first mark counts). True when it was new.

        Raises:
            ValueError: unknown step. CallNotFound, CallClosed, NotCallOwner.
        """
        now = self.clock()
        with session_scope(self.engine) as session:
            row = self.lock_open_call(session, call_id, agent)
            if not mark_row(row, step, now):
                return False
            row.updated_at = now
            self._audit(session, agent, "step", call_id, now, {"step": step})
            return True

    def use_suggestion(
        self,
        call_id: str,
        agent: HasRole,
        *,
        article_id: str,
        rank: int,
        score: float,
        answer: str | None = None,
        panel: PanelSnapshot | None = None,
    ) -> Call:
        """Record the suggestion the agent used; its answer becomes the draft answer.

        Marks the ``pertanyaan`` SOP step (the question is understood). The
        panel it was chosen from (``panel``) is kept with the call from now on.

        Raises:
            CallNotFound, CallClosed, NotCallOwner.
        """
        now = self.clock()
        with session_scope(self.engine) as session:
            row = self.lock_open_call(session, call_id, agent)
            if panel is not None:
                self._apply_panel(row, panel)
                if panel.question:
                    row.question = panel.question
            row.used_article_id, row.used_rank, row.used_score = article_id, rank, float(score)
            if answer is not None:
                row.draft = {**(row.draft or {}), "answer": answer}
            mark_row(row, "pertanyaan", now)
            row.updated_at = now
            details = {"article_id": article_id, "rank": rank, "score": round(float(score), 4)}
            self._audit(session, agent, "use_suggestion", call_id, now, details)
            return _call(row, reveal=True)

    def close(
        self,
        call_id: str,
        agent: HasRole,
        *,
        outcome: str | None = None,
        answer: str | None = None,
        final_category: str | None = None,
        final_jenis: str | None = None,
    ) -> Call:
        """Save and end the call. Values not given come from the draft, then the prediction.

        Raises:
            CallIncomplete: every reason the call cannot be saved yet.
            CallNotFound, CallClosed, NotCallOwner.
        """
        now = self.clock()
        codes = load_codes()
        with session_scope(self.engine) as session:
            row = self.lock_open_call(session, call_id, agent)
            draft = dict(row.draft or {})
            outcome = outcome or draft.get("outcome")
            answer = (answer if answer is not None else draft.get("answer")) or ""
            category = final_category or draft.get("final_category") or row.predicted_category
            jenis = final_jenis or draft.get("final_jenis") or row.predicted_jenis
            question = (draft.get("question") or row.question or "").strip()
            problems = []
            if identity_of(row) is None:
                problems.append("identitas penelepon belum disimpan")
            if not question:
                problems.append("pertanyaan penelepon belum diisi")
            if category not in codes.topics:
                problems.append("kategori belum dipilih")
            if jenis not in codes.jenis:
                problems.append("jenis permintaan belum dipilih")
            if outcome not in OUTCOMES:
                problems.append("hasil panggilan belum dipilih")
            elif outcome == "answered" and not answer.strip():
                problems.append("jawaban yang diberikan belum diisi")
            elif outcome == "escalated" and not self._has_escalation(session, call_id):
                problems.append("belum ada eskalasi untuk panggilan ini")
            if problems:
                raise CallIncomplete(problems)
            if outcome != "call_back" and answer.strip():
                mark_row(row, "jawaban", now)  # unless the agent marked it earlier
            mark_row(row, "penutup", now)
            marks = {k: dt.datetime.fromisoformat(v) for k, v in row.step_marks.items()}
            row.step_seconds = step_durations(row.started_at, marks)
            row.question = question
            row.answer = answer.strip() or None
            row.outcome = outcome
            row.final_category, row.final_jenis = category, jenis
            row.status, row.ended_at, row.updated_at = "closed", now, now
            details = {
                "outcome": outcome,
                "category": category,
                "jenis": jenis,
                "used_article_id": row.used_article_id,
                "duration_s": round((now - row.started_at).total_seconds(), 1),
            }
            self._audit(session, agent, "call_close", call_id, now, details)
            return _call(row, reveal=True)

    # -- helpers over one session -----------------------------------------------------

    @staticmethod
    def _row(session: Session, call_id: str) -> CallRow:
        row = session.get(CallRow, call_id)
        if row is None:
            raise CallNotFound(call_id)
        return row

    def lock_open_call(self, session: Session, call_id: str, agent: HasRole) -> CallRow:
        """The agent's open call row, locked for update inside ``session``.

        Raises:
            AccessDenied, CallNotFound, NotCallOwner, CallClosed.
        """
        require(agent, "console")
        query = select(CallRow).where(CallRow.id == call_id).with_for_update()
        row = session.scalar(query)
        if row is None:
            raise CallNotFound(call_id)
        if row.agent != agent.username:
            raise NotCallOwner(call_id, agent.username)
        if row.status != "open":
            raise CallClosed(call_id)
        return row

    @staticmethod
    def _has_escalation(session: Session, call_id: str) -> bool:
        query = select(EscalationRow.id).where(EscalationRow.call_id == call_id).limit(1)
        return session.scalar(query) is not None

    @staticmethod
    def _audit(
        session: Session,
        agent: HasRole,
        action: str,
        call_id: str,
        at: dt.datetime,
        details: dict[str, Any],
    ) -> None:
        audit.record(
            session,
            actor=agent.username,
            action=action,
            entity=ENTITY,
            entity_id=call_id,
            at=at,
            details=details,
        )
