"""Classifier training examples in ``kb/data/training/*.yaml``."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import yaml

from kb.categories import load_codes
from kb.loader import DATA_DIR

TRAINING_DIR = DATA_DIR / "training"
# libyaml's parser when PyYAML has it (8x faster: a curation publish reads
# these files on every rebuild), the same safe loader otherwise.
_YAML_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
TRAINABLE_FLAGS = ("interpretasi", "validasi")


@dataclass(frozen=True)
class TrainingExample:
    """One labelled request, written the way an agent types it."""

    text: str
    category: str
    jenis: str
    flags: tuple[str, ...]
    source: str


def load_training_examples(path: Path | str = TRAINING_DIR) -> list[TrainingExample]:
    """All examples under ``path``.

    Raises:
        ValueError: a malformed file or an unknown code, naming file and item.
    """
    codes = load_codes()
    root = Path(path)
    files = [root] if root.is_file() else sorted(root.glob("*.yaml"))
    out: list[TrainingExample] = []
    for file in files:
        try:
            data = yaml.load(file.read_text(encoding="utf-8"), Loader=_YAML_LOADER)
        except yaml.YAMLError as exc:
            raise ValueError(f"{file}: malformed YAML: {exc}") from exc
        items = data.get("examples") if isinstance(data, dict) else None
        if not isinstance(items, list):
            raise ValueError(f"{file}: top level must be a mapping with an 'examples:' list")
        for i, item in enumerate(items):
            where = f"{file} example {i + 1}"
            try:
                text = " ".join(str(item["text"]).split())
                category, jenis = item["category"], item["jenis"]
                flags = tuple(item.get("flags") or ())
            except (KeyError, TypeError) as exc:
                raise ValueError(f"{where}: needs text, category, jenis ({exc})") from exc
            if not text:
                raise ValueError(f"{where}: empty text")
            if category not in codes.topics:
                raise ValueError(f"{where}: unknown category {category!r}")
            if jenis not in codes.jenis:
                raise ValueError(f"{where}: unknown jenis {jenis!r}")
            unknown = [f for f in flags if f not in TRAINABLE_FLAGS]
            if unknown:
                raise ValueError(f"{where}: flags {unknown} not trainable; use {TRAINABLE_FLAGS}")
            out.append(TrainingExample(text, category, jenis, flags, file.name))
    return out
