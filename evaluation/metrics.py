"""Offline metrics as pure functions over rankings, labels and timings.

Conventions, stated once:

- A ranking is a sequence of article ids, best first. ``relevant`` is the set
  of acceptable ids of one gold query; any one of them answers the caller.
- Retrieval metrics are defined only for answerable queries (``relevant``
  non-empty); the aggregate functions skip the others and report how many
  they used. Unanswerable queries are scored by the ``tidak_ada_di_kb`` flag
  and by calibration instead.
- A ratio with an empty denominator (precision with no prediction, recall
  with no positive) is 0.0, so results stay valid JSON; the ``support`` and
  count fields say when that happened.
"""

from __future__ import annotations

import math
from collections.abc import Collection, Iterable, Sequence, Sized
from dataclasses import asdict, dataclass, field

import numpy as np

DEFAULT_KS = (1, 3, 5)


# -- one ranking -------------------------------------------------------------------
def first_relevant_rank(ranked: Sequence[str], relevant: Collection[str]) -> int | None:
    """1-based rank of the first acceptable id, or ``None`` when none was ranked.

    >>> first_relevant_rank(["a", "b", "c"], {"c", "x"})
    3
    """
    for i, item in enumerate(ranked, 1):
        if item in relevant:
            return i
    return None


def hit_at_k(ranked: Sequence[str], relevant: Collection[str], k: int) -> float:
    """1.0 when an acceptable id is among the first ``k``, else 0.0.

    >>> hit_at_k(["a", "b", "c"], {"b"}, 1), hit_at_k(["a", "b", "c"], {"b"}, 3)
    (0.0, 1.0)
    """
    _check_k(k)
    rank = first_relevant_rank(ranked[:k], relevant)
    return 1.0 if rank is not None else 0.0


def reciprocal_rank(ranked: Sequence[str], relevant: Collection[str], k: int = 10) -> float:
    """1 / rank of the first acceptable id within the first ``k``, else 0.

    >>> reciprocal_rank(["a", "b", "c"], {"b"})
    0.5
    """
    _check_k(k)
    rank = first_relevant_rank(ranked[:k], relevant)
    return 1.0 / rank if rank is not None else 0.0


def recall_at_k(ranked: Sequence[str], relevant: Collection[str], k: int) -> float:
    """Share of the acceptable ids found within the first ``k``.

    >>> recall_at_k(["a", "b", "c"], {"a", "c", "z", "y"}, 3)
    0.5
    """
    _check_k(k)
    if not relevant:
        raise ValueError("recall is undefined for a query without acceptable ids")
    found = len(set(ranked[:k]) & set(relevant))
    return found / len(set(relevant))


def ndcg_at_k(ranked: Sequence[str], relevant: Collection[str], k: int = 10) -> float:
    """Binary-relevance nDCG: ``sum 1/log2(rank+1)`` over acceptable ids in the
    first ``k``, divided by the best possible value for ``len(relevant)`` ids.

    >>> round(ndcg_at_k(["a", "b"], {"b"}), 4)
    0.6309
    """
    _check_k(k)
    rel = set(relevant)
    if not rel:
        raise ValueError("nDCG is undefined for a query without acceptable ids")
    seen: set[str] = set()
    dcg = 0.0
    for i, item in enumerate(ranked[:k]):
        if item in rel and item not in seen:
            seen.add(item)
            dcg += 1.0 / math.log2(i + 2)
    ideal = sum(1.0 / math.log2(i + 2) for i in range(min(len(rel), k)))
    return dcg / ideal


def _check_k(k: int) -> None:
    if k < 1:
        raise ValueError(f"k must be at least 1, not {k}")


# -- many rankings -------------------------------------------------------------------
@dataclass(frozen=True)
class RetrievalMetrics:
    """Means over the answerable queries of one run."""

    n: int
    hit_at: dict[int, float]
    mrr_at_10: float
    ndcg_at_10: float
    recall_curve: dict[int, float]

    def to_dict(self) -> dict:
        return {
            "n": self.n,
            "hit_at": {str(k): v for k, v in self.hit_at.items()},
            "mrr_at_10": self.mrr_at_10,
            "ndcg_at_10": self.ndcg_at_10,
            "recall_curve": {str(k): v for k, v in self.recall_curve.items()},
        }


def retrieval_metrics(
    runs: Iterable[tuple[Sequence[str], Collection[str]]],
    *,
    ks: Sequence[int] = DEFAULT_KS,
    curve_k: int = 20,
) -> RetrievalMetrics:
    """hit@k for each ``k``, MRR@10, nDCG@10 and the recall@k curve (k = 1..curve_k).

    Args:
        runs: (ranking, acceptable ids) per query; queries with no acceptable
            id are skipped.
        ks: the cut-offs of hit@k.
        curve_k: the last k of the recall curve.
    """
    pairs = [(list(r), set(rel)) for r, rel in runs if rel]
    n = len(pairs)
    if n == 0:
        return RetrievalMetrics(
            0, {k: 0.0 for k in ks}, 0.0, 0.0, {k: 0.0 for k in range(1, curve_k + 1)}
        )
    hit = {k: sum(hit_at_k(r, rel, k) for r, rel in pairs) / n for k in ks}
    mrr = sum(reciprocal_rank(r, rel, 10) for r, rel in pairs) / n
    ndcg = sum(ndcg_at_k(r, rel, 10) for r, rel in pairs) / n
    return RetrievalMetrics(n, hit, mrr, ndcg, recall_curve(pairs, max_k=curve_k))


def recall_curve(
    runs: Iterable[tuple[Sequence[str], Collection[str]]], *, max_k: int = 20
) -> dict[int, float]:
    """Mean recall@k for k = 1..max_k over the answerable queries.

    >>> recall_curve([(["a", "b"], {"b"}), (["c"], {"c"})], max_k=2)
    {1: 0.5, 2: 1.0}
    """
    pairs = [(list(r), set(rel)) for r, rel in runs if rel]
    if not pairs:
        return {k: 0.0 for k in range(1, max_k + 1)}
    return {
        k: sum(recall_at_k(r, rel, k) for r, rel in pairs) / len(pairs) for k in range(1, max_k + 1)
    }


# -- classification ----------------------------------------------------------------
def accuracy(y_true: Sequence[str], y_pred: Sequence[str]) -> float:
    """Share of exact matches.

    >>> accuracy(["A", "B", "B"], ["A", "B", "A"])
    0.6666666666666666
    """
    _same_length(y_true, y_pred)
    if not y_true:
        return 0.0
    return sum(t == p for t, p in zip(y_true, y_pred, strict=True)) / len(y_true)


@dataclass(frozen=True)
class PRF:
    """Precision, recall and F1 of one label, with the counts behind them."""

    precision: float
    recall: float
    f1: float
    support: int
    tp: int
    fp: int
    fn: int

    def to_dict(self) -> dict:
        return asdict(self)


def prf(tp: int, fp: int, fn: int) -> PRF:
    """Precision, recall and F1 from counts (0.0 where undefined).

    >>> prf(2, 1, 2).f1
    0.5714285714285714
    """
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return PRF(precision, recall, f1, tp + fn, tp, fp, fn)


def per_label_scores(
    y_true: Sequence[str], y_pred: Sequence[str], labels: Sequence[str] | None = None
) -> dict[str, PRF]:
    """One-vs-rest precision, recall and F1 of each label."""
    _same_length(y_true, y_pred)
    labels = list(labels) if labels is not None else sorted(set(y_true) | set(y_pred))
    out = {}
    for label in labels:
        tp = sum(t == label and p == label for t, p in zip(y_true, y_pred, strict=True))
        fp = sum(t != label and p == label for t, p in zip(y_true, y_pred, strict=True))
        fn = sum(t == label and p != label for t, p in zip(y_true, y_pred, strict=True))
        out[label] = prf(tp, fp, fn)
    return out


def macro_f1(
    y_true: Sequence[str], y_pred: Sequence[str], labels: Sequence[str] | None = None
) -> float:
    """Unweighted mean F1 over ``labels`` (default: every label seen in either list).

    >>> macro_f1(["A", "A", "B"], ["A", "B", "B"])
    0.6666666666666666
    """
    scores = per_label_scores(y_true, y_pred, labels)
    if not scores:
        return 0.0
    return sum(s.f1 for s in scores.values()) / len(scores)


@dataclass(frozen=True)
class ConfusionMatrix:
    """``counts[i][j]``: queries of true label ``labels[i]`` predicted ``labels[j]``."""

    labels: tuple[str, ...]
    counts: tuple[tuple[int, ...], ...]

    def to_dict(self) -> dict:
        return {"labels": list(self.labels), "counts": [list(r) for r in self.counts]}


def confusion_matrix(
    y_true: Sequence[str], y_pred: Sequence[str], labels: Sequence[str] | None = None
) -> ConfusionMatrix:
    """Counts of (true, predicted) pairs; rows are true labels.

    Raises:
        ValueError: a label outside ``labels`` occurs.
    """
    _same_length(y_true, y_pred)
    labels = tuple(labels) if labels is not None else tuple(sorted(set(y_true) | set(y_pred)))
    index = {label: i for i, label in enumerate(labels)}
    counts = [[0] * len(labels) for _ in labels]
    for t, p in zip(y_true, y_pred, strict=True):
        if t not in index or p not in index:
            missing = t if t not in index else p
            raise ValueError(f"label {missing!r} is not among the matrix labels")
        counts[index[t]][index[p]] += 1
    return ConfusionMatrix(labels, tuple(tuple(r) for r in counts))


@dataclass(frozen=True)
class ClassificationMetrics:
    """Accuracy, macro-F1 and the confusion matrix of one labelling task."""

    n: int
    accuracy: float
    macro_f1: float
    confusion: ConfusionMatrix

    def to_dict(self) -> dict:
        return {
            "n": self.n,
            "accuracy": self.accuracy,
            "macro_f1": self.macro_f1,
            "confusion": self.confusion.to_dict(),
        }


def classification_metrics(
    y_true: Sequence[str], y_pred: Sequence[str], labels: Sequence[str] | None = None
) -> ClassificationMetrics:
    """Accuracy, macro-F1 over the labels that occur, and the full confusion matrix.

    ``labels`` orders the matrix (every code, so matrices of two runs line up);
    macro-F1 averages only over labels seen in ``y_true`` or ``y_pred``, so a
    code absent from the gold set does not count as a zero.
    """
    seen = sorted(set(y_true) | set(y_pred))
    order = list(labels) if labels is not None else seen
    order += [s for s in seen if s not in order]
    return ClassificationMetrics(
        n=len(y_true),
        accuracy=accuracy(y_true, y_pred),
        macro_f1=macro_f1(y_true, y_pred, seen),
        confusion=confusion_matrix(y_true, y_pred, order),
    )


def flag_scores(
    true_flags: Sequence[Collection[str]],
    pred_flags: Sequence[Collection[str]],
    flags: Sequence[str],
) -> dict[str, PRF]:
    """Per-flag precision, recall and F1 (flags are a multi-label task).

    >>> s = flag_scores([{"validasi"}, set()], [{"validasi"}, {"validasi"}], ["validasi"])
    >>> s["validasi"].precision, s["validasi"].recall
    (0.5, 1.0)
    """
    _same_length(true_flags, pred_flags)
    out = {}
    for flag in flags:
        tp = fp = fn = 0
        for t, p in zip(true_flags, pred_flags, strict=True):
            tp += flag in t and flag in p
            fp += flag not in t and flag in p
            fn += flag in t and flag not in p
        out[flag] = prf(tp, fp, fn)
    return out


@dataclass(frozen=True)
class FlagRanking:
    """How well a flag's confidence orders the queries, whatever the threshold."""

    average_precision: float
    recall_at_precision: float  # the best recall at precision >= ``precision_floor``
    precision_floor: float
    support: int

    def to_dict(self) -> dict:
        return {
            "average_precision": round(self.average_precision, 4),
            "recall_at_precision": round(self.recall_at_precision, 4),
            "precision_floor": self.precision_floor,
            "support": self.support,
        }


def flag_ranking(
    confidence: Sequence[float], labels: Sequence[bool], *, precision_floor: float = 0.80
) -> FlagRanking:
    """Average precision, and the best recall at precision >= ``precision_floor``,
    of ranking the queries by a flag's confidence (ties broken by input order).
    Measures the flag's model apart from the threshold fitted on a small dev split.

    >>> r = flag_ranking([0.9, 0.8, 0.7, 0.1], [True, False, True, False])
    >>> round(r.average_precision, 4), r.recall_at_precision  # (1 + 2/3) / 2; P 1 at R 0.5
    (0.8333, 0.5)
    """
    _same_length(confidence, labels)
    y = np.asarray(labels, dtype=bool)
    if not y.any():
        return FlagRanking(0.0, 0.0, precision_floor, 0)
    order = np.argsort(-np.asarray(confidence, dtype=np.float64), kind="stable")
    hits = y[order]
    tp = np.cumsum(hits)
    precision = tp / np.arange(1, len(y) + 1)
    recall = tp / y.sum()
    ap = float((precision * hits).sum() / y.sum())
    ok = recall[precision >= precision_floor]
    return FlagRanking(ap, float(ok.max()) if ok.size else 0.0, precision_floor, int(y.sum()))


def _same_length(a: Sized, b: Sized) -> None:
    if len(a) != len(b):
        raise ValueError(f"lengths differ: {len(a)} true labels, {len(b)} predictions")


# -- calibration -------------------------------------------------------------------
@dataclass(frozen=True)
class ReliabilityBin:
    """One confidence bin ``[lo, hi)`` (the last bin includes 1.0)."""

    lo: float
    hi: float
    count: int
    mean_confidence: float
    accuracy: float


@dataclass(frozen=True)
class Reliability:
    """Expected calibration error and the table it is computed from."""

    n: int
    ece: float
    bins: tuple[ReliabilityBin, ...] = field(default=())

    def to_dict(self) -> dict:
        return {"n": self.n, "ece": self.ece, "bins": [asdict(b) for b in self.bins]}


def reliability_table(
    confidences: Sequence[float], correct: Sequence[bool], *, n_bins: int = 10
) -> tuple[ReliabilityBin, ...]:
    """Equal-width bins over [0, 1]: count, mean confidence and accuracy of each.

    Empty bins are kept (count 0, means 0.0) so tables of two runs line up.

    Raises:
        ValueError: a confidence outside [0, 1], or n_bins < 1.
    """
    _same_length(confidences, correct)
    if n_bins < 1:
        raise ValueError("n_bins must be at least 1")
    conf = np.asarray(confidences, dtype=np.float64)
    ok = np.asarray(correct, dtype=bool)
    if conf.size and (conf.min() < 0.0 or conf.max() > 1.0 or np.isnan(conf).any()):
        raise ValueError("confidences must lie in [0, 1]")
    which = np.minimum((conf * n_bins).astype(np.int64), n_bins - 1)
    bins = []
    for b in range(n_bins):
        mask = which == b
        count = int(mask.sum())
        bins.append(
            ReliabilityBin(
                lo=b / n_bins,
                hi=(b + 1) / n_bins,
                count=count,
                mean_confidence=float(conf[mask].mean()) if count else 0.0,
                accuracy=float(ok[mask].mean()) if count else 0.0,
            )
        )
    return tuple(bins)


def expected_calibration_error(
    confidences: Sequence[float], correct: Sequence[bool], *, n_bins: int = 10
) -> float:
    """``sum over bins of count/N * |accuracy - mean confidence|``.

    >>> expected_calibration_error([0.9, 0.9, 0.1, 0.1], [True, False, False, False])
    0.25
    """
    bins = reliability_table(confidences, correct, n_bins=n_bins)
    n = sum(b.count for b in bins)
    if n == 0:
        return 0.0
    return sum(b.count / n * abs(b.accuracy - b.mean_confidence) for b in bins)


def reliability(
    confidences: Sequence[float], correct: Sequence[bool], *, n_bins: int = 10
) -> Reliability:
    """ECE and its reliability table in one record."""
    bins = reliability_table(confidences, correct, n_bins=n_bins)
    n = sum(b.count for b in bins)
    ece = sum(b.count / n * abs(b.accuracy - b.mean_confidence) for b in bins) if n else 0.0
    return Reliability(n=n, ece=ece, bins=bins)


# -- latency -----------------------------------------------------------------------
@dataclass(frozen=True)
class LatencySummary:
    """Percentiles of a set of timings in milliseconds (linear interpolation)."""

    n: int
    p50: float
    p95: float
    p99: float
    mean: float
    max: float

    def to_dict(self) -> dict:
        return asdict(self)


def latency_summary(latencies_ms: Sequence[float]) -> LatencySummary:
    """p50, p95, p99, mean and max; all 0.0 for no timings.

    >>> latency_summary([float(i) for i in range(1, 101)]).p50
    50.5
    """
    values = np.asarray(latencies_ms, dtype=np.float64)
    if values.size == 0:
        return LatencySummary(0, 0.0, 0.0, 0.0, 0.0, 0.0)
    p50, p95, p99 = np.percentile(values, [50, 95, 99])
    return LatencySummary(
        n=int(values.size),
        p50=float(p50),
        p95=float(p95),
        p99=float(p99),
        mean=float(values.mean()),
        max=float(values.max()),
    )
