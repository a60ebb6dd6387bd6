"""The suggestion record of suggest-contract.md, as typed dataclasses."""

from __future__ import annotations

from dataclasses import dataclass, field


def _r(x: float, nd: int = 4) -> float:
    return round(float(x), nd)


@dataclass(frozen=True)
class Suggestion:
    article_id: str
    title: str
    answer: str
    category: str
    score: float
    legal_basis: tuple[str, ...]
    matched: str
    requires_validation: bool = False
    escalate_if: str | None = None

    def to_dict(self) -> dict:
        return {
            "article_id": self.article_id,
            "title": self.title,
            "answer": self.answer,
            "category": self.category,
            "score": _r(self.score),
            "legal_basis": list(self.legal_basis),
            "matched": self.matched,
            "requires_validation": self.requires_validation,
            "escalate_if": self.escalate_if,
        }


@dataclass(frozen=True)
class CodeScore:
    code: str
    confidence: float

    def to_dict(self) -> dict:
        return {"code": self.code, "confidence": _r(self.confidence)}


@dataclass(frozen=True)
class CategoryPrediction:
    code: str
    confidence: float
    alternatives: tuple[CodeScore, ...] = ()

    def to_dict(self) -> dict:
        return {
            "code": self.code,
            "confidence": _r(self.confidence),
            "alternatives": [a.to_dict() for a in self.alternatives],
        }


@dataclass(frozen=True)
class Flag:
    code: str
    reason: str
    confidence: float

    def to_dict(self) -> dict:
        return {"code": self.code, "reason": self.reason, "confidence": _r(self.confidence)}


@dataclass(frozen=True)
class SuggestionResult:
    """One query's full answer: the contract's JSON record."""

    query: str
    suggestions: tuple[Suggestion, ...]
    category: CategoryPrediction
    jenis: CodeScore
    flags: tuple[Flag, ...]
    kb_version: str
    latency_ms: float
    corrections: dict[str, str] = field(default_factory=dict)

    @property
    def flag_codes(self) -> tuple[str, ...]:
        return tuple(f.code for f in self.flags)

    def to_dict(self) -> dict:
        return {
            "query": self.query,
            "suggestions": [s.to_dict() for s in self.suggestions],
            "category": self.category.to_dict(),
            "jenis": self.jenis.to_dict(),
            "flags": [f.to_dict() for f in self.flags],
            "kb_version": self.kb_version,
            "latency_ms": round(self.latency_ms, 2),
            "corrections": dict(self.corrections),
        }
