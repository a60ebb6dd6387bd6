"""Build the index of what the KB store publishes: the one entry point used by
``sigap index build``, ``sigap run`` and the curation page."""

from __future__ import annotations

import json

from indexer.artifacts import IndexNotFound, clean_stale_staging, read_pointer
from indexer.build import BuildResult, build_index
from indexer.encoders import Encoder, make_encoder
from sigap.settings import REPO_ROOT, Settings, get_settings

CALIBRATION_FILE = REPO_ROOT / "suggest" / "calibration.json"


class NothingPublished(ValueError):
    """The store has no published article to index."""


def load_calibration() -> dict:
    """The fusion and calibration parameters shipped with the code (may be empty)."""
    if not CALIBRATION_FILE.exists():
        return {}
    return json.loads(CALIBRATION_FILE.read_text(encoding="utf-8"))


def is_current(index_dir, version: str, calibration: dict) -> bool:
    """True when CURRENT serves this KB version with this calibration."""
    try:
        loc = read_pointer(index_dir)
    except IndexNotFound:
        return False
    served = loc.path / "calibration.json"
    served_cal = json.loads(served.read_text(encoding="utf-8")) if served.exists() else {}
    return loc.version == version and served_cal == calibration


def build_published(
    store,
    *,
    settings: Settings | None = None,
    if_missing: bool = False,
    encoder: Encoder | None = None,
) -> BuildResult | None:
    """Build and atomically publish the index of the store's published articles.

    Args:
        store: a :class:`kb.store.KBStore`.
        settings: where the index and cache live (default: the environment).
        if_missing: return ``None`` without building when CURRENT already
            serves this KB version with the shipped calibration.
        encoder: reuse a loaded encoder (default: ``settings.encoder``).

    Raises:
        NothingPublished: the store publishes nothing.
        ValueError: an unknown encoder or a bad build input.
    """
    from kb.training import load_training_examples

    settings = settings or get_settings()
    version = store.kb_version()
    calibration = load_calibration()
    if if_missing and is_current(settings.index_dir, version, calibration):
        return None
    articles = store.published_articles()
    if not articles:
        raise NothingPublished("the store has no published articles: run 'sigap kb import' first")
    clean_stale_staging(settings.index_dir)
    return build_index(
        articles,
        kb_version=version,
        index_root=settings.index_dir,
        encoder=encoder or make_encoder(settings.encoder),
        cache_path=settings.cache_dir / "embeddings.sqlite",
        examples=load_training_examples(),
        calibration=calibration,
        warm_start=True,
    )
