"""Online metrics on a small fixture of calls, checked by hand."""

from __future__ import annotations

import datetime as dt

import pytest

from evaluation.online import (
    CallRecord,
    acceptance_rate,
    escalation_rate,
    flag_share,
    online_metrics,
    sla_compliance,
    used_rank_stats,
)

T0 = dt.datetime(2026, 11, 22, 9, 0, tzinfo=dt.UTC)


def s(seconds: int) -> dt.datetime:
    return T0 + dt.timedelta(seconds=seconds)


CALLS = [
    # shown, used 2nd, answered after 60 s
    CallRecord("c1", "djp", T0, "answered", s(60), s(90), ("a", "b", "c"), "b"),
    # shown, nothing used, escalated, never answered on the line
    CallRecord("c2", "djp", T0, "escalated", None, s(300), ("d", "e"), None, ("interpretasi",)),
    # shown, used 1st, answered after 200 s
    CallRecord("c3", "samsat", T0, "answered", s(200), s(260), ("f", "g", "h"), "f", ("validasi",)),
    # nothing shown, agent searched by hand, answered after 30 s
    CallRecord("c4", "samsat", T0, "answered", s(30), s(45), (), "x", ("tidak_ada_di_kb",)),
    # shown, used an article not shown, call back
    CallRecord(
        "c5", "samsat", T0, "call_back", None, s(120), ("i", "j"), "z",
        ("tidak_ada_di_kb", "validasi"),
    ),
    # shown, used 1st, answered after 100 s
    CallRecord("c6", "djp", T0, "answered", s(100), s(150), ("k",), "k"),
    # still open: shown, nothing used yet
    CallRecord("c7", "djp", T0, "call_back", None, None, ("l",), None),
]  # fmt: skip


def test_acceptance_rate():
    # Shown on c1 c2 c3 c5 c6 c7 (6); used from the list on c1 c3 c6 (3).
    r = acceptance_rate(CALLS)
    assert (r.value, r.numerator, r.denominator) == (0.5, 3, 6)


def test_used_rank():
    stats = used_rank_stats(CALLS)
    assert stats.counts == {1: 2, 2: 1}
    assert stats.mean_rank == pytest.approx(4 / 3)
    assert stats.share_rank_1 == pytest.approx(2 / 3)
    assert [c.used_rank for c in CALLS] == [2, None, 1, None, None, 1, None]


def test_escalation_and_flag_share():
    assert escalation_rate(CALLS).value == pytest.approx(1 / 7)
    r = flag_share(CALLS)
    assert (r.numerator, r.denominator) == (2, 7)
    assert flag_share(CALLS, "validasi").numerator == 2


def test_sla_compliance_one_limit():
    # Counted: c1 (60 s, met), c2 (never answered, missed), c3 (200 s, missed),
    # c4 (30 s, met), c5 (never answered, missed), c6 (100 s, met); c7 is open.
    r = sla_compliance(CALLS, dt.timedelta(seconds=120))
    assert (r.numerator, r.denominator) == (3, 6)


def test_sla_compliance_per_desk():
    sla = {"djp": dt.timedelta(seconds=120), "samsat": dt.timedelta(seconds=240)}
    assert sla_compliance(CALLS, sla).numerator == 4  # c3 now meets samsat's 240 s
    with pytest.raises(ValueError, match="no SLA given for desk 'samsat'"):
        sla_compliance(CALLS, {"djp": dt.timedelta(seconds=1)})


def test_online_metrics_overall_and_per_desk():
    m = online_metrics(CALLS, sla=dt.timedelta(seconds=120))
    assert m.calls == 7
    assert m.acceptance.value == 0.5
    djp, samsat = m.by_desk["djp"], m.by_desk["samsat"]
    assert (djp.calls, djp.acceptance.numerator, djp.acceptance.denominator) == (4, 2, 4)
    assert (samsat.calls, samsat.acceptance.numerator, samsat.acceptance.denominator) == (3, 1, 2)
    assert samsat.tidak_ada_di_kb.value == pytest.approx(2 / 3)
    assert djp.by_desk == {}
    assert m.to_dict()["by_desk"]["djp"]["escalation"]["numerator"] == 1


def test_empty_input_gives_zero_rates():
    m = online_metrics([], sla=dt.timedelta(seconds=60))
    assert m.calls == 0 and m.acceptance.value == 0.0 and m.used_rank.mean_rank == 0.0


def test_records_are_validated():
    with pytest.raises(ValueError, match="desk 'bpjs'"):
        CallRecord("x", "bpjs", T0, "answered")
    with pytest.raises(ValueError, match="outcome 'dropped'"):
        CallRecord("x", "djp", T0, "dropped")
    with pytest.raises(ValueError, match="answered_at is before started_at"):
        CallRecord("x", "djp", T0, "answered", answered_at=T0 - dt.timedelta(seconds=1))


def test_from_dict_reads_iso_times():
    rec = CallRecord.from_dict(
        {
            "call_id": 17,
            "desk": "samsat",
            "started_at": "2026-11-22T09:00:00+00:00",
            "answered_at": "2026-11-22T09:01:00+00:00",
            "outcome": "answered",
            "suggestions": ["a", "b"],
            "used_article_id": "b",
            "flags": None,
        }
    )
    assert rec.call_id == "17" and rec.used_rank == 2 and rec.flags == ()
    assert rec.answered_at - rec.started_at == dt.timedelta(minutes=1)
    assert rec.ended_at is None
