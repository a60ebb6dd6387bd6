"""Request classifiers trained at index time: category, jenis, interpretasi, validasi.

Each is a logistic regression over the query embedding joined with character
n-grams of the prepared text: the embedding carries meaning across wording,
the n-grams carry abbreviations, typos and cue words the small encoder blurs.
The four models share one featuriser, so a query is featurised once.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
from scipy import sparse
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression

MODEL_NAMES = ("category", "jenis", "interpretasi", "validasi")


@dataclass(frozen=True)
class ClassifierConfig:
    """Hyper-parameters shared by the request classifiers."""

    ngram_range: tuple[int, int] = field(default=(2, 5), metadata={"help": "char n-grams"})
    min_df: int = field(default=2, metadata={"help": "drop rarer n-grams"})
    embedding_weight: float = field(default=2.0, metadata={"help": "scale of the embedding"})
    C: float = field(default=4.0, metadata={"help": "inverse regularisation strength"})
    max_iter: int = field(default=2000, metadata={"help": "solver iterations"})


class Featurizer:
    """[embedding * weight | char n-gram TF-IDF] for prepared query texts."""

    def __init__(self, config: ClassifierConfig) -> None:
        self.embedding_weight = config.embedding_weight
        self.vectorizer = TfidfVectorizer(
            analyzer="char_wb",
            ngram_range=config.ngram_range,
            min_df=config.min_df,
            sublinear_tf=True,
            dtype=np.float32,
        )

    def fit(self, texts: Sequence[str]) -> Featurizer:
        self.vectorizer.fit(texts)
        return self

    def transform(self, texts: Sequence[str], embeddings: np.ndarray) -> sparse.csr_matrix:
        grams = self.vectorizer.transform(texts)
        emb = sparse.csr_matrix(np.asarray(embeddings, np.float32) * self.embedding_weight)
        return sparse.hstack([emb, grams], format="csr")


def fit_model(
    features: sparse.csr_matrix, labels: Sequence[str], config: ClassifierConfig
) -> LogisticRegression:
    """One balanced logistic regression; refuses single-class training data."""
    if len(set(labels)) < 2:
        raise ValueError("a classifier needs at least two classes in its training labels")
    model = LogisticRegression(C=config.C, max_iter=config.max_iter, class_weight="balanced")
    return model.fit(features, list(labels))


@dataclass
class RequestClassifiers:
    """The four trained models saved with an index, and their featuriser."""

    featurizer: Featurizer
    models: dict[str, LogisticRegression]
    training_counts: dict[str, dict[str, int]]

    def predict(self, text: str, embedding: np.ndarray) -> dict[str, dict[str, float]]:
        """Class probabilities of every model for one prepared query text."""
        x = self.featurizer.transform([text], embedding[None, :])
        return {
            name: {str(c): float(p) for c, p in zip(m.classes_, m.predict_proba(x)[0], strict=True)}
            for name, m in self.models.items()
        }
