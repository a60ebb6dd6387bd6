"""Balanced L2 logistic regression over a dense block and a sparse block.

The request classifiers learn from ``[embedding | char n-gram TF-IDF]``.
scikit-learn takes one matrix, so the 384 embedding columns had to be stored
as sparse: three quarters of the nonzeros, multiplied by the slow sparse
kernel in every solver step. Here the two blocks stay apart, the embedding
block goes through BLAS, and a question edit's retrain (what a curation
publish waits for) gets faster. Measured on the shipped KB's four models,
one run each: 1.85 s with scikit-learn's newton-cg on the joined matrix,
1.0 s here (the 13-class category model 1.23 -> 0.88 s); a question edit's
index build went from 2.9-3.1 s to 2.0 s.

The objective is scikit-learn's, so the models are the same up to the solver's
tolerance: per class weight ``n / (k * count)``, the mean weighted log loss
plus ``||W||^2 / (2 C sum(weights))``, intercepts not penalised; a sigmoid with
one coefficient vector for two classes, a softmax over every class for more.
The solver is Newton's method with conjugate-gradient steps and a backtracking
line search (as scikit-learn's ``newton-cg``), stopped when the largest
gradient component is at most ``tol``, or when a step no longer lowers the
loss.

The matrix products run in float32 (the features are float32; float64 made
the category fit 1.8 times slower) and everything else in float64. That
bounds the attainable precision: a ``tol`` much below 1e-6 is not reached,
and the solver stops when the line search stalls instead.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from scipy import sparse

DTYPE = np.float32  # products; see the module docstring


class BlockFeatures:
    """Rows of ``[dense | sparse]`` kept as two blocks, in :data:`DTYPE`."""

    __slots__ = ("_sparse_t", "dense", "sparse")

    def __init__(self, dense: np.ndarray, sparse_block: sparse.spmatrix) -> None:
        dense = np.ascontiguousarray(dense, dtype=DTYPE)
        if dense.ndim != 2 or dense.shape[0] != sparse_block.shape[0]:
            raise ValueError(f"blocks disagree: dense {dense.shape}, sparse {sparse_block.shape}")
        self.dense = dense
        self.sparse = sparse.csr_matrix(sparse_block, dtype=DTYPE)
        self._sparse_t: sparse.csr_matrix | None = None  # built on first tdot

    @property
    def shape(self) -> tuple[int, int]:
        return self.dense.shape[0], self.dense.shape[1] + self.sparse.shape[1]

    def __len__(self) -> int:
        return self.dense.shape[0]

    def __getitem__(self, rows: np.ndarray | Sequence[int] | slice) -> BlockFeatures:
        """The chosen rows (an index array, a boolean mask or a slice)."""
        if not isinstance(rows, slice):
            rows = np.asarray(rows)
        return BlockFeatures(self.dense[rows], self.sparse[rows])

    def tocsr(self) -> sparse.csr_matrix:
        """One sparse matrix, as scikit-learn estimators take."""
        return sparse.hstack([sparse.csr_matrix(self.dense), self.sparse], format="csr")

    def dot(self, w: np.ndarray) -> np.ndarray:
        """``X @ w`` for ``w`` of shape (n_features, k), in float64."""
        w = np.asarray(w, dtype=DTYPE)
        nd = self.dense.shape[1]
        out = self.dense @ w[:nd]
        out += self.sparse @ w[nd:]
        return out.astype(np.float64)

    def tdot(self, g: np.ndarray) -> np.ndarray:
        """``X.T @ g`` for ``g`` of shape (n_rows, k), in float64."""
        g = np.asarray(g, dtype=DTYPE)
        if self._sparse_t is None:
            self._sparse_t = self.sparse.T.tocsr()
        return np.vstack([self.dense.T @ g, self._sparse_t @ g]).astype(np.float64)


@dataclass
class LogisticModel:
    """A fitted model: ``predict_proba`` gives one column per class in ``classes_``."""

    classes_: np.ndarray
    # (n_features, 1) for two classes, else (n_features, n_classes); in DTYPE,
    # as the products use it, so a query does not convert it every time
    coef: np.ndarray
    intercept: np.ndarray  # (1,) or (n_classes,)
    n_iter: int

    def decision(self, x: BlockFeatures) -> np.ndarray:
        return x.dot(self.coef) + self.intercept

    def predict_proba(self, x: BlockFeatures) -> np.ndarray:
        z = self.decision(x)
        if len(self.classes_) == 2:
            p = 1.0 / (1.0 + np.exp(-z[:, 0]))
            return np.column_stack([1.0 - p, p])
        z -= z.max(axis=1, keepdims=True)
        e = np.exp(z)
        return e / e.sum(axis=1, keepdims=True)


class _Objective:
    """Loss, gradient and Hessian-vector products over ``theta = [W.ravel(), b]``.

    Everything is divided by the weight total, as scikit-learn scales it, so
    ``tol`` means the same as there.
    """

    def __init__(self, x: BlockFeatures, y: np.ndarray, n_classes: int, C: float) -> None:
        n = len(y)
        counts = np.bincount(y, minlength=n_classes)
        self.sw = (n / (n_classes * counts))[y]
        self.total = float(self.sw.sum())
        self.x = x
        self.C = C
        self.n_features = x.shape[1]
        self.k = 1 if n_classes == 2 else n_classes
        self.target = y[:, None].astype(np.float64) if self.k == 1 else np.eye(n_classes)[y]
        self._p: np.ndarray | None = None  # probabilities at the last gradient point

    def size(self) -> int:
        return (self.n_features + 1) * self.k

    def split(self, theta: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        cut = self.n_features * self.k
        return theta[:cut].reshape(self.n_features, self.k), theta[cut:]

    def loss(self, theta: np.ndarray) -> float:
        w, b = self.split(theta)
        z = self.x.dot(w) + b
        if self.k == 1:
            per_row = np.logaddexp(0.0, z[:, 0]) - self.target[:, 0] * z[:, 0]
        else:
            top = z.max(axis=1, keepdims=True)
            lse = np.log(np.exp(z - top).sum(axis=1)) + top[:, 0]
            per_row = lse - (z * self.target).sum(axis=1)
        return float(self.sw @ per_row + (w * w).sum() / (2 * self.C)) / self.total

    def gradient(self, theta: np.ndarray) -> np.ndarray:
        """The gradient; remembers the probabilities for :meth:`hessp`."""
        w, b = self.split(theta)
        z = self.x.dot(w) + b
        if self.k == 1:
            p = 1.0 / (1.0 + np.exp(-z))
        else:
            z -= z.max(axis=1, keepdims=True)
            p = np.exp(z)
            p /= p.sum(axis=1, keepdims=True)
        self._p = p
        g = self.sw[:, None] * (p - self.target)
        return np.concatenate([(self.x.tdot(g) + w / self.C).ravel(), g.sum(axis=0)]) / self.total

    def hessp(self, v: np.ndarray) -> np.ndarray:
        """Hessian at the last :meth:`gradient` point times ``v``."""
        p = self._p
        vw, vb = self.split(v)
        r = self.x.dot(vw) + vb
        if self.k == 1:
            h = self.sw[:, None] * p * (1.0 - p) * r
        else:
            pr = p * r
            h = self.sw[:, None] * (pr - p * pr.sum(axis=1, keepdims=True))
        return np.concatenate([(self.x.tdot(h) + vw / self.C).ravel(), h.sum(axis=0)]) / self.total


def _conjugate_gradient(obj: _Objective, g: np.ndarray, max_iter: int) -> np.ndarray:
    """An approximate solution of ``H d = -g``, truncated as in scikit-learn."""
    d = np.zeros_like(g)
    r = -g
    p = r.copy()
    rr = float(r @ r)
    g_norm = float(np.sqrt(rr))
    stop = min(0.5, np.sqrt(g_norm)) * g_norm
    for _ in range(max_iter):
        hp = obj.hessp(p)
        curvature = float(p @ hp)
        if curvature <= 0.0:  # not expected for a convex loss; keep what we have
            break
        a = rr / curvature
        d += a * p
        r -= a * hp
        rr_next = float(r @ r)
        if np.sqrt(rr_next) <= stop:
            break
        p = r + (rr_next / rr) * p
        rr = rr_next
    return d if d.any() else -g


def encode_labels(labels: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
    """The sorted class names (as strings) and each label's class number: the
    classes a model fitted on ``labels`` has, in its column order.

    >>> classes, y = encode_labels(["yes", "no", "yes"])
    >>> classes.tolist(), y.tolist()
    (['no', 'yes'], [1, 0, 1])
    """
    return np.unique(np.asarray(labels, dtype=object).astype(str), return_inverse=True)


def fit_logistic(
    x: BlockFeatures,
    labels: Sequence[str],
    *,
    C: float,
    tol: float = 1e-4,
    max_iter: int = 100,
    max_cg: int = 200,
    init: tuple[np.ndarray, np.ndarray] | None = None,
) -> LogisticModel:
    """Fits the balanced L2 logistic regression of the module docstring.

    Args:
        init: a starting ``(coef, intercept)`` shaped as the fitted model's
            (e.g. the previous build's model, its rows aligned to these
            features). The loss is strictly convex, so the fit reaches the
            same optimum, to ``tol``, as from zero, in fewer Newton steps.

    Raises:
        ValueError: fewer than two classes, labels and rows disagree, or an
            ``init`` of the wrong shape.
    """
    classes, y = encode_labels(labels)
    if len(classes) < 2:
        raise ValueError("a classifier needs at least two classes in its training labels")
    if len(y) != len(x):
        raise ValueError(f"{len(y)} labels for {len(x)} rows")
    obj = _Objective(x, y, len(classes), C)
    theta = np.zeros(obj.size())
    if init is not None:
        w0, b0 = (np.asarray(a, dtype=np.float64) for a in init)
        if w0.shape != (obj.n_features, obj.k) or b0.shape != (obj.k,):
            raise ValueError(
                f"init shapes {w0.shape} and {b0.shape}; the model needs "
                f"({obj.n_features}, {obj.k}) and ({obj.k},)"
            )
        theta = np.concatenate([w0.ravel(), b0])
    loss = obj.loss(theta)
    n_iter = 0
    while n_iter < max_iter:
        g = obj.gradient(theta)
        if np.abs(g).max() <= tol:
            break
        d = _conjugate_gradient(obj, g, max_cg)
        slope = float(g @ d)
        step = 1.0
        while True:  # Armijo backtracking
            trial = theta + step * d
            trial_loss = obj.loss(trial)
            if trial_loss <= loss + 1e-4 * step * slope:
                break
            step *= 0.5
            if step < 1e-10:  # at the products' precision: no step helps
                break
        if step < 1e-10:
            break
        theta, loss = trial, trial_loss
        n_iter += 1
    w, b = obj.split(theta)
    return LogisticModel(classes, w.astype(DTYPE), b.copy(), n_iter)
