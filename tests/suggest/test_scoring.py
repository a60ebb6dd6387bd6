import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from suggest.scoring import (
    FEATURES,
    FusionParams,
    bm25_features,
    calibrate,
    fuse,
    fuse_matrix,
    mix_category,
    question_type_match,
)

W = {
    "dense": 1.0,
    "bm25_rel": 0.2,
    "bm25_abs": 0.2,
    "fuzzy": 0.2,
    "category": 0.5,
    "qtype": 0.25,
}


def test_fuse_hand_checked():
    # 0.8 + 0.2*1.0 + 0.2*0.5 + 0.2*0.5 + 0.5*0.4 + 0.25*0.8 = 1.6
    f = {
        "dense": 0.8,
        "bm25_rel": 1.0,
        "bm25_abs": 0.5,
        "fuzzy": 0.5,
        "category": 0.4,
        "qtype": 0.8,
    }
    assert fuse(f, W) == pytest.approx(1.6)
    row = np.array([[0.8, 1.0, 0.5, 0.5, 0.4, 0.8], [0.5, 0.0, 0.0, 0.0, 0.0, 0.0]])
    assert fuse_matrix(row, W).tolist() == pytest.approx([1.6, 0.5])


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
    assert set(FusionParams().weights) == set(FEATURES)
