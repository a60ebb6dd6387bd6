"""Baseline retrievers the engine is compared against.

- :class:`Fts5Retriever`: what a team gets from SQLite alone: an FTS5 table
  over title, question variants, keywords and answer, the ``unicode61``
  tokenizer (lower case, diacritics removed, no stemming), the query's words
  OR-ed together and ranked by FTS5's built-in BM25.
- :class:`Bm25sRetriever`: bm25s over the index's own BM25 matrix, with the
  project's Indonesian preparation of the query (normalisation, abbreviation
  and slang tables, typo correction, cached Sastrawi stems).
"""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np

from kb.schema import Article

_WORDS = re.compile(r"\w+", re.UNICODE)


@dataclass(frozen=True)
class Hit:
    """One ranked article of a baseline."""

    article_id: str
    score: float


def _fields(article: Article | Mapping[str, Any]) -> tuple[str, str, str, str, str]:
    if isinstance(article, Mapping):
        get = article.__getitem__
    else:

        def get(name: str) -> Any:
            return getattr(article, name)

    return (
        get("id"),
        get("title"),
        " ; ".join(get("questions")),
        " ; ".join(get("keywords")),
        get("answer"),
    )


class Fts5Retriever:
    """SQLite FTS5 BM25 over the same articles, in an in-memory database.

    Args:
        articles: :class:`kb.schema.Article` objects or the index's article
            records (mappings with id, title, questions, keywords, answer).

    Raises:
        RuntimeError: this SQLite was built without FTS5.
    """

    def __init__(self, articles: Iterable[Article | Mapping[str, Any]]) -> None:
        self._db = sqlite3.connect(":memory:", check_same_thread=False)
        try:
            self._db.execute(
                "CREATE VIRTUAL TABLE docs USING fts5("
                "article_id UNINDEXED, title, questions, keywords, answer, "
                "tokenize = 'unicode61 remove_diacritics 2')"
            )
        except sqlite3.OperationalError as exc:
            raise RuntimeError(f"SQLite {sqlite3.sqlite_version} has no FTS5: {exc}") from exc
        with self._db:
            self._db.executemany(
                "INSERT INTO docs VALUES (?, ?, ?, ?, ?)", [_fields(a) for a in articles]
            )
        self.n_articles = self._db.execute("SELECT count(*) FROM docs").fetchone()[0]

    @staticmethod
    def match_expression(query: str) -> str:
        """The FTS5 query: every word quoted (so no word is read as an operator), OR-ed.

        >>> Fts5Retriever.match_expression("Lupa EFIN, gmn?")
        '"lupa" OR "efin" OR "gmn"'
        """
        words = _WORDS.findall(query.lower())
        return " OR ".join('"' + w.replace('"', '""') + '"' for w in words)

    def search(self, query: str, *, k: int = 10) -> list[Hit]:
        """The best ``k`` articles; score is ``-bm25()`` (higher is better)."""
        expr = self.match_expression(query)
        if not expr:
            return []
        rows = self._db.execute(
            "SELECT article_id, bm25(docs) AS r FROM docs WHERE docs MATCH ? "
            "ORDER BY r, rowid LIMIT ?",
            (expr, k),
        ).fetchall()
        return [Hit(aid, -float(r)) for aid, r in rows]

    def close(self) -> None:
        self._db.close()


class Bm25sRetriever:
    """bm25s with the project's Indonesian preparation, from a loaded index.

    Args:
        state: a :class:`suggest.engine.IndexState` (its BM25 matrix, article
            records and text pipeline are used as they are).
    """

    def __init__(self, state: Any) -> None:
        self._bm25 = state.bm25
        self._pipeline = state.pipeline
        self._ids = [a["id"] for a in state.articles]

    def search(self, query: str, *, k: int = 10) -> list[Hit]:
        """The best ``k`` articles with a positive BM25 score."""
        tokens = list(self._pipeline.prepare_query(query).bm25_tokens)
        if not tokens:
            return []
        scores = np.asarray(self._bm25.get_scores(tokens), dtype=np.float64)
        order = np.argsort(-scores, kind="stable")[:k]
        return [Hit(self._ids[i], float(scores[i])) for i in order if scores[i] > 0]
