"""SOP clocks: per-step budgets for Samsat, 15 minutes for DJP, amber then red."""

from __future__ import annotations

import datetime as dt

import pytest

from desk.sla import (
    SLAPolicy,
    answer_deadline_s,
    clock_state,
    format_seconds,
    policy_for,
    sla_status,
    step_durations,
)

T0 = dt.datetime(2026, 11, 23, 8, 0, tzinfo=dt.UTC)


def at(seconds: float) -> dt.datetime:
    return T0 + dt.timedelta(seconds=seconds)


@pytest.mark.parametrize(
    ("elapsed", "state"), [(0, "ok"), (47.9, "ok"), (48, "amber"), (60, "amber"), (60.1, "red")]
)
def test_clock_turns_amber_at_80_percent_and_red_past_the_budget(
    elapsed: float, state: str
) -> None:
    assert clock_state(elapsed, 60) == state


def test_no_budget_never_changes_colour() -> None:
    assert clock_state(10_000, None) == "ok"


def test_samsat_greeting_goes_amber_then_red_within_its_minute() -> None:
    policy = policy_for("samsat")
    assert sla_status(policy, T0, {}, at(30)).state == "ok"
    amber = sla_status(policy, T0, {}, at(50))
    assert (amber.current_step, amber.state) == ("salam", "amber")
    red = sla_status(policy, T0, {}, at(61))
    assert red.state == "red"
    assert red.steps[0].state == "red" and not red.steps[0].done


def test_samsat_step_clock_restarts_at_each_mark() -> None:
    policy = policy_for("samsat")
    marks = {"salam": at(20), "identitas": at(70), "pertanyaan": at(100)}
    status = sla_status(policy, T0, marks, at(100 + 200))
    assert status.current_step == "jawaban"
    answer = next(s for s in status.steps if s.step == "jawaban")
    assert (answer.budget_s, answer.elapsed_s, answer.state) == (300, 200, "ok")
    assert status.state == "ok"
    late = sla_status(policy, T0, marks, at(100 + 250))
    assert late.state == "amber"  # 250 s of the answer's 300 s
    assert [s.elapsed_s for s in late.steps[:3]] == [20, 50, 30]


def test_samsat_whole_call_budget_also_counts() -> None:
    policy = policy_for("samsat")
    marks = {step: at(i * 50) for i, step in enumerate(("salam", "identitas", "pertanyaan"), 1)}
    status = sla_status(policy, T0, {**marks, "jawaban": at(430)}, at(545))
    assert status.current_step == "penutup"
    assert status.state == "red"  # 545 s > 9 minutes, though the closing step is young


def test_djp_has_fifteen_minutes_for_the_whole_call() -> None:
    policy = policy_for("djp")
    assert policy.total_s == 15 * 60
    assert sla_status(policy, T0, {}, at(11 * 60)).state == "ok"
    assert sla_status(policy, T0, {}, at(12 * 60)).state == "amber"
    assert sla_status(policy, T0, {}, at(15 * 60 + 1)).state == "red"
    # No per-step budget: a long greeting alone does not turn it red.
    assert sla_status(policy, T0, {}, at(5 * 60)).steps[0].state == "ok"


def test_steps_marked_out_of_order_count_from_the_previous_mark_in_time() -> None:
    # The caller asks before giving their identity.
    durations = step_durations(T0, {"salam": at(10), "pertanyaan": at(40), "identitas": at(90)})
    assert durations == {"salam": 10, "identitas": 50, "pertanyaan": 30}


def test_a_closed_call_is_judged_as_it_ended() -> None:
    policy = policy_for("djp")
    status = sla_status(policy, T0, {"penutup": at(300)}, at(3600), ended_at=at(300))
    assert status.state == "ok" and status.elapsed_s == 300
    assert status.current_step is None and status.amber_at is None


def test_next_colour_changes_are_given_for_the_browser_clock() -> None:
    policy = policy_for("samsat")
    status = sla_status(policy, T0, {"salam": at(20)}, at(30))
    assert status.amber_at == at(20 + 48) and status.red_at == at(20 + 60)


def test_answer_deadline_per_desk() -> None:
    assert answer_deadline_s(policy_for("djp")) == 15 * 60
    assert answer_deadline_s(policy_for("samsat")) == 8 * 60


def test_policies_refuse_unknown_desks_and_steps() -> None:
    with pytest.raises(ValueError, match="valid: djp, samsat"):
        policy_for("bpjs")
    with pytest.raises(ValueError, match="unknown SOP steps"):
        SLAPolicy("djp", step_s={"ngobrol": 10})
    with pytest.raises(ValueError, match="unknown SOP steps"):
        sla_status(policy_for("djp"), T0, {"ngobrol": at(1)}, at(2))


def test_format_seconds() -> None:
    assert (format_seconds(0), format_seconds(75.9), format_seconds(-3)) == ("0:00", "1:15", "0:00")
