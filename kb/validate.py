"""``sigap kb validate``: every problem in the article files, none written anywhere."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError
from rapidfuzz import fuzz, process

from kb.loader import KBFileError, RawArticle, article_files, read_article_file
from kb.schema import Article

# Two question variants at or above this token-sort similarity (0-100), after
# lower-casing and dropping punctuation, are the same question written twice.
NEAR_DUPLICATE_SIMILARITY = 92.0
# Read aloud at about 150 words a minute; longer answers get a warning.
MAX_ANSWER_WORDS = 180

_PUNCT = re.compile(r"[^\w\s]+")


@dataclass(frozen=True, order=True)
class Problem:
    """One finding, located as precisely as the file allows."""

    path: str
    line: int
    article_id: str
    field: str
    message: str
    severity: str = "error"

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: [{self.article_id}] {self.field}: {self.message}"


@dataclass(frozen=True)
class ValidationReport:
    """The articles that passed and every problem found."""

    articles: tuple[Article, ...]
    problems: tuple[Problem, ...]

    @property
    def errors(self) -> tuple[Problem, ...]:
        return tuple(p for p in self.problems if p.severity == "error")

    @property
    def ok(self) -> bool:
        return not self.errors


def _question_key(text: str) -> str:
    return " ".join(_PUNCT.sub(" ", text.lower()).split())


def schema_problems(
    raw: RawArticle, *, model: type[BaseModel] = Article
) -> tuple[Any, list[Problem]]:
    """Validate ``raw.data`` with a pydantic ``model`` (default: :class:`Article`).

    Returns:
        The validated model instance and no problems, or ``None`` and every
        problem, each located at ``raw``'s file and line.
    """
    if not isinstance(raw.data, dict):
        return None, [Problem(str(raw.path), raw.line, "?", "-", "article must be a mapping")]
    try:
        return model.model_validate(raw.data), []
    except ValidationError as exc:
        problems = []
        for err in exc.errors():
            field = ".".join(str(p) for p in err["loc"]) or "-"
            msg = err["msg"].removeprefix("Value error, ")
            if err["type"] == "missing":
                msg = "required field is missing"
            elif err["type"] == "extra_forbidden":
                msg = "unknown field (typo?)"
            problems.append(Problem(str(raw.path), raw.line, raw.id, field, msg))
        return None, problems


def near_duplicate_questions(
    articles: Iterable[tuple[Article, RawArticle]], *, threshold: float = NEAR_DUPLICATE_SIMILARITY
) -> list[Problem]:
    """Question variants that are near-identical, within or across articles."""
    owners: list[tuple[Article, RawArticle]] = []
    keys: list[str] = []
    for article, raw in articles:
        for q in article.questions:
            owners.append((article, raw))
            keys.append(_question_key(q))
    if len(keys) < 2:
        return []
    scores = process.cdist(
        keys, keys, scorer=fuzz.token_sort_ratio, score_cutoff=threshold, workers=-1
    )
    problems = []
    for i, j in zip(*scores.nonzero(), strict=True):
        if i >= j:
            continue
        (a, raw_a), (b, _) = owners[i], owners[j]
        where = "twice in this article" if a.id == b.id else f"also in article {b.id}"
        problems.append(
            Problem(
                str(raw_a.path),
                raw_a.line,
                a.id,
                "questions",
                f"near-duplicate question ({scores[i, j]:.0f}%) {keys[i]!r} ~ {keys[j]!r}, {where}",
            )
        )
    return problems


def validate_paths(path: Path | str | None = None) -> ValidationReport:
    """Validate every article file under ``path`` (default: the shipped KB).

    Never raises for content problems: they are all collected in the report.
    """
    problems: list[Problem] = []
    good: list[tuple[Article, RawArticle]] = []
    seen: dict[str, RawArticle] = {}
    try:
        files = article_files(path)
    except FileNotFoundError as exc:
        return ValidationReport((), (Problem(str(path), 0, "-", "-", str(exc)),))
    if not files:
        where = str(path) if path is not None else "kb/data"
        problems.append(Problem(where, 0, "-", "-", "no .yaml article files found"))
    for file in files:
        try:
            raws = read_article_file(file)
        except KBFileError as exc:
            problems.append(Problem(str(exc.path), exc.line or 0, "-", "-", exc.message))
            continue
        for raw in raws:
            if raw.id in seen:
                first = seen[raw.id]
                problems.append(
                    Problem(
                        str(raw.path),
                        raw.line,
                        raw.id,
                        "id",
                        f"duplicate id (first at {first.path}:{first.line})",
                    )
                )
                continue
            seen[raw.id] = raw
            article, found = schema_problems(raw)
            problems.extend(found)
            if article is None:
                continue
            words = len(article.answer.split())
            if words > MAX_ANSWER_WORDS:
                problems.append(
                    Problem(
                        str(raw.path),
                        raw.line,
                        article.id,
                        "answer",
                        f"{words} words; aim for <= {MAX_ANSWER_WORDS} "
                        "(read aloud in under a minute)",
                        "warning",
                    )
                )
            good.append((article, raw))
    problems.extend(near_duplicate_questions(good))
    return ValidationReport(tuple(a for a, _ in good), tuple(sorted(problems)))
