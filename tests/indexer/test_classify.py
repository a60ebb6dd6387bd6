"""The interpretasi prototype margin: hand-checked numbers on tiny vectors."""

import math

import numpy as np
import pytest

from indexer.classify import PrototypeMargin


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
