"""Request classifiers trained at index time: category, jenis, interpretasi, validasi.

Each is a logistic regression over the query embedding joined with character
n-grams of the prepared text: the embedding carries meaning across wording,
the n-grams carry abbreviations, typos and cue words the small encoder blurs.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
from scipy import sparse
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression


@dataclass(frozen=True)
class ClassifierConfig:
    """Hyper-parameters shared by the request classifiers."""

    ngram_range: tuple[int, int] = field(default=(2, 5), metadata={"help": "char n-grams"})
    min_df: int = field(default=2, metadata={"help": "drop rarer n-grams"})
    embedding_weight: float = field(default=2.0, metadata={"help": "scale of the embedding"})
    C: float = field(default=4.0, metadata={"help": "inverse regularisation strength"})
    max_iter: int = field(default=2000, metadata={"help": "solver iterations"})


class TextClassifier:
    """Multi-class (or binary) classifier over [embedding | char n-grams]."""

    def __init__(self, config: ClassifierConfig | None = None) -> None:
        self.config = config or ClassifierConfig()
        self.vectorizer = TfidfVectorizer(
            analyzer="char_wb",
            ngram_range=self.config.ngram_range,
            min_df=self.config.min_df,
            sublinear_tf=True,
        )
        self.model = LogisticRegression(
            C=self.config.C, max_iter=self.config.max_iter, class_weight="balanced"
        )
        self.classes_: tuple[str, ...] = ()

    def _features(self, texts: Sequence[str], embeddings: np.ndarray) -> sparse.csr_matrix:
        grams = self.vectorizer.transform(texts)
        emb = sparse.csr_matrix(np.asarray(embeddings, np.float32) * self.config.embedding_weight)
        return sparse.hstack([emb, grams], format="csr")

    def fit(
        self, texts: Sequence[str], embeddings: np.ndarray, labels: Sequence[str]
    ) -> TextClassifier:
        if len(set(labels)) < 2:
            raise ValueError("a classifier needs at least two classes in its training labels")
        self.vectorizer.fit(texts)
        self.model.fit(self._features(texts, embeddings), list(labels))
        self.classes_ = tuple(str(c) for c in self.model.classes_)
        return self

    def predict_proba(self, texts: Sequence[str], embeddings: np.ndarray) -> np.ndarray:
        """Rows of class probabilities, columns in ``classes_`` order."""
        return self.model.predict_proba(self._features(texts, embeddings))


@dataclass
class RequestClassifiers:
    """The four trained models saved with an index."""

    category: TextClassifier
    jenis: TextClassifier
    interpretasi: TextClassifier
    validasi: TextClassifier
    training_counts: dict[str, dict[str, int]]
