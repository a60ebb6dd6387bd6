"""Calibration: pure pieces by hand, then one run on the tiny engine."""

from __future__ import annotations

import json

import numpy as np
import pytest

from evaluation.calibrate import (
    CalibrationConfig,
    QueryCandidates,
    calibrate_engine,
    choose_category_mix,
    choose_threshold,
    first_relevant_ranks,
    fit_platt,
    fit_stack,
    platt_training_set,
    search_weights,
    stack_training_set,
    write_calibration,
)
from indexer.classify import OutOfFold
from suggest.scoring import FEATURES, INTERPRETASI_EVIDENCE, FusionParams, calibrate


def test_first_relevant_ranks_with_ties_follow_row_order():
    scores = np.array([[0.5, 0.1], [0.9, 0.2], [0.5, 0.3]])
    labels = np.array([False, False, True])
    # Column 0: 0.9 beats it and row 0 ties earlier -> rank 3. Column 1: best -> rank 1.
    assert first_relevant_ranks(scores, labels).tolist() == [3, 1]
    assert first_relevant_ranks(scores, np.array([False] * 3)).tolist() == [0, 0]
    # Two acceptable rows: the better placed counts.
    assert first_relevant_ranks(scores, np.array([True, False, True])).tolist() == [2, 1]


def _row(**values: float) -> list[float]:
    """A feature row by name (any feature the engine adds later is 0)."""
    return [values.get(f, 0.0) for f in FEATURES]


def _cands(qid, rows, labels, answerable=True):
    return QueryCandidates(qid, np.array(rows, float), np.array(labels, bool), answerable)


def test_weight_search_finds_the_weighting_that_ranks_right():
    # In both queries the right article has the lower dense score but the full
    # BM25 match; every other feature is 0.
    q1 = _cands("q1", [_row(dense=0.80), _row(dense=0.75, bm25_rel=1.0)], [False, True])
    q2 = _cands(
        "q2", [_row(dense=0.90, bm25_rel=0.1), _row(dense=0.80, bm25_rel=1.0)], [False, True]
    )
    # q1 needs 0.05 < w_rel, q2 needs 0.1 < 0.9 * w_rel, i.e. w_rel > 0.111: of the
    # grid only 0.2 ranks both right (the other features are 0 and change nothing).
    q3 = _cands("q3", [_row(dense=0.5)], [False], answerable=False)  # ignored
    grid = (0.0, 0.1, 0.2)
    found = search_weights([q1, q2, q3], grid=grid)
    assert found.hit_at_1 == 1.0 and found.mrr_at_10 == 1.0
    assert found.weights["dense"] == 1.0
    assert found.weights["bm25_rel"] == 0.2
    assert found.tried == len(grid) ** (len(FEATURES) - 1)
    # Ties are broken towards the defaults: the others take the grid value nearest them.
    defaults = FusionParams().weights
    for f in FEATURES:
        if f not in ("dense", "bm25_rel"):
            assert found.weights[f] == min(grid, key=lambda g, f=f: abs(g - defaults[f]))


def test_weight_search_prefers_a_plateau_to_a_lone_spike():
    # bm25_rel = 0.1 ranks 3 of 4 queries right, but 0.0 ranks none; from 0.2 up
    # every value ranks 2 of 4. The neighbourhood of 0.2 (0.1, 0.2, 0.3) averages
    # (3 + 2 + 2) / 3 = 2.33 against (0 + 3 + 2) / 3 = 1.67 for 0.1.
    def wins_above(t):  # right article has the BM25 match, needs w_rel > t
        return _cands("a", [_row(dense=0.8), _row(dense=0.8 - t, bm25_rel=1.0)], [False, True])

    only_at_01 = [  # wins iff 0.06 < w_rel < 0.14
        _cands(
            f"c{i}",
            [
                _row(dense=0.78),
                _row(dense=0.68, bm25_rel=1.0),
                _row(dense=0.75, bm25_rel=0.5),
            ],
            [False, False, True],
        )
        for i in range(2)
    ]
    queries = [wins_above(0.05), wins_above(0.15), *only_at_01]
    grid = (0.0, 0.1, 0.2, 0.3, 0.4)
    assert search_weights(queries, grid=grid, smooth_radius=0).weights["bm25_rel"] == 0.1
    found = search_weights(queries, grid=grid)
    assert found.weights["bm25_rel"] == 0.2
    assert found.hit_at_1 == 0.5  # the chosen point's own score is reported


def test_weight_search_needs_an_answerable_query():
    with pytest.raises(ValueError, match="no answerable"):
        search_weights([_cands("q", [_row(dense=0.5)], [False], answerable=False)])


def test_platt_training_set_takes_the_top_k():
    q = _cands("q", [_row(dense=0.1), _row(dense=0.9), _row(dense=0.5)], [False, True, False])
    w = {f: 1.0 if f == "dense" else 0.0 for f in FEATURES}
    z, y = platt_training_set([q], w, top_k=2)
    assert z.tolist() == [0.9, 0.5] and y.tolist() == [True, False]


def test_fit_platt_recovers_a_known_curve():
    rng = np.random.default_rng(0)
    z = rng.uniform(0.0, 2.0, 20_000)
    y = rng.random(20_000) < calibrate(z, 4.0, -4.0)
    a, b = fit_platt(z, y)
    assert a == pytest.approx(4.0, rel=0.1)
    assert b == pytest.approx(-4.0, rel=0.1)
    with pytest.raises(ValueError, match="both"):
        fit_platt(z, np.ones_like(z, dtype=bool))
    with pytest.raises(ValueError, match="the same"):
        fit_platt(np.ones(4), np.array([True, False, True, False]))


def test_fit_platt_is_scale_free():
    # The same data on a narrow score range (as fused scores are) gives the same curve.
    rng = np.random.default_rng(1)
    z = rng.uniform(0.0, 2.0, 5_000)
    y = rng.random(5_000) < calibrate(z, 4.0, -4.0)
    a, b = fit_platt(z, y)
    a2, b2 = fit_platt(1.5 + z / 4, y)  # z' = 1.5 + z/4  ->  a' = 4a, b' = b - 6a
    assert a2 == pytest.approx(4 * a, rel=1e-3)
    assert b2 == pytest.approx(b - 6 * a, rel=1e-3)


def test_choose_threshold_highest_recall_among_those_meeting_the_target():
    conf = np.array([0.95, 0.9, 0.8, 0.7, 0.6, 0.5, 0.3, 0.2, 0.1, 0.05])
    labels = [True, True, True, True, True, True, True, True, True, False]
    labels[4] = False  # 0.6 is a false alarm
    # positives: 0.95 .9 .8 .7 .5 .3 .2 .1 (8).
    # t in (0.05, 0.1] fires 9: P 8/9 .889, R 1.0 -> meets both, the best recall.
    # t in (0.1, 0.2] fires 8: P 7/8, R .875 (misses the recall target).
    choice = choose_threshold(
        [0.08, 0.1, 0.15, 0.4, 0.75], lambda t: conf >= t, labels, target_precision=0.8
    )
    assert choice.threshold == 0.08  # 0.08 and 0.1 tie (P .889, R 1); the lower middle
    assert (round(choice.precision, 3), choice.recall, choice.flagged) == (0.889, 1.0, 9)
    assert choice.met_target


def test_choose_threshold_closest_to_the_target_when_none_meets_it():
    conf = np.array([0.9, 0.8, 0.7, 0.6, 0.5])
    labels = [True, False, True, False, True]
    # t=0.85: P 1, R 1/3 -> min(1.25, .37) .37
    # t=0.75: P .5, R 1/3 -> .37 ; t=0.65: P 2/3, R 2/3 -> min(.83, .74) .74
    # t=0.45: P .6, R 1 -> min(.75, 1.11) .75: the closest, though precision is low
    choice = choose_threshold(
        [0.45, 0.65, 0.75, 0.85], lambda t: conf >= t, labels, target_precision=0.8
    )
    assert choice.threshold == 0.45 and not choice.met_target
    assert (choice.precision, choice.recall) == (0.6, 1.0)
    with pytest.raises(ValueError, match="no positive"):
        choose_threshold([0.5], lambda t: conf >= t, [False, False, False, False, False])


def test_choose_category_mix_prefers_accuracy_then_the_middle():
    truth = ["A", "B", "C"]
    outcomes = {0.0: ["A", "A", "C"], 0.3: ["A", "B", "C"], 0.6: ["A", "B", "C"], 1.0: ["B"] * 3}
    # 0.3 and 0.6 are both perfect; 0.6 is nearer 0.5.
    assert choose_category_mix([0.0, 0.3, 0.6, 1.0], outcomes, truth)[:2] == (0.6, 1.0)


def test_write_calibration_is_plain_json_that_the_engine_reads(tmp_path):
    params = FusionParams(platt_a=3.123456789, confident=0.41)
    path = write_calibration(params, tmp_path / "calibration.json")
    text = path.read_text(encoding="utf-8")
    assert "#" not in text and "//" not in text
    back = FusionParams.from_dict(json.loads(text))
    assert back.platt_a == 3.123457 and back.confident == 0.41
    assert back.weights == params.weights


def test_calibrate_on_the_tiny_engine(tiny_engine, tiny_gold):
    served = tiny_engine.state.params
    cfg = CalibrationConfig(weight_grid=(0.0, 0.2), mix_grid=(0.3, 0.5, 0.7))
    result = calibrate_engine(tiny_engine, tiny_gold, config=cfg)
    p = result.params
    assert p.weights["dense"] == 1.0 and set(p.weights) == set(FEATURES)
    assert p.platt_a > 0
    assert p.category_mix in (0.3, 0.5, 0.7)
    # The fixture has one unanswerable and one validasi query, no interpretasi.
    assert result.thresholds["confident"] is not None
    assert result.thresholds["validasi_threshold"] is not None
    assert result.thresholds["interpretasi_threshold"] is None
    assert p.interpretasi_threshold == tiny_engine.state.params.interpretasi_threshold
    assert any("no interpretasi query" in n for n in result.notes)
    # the stacker is fitted on the training examples, not on dev
    assert set(p.interpretasi_stack) == {"intercept", *INTERPRETASI_EVIDENCE}
    assert result.after.retrieval.hit_at[1] == 1.0
    summary = json.loads(json.dumps(result.summary()))
    assert summary["dev_queries"] == 6
    assert summary["weights_grid_points"] == 2 ** (len(FEATURES) - 1)
    # The engine the fixture serves is untouched.
    assert tiny_engine.state.params is served


def test_calibrate_needs_queries(tiny_engine):
    with pytest.raises(ValueError, match="dev split is empty"):
        calibrate_engine(tiny_engine, [])


def test_fit_stack_recovers_the_signs_of_the_evidence():
    rng = np.random.default_rng(11)
    n = 400
    x = np.column_stack(
        [
            rng.normal(size=n),  # logit
            rng.random(n),  # top_score
            rng.random(n),  # novelty
            np.zeros(n),  # novelty_gap (unused here)
            (rng.random(n) < 0.2).astype(float),  # cue
        ]
    )
    z = 1.5 * x[:, 0] - 3.0 * x[:, 1] + 3.0 * x[:, 2] + 2.0 * x[:, 4] - 0.5
    y = rng.random(n) < 1 / (1 + np.exp(-z))
    stack = fit_stack(x, y, C=10.0)
    assert set(stack) == {"intercept", *INTERPRETASI_EVIDENCE}
    assert stack["logit"] > 0.8 and stack["top_score"] < -1.5
    assert stack["novelty"] > 1.5 and stack["cue"] > 1.0
    with pytest.raises(ValueError, match="with and without"):
        fit_stack(x, np.ones(n, bool), C=1.0)
    with pytest.raises(ValueError, match="5 columns"):
        fit_stack(x[:, :3], y, C=1.0)


def test_stack_training_set_uses_the_out_of_fold_logit_and_skips_wordless_text(tiny_engine):
    oof = OutOfFold(
        texts=("apakah tunjangan pulsa termasuk objek pph 21", "?!", "lupa efin gmn"),
        labels=np.array([True, False, False]),
        p_yes=np.array([0.9, 0.5, 0.1]),
    )
    x, y = stack_training_set(tiny_engine, oof)
    assert x.shape == (2, len(INTERPRETASI_EVIDENCE)) and y.tolist() == [True, False]
    assert x[:, 0] == pytest.approx([np.log(9), np.log(1 / 9)])  # logit of 0.9, 0.1
    _, served = tiny_engine.interpretasi_inputs("lupa efin gmn")
    assert x[1, 1:] == pytest.approx(served[1:])  # the engine's own retrieval evidence


def test_calibrate_keeps_the_noisy_or_for_an_index_without_out_of_fold(tiny_engine, tiny_gold):
    import copy

    from suggest import Engine

    state = copy.copy(tiny_engine.state)
    state.classifiers = copy.copy(state.classifiers)
    state.classifiers.out_of_fold = {}
    old = Engine(tiny_engine.root, tiny_engine.encoder, state, default_desk="all")
    cfg = CalibrationConfig(weight_grid=(0.0, 0.2), mix_grid=(0.5,))
    result = calibrate_engine(old, tiny_gold, config=cfg)
    assert dict(result.params.interpretasi_stack) == {}
    assert any("no out-of-fold interpretasi" in n for n in result.notes)
