"""Rebuild the index after a publish: the same build as ``sigap index build --if-missing``.

Uses the indexer's own pieces (:func:`indexer.build.build_index`, the
calibration of :mod:`indexer.cli`); the embedding cache makes a rebuild after
one edited article take seconds. Running engines see the new ``CURRENT``
pointer at their next query.
"""

from __future__ import annotations

import time

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
    from indexer.publish import NothingPublished, build_published

    settings = settings or get_settings()
    started = time.perf_counter()
    try:
        result = build_published(store, settings=settings, if_missing=True)
    except NothingPublished as exc:
        raise IndexRebuildFailed("belum ada artikel terbit: jalankan 'sigap kb import'") from exc
    except (OSError, ValueError) as exc:
        raise IndexRebuildFailed(str(exc)) from exc
    if result is None:
        return f"indeks {store.kb_version()} sudah terkini"
    m = result.manifest
    cache = m["embedding_cache"]
    return (
        f"indeks {m['kb_version']} dibangun dalam {time.perf_counter() - started:.1f} dtk "
        f"({m['counts']['articles']} artikel; cache embedding {cache['hits']} terpakai, "
        f"{cache['misses']} baru)"
    )
