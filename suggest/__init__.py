"""Suggestion engine: ``Engine.load(path).suggest(query, k=5)``."""

from suggest.engine import Engine, QueryError, RetrievalOptions
from suggest.records import CategoryPrediction, CodeScore, Flag, Suggestion, SuggestionResult
from suggest.scoring import FusionParams

__all__ = [
    "CategoryPrediction",
    "CodeScore",
    "Engine",
    "Flag",
    "FusionParams",
    "QueryError",
    "RetrievalOptions",
    "Suggestion",
    "SuggestionResult",
]
