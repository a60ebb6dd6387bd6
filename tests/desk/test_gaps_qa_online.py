"""Knowledge gaps and their grouping, QA reviews, and calls as online-metric records."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest

from desk import (
    AccessDenied,
    Desk,
    GapNotFound,
    InvalidReview,
    KnowledgeGap,
    PanelSnapshot,
    User,
    group_gaps,
    prefill,
    score,
    validate_identity,
)
from desk.audit import entries
from desk.online import answer_sla, call_record, call_records
from evaluation.online import online_metrics

T0 = dt.datetime(2026, 11, 23, 8, 0, tzinfo=dt.UTC)


def gap(i: int, query: str, desk: str = "djp") -> KnowledgeGap:
    return KnowledgeGap(
        id=i,
        call_id=None,
        desk=desk,
        query=query,
        category=None,
        suggestions=(),
        kb_version=None,
        created_by="a",
        created_at=T0 + dt.timedelta(minutes=i),
        status="open",
    )


def test_similar_questions_form_one_group_largest_first() -> None:
    gaps = [
        gap(1, "cara klaim pajak kripto luar negeri"),
        gap(2, "bayar pbb dimana"),
        gap(3, "pajak kripto luar negeri cara klaim gmn"),
        gap(4, "klaim pajak kripto luar negeri"),
        gap(5, "bayar pbb dimana", desk="samsat"),  # another desk: another group
    ]
    groups = group_gaps(gaps)
    assert [g.ids for g in groups] == [(1, 3, 4), (2,), (5,)]
    assert groups[0].representative.id == 1 and groups[0].last_at == gaps[3].created_at


def test_grouping_can_use_query_vectors() -> None:
    gaps = [gap(1, "a"), gap(2, "b"), gap(3, "c")]
    vectors = np.array([[1.0, 0.0], [0.0, 1.0], [0.99, 0.141]])
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    assert [g.ids for g in group_gaps(gaps, vectors=vectors)] == [(1, 3), (2,)]
    with pytest.raises(ValueError, match="2 vectors for 3 gaps"):
        group_gaps(gaps, vectors=vectors[:2])


def test_gap_is_recorded_from_the_call_and_resolved_by_the_leader(
    desk: Desk, agent: User, leader: User, efin_record
) -> None:
    call = desk.calls.start(agent, "djp")
    with pytest.raises(ValueError, match="pertanyaan kosong"):
        desk.gaps.record(call.id, agent)
    panel = PanelSnapshot.from_record(efin_record(question="nik 3273014507900001 kok ga bisa"))
    recorded = desk.gaps.record(call.id, agent, panel=panel)
    assert recorded.query == "nik ************0001 kok ga bisa"
    assert recorded.suggestions[0]["article_id"] == "djp-akun-lupa-efin"
    assert [g.id for g in desk.gaps.open_gaps()] == [recorded.id]
    with pytest.raises(AccessDenied):
        desk.gaps.resolve([recorded.id], agent)
    desk.gaps.resolve([recorded.id], leader, note="artikel baru diusulkan")
    assert desk.gaps.open_gaps() == []
    with pytest.raises(GapNotFound):
        desk.gaps.resolve([recorded.id], leader)
    actions = [e.action for e in entries(desk.engine, entity="desk_gap")]
    assert actions == ["gap_record", "gap_resolve"]


def _closed_call(desk: Desk, agent: User, clock, record, *, outcome="answered", greet=True):
    call = desk.calls.start(agent, "djp")
    if greet:
        desk.calls.mark_step(call.id, agent, "salam")
    desk.calls.set_identity(
        call.id, agent, validate_identity("djp", taxpayer_id="3273014507900001")
    )
    panel = PanelSnapshot.from_record(record)
    desk.calls.autosave(call.id, agent, draft={"question": record["query"]}, panel=panel)
    desk.calls.use_suggestion(
        call.id, agent, article_id="djp-akun-lupa-efin", rank=1, score=0.9, answer="Jawab EFIN"
    )
    clock.advance(120)
    return desk.calls.close(call.id, agent, outcome=outcome)


def test_qa_prefill_reads_what_the_call_tells(desk: Desk, agent: User, clock, efin_record) -> None:
    call = _closed_call(desk, agent, clock, efin_record())
    marks = prefill(call)
    assert marks == {
        "salam": True,
        "identitas": True,
        "kategori": None,
        "jawaban": None,
        "eskalasi": None,  # no interpretasi flag, not escalated: not applicable
        "waktu": True,
    }
    flagged = {**efin_record(), "flags": [{"code": "interpretasi", "reason": "r", "confidence": 1}]}
    call2 = _closed_call(desk, agent, clock, flagged, greet=False)
    marks2 = prefill(call2)
    assert (marks2["salam"], marks2["eskalasi"]) == (False, False)


def test_qa_review_is_stored_with_its_score(
    desk: Desk, agent: User, reviewer: User, clock, efin_record
) -> None:
    call = _closed_call(desk, agent, clock, efin_record())
    marks = {**prefill(call), "kategori": True, "jawaban": False}
    review = desk.qa.record(call.id, reviewer, marks, comment="jawaban kurang lengkap")
    assert review.score == pytest.approx(4 / 5)
    assert desk.qa.for_call(call.id) == [review]
    assert entries(desk.engine, entity="desk_qa_review")[0].details["call_id"] == call.id
    with pytest.raises(AccessDenied):
        desk.qa.record(call.id, agent, marks)
    with pytest.raises(InvalidReview, match="tepat butir"):
        desk.qa.record(call.id, reviewer, {"salam": True})
    assert score({"a": None}) is None


def test_open_calls_cannot_be_reviewed(desk: Desk, agent: User, reviewer: User) -> None:
    call = desk.calls.start(agent, "djp")
    marks = dict.fromkeys(("salam", "identitas", "kategori", "jawaban", "eskalasi", "waktu"))
    with pytest.raises(InvalidReview, match="masih terbuka"):
        desk.qa.record(call.id, reviewer, marks)


def test_calls_map_onto_online_metric_records(desk: Desk, agent: User, clock, efin_record) -> None:
    closed = _closed_call(desk, agent, clock, efin_record())
    still_open = desk.calls.start(agent, "djp")
    record = call_record(closed)
    assert record.suggestions == ("djp-akun-lupa-efin", "djp-akun-lupa-password")
    assert record.used_rank == 1 and record.outcome == "answered"
    assert record.answered_at == closed.ended_at and record.flags == ("validasi",)
    assert call_record(desk.calls.get(still_open.id)) is None
    records = call_records(desk.calls.list_calls())
    metrics = online_metrics(records, sla=answer_sla())
    assert metrics.calls == 1 and metrics.acceptance.value == 1.0 and metrics.sla.value == 1.0
    assert answer_sla() == {"djp": dt.timedelta(minutes=15), "samsat": dt.timedelta(minutes=8)}
