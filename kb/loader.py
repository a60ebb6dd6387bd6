"""Reading article files with the line of every article, for precise messages."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

DATA_DIR = Path(__file__).with_name("data")


class KBFileError(ValueError):
    """An article file cannot be read at all (I/O or YAML syntax)."""

    def __init__(self, path: Path, line: int | None, message: str) -> None:
        self.path, self.line, self.message = Path(path), line, message
        where = f"{path}:{line}" if line else str(path)
        super().__init__(f"{where}: {message}")


@dataclass(frozen=True)
class RawArticle:
    """An article as written in a file, before validation."""

    data: dict[str, Any]
    path: Path
    line: int

    @property
    def id(self) -> str:
        value = self.data.get("id") if isinstance(self.data, dict) else None
        return str(value) if value else "?"


def article_files(path: Path | str | None = None) -> list[Path]:
    """The article files under ``path`` (a file or a folder), sorted.

    ``training/`` holds classifier examples, not articles, and is skipped.
    """
    root = Path(path) if path is not None else DATA_DIR
    if root.is_file():
        return [root]
    if not root.is_dir():
        raise FileNotFoundError(f"{root}: no such file or folder of KB articles")
    return sorted(
        p
        for p in root.rglob("*.y*ml")
        if p.suffix in {".yaml", ".yml"} and "training" not in p.relative_to(root).parts
    )


def _line_of(node: yaml.Node) -> int:
    return node.start_mark.line + 1


def read_article_file(path: Path) -> list[RawArticle]:
    """Parse one YAML file into raw articles, each with its starting line.

    Raises:
        KBFileError: unreadable file, YAML syntax error (with its line), or a
            top level that is not ``articles:`` with a list.
    """
    try:
        text = Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise KBFileError(path, None, f"cannot read file: {exc}") from exc
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark is not None else None
        problem = getattr(exc, "problem", None) or str(exc)
        raise KBFileError(path, line, f"malformed YAML: {problem}") from exc
    if root is None:
        return []
    if not isinstance(data, dict) or "articles" not in data:
        raise KBFileError(path, 1, "top level must be a mapping with an 'articles:' list")
    if not isinstance(data["articles"], list):
        raise KBFileError(path, 1, "'articles' must be a list")
    seq_node = next(v for k, v in root.value if k.value == "articles")
    return [
        RawArticle(data=item, path=Path(path), line=_line_of(node))
        for item, node in zip(data["articles"], seq_node.value, strict=True)
    ]


def iter_raw_articles(path: Path | str | None = None) -> Iterator[RawArticle]:
    """Every raw article under ``path``; raises :class:`KBFileError` on a bad file."""
    for file in article_files(path):
        yield from read_article_file(file)
