"""Rebuild the index after a publish: the same build as ``sigap index build --if-missing``.

Uses the indexer's own pieces (:func:`indexer.build.build_index`, the
calibration of :mod:`indexer.cli`); the embedding cache makes a rebuild after
one edited article take seconds. Running engines see the new ``CURRENT``
pointer at their next query.
"""

from __future__ import annotations

import time

from indexer.artifacts import IndexNotFound, clean_stale_staging, read_pointer
from kb.store import KBStore
from sigap.settings import Settings, get_settings


class IndexRebuildFailed(RuntimeError):
    """The store's published state could not be indexed; the previous index keeps serving."""


def rebuild_index(store: KBStore, *, settings: Settings | None = None) -> str:
    """Build and publish the index of what ``store`` publishes, unless it is already served.

    Returns:
        One line for people: what was built and how long it took.

    Raises:
        IndexRebuildFailed: nothing is published, or the build failed.
    """
    from indexer.build import build_index
    from indexer.cli import load_calibration
    from indexer.encoders import make_encoder
    from kb.training import load_training_examples

    settings = settings or get_settings()
    version = store.kb_version()
    try:
        if read_pointer(settings.index_dir).version == version:
            return f"indeks {version} sudah terkini"
    except IndexNotFound:
        pass
    articles = store.published_articles()
    if not articles:
        raise IndexRebuildFailed("belum ada artikel terbit: jalankan 'sigap kb import'")
    started = time.perf_counter()
    try:
        clean_stale_staging(settings.index_dir)
        result = build_index(
            articles,
            kb_version=version,
            index_root=settings.index_dir,
            encoder=make_encoder(settings.encoder),
            cache_path=settings.cache_dir / "embeddings.sqlite",
            examples=load_training_examples(),
            calibration=load_calibration(),
        )
    except (OSError, ValueError) as exc:
        raise IndexRebuildFailed(str(exc)) from exc
    cache = result.manifest["embedding_cache"]
    return (
        f"indeks {version} dibangun dalam {time.perf_counter() - started:.1f} dtk "
        f"({len(articles)} artikel; cache embedding {cache['hits']} terpakai, "
        f"{cache['misses']} baru)"
    )
