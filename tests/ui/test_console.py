"""Agent console: start, identity, the panel as the agent types, use, escalate, save, restore.

The key-up widget cannot be typed into under AppTest (toolchain.md), so these
tests put the question where its callback puts it: ``question-<call id>``.
The boxes the page fills itself (answer, outcome, plate) change key when it
does, so tests find them by their label.
"""

from __future__ import annotations

import pytest
from streamlit.proto.WidgetStates_pb2 import WidgetState
from streamlit.testing.v1 import AppTest

from desk import Desk, User

NPWP = "01.234.567.8-901.234"
EFIN_ANSWER = "Bapak/Ibu dapat meminta EFIN"


def only(widgets, label: str):
    """The one widget with this label: a box the page replaced must not linger beside it."""
    (widget,) = [w for w in widgets if w.label == label]
    return widget


def answer_box(at: AppTest):
    return only(at.text_area, "Jawaban yang diberikan")


def outcome_choice(at: AppTest):
    return only(at.radio, "Hasil panggilan")


def as_drawn(widget) -> WidgetState:
    """A widget's state as the browser would report it now (a snapshot)."""
    return WidgetState.FromString(widget._widget_state.SerializeToString())


def browser_reports(at: AppTest, *stale: WidgetState) -> AppTest:
    """Rerun as a browser does that has not yet drawn the page's latest values.

    A browser's rerun request carries every widget it has drawn, as it drew it;
    one sent before it has drawn what the page set since (a pause in typing, a
    click elsewhere) carries the old values. AppTest only sends the widgets of
    its latest run, so the request is built here: AppTest's own, plus the
    ``stale`` states taken with :func:`as_drawn` before the page changed them.
    """
    states = at._tree.get_widget_states()
    kept = [w for w in states.widgets if w.id not in {s.id for s in stale}]
    del states.widgets[:]
    states.widgets.extend([*kept, *stale])
    return at._run(states)


def start(page, user: User, desk_code: str = "djp") -> AppTest:
    at = page("console", user).run()
    at.radio(key="desk_choice").set_value(desk_code).run()
    at.button(key="start_call").click().run()
    return at


def ask(at: AppTest, desk: Desk, user: User, question: str) -> AppTest:
    call = desk.calls.open_call(user)
    at.session_state[f"question-{call.id}"] = question
    return at.run()


def test_start_call_opens_the_identity_form_and_the_clock(page, desk, users, page_text) -> None:
    agent = users["agent"]
    at = start(page, agent)
    call = desk.calls.open_call(agent)
    assert call is not None and call.desk == "djp"
    assert at.text_input(key=f"taxpayer_id-{call.id}").label == "NPWP atau NIK"
    text = page_text(at)
    assert f"Panggilan {call.short_id} · Kring Pajak (DJP)" in text
    assert "Batas SOP 15:00" in text


def test_panel_shows_suggestions_for_the_question(page, desk, users, page_text) -> None:
    agent = users["agent"]
    at = ask(start(page, agent), desk, agent, "lupa efin gmn")
    text = page_text(at)
    assert "Saran untuk: “lupa efin gmn”" in text
    assert "1. Bagaimana cara mendapatkan kembali EFIN yang terlupa?" in text
    assert "Prediksi: **DJP-AKUN**" in text
    assert at.progress[0].value > 0.5  # the confidence bar of the first suggestion
    # The question and what the panel showed are saved as the agent types.
    call = desk.calls.open_call(agent)
    assert call.question == "lupa efin gmn" and call.predicted_category == "DJP-AKUN"
    assert call.suggestions[0].article_id == "djp-akun-lupa-efin"


def test_use_suggestion_fills_the_answer_and_records_it(page, desk, users) -> None:
    agent = users["agent"]
    at = ask(start(page, agent), desk, agent, "lupa efin gmn")
    call = desk.calls.open_call(agent)
    at.button(key=f"use-djp-akun-lupa-efin-{call.id}").click().run()
    call = desk.calls.open_call(agent)
    assert (call.used_article_id, call.used_rank) == ("djp-akun-lupa-efin", 1)
    assert answer_box(at).value.startswith(EFIN_ANSWER)
    assert outcome_choice(at).value == "answered"
    assert call.draft["answer"].startswith(EFIN_ANSWER)


def test_a_late_report_of_the_empty_answer_box_does_not_undo_use(page, desk, users) -> None:
    agent = users["agent"]
    at = ask(start(page, agent), desk, agent, "lupa efin gmn")
    call = desk.calls.open_call(agent)
    shown = as_drawn(answer_box(at))  # what the browser has drawn: an empty box
    at.button(key=f"use-djp-akun-lupa-efin-{call.id}").click().run()
    # The browser sends a rerun before it has drawn the answer "Gunakan" set.
    browser_reports(at, shown)
    assert answer_box(at).value.startswith(EFIN_ANSWER)
    assert desk.calls.open_call(agent).draft["answer"].startswith(EFIN_ANSWER)

    # Emptying the box on screen, later, is the agent's own edit: it is kept.
    answer_box(at).input("").run()
    assert answer_box(at).value == ""
    assert desk.calls.open_call(agent).draft["answer"] == ""
    at.button(key=f"close-{call.id}").click().run()
    assert "jawaban yang diberikan belum diisi" in at.error[0].value


def test_a_late_report_of_the_outcome_does_not_undo_an_escalation(page, desk, users) -> None:
    agent = users["agent"]
    at = ask(start(page, agent), desk, agent, "apakah dropship termasuk objek ppn")
    call = desk.calls.open_call(agent)
    assert outcome_choice(at).value == "answered"
    shown = as_drawn(outcome_choice(at))
    at.button(key=f"escalate-{call.id}").click().run()
    browser_reports(at, shown)
    assert outcome_choice(at).value == "escalated"
    assert desk.calls.open_call(agent).draft["outcome"] == "escalated"


def test_the_agent_can_rewrite_a_used_answer(page, desk, users) -> None:
    agent = users["agent"]
    at = ask(start(page, agent), desk, agent, "lupa efin gmn")
    call = desk.calls.open_call(agent)
    at.button(key=f"use-djp-akun-lupa-efin-{call.id}").click().run()
    answer_box(at).input("Silakan ajukan permintaan EFIN lewat email KPP.").run()
    # Later reruns (here: another pause in typing) keep the agent's text.
    ask(at, desk, agent, "lupa efin gimana ya")
    assert answer_box(at).value == "Silakan ajukan permintaan EFIN lewat email KPP."
    assert desk.calls.open_call(agent).draft["answer"] == (
        "Silakan ajukan permintaan EFIN lewat email KPP."
    )


def test_identity_errors_are_clear_and_a_valid_one_is_kept(page, desk, users, page_text) -> None:
    agent = users["agent"]
    at = start(page, agent)
    call = desk.calls.open_call(agent)
    at.text_input(key=f"taxpayer_id-{call.id}").input("01.234.567.8-901.23").run()
    at.button(key=f"save_identity-{call.id}").click().run()
    assert [e.value for e in at.error] == [
        "NPWP terdiri atas 15 digit dan NIK 16 digit; yang dimasukkan 14 digit"
    ]
    assert desk.calls.open_call(agent).draft["taxpayer_id"] == "01.234.567.8-901.23"

    at.text_input(key=f"taxpayer_id-{call.id}").input(NPWP).run()
    at.button(key=f"save_identity-{call.id}").click().run()
    assert not at.error
    # The call's own view shows the number in full; nowhere else does.
    assert "Identitas tersimpan: NPWP 01.234.567.8-901.234" in page_text(at)
    assert desk.calls.open_call(agent).identity.id_number == "012345678901234"


def test_samsat_identity_normalises_the_plate(page, desk, users, page_text) -> None:
    agent = users["agent"]
    at = start(page, agent, "samsat")
    call = desk.calls.open_call(agent)
    at.text_input(key=f"caller_name-{call.id}").input("Budi Santoso").run()
    only(at.text_input, "Nomor polisi").input("d1234abc").run()
    at.button(key=f"save_identity-{call.id}").click().run()
    assert [e.value for e in at.error] == ["wilayah Samsat wajib dipilih"]
    at.selectbox(key=f"region-{call.id}").set_value("Samsat Kota Cimahi").run()
    at.button(key=f"save_identity-{call.id}").click().run()
    assert only(at.text_input, "Nomor polisi").value == "D 1234 ABC"
    assert "Budi Santoso · D 1234 ABC · Samsat Kota Cimahi" in page_text(at)


def _answered_call(page, desk, agent) -> AppTest:
    at = start(page, agent)
    call = desk.calls.open_call(agent)
    at.checkbox(key=f"greeted-{call.id}").check().run()
    at.text_input(key=f"taxpayer_id-{call.id}").input(NPWP).run()
    at.button(key=f"save_identity-{call.id}").click().run()
    ask(at, desk, agent, "lupa efin gmn")
    at.button(key=f"use-djp-akun-lupa-efin-{call.id}").click().run()
    return at


def test_saving_ends_the_call_and_it_is_in_the_store(page, desk, users, page_text) -> None:
    agent = users["agent"]
    at = _answered_call(page, desk, agent)
    call = desk.calls.open_call(agent)
    at.button(key=f"close-{call.id}").click().run()
    assert desk.calls.open_call(agent) is None
    saved = desk.calls.get(call.id)
    assert saved.status == "closed" and saved.outcome == "answered"
    assert saved.final_category == "DJP-AKUN" and saved.used_article_id == "djp-akun-lupa-efin"
    assert set(saved.step_seconds) == {"salam", "identitas", "pertanyaan", "jawaban", "penutup"}
    assert f"Panggilan {call.short_id} tersimpan: Terjawab, DJP-AKUN" in page_text(at)
    assert at.button(key="start_call")  # ready for the next call


def test_an_incomplete_call_says_what_is_missing(page, desk, users) -> None:
    agent = users["agent"]
    at = start(page, agent)
    call = desk.calls.open_call(agent)
    at.button(key=f"close-{call.id}").click().run()
    assert "identitas penelepon belum disimpan" in at.error[0].value
    assert desk.calls.open_call(agent) is not None


def test_a_new_session_restores_the_open_call(page, desk, users, page_text) -> None:
    agent = users["agent"]
    at = start(page, agent)
    call = desk.calls.open_call(agent)
    at.text_input(key=f"taxpayer_id-{call.id}").input("3273 0145").run()
    ask(at, desk, agent, "lupa efin gmn")
    answer_box(at).input("Bapak dapat ...").run()

    # A refresh is a new browser session: everything comes back from the store.
    again = page("console", agent).run()
    assert again.text_input(key=f"taxpayer_id-{call.id}").value == "3273 0145"
    assert answer_box(again).value == "Bapak dapat ..."
    assert again.session_state[f"question-{call.id}"] == "lupa efin gmn"
    assert "Saran untuk: “lupa efin gmn”" in page_text(again)


def test_escalation_goes_to_the_leader_and_the_answer_comes_back(
    page, desk, users, page_text
) -> None:
    agent, leader = users["agent"], users["team_leader"]
    at = ask(start(page, agent), desk, agent, "apakah dropship termasuk objek ppn")
    call = desk.calls.open_call(agent)
    at.button(key=f"escalate-{call.id}").click().run()
    (esc,) = desk.escalations.for_call(call.id)
    assert esc.question == "apakah dropship termasuk objek ppn"
    assert outcome_choice(at).value == "escalated"
    assert f"Eskalasi #{esc.id} menunggu jawaban team leader" in page_text(at)

    desk.escalations.answer(esc.id, leader, "Tetap terutang PPN.")
    at.run()
    assert "Tetap terutang PPN." in page_text(at)
    at.button(key=f"use-esc-{esc.id}-{call.id}").click().run()
    assert answer_box(at).value == "Tetap terutang PPN."


def test_none_of_these_fit_records_a_knowledge_gap(page, desk, users, page_text) -> None:
    agent = users["agent"]
    at = ask(start(page, agent), desk, agent, "cara klaim pajak kripto luar negeri")
    call = desk.calls.open_call(agent)
    at.button(key=f"gap-{call.id}").click().run()
    (gap,) = desk.gaps.open_gaps()
    assert gap.query == "cara klaim pajak kripto luar negeri" and gap.call_id == call.id
    assert "Dicatat sebagai celah pengetahuan" in page_text(at)


@pytest.mark.parametrize("role", ["qa", "evaluator"])
def test_roles_that_take_no_calls_are_refused(page, users, role: str) -> None:
    at = page("console", users[role]).run()
    assert at.error[0].value.startswith("Akses ditolak")
