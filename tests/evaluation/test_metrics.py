"""Metrics against numbers worked out by hand (in the comments)."""

from __future__ import annotations

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from evaluation.metrics import (
    accuracy,
    classification_metrics,
    confusion_matrix,
    expected_calibration_error,
    first_relevant_rank,
    flag_ranking,
    flag_scores,
    hit_at_k,
    latency_summary,
    macro_f1,
    ndcg_at_k,
    per_label_scores,
    prf,
    recall_at_k,
    recall_curve,
    reciprocal_rank,
    reliability,
    reliability_table,
    retrieval_metrics,
)


# -- one ranking -------------------------------------------------------------------------------
def test_hit_at_k_counts_only_the_first_k():
    ranked = ["a", "b", "c"]
    assert [hit_at_k(ranked, {"c"}, k) for k in (1, 2, 3, 10)] == [0.0, 0.0, 1.0, 1.0]


def test_any_acceptable_id_counts_as_a_hit():
    assert hit_at_k(["x", "b"], {"a", "b"}, 2) == 1.0
    assert first_relevant_rank(["x", "b", "a"], {"a", "b"}) == 2
    assert first_relevant_rank(["x"], {"a"}) is None


def test_reciprocal_rank_is_cut_at_k():
    assert reciprocal_rank(["x", "y", "a"], {"a", "z"}) == pytest.approx(1 / 3)
    assert reciprocal_rank(["x", "y", "a"], {"a"}, k=2) == 0.0
    assert reciprocal_rank([], {"a"}) == 0.0


def test_recall_counts_every_acceptable_id():
    # 4 acceptable ids, a found at 1, b at 3.
    assert recall_at_k(["a", "x", "b"], {"a", "b", "c", "d"}, 1) == 0.25
    assert recall_at_k(["a", "x", "b"], {"a", "b", "c", "d"}, 3) == 0.5


def test_ndcg_by_hand():
    # Relevant at ranks 2 and 4: DCG = 1/log2(3) + 1/log2(5) = 0.63093 + 0.43068 = 1.06161.
    # Ideal (2 relevant at ranks 1, 2): 1 + 0.63093 = 1.63093; nDCG = 0.65092.
    assert ndcg_at_k(["a", "b", "c", "d"], {"b", "d"}) == pytest.approx(0.65092, abs=1e-5)
    assert ndcg_at_k(["b", "d"], {"b", "d"}) == pytest.approx(1.0)
    # With one relevant id at rank 2: 1/log2(3) = 0.63093.
    assert ndcg_at_k(["a", "b"], {"b"}) == pytest.approx(0.63093, abs=1e-5)
    # A repeated id counts once.
    assert ndcg_at_k(["b", "b"], {"b", "c"}) == pytest.approx(1 / 1.63093, abs=1e-5)


def test_undefined_metrics_raise():
    with pytest.raises(ValueError, match="without acceptable ids"):
        ndcg_at_k(["a"], set())
    with pytest.raises(ValueError, match="without acceptable ids"):
        recall_at_k(["a"], set(), 1)
    with pytest.raises(ValueError, match="at least 1"):
        hit_at_k(["a"], {"a"}, 0)


# -- many rankings ----------------------------------------------------------------------------
def test_retrieval_metrics_by_hand():
    runs = [
        (["a", "b", "c"], {"a"}),  # rank 1
        (["x", "b", "y"], {"b"}),  # rank 2
        (["p", "q", "r", "s", "t", "u"], {"u"}),  # rank 6
        (["a"], set()),  # unanswerable: skipped
    ]
    m = retrieval_metrics(runs, curve_k=6)
    assert m.n == 3
    assert m.hit_at == {1: pytest.approx(1 / 3), 3: pytest.approx(2 / 3), 5: pytest.approx(2 / 3)}
    # MRR = (1 + 1/2 + 1/6) / 3 = 0.5556
    assert m.mrr_at_10 == pytest.approx((1 + 0.5 + 1 / 6) / 3)
    # nDCG = (1 + 1/log2(3) + 1/log2(7)) / 3
    expected = (1 + 1 / math.log2(3) + 1 / math.log2(7)) / 3
    assert m.ndcg_at_10 == pytest.approx(expected)
    assert m.recall_curve == {
        1: pytest.approx(1 / 3),
        2: pytest.approx(2 / 3),
        3: pytest.approx(2 / 3),
        4: pytest.approx(2 / 3),
        5: pytest.approx(2 / 3),
        6: pytest.approx(1.0),
    }


def test_retrieval_metrics_with_no_answerable_query_is_zero():
    m = retrieval_metrics([(["a"], set())], curve_k=2)
    assert m.n == 0 and m.hit_at[1] == 0.0 and m.recall_curve == {1: 0.0, 2: 0.0}


def test_recall_curve_doctest_case():
    assert recall_curve([(["a", "b"], {"b"}), (["c"], {"c"})], max_k=2) == {1: 0.5, 2: 1.0}


# -- classification -------------------------------------------------------------------------
Y_TRUE = ["A", "A", "B", "C"]
Y_PRED = ["A", "B", "B", "A"]


def test_accuracy_macro_f1_and_confusion_by_hand():
    # A: tp 1, fp 1 (the C), fn 1 (the B)  -> P .5  R .5  F1 .5
    # B: tp 1, fp 1 (the A), fn 0          -> P .5  R 1   F1 .6667
    # C: tp 0, fp 0, fn 1                  -> F1 0
    assert accuracy(Y_TRUE, Y_PRED) == 0.5
    scores = per_label_scores(Y_TRUE, Y_PRED)
    assert (scores["A"].precision, scores["A"].recall, scores["A"].f1) == (0.5, 0.5, 0.5)
    assert scores["B"].f1 == pytest.approx(2 / 3)
    assert scores["C"].f1 == 0.0 and scores["C"].support == 1
    assert macro_f1(Y_TRUE, Y_PRED) == pytest.approx((0.5 + 2 / 3 + 0) / 3)
    cm = confusion_matrix(Y_TRUE, Y_PRED, ["A", "B", "C"])
    assert cm.counts == ((1, 1, 0), (0, 1, 0), (1, 0, 0))


def test_classification_metrics_orders_by_given_labels_but_averages_seen_ones():
    m = classification_metrics(Y_TRUE, Y_PRED, labels=["C", "B", "A", "D"])
    assert m.confusion.labels == ("C", "B", "A", "D")
    assert m.confusion.counts[3] == (0, 0, 0, 0)
    # D never occurs, so it does not drag macro-F1 down.
    assert m.macro_f1 == pytest.approx((0.5 + 2 / 3 + 0) / 3)
    assert m.n == 4


def test_confusion_matrix_rejects_unknown_labels_and_length_mismatch():
    with pytest.raises(ValueError, match="not among"):
        confusion_matrix(["A"], ["Z"], ["A"])
    with pytest.raises(ValueError, match="lengths differ"):
        accuracy(["A"], [])


def test_prf_zero_division_is_zero():
    s = prf(0, 0, 0)
    assert (s.precision, s.recall, s.f1, s.support) == (0.0, 0.0, 0.0, 0)
    assert prf(2, 1, 2).f1 == pytest.approx(2 * (2 / 3) * 0.5 / (2 / 3 + 0.5))


def test_flag_scores_by_hand():
    true = [{"interpretasi"}, {"validasi"}, set(), {"interpretasi", "validasi"}]
    pred = [{"interpretasi"}, set(), {"validasi"}, {"interpretasi"}]
    s = flag_scores(true, pred, ["interpretasi", "validasi", "tidak_ada_di_kb"])
    assert (s["interpretasi"].tp, s["interpretasi"].fp, s["interpretasi"].fn) == (2, 0, 0)
    assert s["interpretasi"].f1 == 1.0
    # validasi: tp 0, fp 1 (query 3), fn 2 (queries 2 and 4)
    assert (s["validasi"].tp, s["validasi"].fp, s["validasi"].fn) == (0, 1, 2)
    assert s["validasi"].precision == 0.0 and s["validasi"].recall == 0.0
    assert s["tidak_ada_di_kb"].support == 0


# -- calibration ---------------------------------------------------------------------------------
def test_ece_by_hand_ten_bins():
    # Bins: .95 -> 9 (acc 1), .85 -> 8 (acc 0), .15 -> 1 (acc 0), .55 -> 5 (acc 1)
    # ECE = (|1-.95| + |0-.85| + |0-.15| + |1-.55|) / 4 = (.05+.85+.15+.45)/4 = 0.375
    conf = [0.95, 0.85, 0.15, 0.55]
    ok = [True, False, False, True]
    assert expected_calibration_error(conf, ok) == pytest.approx(0.375)


def test_ece_by_hand_two_bins():
    # Bin [0, .5): .15 wrong -> .15; bin [.5, 1]: .95 .85 .55, 2 of 3 right:
    # |.6667 - .7833| = .1167 for 3 queries. ECE = (.15 + 3 * .11667) / 4 = 0.125
    conf = [0.95, 0.85, 0.15, 0.55]
    ok = [True, False, False, True]
    assert expected_calibration_error(conf, ok, n_bins=2) == pytest.approx(0.125)
    rel = reliability(conf, ok, n_bins=2)
    assert rel.n == 4 and rel.ece == pytest.approx(0.125)
    assert rel.bins[1].count == 3
    assert rel.bins[1].mean_confidence == pytest.approx((0.95 + 0.85 + 0.55) / 3)
    assert rel.bins[1].accuracy == pytest.approx(2 / 3)


def test_reliability_table_edges():
    bins = reliability_table([0.0, 1.0, 0.1], [False, True, True], n_bins=10)
    assert len(bins) == 10
    assert bins[0].count == 1 and bins[9].count == 1  # 1.0 falls in the last bin
    assert bins[1].count == 1 and bins[1].lo == pytest.approx(0.1)
    assert bins[5].count == 0 and bins[5].accuracy == 0.0
    with pytest.raises(ValueError, match=r"\[0, 1\]"):
        reliability_table([1.2], [True])
    assert expected_calibration_error([], []) == 0.0


# -- latency -----------------------------------------------------------------------------------
def test_latency_summary_by_hand():
    # Linear interpolation: p50 of 10..40 is 25; p95 at index 2.85 -> 30 + .85*10 = 38.5;
    # p99 at index 2.97 -> 39.7.
    s = latency_summary([40.0, 10.0, 30.0, 20.0])
    assert (s.n, s.p50, s.mean, s.max) == (4, 25.0, 25.0, 40.0)
    assert s.p95 == pytest.approx(38.5)
    assert s.p99 == pytest.approx(39.7)
    assert latency_summary([]).n == 0


# -- invariants ---------------------------------------------------------------------------------
ids = st.sampled_from(list("abcdefgh"))


@settings(max_examples=200, deadline=None)
@given(st.lists(ids, max_size=12), st.sets(ids, min_size=1, max_size=4))
def test_ranking_metrics_stay_in_range_and_grow_with_k(ranked, relevant):
    hits = [hit_at_k(ranked, relevant, k) for k in range(1, 13)]
    recalls = [recall_at_k(ranked, relevant, k) for k in range(1, 13)]
    assert hits == sorted(hits) and recalls == sorted(recalls)
    assert 0.0 <= ndcg_at_k(ranked, relevant) <= 1.0 + 1e-12
    rr = reciprocal_rank(ranked, relevant)
    assert 0.0 <= rr <= hit_at_k(ranked, relevant, 10)


@settings(max_examples=100, deadline=None)
@given(
    st.lists(
        st.tuples(st.floats(0.0, 1.0), st.booleans()),
        min_size=1,
        max_size=40,
    ),
    st.integers(1, 15),
)
def test_ece_stays_in_range(pairs, n_bins):
    conf = [c for c, _ in pairs]
    ok = [o for _, o in pairs]
    ece = expected_calibration_error(conf, ok, n_bins=n_bins)
    assert 0.0 <= ece <= 1.0
    assert sum(b.count for b in reliability_table(conf, ok, n_bins=n_bins)) == len(pairs)


def test_flag_ranking_by_hand():
    # ranked: T F T F -> precision at the hits 1 and 2/3: AP (1 + 2/3) / 2
    r = flag_ranking([0.9, 0.8, 0.7, 0.1], [True, False, True, False])
    assert r.average_precision == pytest.approx(5 / 6)
    assert r.recall_at_precision == 0.5 and r.support == 2
    # a perfect ordering, and the floor met only at the very top
    assert flag_ranking([0.9, 0.1], [True, False]).average_precision == 1.0
    assert flag_ranking([0.1, 0.9, 0.5], [True, False, False]).recall_at_precision == 0.0
    # ties keep input order; no positive is 0, not an error
    assert flag_ranking([0.5, 0.5], [False, True]).average_precision == 0.5
    assert flag_ranking([0.3], [False]).support == 0
    with pytest.raises(ValueError, match="lengths differ"):
        flag_ranking([0.1, 0.2], [True])
