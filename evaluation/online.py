"""Online metrics from stored calls: how the suggestions fare on real traffic.

The desk package owns calls; this module only needs the few facts below, as a
:class:`CallRecord`. The desk maps each stored call onto one record:

================  ============================================================
field             meaning (and how desk/ fills it)
================  ============================================================
call_id           the call's id (any string, unique)
desk              ``"djp"`` or ``"samsat"``: the desk that took the call
started_at        when the agent picked the call up (timezone-aware datetime)
answered_at       when the agent gave the caller an answer (first answer on
                  this call), or ``None`` if the caller was not answered on it
ended_at          when the call ended, or ``None`` while it is open
suggestions       article ids the panel showed, best first: the last list
                  shown before the agent answered (empty if none was shown)
used_article_id   the article the agent answered from, or ``None``; it may be
                  one the agent found outside the suggestions
outcome           ``"answered"`` (answered on the call), ``"escalated"`` (sent
                  to the team leader) or ``"call_back"`` (caller to be called
                  back after a back-office check)
flags             flag codes the panel raised on the call (matrix-category.md)
================  ============================================================

Definitions, all over a sequence of records (one per call):

- acceptance rate: among calls where suggestions were shown, the share whose
  used article is one of them;
- rank of the used suggestion: 1-based position of the used article in the
  list shown, for accepted calls (distribution, mean, and the share at rank 1);
- escalation rate: share of calls with outcome ``escalated``;
- SLA compliance: share of calls answered within the SLA of their desk
  (``answered_at - started_at <= sla``); a call never answered on the line
  does not comply; calls without ``answered_at`` that are still open
  (``ended_at is None``) are left out;
- ``tidak_ada_di_kb`` share: share of calls on which that flag was raised.

A rate over no calls is 0.0; each result carries its denominator.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

OUTCOMES = ("answered", "escalated", "call_back")
CALL_DESKS = ("djp", "samsat")


@dataclass(frozen=True)
class CallRecord:
    """One stored call, as the online metrics need it (see the module table)."""

    call_id: str
    desk: str
    started_at: dt.datetime
    outcome: str
    answered_at: dt.datetime | None = None
    ended_at: dt.datetime | None = None
    suggestions: tuple[str, ...] = ()
    used_article_id: str | None = None
    flags: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if self.desk not in CALL_DESKS:
            raise ValueError(f"call {self.call_id}: desk {self.desk!r}; valid: djp, samsat")
        if self.outcome not in OUTCOMES:
            raise ValueError(
                f"call {self.call_id}: outcome {self.outcome!r}; valid: {', '.join(OUTCOMES)}"
            )
        for name in ("answered_at", "ended_at"):
            when = getattr(self, name)
            if when is not None and when < self.started_at:
                raise ValueError(f"call {self.call_id}: {name} is before started_at")

    @property
    def used_rank(self) -> int | None:
        """1-based rank of the used article among the suggestions shown, else ``None``."""
        if self.used_article_id is None:
            return None
        try:
            return self.suggestions.index(self.used_article_id) + 1
        except ValueError:
            return None

    @classmethod
    def from_dict(cls, data: Mapping) -> CallRecord:
        """From a JSON-like mapping (datetimes as ISO 8601 strings)."""

        def when(key: str) -> dt.datetime | None:
            value = data.get(key)
            if value is None or isinstance(value, dt.datetime):
                return value
            return dt.datetime.fromisoformat(value)

        return cls(
            call_id=str(data["call_id"]),
            desk=data["desk"],
            started_at=when("started_at"),
            outcome=data["outcome"],
            answered_at=when("answered_at"),
            ended_at=when("ended_at"),
            suggestions=tuple(data.get("suggestions") or ()),
            used_article_id=data.get("used_article_id"),
            flags=tuple(data.get("flags") or ()),
        )


@dataclass(frozen=True)
class Rate:
    """A share with its numerator and denominator."""

    value: float
    numerator: int
    denominator: int

    def to_dict(self) -> dict:
        return {"value": self.value, "numerator": self.numerator, "denominator": self.denominator}


def _rate(num: int, den: int) -> Rate:
    return Rate(num / den if den else 0.0, num, den)


def acceptance_rate(calls: Sequence[CallRecord]) -> Rate:
    """Share of calls with suggestions shown whose used article was one of them."""
    shown = [c for c in calls if c.suggestions]
    return _rate(sum(c.used_rank is not None for c in shown), len(shown))


@dataclass(frozen=True)
class RankStats:
    """Where the used suggestion sat in the list shown."""

    counts: dict[int, int]
    mean_rank: float
    share_rank_1: float
    accepted: int

    def to_dict(self) -> dict:
        return {
            "counts": {str(k): v for k, v in self.counts.items()},
            "mean_rank": self.mean_rank,
            "share_rank_1": self.share_rank_1,
            "accepted": self.accepted,
        }


def used_rank_stats(calls: Sequence[CallRecord]) -> RankStats:
    """Distribution, mean and share-at-1 of the used suggestion's rank."""
    ranks = [r for r in (c.used_rank for c in calls) if r is not None]
    counts = dict(sorted(Counter(ranks).items()))
    n = len(ranks)
    return RankStats(
        counts=counts,
        mean_rank=sum(ranks) / n if n else 0.0,
        share_rank_1=counts.get(1, 0) / n if n else 0.0,
        accepted=n,
    )


def escalation_rate(calls: Sequence[CallRecord]) -> Rate:
    """Share of calls escalated to the team leader."""
    return _rate(sum(c.outcome == "escalated" for c in calls), len(calls))


def sla_compliance(
    calls: Sequence[CallRecord], sla: dt.timedelta | Mapping[str, dt.timedelta]
) -> Rate:
    """Share of calls answered within their desk's SLA (see the module docstring).

    Args:
        calls: the call records.
        sla: one limit for every desk, or a limit per desk.

    Raises:
        ValueError: a desk without a limit in ``sla``.
    """
    limits = sla if isinstance(sla, Mapping) else dict.fromkeys(CALL_DESKS, sla)
    counted = met = 0
    for c in calls:
        if c.desk not in limits:
            raise ValueError(f"no SLA given for desk {c.desk!r}")
        if c.answered_at is None:
            if c.ended_at is None:
                continue  # still open: neither met nor missed yet
            counted += 1
            continue
        counted += 1
        met += (c.answered_at - c.started_at) <= limits[c.desk]
    return _rate(met, counted)


def flag_share(calls: Sequence[CallRecord], flag: str = "tidak_ada_di_kb") -> Rate:
    """Share of calls on which ``flag`` was raised."""
    return _rate(sum(flag in c.flags for c in calls), len(calls))


@dataclass(frozen=True)
class OnlineMetrics:
    """Every online metric of a set of calls (and per desk in ``by_desk``)."""

    calls: int
    acceptance: Rate
    used_rank: RankStats
    escalation: Rate
    sla: Rate
    tidak_ada_di_kb: Rate
    by_desk: dict[str, OnlineMetrics] = field(default_factory=dict)

    def to_dict(self) -> dict:
        return {
            "calls": self.calls,
            "acceptance": self.acceptance.to_dict(),
            "used_rank": self.used_rank.to_dict(),
            "escalation": self.escalation.to_dict(),
            "sla": self.sla.to_dict(),
            "tidak_ada_di_kb": self.tidak_ada_di_kb.to_dict(),
            "by_desk": {k: v.to_dict() for k, v in self.by_desk.items()},
        }


def online_metrics(
    calls: Sequence[CallRecord],
    *,
    sla: dt.timedelta | Mapping[str, dt.timedelta],
    per_desk: bool = True,
) -> OnlineMetrics:
    """All online metrics, overall and (by default) per desk."""
    by_desk = {}
    if per_desk:
        for desk in CALL_DESKS:
            subset = [c for c in calls if c.desk == desk]
            if subset:
                by_desk[desk] = online_metrics(subset, sla=sla, per_desk=False)
    return OnlineMetrics(
        calls=len(calls),
        acceptance=acceptance_rate(calls),
        used_rank=used_rank_stats(calls),
        escalation=escalation_rate(calls),
        sla=sla_compliance(calls, sla),
        tidak_ada_di_kb=flag_share(calls),
        by_desk=by_desk,
    )
