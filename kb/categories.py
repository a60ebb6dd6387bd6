"""The fixed codes of matrix-category.md, loaded once from ``kb/categories.yaml``."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path

import yaml

CATEGORIES_FILE = Path(__file__).with_name("categories.yaml")

DESKS = ("djp", "samsat")
OUT_OF_SCOPE = "LAINNYA"


@dataclass(frozen=True)
class Codes:
    """All codes with their one-line Indonesian descriptions."""

    topics: dict[str, str]
    topic_desk: dict[str, str]
    jenis: dict[str, str]
    flags: dict[str, str]

    @property
    def kb_topics(self) -> tuple[str, ...]:
        """Topic codes an article may carry (every topic but ``LAINNYA``)."""
        return tuple(code for code in self.topics if code != OUT_OF_SCOPE)

    def topics_for_desk(self, desk: str) -> tuple[str, ...]:
        """Topic codes of one desk (``djp`` or ``samsat``), in file order."""
        if desk not in DESKS:
            raise ValueError(f"unknown desk {desk!r}; valid desks: {', '.join(DESKS)}")
        return tuple(c for c in self.kb_topics if self.topic_desk[c] == desk)


@cache
def load_codes(path: Path = CATEGORIES_FILE) -> Codes:
    """Read the category file. Cached: the file ships with the package."""
    raw = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    topics = {code: spec["description"] for code, spec in raw["topics"].items()}
    topic_desk = {code: spec["desk"] for code, spec in raw["topics"].items()}
    return Codes(
        topics=topics, topic_desk=topic_desk, jenis=dict(raw["jenis"]), flags=dict(raw["flags"])
    )
