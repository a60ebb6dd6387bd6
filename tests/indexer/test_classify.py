"""The interpretasi prototype margin: hand-checked numbers on tiny vectors."""

import math

import numpy as np
import pytest
from scipy import sparse

from indexer.classify import ClassifierConfig, PrototypeMargin, fit_model, out_of_fold_yes
from indexer.linear import BlockFeatures


def _unit(*xs):
    v = np.array(xs, dtype=np.float32)
    return v / np.linalg.norm(v)


POS = np.stack([_unit(1, 0), _unit(1, 1), _unit(0, 1)])
NEG = np.stack([_unit(-1, 0), _unit(-1, -1), _unit(0, -1), _unit(1, -1)])


def test_margin_is_mean_of_k_nearest_positives_minus_negatives():
    m = PrototypeMargin.fit(POS, NEG, k=2, weight=1.0, max_negatives=100)
    q = _unit(1, 0)
    # positives: cos 1, .7071, 0 -> top 2 mean .85355
    # negatives: cos -1, -.7071, 0, .7071 -> top 2 mean .35355
    assert m.margin(q) == pytest.approx(0.5, abs=1e-5)


def test_adjust_moves_the_probability_on_the_logit_scale():
    m = PrototypeMargin.fit(POS, NEG, k=2, weight=2.0, max_negatives=100)
    q = _unit(1, 0)  # margin .5 -> +1.0 logit
    assert m.adjust(0.5, q) == pytest.approx(1 / (1 + math.exp(-1.0)), abs=1e-5)
    far = _unit(-1, 0)  # positives top 2: 0, -.7071; negatives: 1, .7071 -> margin -1.2071
    assert m.adjust(0.5, far) == pytest.approx(1 / (1 + math.exp(2 * 1.20711)), abs=1e-4)
    # certainty from the model is not overturned into NaN at the edges
    assert 0.0 < m.adjust(0.0, far) < 1e-6 and m.adjust(1.0, q) == pytest.approx(1.0)


def test_negatives_are_capped_by_even_spacing_and_too_few_examples_refused():
    many = np.tile(NEG, (50, 1))
    m = PrototypeMargin.fit(POS, many, k=2, weight=1.0, max_negatives=20)
    assert m.negatives.shape == (20, 2) and m.negatives.dtype == np.float32
    with pytest.raises(ValueError, match="at least 3"):
        PrototypeMargin.fit(POS[:2], NEG, k=3, weight=1.0, max_negatives=100)


def _dense_only(vectors):
    """Block features with no sparse columns."""
    return BlockFeatures(vectors, sparse.csr_matrix((len(vectors), 0), dtype=np.float32))


def _random_problem(n_fixed=40, n=200, dim=256, seed=3):
    """Features carry no signal: labels are coin flips a flexible model can
    only memorise."""
    rng = np.random.default_rng(seed)
    vectors = rng.normal(size=(n, dim)).astype(np.float32)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    labels = np.zeros(n, dtype=bool)
    labels[n_fixed:] = rng.random(n - n_fixed) < 0.4
    return _dense_only(vectors), labels, vectors


def _auc(scores, labels):
    pos, neg = scores[labels], scores[~labels]
    return float((pos[:, None] > neg[None, :]).mean() + 0.5 * (pos[:, None] == neg[None, :]).mean())


def test_out_of_fold_probabilities_come_from_models_that_did_not_see_the_row():
    x, y, vecs = _random_problem()
    cfg = ClassifierConfig(C=1e4, knn_weight=0.0, oof_folds=5)
    oof = out_of_fold_yes(x, y, vecs, fixed=40, config=cfg)
    assert oof.shape == (160,) and ((oof >= 0) & (oof <= 1)).all()
    # In sample, the unregularised model has memorised the coin flips...
    model = fit_model(x, np.where(y, "yes", "no"), cfg)
    in_sample = model.predict_proba(x[40:])[:, list(model.classes_).index("yes")]
    assert _auc(in_sample, y[40:]) > 0.95
    # ...out of fold it knows nothing about them.
    assert 0.3 < _auc(oof, y[40:]) < 0.7


def test_out_of_fold_on_a_learnable_problem_ranks_the_flagged_rows_first():
    rng = np.random.default_rng(5)
    y = np.r_[np.zeros(30, bool), rng.random(120) < 0.3]
    vecs = rng.normal(size=(150, 8)).astype(np.float32)
    vecs[y, 0] += 3.0  # the flagged rows sit apart on one axis
    vecs /= np.linalg.norm(vecs, axis=1, keepdims=True)
    oof = out_of_fold_yes(
        _dense_only(vecs), y, vecs, fixed=30, config=ClassifierConfig(oof_folds=4)
    )
    assert _auc(oof, y[30:]) > 0.9
    # the same seed gives the same folds
    again = out_of_fold_yes(
        _dense_only(vecs), y, vecs, fixed=30, config=ClassifierConfig(oof_folds=4)
    )
    assert np.array_equal(oof, again)


def test_out_of_fold_refuses_fewer_examples_than_folds():
    x, y, vecs = _random_problem(n_fixed=40, n=43)
    with pytest.raises(ValueError, match="cannot be split into 5 folds"):
        out_of_fold_yes(x, y, vecs, fixed=40, config=ClassifierConfig(oof_folds=5))
    with pytest.raises(ValueError, match="at least 2 folds"):
        out_of_fold_yes(x, y, vecs, fixed=0, config=ClassifierConfig(oof_folds=1))


def test_featurizer_fit_transform_equals_fit_then_transform():
    from indexer.classify import Featurizer

    texts = ["lupa efin gmn", "cara lapor spt tahunan", "lupa password coretax", "efin hilang"]
    emb = np.arange(8, dtype=np.float32).reshape(4, 2)
    one = Featurizer(ClassifierConfig()).fit_transform(texts, emb)
    two = Featurizer(ClassifierConfig()).fit(texts).transform(texts, emb)
    assert one.shape == two.shape and abs(one.tocsr() - two.tocsr()).max() < 1e-6
    # the embedding is the dense block, scaled; the n-grams the sparse one
    assert one.dense[1].tolist() == [2 * 2.0, 3 * 2.0]
    assert one.shape[1] == 2 + one.sparse.shape[1] and one.sparse.nnz > 0
