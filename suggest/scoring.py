"""Pure scoring functions: evidence features, fusion, calibration, category mix.

Kept free of I/O so they can be checked by hand and fitted offline.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, field

import numpy as np

# dense: best cosine over the article's vectors; bm25_rel / bm25_abs: BM25
# relative to this query's best and saturated; fuzzy: best token-sort ratio
# with the title, question variants and keywords; category: the category
# classifier's probability for the article's topic (separates look-alike
# articles of the two desks, e.g. OTP in Coretax vs in SIGNAL); qtype: how far
# the article's title and questions ask what the query asks (when, how much,
# requirements, a problem...: :func:`question_type_match`), which separates
# the sibling articles of one topic; title: cosine with the article's title
# vector alone (the title names what the article answers, where a question
# variant or passage may match a neighbour's wording as well: dev hit@1 +0.8,
# README).
FEATURES = ("dense", "bm25_rel", "bm25_abs", "fuzzy", "category", "qtype", "title")

# Features added after some calibrations were written: a calibration without
# one ranks as it did when it was fitted, so the feature's weight is 0.
LATER_FEATURES = {"title": 0.0}

# What the interpretasi stacker weighs: the classifier's logit; the calibrated
# score of the top suggestion (a request about a situation the KB does not
# cover scores low); novelty, the share of the query's words missing from the
# top article (the particular situation that the article's rule does not
# speak to); novelty_gap, novelty where coverage is weak; cue, 1 when a
# readable cue rule fired.
INTERPRETASI_EVIDENCE = ("logit", "top_score", "novelty", "novelty_gap", "cue")


@dataclass(frozen=True)
class FusionParams:
    """Weights of the evidence and the Platt calibration of the fused score.

    ``score = sigmoid(a * (w . features) + b)``; fitted on the gold dev split
    by ``sigap eval calibrate``.
    """

    weights: Mapping[str, float] = field(
        default_factory=lambda: {
            "dense": 1.0,
            "bm25_rel": 0.2,
            "bm25_abs": 0.2,
            "fuzzy": 0.2,
            "category": 0.2,
            "qtype": 0.1,
            "title": 0.0,
        }
    )
    platt_a: float = field(default=10.0, metadata={"help": "calibration slope"})
    platt_b: float = field(default=-11.0, metadata={"help": "calibration intercept"})
    bm25_saturation: float = field(default=8.0, metadata={"help": "BM25 score at abs=0.5"})
    confident: float = field(default=0.5, metadata={"help": "below: tidak_ada_di_kb"})
    category_mix: float = field(default=0.5, metadata={"help": "weight of the classifier"})
    interpretasi_threshold: float = field(default=0.5, metadata={"help": "flag at or above"})
    validasi_threshold: float = field(default=0.5, metadata={"help": "flag at or above"})
    # Logistic stacker of the interpretasi evidence (:func:`stacked_probability`),
    # keyed "intercept" and INTERPRETASI_EVIDENCE; empty: the noisy-or of the
    # model and the cue (:func:`suggest.flags.combine`).
    interpretasi_stack: Mapping[str, float] = field(default_factory=dict)

    def to_dict(self) -> dict:
        d = asdict(self)
        d["weights"] = dict(self.weights)
        d["interpretasi_stack"] = dict(self.interpretasi_stack)
        return d

    @classmethod
    def from_dict(cls, data: Mapping | None) -> FusionParams:
        if not data:
            return cls()
        known = {k: v for k, v in data.items() if k in cls.__dataclass_fields__}
        unknown = set(data) - set(known)
        if unknown:
            raise ValueError(f"unknown fusion parameters: {sorted(unknown)}")
        if "weights" in known:
            known["weights"] = {**LATER_FEATURES, **known["weights"]}
        params = cls(**known)
        missing = set(FEATURES) - set(params.weights)
        if missing:
            raise ValueError(f"fusion weights missing {sorted(missing)}")
        stack = set(params.interpretasi_stack)
        if stack and stack != {"intercept", *INTERPRETASI_EVIDENCE}:
            raise ValueError(
                f"interpretasi_stack needs exactly intercept and {list(INTERPRETASI_EVIDENCE)}, "
                f"not {sorted(stack)}"
            )
        return params


def bm25_features(scores: np.ndarray, saturation: float) -> tuple[np.ndarray, np.ndarray]:
    """BM25 relative to the best article of this query, and absolute saturated.

    >>> rel, ab = bm25_features(np.array([0.0, 4.0, 8.0]), 8.0)
    >>> rel.tolist(), ab.tolist()
    ([0.0, 0.5, 1.0], [0.0, 0.3333333333333333, 0.5])
    """
    scores = np.maximum(np.asarray(scores, dtype=np.float64), 0.0)
    top = float(scores.max()) if scores.size else 0.0
    rel = scores / top if top > 0 else np.zeros_like(scores)
    return rel, scores / (scores + saturation)


def question_type_match(query_types: np.ndarray, article_types: np.ndarray) -> np.ndarray:
    """Mean share, over the query's question types, of each article's title and
    questions asking the same type; 0 for every article when the query shows
    no type (the feature then does not move the ranking).

    Args:
        query_types: (t,) booleans, the types the query asks.
        article_types: (n, t) shares from ``indexer.text.question_type_profile``.

    >>> question_type_match(np.array([True, False, True]),
    ...                     np.array([[1.0, 0.0, 0.5], [0.0, 1.0, 0.0]])).tolist()
    [0.75, 0.0]
    """
    q = np.asarray(query_types, dtype=bool)
    a = np.asarray(article_types, dtype=np.float64)
    if not q.any():
        return np.zeros(len(a))
    return a[:, q].mean(axis=1)


def fuse(features: Mapping[str, float] | np.ndarray, weights: Mapping[str, float]) -> float:
    """Weighted sum of the evidence (one article).

    >>> fuse({"dense": 0.8, "bm25_rel": 1.0, "bm25_abs": 0.5, "fuzzy": 0.5, "category": 0.5,
    ...       "qtype": 1.0, "title": 0.5},
    ...      {"dense": 1.0, "bm25_rel": 0.2, "bm25_abs": 0.2, "fuzzy": 0.2, "category": 0.2,
    ...       "qtype": 0.1, "title": 1.0})
    1.9
    """
    if isinstance(features, np.ndarray):
        return float(features @ np.array([weights[f] for f in FEATURES]))
    return round(sum(weights[f] * features[f] for f in FEATURES), 12)


def fuse_matrix(features: np.ndarray, weights: Mapping[str, float]) -> np.ndarray:
    """Row-wise :func:`fuse` over a (n, len(FEATURES)) matrix."""
    return np.asarray(features, dtype=np.float64) @ np.array([weights[f] for f in FEATURES])


def calibrate(z: float | np.ndarray, a: float, b: float) -> float | np.ndarray:
    """Platt scaling of a fused score into a probability in [0, 1].

    >>> round(calibrate(1.1, 10.0, -11.0), 3)
    0.5
    """
    x = np.clip(a * np.asarray(z, dtype=np.float64) + b, -60.0, 60.0)
    out = 1.0 / (1.0 + np.exp(-x))
    return float(out) if np.ndim(out) == 0 else out


def mix_category(
    classifier: Mapping[str, float],
    suggestions: Sequence[tuple[str, float]],
    *,
    mix: float,
    out_of_scope: str = "LAINNYA",
) -> dict[str, float]:
    """Combine the category classifier with the categories of the suggestions.

    The retrieval side spreads the top scores over their categories and
    gives what confidence is missing from the best score to ``out_of_scope``.

    >>> mix_category({"A": 0.6, "LAINNYA": 0.4}, [("A", 0.8), ("B", 0.2)], mix=0.5)
    {'A': 0.6333, 'LAINNYA': 0.2833, 'B': 0.0833}
    """
    retrieval: dict[str, float] = {}
    for code, score in suggestions:
        retrieval[code] = retrieval.get(code, 0.0) + max(score, 0.0)
    best = max((s for _, s in suggestions), default=0.0)
    retrieval[out_of_scope] = retrieval.get(out_of_scope, 0.0) + max(0.0, 1.0 - best)
    total = sum(retrieval.values()) or 1.0
    codes = set(classifier) | set(retrieval)
    mixed = {
        c: mix * classifier.get(c, 0.0) + (1 - mix) * retrieval.get(c, 0.0) / total for c in codes
    }
    norm = sum(mixed.values()) or 1.0
    ranked = sorted(mixed.items(), key=lambda kv: (-kv[1], kv[0]))
    return {c: round(v / norm, 4) for c, v in ranked}


def novelty(query_tokens: Sequence[str], article_tokens: set[str] | frozenset[str]) -> float:
    """Share of the query's prepared words, numbers left out, that the
    article's prepared text lacks; 0 when the query has no such word.

    >>> novelty(["mobil", "hibah", "kantor", "2024"], {"mobil", "hibah", "bbnkb"})
    0.3333333333333333
    """
    words = [t for t in query_tokens if not t.isdigit()]
    if not words:
        return 0.0
    return sum(t not in article_tokens for t in words) / len(words)


def interpretasi_evidence(p_model: float, top_score: float, novelty_share: float, cue: bool):
    """The stacker's inputs in ``INTERPRETASI_EVIDENCE`` order.

    >>> interpretasi_evidence(0.5, 0.2, 0.5, True).round(4).tolist()
    [0.0, 0.2, 0.5, 0.4, 1.0]
    """
    p = min(max(float(p_model), 1e-6), 1 - 1e-6)
    return np.array(
        [
            np.log(p / (1 - p)),
            float(top_score),
            float(novelty_share),
            float(novelty_share) * (1.0 - float(top_score)),
            1.0 if cue else 0.0,
        ]
    )


def stacked_probability(evidence: np.ndarray, stack: Mapping[str, float]) -> float:
    """``sigmoid(intercept + sum(coef * evidence))``.

    >>> stack = {"intercept": -1.0, "logit": 1.0, "top_score": -2.0, "novelty": 0.0,
    ...          "novelty_gap": 2.0, "cue": 1.0}
    >>> round(stacked_probability(interpretasi_evidence(0.5, 0.2, 0.5, True), stack), 4)
    0.5987
    """
    z = stack["intercept"] + sum(
        stack[name] * float(x) for name, x in zip(INTERPRETASI_EVIDENCE, evidence, strict=True)
    )
    return float(1.0 / (1.0 + np.exp(-z)))
