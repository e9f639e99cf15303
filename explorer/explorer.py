"""The one entry point that the CLI and the Streamlit app share.

``Explorer`` ties the pipeline together: read the corpus, cut passages, embed
what is new, write the index, and answer questions, related-passage lookups,
article overlap and themes from the loaded index. Front ends never touch
FAISS or the files on disk themselves.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from explorer import search, store
from explorer.corpus import read_corpus
from explorer.embed import Embedder, make_embedder, same_model
from explorer.errors import ExplorerError
from explorer.passages import split_articles
from explorer.records import Hit, Passage, Theme
from explorer.settings import Settings
from explorer.themes import ThemeModel, themes_from_payload, themes_payload

StageCallback = Callable[[str, float], None]
"""Called with a stage description and a fraction done (0..1), for progress bars."""

MAX_K = 1000


@dataclass
class BuildReport:
    """What a build did, for the user: counts, reuse, and any problems with input files."""

    articles: int
    passages: int
    embedded: int
    reused: int
    added_articles: list[str] = field(default_factory=list)
    changed_articles: list[str] = field(default_factory=list)
    removed_articles: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    def summary(self) -> str:
        return (
            f"indexed {self.passages} passages from {self.articles} articles "
            f"({self.embedded} embedded, {self.reused} reused; "
            f"{len(self.added_articles)} added, {len(self.changed_articles)} changed, "
            f"{len(self.removed_articles)} removed)"
        )


def _text_key(model_id: str, text: str) -> str:
    return hashlib.sha256(f"{model_id}\0{text}".encode()).hexdigest()


class Explorer:
    """Build and query one index directory."""

    def __init__(self, settings: Settings | None = None, embedder: Embedder | None = None) -> None:
        self.settings = settings or Settings.from_env()
        self._embedder = embedder
        self._index: store.StoredIndex | None = None
        self._article_ids: np.ndarray | None = None
        self._rows: dict[str, int] = {}
        self._themes: list[Theme] | None = None

    # -- model and index -------------------------------------------------

    @property
    def embedder(self) -> Embedder:
        if self._embedder is None:
            self._embedder = make_embedder(self.settings.model, self.settings.batch_size)
        return self._embedder

    @property
    def index_dir(self) -> Path:
        return Path(self.settings.index_dir)

    def has_index(self) -> bool:
        return (self.index_dir / store.MANIFEST).exists()

    @property
    def index(self) -> store.StoredIndex:
        """The loaded index (loaded on first use, and again after a build)."""
        if self._index is None:
            self._set_index(store.load_index(self.index_dir))
        return self._index  # type: ignore[return-value]

    def _set_index(self, index: store.StoredIndex) -> None:
        self._index = index
        self._article_ids = np.array([p.article_id for p in index.passages], dtype=object)
        self._rows = {p.passage_id: row for row, p in enumerate(index.passages)}
        self._themes = None

    def _check_model(self) -> None:
        """Refuse to compare question vectors with passages from another model."""
        built_with = self.index.model_id
        if not same_model(built_with, self.embedder.model_id) or self.index.dimension != self.embedder.dimension:
            raise ExplorerError(
                f"the index in {self.index_dir} was built with model {built_with} "
                f"({self.index.dimension} dimensions) but the explorer is set to "
                f"{self.embedder.model_id} ({self.embedder.dimension}): run `explorer build` "
                "to rebuild it, or set EXPLORER_MODEL to the model it was built with"
            )

    def reload(self) -> None:
        """Drop the loaded index so the next query reads the one on disk."""
        self._index = None
        self._themes = None

    # -- build -----------------------------------------------------------

    def build(self, path: Path | str | None = None, on_stage: StageCallback | None = None) -> BuildReport:
        """Make the index mirror ``path``: embed new and changed passages, drop removed ones."""
        stage = on_stage or (lambda message, fraction: None)
        source = Path(path) if path is not None else Path(self.settings.corpus_path)
        stage("reading articles", 0.0)
        corpus = read_corpus(source)
        embedder = self.embedder
        passages = split_articles(corpus.articles, embedder.count_tokens, embedder.max_tokens - 2)
        with store.build_lock(self.index_dir):
            previous = self._previous_index(embedder.model_id)
            cache = self._vector_cache(previous, embedder.model_id)
            keys = [_text_key(embedder.model_id, p.text) for p in passages]
            missing = sorted({key: p.text for key, p in zip(keys, passages) if key not in cache}.items())
            stage(f"embedding {len(missing)} new passages", 0.05)

            def embedding_progress(done: int, total: int) -> None:
                stage(f"embedding passages ({done}/{total})", 0.05 + 0.8 * done / max(total, 1))

            if missing:
                new_vectors = embedder.encode([text for _, text in missing], progress=on_stage and embedding_progress)
                cache.update({key: vector for (key, _), vector in zip(missing, new_vectors)})
            vectors = (
                np.vstack([cache[key] for key in keys]).astype(np.float32)
                if keys
                else np.zeros((0, embedder.dimension), dtype=np.float32)
            )
            stage("finding themes", 0.88)
            model = ThemeModel(random_state=self.settings.random_state).fit(vectors, [p.text for p in passages])
            article_hashes = {a.article_id: hashlib.sha256(a.text.encode("utf-8")).hexdigest() for a in corpus.articles}
            manifest = {
                "model": embedder.model_id,
                "model_dir_name": getattr(embedder, "model_dir", Path(embedder.model_id)).name,
                "corpus_path": str(source),
                "corpus_fingerprint": store.corpus_fingerprint(article_hashes),
                "article_count": len(corpus.articles),
                "articles": {
                    a.article_id: {
                        "title": a.title,
                        "sha256": article_hashes[a.article_id],
                        "source_path": a.source_path,
                    }
                    for a in corpus.articles
                },
                "random_state": self.settings.random_state,
            }
            stage("writing the index", 0.95)
            store.write_index(self.index_dir, manifest, passages, vectors, themes_payload(model, passages))
        self.reload()
        stage("done", 1.0)
        return self._report(corpus, passages, previous, len(missing), corpus.warnings)

    def _previous_index(self, model_id: str) -> store.StoredIndex | None:
        """The index already on disk, if it is readable; a broken one is simply rebuilt."""
        if not self.has_index():
            return None
        try:
            return store.load_index(self.index_dir)
        except ExplorerError:
            return None

    @staticmethod
    def _vector_cache(previous: store.StoredIndex | None, model_id: str) -> dict[str, np.ndarray]:
        """Vectors of the previous build, keyed by model and passage text."""
        if previous is None or not same_model(previous.model_id, model_id):
            return {}
        return {_text_key(model_id, p.text): previous.vectors[row] for row, p in enumerate(previous.passages)}

    @staticmethod
    def _report(corpus, passages, previous, embedded: int, warnings: list[str]) -> BuildReport:
        old = previous.manifest.get("articles", {}) if previous else {}
        new = {a.article_id: a for a in corpus.articles}
        new_hashes = {a.article_id: hashlib.sha256(a.text.encode("utf-8")).hexdigest() for a in corpus.articles}
        return BuildReport(
            articles=len(corpus.articles),
            passages=len(passages),
            embedded=embedded,
            reused=len(passages) - embedded,
            added_articles=sorted(set(new) - set(old)),
            changed_articles=sorted(a for a in set(new) & set(old) if old[a].get("sha256") != new_hashes[a]),
            removed_articles=sorted(set(old) - set(new)),
            warnings=list(warnings),
        )

    # -- queries ---------------------------------------------------------

    def passages(self) -> list[Passage]:
        return list(self.index.passages)

    def passage(self, passage_id: str) -> Passage:
        row = self._rows_for_index().get(passage_id)
        if row is None:
            raise ExplorerError(f"no passage {passage_id!r} in the index: list ids with `explorer passages`")
        return self.index.passages[row]

    def _rows_for_index(self) -> dict[str, int]:
        self.index  # noqa: B018 - loads the index and fills the row map
        return self._rows

    def articles(self) -> dict[str, dict]:
        """Article id -> {title, sha256, source_path} for every indexed article."""
        return dict(self.index.manifest.get("articles", {}))

    def ask(self, question: str, k: int = 10) -> list[Hit]:
        """The ``k`` passages closest in meaning to the question, best first."""
        cleaned = " ".join((question or "").split())
        if not cleaned:
            raise ExplorerError("the question is empty: type a few words about what you are looking for")
        k = _checked_k(k)
        self._check_model()
        query = self.embedder.encode([cleaned])[0]
        rows = search.top_rows(self.index.faiss_index, query, k)
        return self._hits(rows)

    def related(self, passage_id: str, k: int = 10) -> list[Hit]:
        """Passages from *other* articles that say the same or a related thing."""
        k = _checked_k(k)
        row = self._rows_for_index().get(passage_id)
        if row is None:
            raise ExplorerError(f"no passage {passage_id!r} in the index: list ids with `explorer passages`")
        index = self.index
        rows = search.related_rows(index.faiss_index, index.vectors, self._article_ids, row, k)
        return self._hits(rows)

    def article_similarity(self) -> tuple[list[str], np.ndarray]:
        """Article ids and the symmetric article x article overlap matrix."""
        index = self.index
        return search.article_similarity_matrix(index.vectors, self._article_ids)

    def themes(self) -> list[Theme]:
        """Themes computed at build time, largest first, with the unassigned group last."""
        if self._themes is None:
            index = self.index
            self._themes = themes_from_payload(index.themes, index.passages, index.vectors)
        return self._themes

    def passage_map(self) -> np.ndarray:
        """2D coordinates of every passage (row order of :meth:`passages`), for the map."""
        coordinates = self.index.themes.get("map") or [[0.0, 0.0]] * len(self.index.passages)
        return np.asarray(coordinates, dtype=np.float32)

    def _hits(self, rows: list[tuple[int, float]]) -> list[Hit]:
        passages = self.index.passages
        return [Hit(rank, score, passages[row]) for rank, (row, score) in enumerate(rows, start=1)]


def _checked_k(k: int) -> int:
    if not isinstance(k, int) or k < 1:
        raise ExplorerError(f"--k must be a whole number of at least 1 (got {k!r})")
    return min(k, MAX_K)
