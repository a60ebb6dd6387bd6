import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from suggest.scoring import (
    FEATURES,
    INTERPRETASI_EVIDENCE,
    FusionParams,
    bm25_features,
    calibrate,
    fuse,
    fuse_matrix,
    interpretasi_evidence,
    mix_category,
    novelty,
    question_type_match,
    stacked_probability,
)

W = {
    "dense": 1.0,
    "bm25_rel": 0.2,
    "bm25_abs": 0.2,
    "fuzzy": 0.2,
    "category": 0.5,
    "qtype": 0.25,
    "title": 0.5,
}


def test_fuse_hand_checked():
    # 0.8 + 0.2*1.0 + 0.2*0.5 + 0.2*0.5 + 0.5*0.4 + 0.25*0.8 + 0.5*0.6 = 1.9
    f = {
        "dense": 0.8,
        "bm25_rel": 1.0,
        "bm25_abs": 0.5,
        "fuzzy": 0.5,
        "category": 0.4,
        "qtype": 0.8,
        "title": 0.6,
    }
    assert fuse(f, W) == pytest.approx(1.9)
    row = np.array([[0.8, 1.0, 0.5, 0.5, 0.4, 0.8, 0.6], [0.5, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0]])
    assert fuse_matrix(row, W).tolist() == pytest.approx([1.9, 0.5])


def test_question_type_match_hand_checked():
    articles = np.array(
        [
            [1.0, 0.0, 0.0],  # every text asks "when"
            [0.2, 0.6, 0.0],
            [0.0, 0.0, 1.0],
        ]
    )
    # the query asks types 0 and 1: mean of the two shares per article
    got = question_type_match(np.array([True, True, False]), articles)
    assert got.tolist() == pytest.approx([0.5, 0.4, 0.0])
    # a query that asks no type leaves every article at 0 (no effect on ranking)
    assert question_type_match(np.zeros(3, bool), articles).tolist() == [0.0, 0.0, 0.0]


def test_calibrate_hand_checked():
    # a*z + b = 10*1.1 - 11 = 0 -> 0.5 ; 10*1.2 - 11 = 1 -> 1/(1+e^-1)
    assert calibrate(1.1, 10.0, -11.0) == pytest.approx(0.5)
    assert calibrate(1.2, 10.0, -11.0) == pytest.approx(0.7310586)
    assert calibrate(np.array([-100.0, 100.0]), 10.0, 0.0).tolist() == pytest.approx([0, 1])


def test_bm25_features_hand_checked():
    rel, ab = bm25_features(np.array([0.0, 4.0, 8.0]), 8.0)
    assert rel.tolist() == [0.0, 0.5, 1.0]
    assert ab.tolist() == pytest.approx([0.0, 1 / 3, 0.5])
    rel0, ab0 = bm25_features(np.zeros(3), 8.0)
    assert rel0.tolist() == [0, 0, 0] and ab0.tolist() == [0, 0, 0]


@given(st.lists(st.floats(-5, 5), min_size=1, max_size=20), st.floats(0.1, 20), st.floats(-20, 20))
def test_calibrated_scores_stay_in_unit_interval_and_keep_order(zs, a, b):
    out = calibrate(np.array(zs), a, b)
    assert np.all((out >= 0) & (out <= 1))
    order = np.argsort(zs, kind="stable")
    assert np.all(np.diff(out[order]) >= -1e-12)


def test_mix_category_hand_checked():
    # retrieval: A .8, B .2, LAINNYA 1-.8=.2 -> /1.2 ; mixed with .5 weight
    out = mix_category({"A": 0.6, "LAINNYA": 0.4}, [("A", 0.8), ("B", 0.2)], mix=0.5)
    assert out == {"A": 0.6333, "LAINNYA": 0.2833, "B": 0.0833}
    assert list(out) == ["A", "LAINNYA", "B"]  # ranked


def test_mix_category_without_suggestions_leans_out_of_scope():
    out = mix_category({"A": 0.5, "LAINNYA": 0.5}, [], mix=0.5)
    assert next(iter(out)) == "LAINNYA"


def test_fusion_params_round_trip_and_errors():
    p = FusionParams(platt_a=7.0)
    assert FusionParams.from_dict(p.to_dict()) == p
    assert FusionParams.from_dict(None) == FusionParams()
    with pytest.raises(ValueError, match="unknown fusion parameters"):
        FusionParams.from_dict({"platt_c": 1})
    with pytest.raises(ValueError, match="missing"):
        FusionParams.from_dict({"weights": {"dense": 1.0}})


def test_calibration_from_before_the_title_feature_ranks_as_fitted():
    # weights written before "title" existed: it gets 0, every other weight is kept
    old = {f: w for f, w in W.items() if f != "title"}
    p = FusionParams.from_dict({"weights": old})
    assert p.weights == {**old, "title": 0.0}
    with pytest.raises(ValueError, match=r"missing \['qtype'\]"):
        FusionParams.from_dict({"weights": {f: w for f, w in old.items() if f != "qtype"}})
    assert set(FusionParams().weights) == set(FEATURES)


STACK = {
    "intercept": -1.0,
    "logit": 1.0,
    "top_score": -2.0,
    "novelty": 0.0,
    "novelty_gap": 2.0,
    "cue": 1.0,
}


def test_novelty_hand_checked():
    # numbers are left out: 3 words, "kantor" missing -> 1/3
    assert novelty(["mobil", "hibah", "kantor", "2024"], {"mobil", "hibah"}) == pytest.approx(1 / 3)
    assert novelty(["mobil"], {"mobil"}) == 0.0
    assert novelty(["2024"], set()) == 0.0  # nothing but a number: no evidence


def test_interpretasi_evidence_hand_checked():
    ev = interpretasi_evidence(0.5, 0.2, 0.5, True)
    # logit(0.5) = 0; novelty_gap = 0.5 * (1 - 0.2)
    assert ev.tolist() == pytest.approx([0.0, 0.2, 0.5, 0.4, 1.0])
    assert len(ev) == len(INTERPRETASI_EVIDENCE)
    # probabilities of 0 and 1 stay finite
    assert np.isfinite(interpretasi_evidence(0.0, 0.0, 0.0, False)).all()
    assert interpretasi_evidence(1.0, 1.0, 0.0, False)[0] == pytest.approx(np.log(1e6), rel=1e-3)


def test_stacked_probability_hand_checked():
    # z = -1 + 0 - 2*0.2 + 0 + 2*0.4 + 1 = 0.4 -> sigmoid 0.598688
    ev = interpretasi_evidence(0.5, 0.2, 0.5, True)
    assert stacked_probability(ev, STACK) == pytest.approx(0.598688, abs=1e-6)
    # without the cue: z = -0.6
    no_cue = interpretasi_evidence(0.5, 0.2, 0.5, False)
    assert stacked_probability(no_cue, STACK) == pytest.approx(1 / (1 + np.exp(0.6)))


def test_fusion_params_carry_a_stack_with_exactly_the_evidence_keys():
    p = FusionParams(interpretasi_stack=STACK)
    back = FusionParams.from_dict(p.to_dict())
    assert dict(back.interpretasi_stack) == STACK
    assert dict(FusionParams().interpretasi_stack) == {}  # default: noisy-or
    with pytest.raises(ValueError, match="interpretasi_stack needs exactly"):
        FusionParams.from_dict({"interpretasi_stack": {"intercept": 0.0, "logit": 1.0}})
