"""What an article is (kb-article.md), as a validated, immutable record."""

from __future__ import annotations

import datetime as dt
import re
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from kb.categories import load_codes

ID_PATTERN = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
MIN_QUESTIONS = 4

# Field order of the export format; also the order in which YAML is written.
ARTICLE_FIELDS = (
    "id",
    "desk",
    "category",
    "title",
    "questions",
    "answer",
    "legal_basis",
    "requires_validation",
    "escalate_if",
    "keywords",
    "region",
    "verified_on",
)
STATUSES = ("draft", "in_review", "published", "retired")


_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def _no_control_chars(text: str) -> str:
    # PostgreSQL refuses NUL and a reader cannot see the others: reject early.
    if _CONTROL.search(text):
        raise ValueError("contains control characters (pasted from another program?)")
    return text


def _clean(text: str) -> str:
    # Articles are edited by hand: collapse stray spaces but keep line breaks,
    # because numbered steps in an answer are read line by line.
    lines = [" ".join(line.split()) for line in text.strip().splitlines()]
    return "\n".join(lines)


class Article(BaseModel):
    """One knowledge-base article: one question answered well."""

    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)

    id: str = Field(description="stable lower-case slug, never reused")
    desk: Literal["djp", "samsat"] = Field(description="which call centre owns it")
    category: str = Field(description="a topic code from matrix-category.md")
    title: str = Field(min_length=5, description="the question in standard Indonesian")
    questions: tuple[str, ...] = Field(description="how callers actually ask it (>= 4)")
    answer: str = Field(min_length=20, description="the agent-facing answer")
    legal_basis: tuple[str, ...] = Field(default=(), description="regulations it rests on")
    requires_validation: bool = Field(default=False, description="needs the caller's records")
    escalate_if: str | None = Field(default=None, description="when a follow-up is escalated")
    keywords: tuple[str, ...] = Field(default=(), description="extra caller terms")
    region: str | None = Field(default=None, description="province for regional rules")
    verified_on: dt.date = Field(description="date the facts were last checked")

    @field_validator("id")
    @classmethod
    def _id_is_slug(cls, value: str) -> str:
        if not ID_PATTERN.match(value):
            raise ValueError("must be a lower-case slug such as 'djp-akun-lupa-efin'")
        return value

    @field_validator("category")
    @classmethod
    def _category_known(cls, value: str) -> str:
        codes = load_codes()
        if value not in codes.kb_topics:
            raise ValueError(f"unknown category {value!r}; valid: {', '.join(codes.kb_topics)}")
        return value

    # "before": tidy first, so that min_length holds for the tidied text and
    # validating an article's own record again gives the same article.
    @field_validator("title", "answer", mode="before")
    @classmethod
    def _tidy(cls, value: object) -> object:
        return _clean(_no_control_chars(value)) if isinstance(value, str) else value

    @field_validator("escalate_if", "region")
    @classmethod
    def _empty_is_none(cls, value: str | None) -> str | None:
        return _clean(value) or None if value else None

    @field_validator("questions", "legal_basis", "keywords")
    @classmethod
    def _no_blank_items(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        for v in value:
            _no_control_chars(v)
        cleaned = tuple(" ".join(v.split()) for v in value)
        if any(not v for v in cleaned):
            raise ValueError("contains an empty item")
        return cleaned

    @field_validator("questions")
    @classmethod
    def _enough_questions(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        if len(value) < MIN_QUESTIONS:
            raise ValueError(f"has {len(value)} question variants; at least {MIN_QUESTIONS}")
        return value

    @model_validator(mode="after")
    def _desk_matches_category(self) -> Article:
        owner = load_codes().topic_desk[self.category]
        if owner != self.desk:
            raise ValueError(
                f"category {self.category} belongs to desk {owner!r}, not {self.desk!r}"
            )
        return self

    def to_record(self) -> dict:
        """Plain dict in export field order (dates as ISO strings, tuples as lists)."""
        data = self.model_dump(mode="json")
        return {name: data[name] for name in ARTICLE_FIELDS}

    def content_key(self) -> dict:
        """The fields that define the article's meaning; a change makes a new version."""
        return self.to_record()
