"""SOP clocks: how long each step of a call may take, and when it turns amber or red.

Pure functions over timestamps. A call moves through the SOP steps in
:data:`STEPS`; the console marks a step when it is done (identity saved, a
suggestion used, the call saved...). Agents do not always follow the order
(the question often comes before the identity), so a step's duration is the
time since the previous mark *in time*, whichever step that was.

Budgets: Kring Pajak (DJP) gives the whole call 15 minutes; Samsat gives about
one minute per step and five for the answer.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field

STEPS = ("salam", "identitas", "pertanyaan", "jawaban", "penutup")
STEP_LABELS = {
    "salam": "Salam pembuka",
    "identitas": "Identitas penelepon",
    "pertanyaan": "Klarifikasi pertanyaan",
    "jawaban": "Jawaban",
    "penutup": "Penutup",
}
STATES = ("ok", "amber", "red")
STATE_LABELS = {"ok": "hijau", "amber": "kuning", "red": "merah"}


@dataclass(frozen=True)
class SLAPolicy:
    """Time budgets of one desk's SOP, in seconds."""

    desk: str = field(metadata={"help": "djp or samsat"})
    total_s: float = field(default=15 * 60, metadata={"help": "budget of the whole call"})
    step_s: Mapping[str, float] = field(
        default_factory=dict, metadata={"help": "per-step budgets; a step not named has none"}
    )
    amber_ratio: float = field(
        default=0.8, metadata={"help": "share of a budget after which the clock turns amber"}
    )

    def __post_init__(self) -> None:
        unknown = set(self.step_s) - set(STEPS)
        if unknown:
            raise ValueError(f"unknown SOP steps {sorted(unknown)}; valid: {', '.join(STEPS)}")
        if not 0 < self.amber_ratio < 1:
            raise ValueError("amber_ratio must be between 0 and 1")


POLICIES = {
    "djp": SLAPolicy("djp", total_s=15 * 60),
    "samsat": SLAPolicy(
        "samsat",
        total_s=9 * 60,
        step_s={"salam": 60, "identitas": 60, "pertanyaan": 60, "jawaban": 5 * 60, "penutup": 60},
    ),
}


def policy_for(desk: str) -> SLAPolicy:
    """The SOP budgets of ``desk``.

    Raises:
        ValueError: unknown desk, naming the valid ones.
    """
    try:
        return POLICIES[desk]
    except KeyError:
        raise ValueError(f"unknown desk {desk!r}; valid: {', '.join(POLICIES)}") from None


def answer_deadline_s(policy: SLAPolicy) -> float:
    """Seconds from pick-up within which the caller must have their answer.

    The budgets of every step up to and including ``jawaban`` when the desk
    has per-step budgets (Samsat: 8 minutes), else the whole call's (DJP: 15).
    """
    upto = STEPS[: STEPS.index("jawaban") + 1]
    if all(step in policy.step_s for step in upto):
        return float(sum(policy.step_s[step] for step in upto))
    return float(policy.total_s)


def clock_state(elapsed_s: float, budget_s: float | None, amber_ratio: float = 0.8) -> str:
    """``ok``, ``amber`` (past ``amber_ratio`` of the budget) or ``red`` (over it).

    >>> clock_state(30, 60), clock_state(50, 60), clock_state(61, 60), clock_state(999, None)
    ('ok', 'amber', 'red', 'ok')
    """
    if budget_s is None:
        return "ok"
    if elapsed_s > budget_s:
        return "red"
    if elapsed_s >= amber_ratio * budget_s:
        return "amber"
    return "ok"


@dataclass(frozen=True)
class StepClock:
    """One SOP step: its budget, the time it took (or has taken so far), its colour."""

    step: str
    label: str
    budget_s: float | None
    elapsed_s: float | None  # None: not started yet
    state: str
    done: bool


@dataclass(frozen=True)
class SLAStatus:
    """The clocks of one call at one moment."""

    desk: str
    elapsed_s: float
    total_s: float
    state: str  # the worse of the whole call's clock and the current step's
    current_step: str | None
    steps: tuple[StepClock, ...]
    amber_at: dt.datetime | None  # when the clock turns amber if nothing else happens
    red_at: dt.datetime | None

    @property
    def remaining_s(self) -> float:
        return self.total_s - self.elapsed_s


def _worse(*states: str) -> str:
    return max(states, key=STATES.index)


def step_durations(started_at: dt.datetime, marks: Mapping[str, dt.datetime]) -> dict[str, float]:
    """Seconds each marked step took: from the previous mark in time (or the start).

    >>> t0 = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
    >>> step_durations(t0, {"salam": t0 + dt.timedelta(seconds=20),
    ...                     "identitas": t0 + dt.timedelta(seconds=75)})
    {'salam': 20.0, 'identitas': 55.0}
    """
    durations: dict[str, float] = {}
    previous = started_at
    for step, at in sorted(marks.items(), key=lambda item: (item[1], STEPS.index(item[0]))):
        durations[step] = max((at - previous).total_seconds(), 0.0)
        previous = max(previous, at)
    return {step: durations[step] for step in STEPS if step in durations}


def sla_status(
    policy: SLAPolicy,
    started_at: dt.datetime,
    marks: Mapping[str, dt.datetime],
    now: dt.datetime,
    *,
    ended_at: dt.datetime | None = None,
) -> SLAStatus:
    """The clocks of a call that started at ``started_at`` with ``marks`` done by ``now``.

    Args:
        policy: the desk's budgets.
        started_at: when "Mulai panggilan" was pressed.
        marks: step → when it was marked done.
        now: the moment to evaluate (a closed call is evaluated at ``ended_at``).
        ended_at: when the call was saved, if it was.

    Raises:
        ValueError: a mark for a step that is not in :data:`STEPS`.
    """
    unknown = set(marks) - set(STEPS)
    if unknown:
        raise ValueError(f"unknown SOP steps {sorted(unknown)}; valid: {', '.join(STEPS)}")
    at = ended_at or now
    elapsed = max((at - started_at).total_seconds(), 0.0)
    durations = step_durations(started_at, marks)
    current = None if ended_at is not None else next((s for s in STEPS if s not in marks), None)
    last_mark = max(marks.values(), default=started_at)
    ratio = policy.amber_ratio
    clocks = []
    for step in STEPS:
        budget = policy.step_s.get(step)
        took: float | None = None
        if step in durations:
            took = durations[step]
        elif step == current:
            took = max((at - last_mark).total_seconds(), 0.0)
        state = clock_state(took, budget, ratio) if took is not None else "ok"
        clocks.append(StepClock(step, STEP_LABELS[step], budget, took, state, step in durations))
    total_state = clock_state(elapsed, policy.total_s, ratio)
    step_state = next((c.state for c in clocks if c.step == current), "ok")
    amber_at, red_at = _next_changes(policy, started_at, last_mark, current, ended_at)
    return SLAStatus(
        desk=policy.desk,
        elapsed_s=elapsed,
        total_s=policy.total_s,
        state=_worse(total_state, step_state),
        current_step=current,
        steps=tuple(clocks),
        amber_at=amber_at,
        red_at=red_at,
    )


def _next_changes(
    policy: SLAPolicy,
    started_at: dt.datetime,
    last_mark: dt.datetime,
    current: str | None,
    ended_at: dt.datetime | None,
) -> tuple[dt.datetime | None, dt.datetime | None]:
    """When the clock turns amber and red if no further step is marked.

    The browser shows the clock ticking without asking the server every
    second; these two moments are all it needs to colour it.
    """
    if ended_at is not None:
        return None, None
    ratio = policy.amber_ratio
    total = policy.total_s
    ambers = [started_at + dt.timedelta(seconds=ratio * total)]
    reds = [started_at + dt.timedelta(seconds=total)]
    budget = policy.step_s.get(current) if current else None
    if budget is not None:
        ambers.append(last_mark + dt.timedelta(seconds=ratio * budget))
        reds.append(last_mark + dt.timedelta(seconds=budget))
    return min(ambers), min(reds)


def format_seconds(seconds: float) -> str:
    """``m:ss`` for the clock (``-`` before a step starts).

    >>> format_seconds(75.4), format_seconds(3600)
    ('1:15', '60:00')
    """
    whole = int(max(seconds, 0))
    return f"{whole // 60}:{whole % 60:02d}"
