"""The block-feature logistic regression: hand-derived optima and scikit-learn's."""

import math

import numpy as np
import pytest
from scipy import sparse
from sklearn.linear_model import LogisticRegression

from indexer.linear import BlockFeatures, fit_logistic


def _blocks(dense, sparse_block=None):
    dense = np.asarray(dense, dtype=np.float32)
    if sparse_block is None:
        sparse_block = sparse.csr_matrix((len(dense), 0), dtype=np.float32)
    return BlockFeatures(dense, sparse_block)


def _problem(n_classes, seed=0, n=240):
    """A learnable problem whose evidence is split over both blocks."""
    rng = np.random.default_rng(seed)
    y = rng.integers(0, n_classes, n)
    dense = rng.normal(size=(n, 6)).astype(np.float32)
    dense[np.arange(n), y] += 1.5
    grams = sparse.random(n, 40, density=0.1, random_state=seed, dtype=np.float32).tolil()
    grams[np.arange(n), 10 + y] = 1.0  # a sparse cue per class
    grams = grams.tocsr()
    labels = np.array([f"c{v}" for v in y])
    return BlockFeatures(dense, grams), labels


def test_block_products_equal_the_joined_matrix():
    x, _ = _problem(3)
    joined = x.tocsr().toarray().astype(np.float64)
    w = np.random.default_rng(1).normal(size=(x.shape[1], 2))
    g = np.random.default_rng(2).normal(size=(len(x), 2))
    assert np.allclose(x.dot(w), joined @ w, atol=1e-4)
    assert np.allclose(x.tdot(g), joined.T @ g, atol=1e-4)
    # rows by mask, by index list and by slice agree with the joined matrix
    mask = np.arange(len(x)) % 3 == 0
    assert np.array_equal(x[mask].tocsr().toarray(), joined[mask].astype(np.float32))
    assert np.array_equal(x[[5, 1]].tocsr().toarray(), joined[[5, 1]].astype(np.float32))
    assert len(x[10:20]) == 10


def test_blocks_of_different_lengths_are_refused():
    with pytest.raises(ValueError, match="blocks disagree"):
        BlockFeatures(np.zeros((3, 2)), sparse.csr_matrix((4, 5)))


def test_symmetric_two_point_problem_lands_on_the_hand_derived_optimum():
    # x = +1 is "yes", x = -1 is "no"; by symmetry the intercept is 0 and the
    # gradient of sum(log loss) + w^2 / (2C) vanishes where 2 sigmoid(w) + w / C = 2.
    x = _blocks([[1.0], [-1.0]])
    # (float32 products: the mean gradient is exact to a few 1e-6)
    model = fit_logistic(x, ["yes", "no"], C=1.0, tol=1e-5)
    w = float(model.coef[0, 0])
    assert 2 / (1 + math.exp(-w)) + w == pytest.approx(2.0, abs=2e-5)
    assert w == pytest.approx(0.6750, abs=1e-3)
    assert float(model.intercept[0]) == pytest.approx(0.0, abs=1e-5)
    # a tolerance below the products' precision stops where steps stall,
    # at the same optimum, instead of spinning to max_iter
    tight = fit_logistic(x, ["yes", "no"], C=1.0, tol=1e-12, max_iter=100)
    assert tight.n_iter < 20 and float(tight.coef[0, 0]) == pytest.approx(w, abs=1e-4)
    p = model.predict_proba(x)
    assert list(model.classes_) == ["no", "yes"]
    assert p[0, 1] == pytest.approx(1 / (1 + math.exp(-w)))
    assert np.allclose(p.sum(axis=1), 1.0)


@pytest.mark.parametrize("n_classes", [2, 3])
def test_balanced_weights_make_a_featureless_model_predict_uniformly(n_classes):
    # Nine of one class, one (or one each) of the others: without class
    # weights the intercepts would follow the counts; balanced, every class
    # carries the same total weight.
    labels = ["a"] * 9 + ["b"] + (["c"] if n_classes == 3 else [])
    x = _blocks(np.zeros((len(labels), 2)))
    p = fit_logistic(x, labels, C=1.0, tol=1e-6).predict_proba(x)
    assert np.allclose(p, 1.0 / n_classes, atol=1e-6)


@pytest.mark.parametrize("n_classes", [2, 4])
def test_same_model_as_scikit_learn_on_the_joined_matrix(n_classes):
    x, labels = _problem(n_classes)
    ours = fit_logistic(x, labels, C=2.0, tol=1e-6)
    ref = LogisticRegression(C=2.0, class_weight="balanced", tol=1e-10, max_iter=10_000)
    ref.fit(x.tocsr(), labels)
    assert list(ours.classes_) == list(ref.classes_)
    assert np.abs(ours.predict_proba(x) - ref.predict_proba(x.tocsr())).max() < 1e-4
    # and it learned the problem
    assert (ours.classes_[ours.predict_proba(x).argmax(axis=1)] == labels).mean() > 0.9
    assert 1 <= ours.n_iter < 100


def test_bad_training_data_is_refused_with_the_reason():
    x = _blocks(np.eye(3))
    with pytest.raises(ValueError, match="at least two classes"):
        fit_logistic(x, ["yes"] * 3, C=1.0)
    with pytest.raises(ValueError, match="2 labels for 3 rows"):
        fit_logistic(x, ["yes", "no"], C=1.0)


@pytest.mark.parametrize("n_classes", [2, 4])
def test_a_warm_start_reaches_the_same_optimum_in_fewer_steps(n_classes):
    x, labels = _problem(n_classes, seed=1)
    # 10x stricter than the builds' 1e-4, but above the float32 products'
    # noise: at 1e-6 the 4-class warm start wandered 11 steps at the noise
    # floor under numpy 2.4.6 (cold: 7), with the same optimum
    tol = 1e-5
    cold = fit_logistic(x, labels, C=2.0, tol=tol)
    # the optimum of a slightly different problem (the same rows but the
    # last ten), as a previous build's model is for an edited KB
    prev = fit_logistic(x[np.arange(len(labels) - 10)], labels[:-10], C=2.0, tol=tol)
    warm = fit_logistic(x, labels, C=2.0, tol=tol, init=(prev.coef, prev.intercept))
    assert warm.n_iter < cold.n_iter
    # the same optimum, to what a gradient of 1e-5 leaves open
    assert np.abs(warm.predict_proba(x) - cold.predict_proba(x)).max() < 5e-4
    # started at the optimum, it takes no step and keeps it
    again = fit_logistic(x, labels, C=2.0, tol=tol, init=(cold.coef, cold.intercept))
    assert again.n_iter == 0
    assert np.allclose(again.coef, cold.coef)


def test_a_warm_start_of_the_wrong_shape_is_refused():
    x, labels = _problem(3)
    three = fit_logistic(x, labels, C=2.0)
    binary = np.where(labels == "c0", "c0", "other")
    with pytest.raises(
        ValueError, match=r"init shapes \(46, 3\) and \(3,\); the model needs \(46, 1\) and \(1,\)"
    ):
        fit_logistic(x, binary, C=2.0, init=(three.coef, three.intercept))
