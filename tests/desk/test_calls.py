"""Calls: start, autosave and restore, identity, suggestions, close, masking, audit."""

from __future__ import annotations

import pytest

from desk import (
    AccessDenied,
    CallAlreadyOpen,
    CallClosed,
    CallIncomplete,
    Desk,
    NotCallOwner,
    PanelSnapshot,
    User,
    validate_identity,
)
from desk.audit import entries

NPWP = "01.234.567.8-901.234"


def test_start_opens_one_call_per_agent(desk: Desk, agent: User, clock) -> None:
    call = desk.calls.start(agent, "djp")
    assert call.is_open and call.started_at == clock.now and call.agent == "agen1"
    with pytest.raises(CallAlreadyOpen) as info:
        desk.calls.start(agent, "samsat")
    assert info.value.call_id == call.id
    assert "masih ada panggilan terbuka" in str(info.value)


def test_only_roles_that_take_calls_can_start_one(desk: Desk, reviewer: User) -> None:
    with pytest.raises(AccessDenied, match="Akses ditolak"):
        desk.calls.start(reviewer, "djp")


def test_draft_survives_a_restart_of_the_app(desk: Desk, agent: User, engine, clock) -> None:
    call = desk.calls.start(agent, "djp")
    desk.calls.autosave(call.id, agent, draft={"taxpayer_id": "01.234.5", "question": "lupa ef"})
    desk.calls.autosave(call.id, agent, draft={"question": "lupa efin gmn", "notes": "ramah"})

    # A crash or a refresh: a fresh Desk over the same database finds it all.
    again = Desk.open(engine, clock=clock).calls.open_call(agent)
    assert again is not None and again.id == call.id
    assert again.draft == {"taxpayer_id": "01.234.5", "question": "lupa efin gmn", "notes": "ramah"}
    assert again.question == "lupa efin gmn"


def test_autosave_writes_only_what_changed(desk: Desk, agent: User) -> None:
    call = desk.calls.start(agent, "djp")
    assert desk.calls.autosave(call.id, agent, draft={"question": "lupa efin"})
    assert not desk.calls.autosave(call.id, agent, draft={"question": "lupa efin"})
    saves = entries(desk.engine, entity_id=call.id, action="autosave")
    assert [e.details["fields"] for e in saves] == [["question"]]


def test_autosave_refuses_unknown_fields(desk: Desk, agent: User) -> None:
    call = desk.calls.start(agent, "djp")
    with pytest.raises(ValueError, match="unknown draft fields"):
        desk.calls.autosave(call.id, agent, draft={"nik": "1"})


def test_panel_is_saved_with_the_question(efin_record, desk: Desk, agent: User) -> None:
    call = desk.calls.start(agent, "djp")
    panel = PanelSnapshot.from_record(efin_record())
    desk.calls.autosave(call.id, agent, draft={"question": "lupa efin gmn"}, panel=panel)
    saved = desk.calls.get(call.id, viewer=agent)
    assert saved.predicted_category == "DJP-AKUN" and saved.predicted_jenis == "INFORMASI"
    assert [(s.article_id, s.rank) for s in saved.suggestions] == [
        ("djp-akun-lupa-efin", 1),
        ("djp-akun-lupa-password", 2),
    ]
    assert saved.flag_codes == ("validasi",) and saved.kb_version == "kb-test"


def test_the_list_a_suggestion_was_used_from_is_kept(efin_record, desk: Desk, agent: User) -> None:
    call = desk.calls.start(agent, "djp")
    panel = PanelSnapshot.from_record(efin_record())
    desk.calls.use_suggestion(
        call.id,
        agent,
        article_id="djp-akun-lupa-efin",
        rank=1,
        score=0.91,
        answer="Jawab",
        panel=panel,
    )
    later = PanelSnapshot.from_record(efin_record(question="lupa efin gmn ya", score=0.2))
    desk.calls.autosave(call.id, agent, draft={"question": "lupa efin gmn ya"}, panel=later)
    saved = desk.calls.get(call.id, viewer=agent)
    assert saved.suggestions[0].score == pytest.approx(0.91)
    assert (saved.used_article_id, saved.used_rank) == ("djp-akun-lupa-efin", 1)
    assert saved.draft["answer"] == "Jawab" and "pertanyaan" in saved.step_marks


def test_identity_is_stored_and_marks_its_step(desk: Desk, agent: User, clock) -> None:
    call = desk.calls.start(agent, "djp")
    clock.advance(40)
    who = validate_identity("djp", taxpayer_id=NPWP)
    saved = desk.calls.set_identity(call.id, agent, who)
    assert saved.identity == who and saved.step_marks["identitas"] == clock.now
    (entry,) = entries(desk.engine, entity_id=call.id, action="identity")
    assert entry.details == {"identity": "NPWP **.***.***.*-**1.234"}


def test_masked_identity_and_wrong_desk_are_refused(desk: Desk, agent: User) -> None:
    call = desk.calls.start(agent, "djp")
    with pytest.raises(ValueError, match="masked"):
        desk.calls.set_identity(call.id, agent, validate_identity("djp", taxpayer_id=NPWP).mask())
    samsat = validate_identity("samsat", name="Budi", plate="D 1 A", region="Samsat Kota Bogor")
    with pytest.raises(ValueError, match="desk"):
        desk.calls.set_identity(call.id, agent, samsat)


def test_npwp_is_masked_everywhere_but_the_calls_own_view(
    desk: Desk, agent: User, leader: User
) -> None:
    call = desk.calls.start(agent, "djp")
    desk.calls.autosave(call.id, agent, draft={"taxpayer_id": NPWP, "question": f"npwp {NPWP} ne?"})
    desk.calls.set_identity(call.id, agent, validate_identity("djp", taxpayer_id=NPWP))

    own = desk.calls.get(call.id, viewer=agent)
    assert own.revealed and own.identity.id_number == "012345678901234"
    for other in (
        desk.calls.get(call.id, viewer=leader),
        desk.calls.get(call.id),
        desk.calls.list_calls()[0],
        own.masked(),
    ):
        assert not other.revealed
        assert other.identity.id_number == "***********1234"
        assert "567" not in other.draft["taxpayer_id"] and "567" not in other.question


def test_only_the_calls_agent_can_change_it(desk: Desk, agent: User, other_agent: User) -> None:
    call = desk.calls.start(agent, "djp")
    with pytest.raises(NotCallOwner, match="milik agen lain"):
        desk.calls.autosave(call.id, other_agent, draft={"question": "x"})


def test_close_lists_everything_missing(efin_record, desk: Desk, agent: User) -> None:
    call = desk.calls.start(agent, "djp")
    with pytest.raises(CallIncomplete) as info:
        desk.calls.close(call.id, agent)
    assert info.value.problems == (
        "identitas penelepon belum disimpan",
        "pertanyaan penelepon belum diisi",
        "kategori belum dipilih",
        "jenis permintaan belum dipilih",
        "hasil panggilan belum dipilih",
    )
    desk.calls.autosave(call.id, agent, draft={"outcome": "answered", "question": "lupa efin"})
    with pytest.raises(CallIncomplete, match="jawaban yang diberikan belum diisi"):
        desk.calls.close(call.id, agent, final_category="DJP-AKUN", final_jenis="INFORMASI")
    with pytest.raises(CallIncomplete, match="belum ada eskalasi"):
        desk.calls.close(call.id, agent, outcome="escalated")


def _answerable_call(desk: Desk, agent: User, clock, efin_record):
    call = desk.calls.start(agent, "samsat")
    clock.advance(20)
    desk.calls.mark_step(call.id, agent, "salam")
    clock.advance(40)
    who = validate_identity("samsat", name="Budi", plate="d 1234 abc", region="Samsat Kota Bogor")
    desk.calls.set_identity(call.id, agent, who)
    clock.advance(30)
    panel = PanelSnapshot.from_record(efin_record(question="pajak motor telat"))
    desk.calls.autosave(call.id, agent, draft={"question": "pajak motor telat"}, panel=panel)
    desk.calls.use_suggestion(
        call.id, agent, article_id="djp-akun-lupa-efin", rank=1, score=0.91, answer="Dendanya ..."
    )
    clock.advance(120)
    return call


def test_close_fixes_outcome_category_and_sla_timings(
    efin_record, desk: Desk, agent: User, clock
) -> None:
    call = _answerable_call(desk, agent, clock, efin_record)
    desk.calls.autosave(
        call.id, agent, draft={"outcome": "answered", "final_category": "SAMSAT-PKB"}
    )
    closed = desk.calls.close(call.id, agent)
    assert closed.status == "closed" and closed.ended_at == clock.now
    assert (closed.outcome, closed.answer) == ("answered", "Dendanya ...")
    assert (closed.final_category, closed.final_jenis) == ("SAMSAT-PKB", "INFORMASI")
    assert closed.predicted_category == "DJP-AKUN"
    assert closed.step_seconds == {
        "salam": 20,
        "identitas": 40,
        "pertanyaan": 30,
        "jawaban": 120,
        "penutup": 0,
    }
    assert closed.answered_at == clock.now and closed.duration_s == 210
    with pytest.raises(CallClosed, match="sudah ditutup"):
        desk.calls.autosave(call.id, agent, draft={"notes": "x"})
    assert desk.calls.open_call(agent) is None


def test_a_call_back_has_no_answer_on_the_line(efin_record, desk: Desk, agent: User, clock) -> None:
    call = _answerable_call(desk, agent, clock, efin_record)
    closed = desk.calls.close(call.id, agent, outcome="call_back")
    assert closed.answered_at is None and "jawaban" not in closed.step_seconds


def test_every_write_is_in_the_audit_log(efin_record, desk: Desk, agent: User, clock) -> None:
    call = _answerable_call(desk, agent, clock, efin_record)
    desk.calls.close(call.id, agent, outcome="answered")
    actions = [e.action for e in entries(desk.engine, entity="desk_call", entity_id=call.id)]
    assert actions == [
        "call_start",
        "step",
        "identity",
        "autosave",
        "use_suggestion",
        "call_close",
    ]
    close = entries(desk.engine, entity_id=call.id, action="call_close")[0]
    assert close.actor == "agen1" and close.details["outcome"] == "answered"
    assert close.details["duration_s"] == 210


def test_list_calls_filters_by_period_desk_and_status(
    efin_record, desk: Desk, agent: User, clock
) -> None:
    first = _answerable_call(desk, agent, clock, efin_record)
    desk.calls.close(first.id, agent, outcome="answered")
    clock.advance(3600)
    second = desk.calls.start(agent, "djp")
    assert [c.id for c in desk.calls.list_calls()] == [second.id, first.id]
    assert [c.id for c in desk.calls.list_calls(status="closed")] == [first.id]
    assert [c.id for c in desk.calls.list_calls(desk="djp")] == [second.id]
    assert [c.id for c in desk.calls.list_calls(end=second.started_at)] == [first.id]
