"""The one entry point that the CLI and the Streamlit app share.

``Explorer`` ties the pipeline together: read the corpus, cut passages, embed
what is new, write the index, and answer questions, related-passage lookups,
article overlap and themes from the loaded index. Front ends never touch
FAISS or the files on disk themselves.
"""

from __future__ import annotations

import hashlib
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from explorer import highlight, incremental, retrieval, search, store, vector_index
from explorer.corpus import read_corpus
from explorer.embed import Embedder, make_embedder, same_model
from explorer.errors import ExplorerError
from explorer.lexical import LexicalIndex
from explorer.records import Answer, Hit, Passage, Theme
from explorer.settings import Settings
from explorer.theme_placement import place_passages

StageCallback = Callable[[str, float], None]
"""Called with a stage description and a fraction done (0..1), for progress bars."""

MAX_K = 1000

REFIT = "refit"
PLACE = "place"
"""Build options for the themes: fit them again, or place new passages in the existing ones."""

HIGHLIGHT_BY_MEANING = 5
"""Hits whose highlight is chosen by sentence embeddings; later ones use shared words (cheaper)."""


@dataclass
class ThemeArticleMatrix:
    """Passages per (theme, article): which articles carry which theme, and how much.

    ``counts[i, j]`` is how many passages of article ``article_ids[j]`` belong to
    theme ``theme_ids[i]``; :attr:`shares` gives each article's passages as fractions.
    """

    theme_ids: list[int]
    labels: list[str]
    article_ids: list[str]
    counts: np.ndarray

    @property
    def shares(self) -> np.ndarray:
        """Each column divided by the article's passage count (columns sum to 1)."""
        totals = self.counts.sum(axis=0, keepdims=True)
        return self.counts / np.maximum(totals, 1)


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


def _split_keys(previous: store.StoredIndex | None) -> dict[str, str]:
    """Article id -> the passages key the previous build recorded (see explorer/incremental.py)."""
    articles = previous.manifest.get("articles", {}) if previous is not None else {}
    return {article_id: str(info.get("passages_key", "")) for article_id, info in articles.items()}


@dataclass
class _LoadedIndex:
    """An index as loaded, with the lookups derived from it; replaced whole, never edited.

    Queries take one reference to it, so a reload by another thread (after a
    build in another app session) cannot mix rows of two indexes in one answer.
    """

    index: store.StoredIndex
    article_ids: np.ndarray
    rows: dict[str, int]
    themes: list[Theme] | None = None

    @classmethod
    def of(cls, index: store.StoredIndex) -> _LoadedIndex:
        return cls(
            index,
            np.array([p.article_id for p in index.passages], dtype=object),
            {p.passage_id: row for row, p in enumerate(index.passages)},
        )


class Explorer:
    """Build and query one index directory. Safe to share between threads (app sessions)."""

    def __init__(self, settings: Settings | None = None, embedder: Embedder | None = None) -> None:
        self.settings = settings or Settings.from_env()
        self._embedder = embedder
        self._state: _LoadedIndex | None = None
        self._lock = threading.RLock()  # guards loading the model and the index

    # -- model and index -------------------------------------------------

    @property
    def embedder(self) -> Embedder:
        if self._embedder is None:
            with self._lock:
                if self._embedder is None:
                    self._embedder = make_embedder(
                        self.settings.model,
                        self.settings.batch_size,
                        self.settings.embed_backend,
                        self.settings.cache_dir,
                    )
        return self._embedder

    @property
    def index_dir(self) -> Path:
        return Path(self.settings.index_dir)

    def has_index(self) -> bool:
        return (self.index_dir / store.MANIFEST).exists()

    def _loaded(self) -> _LoadedIndex:
        """The loaded index (loaded on first use, and again after a build or reload)."""
        state = self._state
        if state is None:
            with self._lock:
                state = self._state
                if state is None:
                    state = self._state = _LoadedIndex.of(store.load_index(self.index_dir))
        return state

    @property
    def index(self) -> store.StoredIndex:
        return self._loaded().index

    @property
    def _article_ids(self) -> np.ndarray:
        return self._loaded().article_ids

    def _check_model(self, index: store.StoredIndex) -> None:
        """Refuse to compare question vectors with passages from another model."""
        built_with = index.model_id
        if not same_model(built_with, self.embedder.model_id) or index.dimension != self.embedder.dimension:
            raise ExplorerError(
                f"the index in {self.index_dir} was built with model {built_with} "
                f"({index.dimension} dimensions) but the explorer is set to "
                f"{self.embedder.model_id} ({self.embedder.dimension}): run `explorer build` "
                "to rebuild it, or set EXPLORER_MODEL to the model it was built with"
            )

    def reload(self) -> None:
        """Drop the loaded index so the next query reads the one on disk."""
        self._state = None

    # -- build -----------------------------------------------------------

    def build(
        self, path: Path | str | None = None, on_stage: StageCallback | None = None, themes: str = REFIT
    ) -> BuildReport:
        """Make the index mirror ``path``: embed new and changed passages, drop removed ones.

        Only what changed is cut into passages and embedded (explorer/incremental.py);
        keywords and BM25 statistics are computed again over all passages. ``themes``:
        ``"refit"`` fits the themes and the map again; ``"place"`` keeps the previous
        themes, puts new passages in their nearest theme and marks them stale, for a later
        :meth:`refresh_themes` (explorer/theme_placement.py: what the app does after one edit).
        """
        if themes not in (REFIT, PLACE):
            raise ExplorerError(f"unknown themes option {themes!r}: use {REFIT!r} or {PLACE!r}")
        stage = on_stage or (lambda message, fraction: None)
        source = Path(path) if path is not None else Path(self.settings.corpus_path)
        stage("reading articles", 0.0)
        corpus = read_corpus(source)
        embedder = self.embedder
        with store.build_lock(self.index_dir):
            previous = self._previous_index(embedder.model_id)
            stage("cutting articles into passages", 0.02)
            passages, split_keys, _ = incremental.split_reusing(
                corpus.articles,
                _split_keys(previous),
                previous.passages if previous is not None else [],
                embedder.model_id,
                embedder.count_tokens,
                embedder.max_tokens - 2,
            )
            with_passages = {p.article_id for p in passages}
            corpus.warnings.extend(
                f"{a.source_path}: nothing to index besides the title {a.title!r}"
                for a in corpus.articles
                if a.article_id not in with_passages
            )
            cache = self._vector_cache(previous, embedder.model_id)
            keys = [incremental.text_key(embedder.model_id, p.text) for p in passages]
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
            placeable = previous is not None and same_model(previous.model_id, embedder.model_id)
            if themes == PLACE and placeable and previous.themes.get("assignments") is not None:
                stage("placing new passages in the themes", 0.86)
                payload = place_passages(
                    previous.themes, [p.passage_id for p in previous.passages], previous.vectors, passages, vectors
                )
            else:
                stage("finding themes", 0.86)
                payload = self._fit_themes(passages, vectors, stage)
            stage("building the keyword index", 0.92)
            lexical = LexicalIndex.build([p.text for p in passages])
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
                        "passages_key": split_keys[a.article_id],
                    }
                    for a in corpus.articles
                },
                "random_state": self.settings.random_state,
            }
            stage("writing the index", 0.96)
            kind = vector_index.choose_kind(len(passages), self.settings.vector_index, self.settings.approximate_above)
            store.write_index(self.index_dir, manifest, passages, vectors, payload, lexical=lexical, kind=kind)
        self.reload()
        stage("done", 1.0)
        return self._report(corpus, passages, previous, len(missing), article_hashes)

    def _fit_themes(self, passages: list[Passage], vectors: np.ndarray, stage: StageCallback) -> dict:
        """themes.json for these passages: a full :class:`~explorer.themes.ThemeModel` fit."""
        from explorer.themes import ThemeModel, themes_payload  # scikit-learn: only builds need it

        embedder = self.embedder

        def encode_keyphrases(phrases: list[str]) -> np.ndarray:
            # The same model embeds each theme's keyphrase candidates, to rank them by meaning.
            return embedder.encode(
                phrases, progress=lambda done, total: stage(f"labelling themes ({done}/{total} keyphrases)", 0.88)
            )

        model = ThemeModel(random_state=self.settings.random_state, encode=encode_keyphrases).fit(
            vectors, [p.text for p in passages], [p.article_id for p in passages]
        )
        return themes_payload(model, passages)

    def themes_stale(self) -> bool:
        """Whether the themes were carried over from before the last edit (see :meth:`refresh_themes`)."""
        return bool(self.index.themes.get("stale"))

    def refresh_themes(self, on_stage: StageCallback | None = None) -> bool:
        """Refit stale themes over the index as it is; everything else is written back unchanged.

        Returns whether there was anything to do. Afterwards the themes are exactly those
        a full build of the same corpus gives.
        """
        stage = on_stage or (lambda message, fraction: None)
        with store.build_lock(self.index_dir):
            self.reload()
            index = self.index
            if not index.themes.get("stale"):
                return False
            self._check_model(index)
            stage("finding themes", 0.1)
            payload = self._fit_themes(index.passages, np.asarray(index.vectors, dtype=np.float32), stage)
            stage("writing the index", 0.95)
            # write_index renews the generation, counts and checksums; the rest of the manifest stays.
            store.write_index(
                self.index_dir,
                index.manifest,
                index.passages,
                index.vectors,
                payload,
                lexical=index.lexical,
                faiss_index=index.faiss_index,
            )
        self.reload()
        stage("done", 1.0)
        return True

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
        return incremental.vector_cache(previous.passages, previous.vectors, model_id)

    @staticmethod
    def _report(corpus, passages, previous, embedded: int, new_hashes: dict[str, str]) -> BuildReport:
        old = previous.manifest.get("articles", {}) if previous else {}
        new = {a.article_id: a for a in corpus.articles}
        return BuildReport(
            articles=len(corpus.articles),
            passages=len(passages),
            embedded=embedded,
            reused=len(passages) - embedded,
            added_articles=sorted(set(new) - set(old)),
            changed_articles=sorted(a for a in set(new) & set(old) if old[a].get("sha256") != new_hashes[a]),
            removed_articles=sorted(set(old) - set(new)),
            warnings=list(corpus.warnings),
        )

    # -- queries ---------------------------------------------------------

    def passages(self) -> list[Passage]:
        return list(self.index.passages)

    def passage(self, passage_id: str) -> Passage:
        state = self._loaded()
        row = state.rows.get(passage_id)
        if row is None:
            raise ExplorerError(f"no passage {passage_id!r} in the index: list ids with `explorer passages`")
        return state.index.passages[row]

    def _rows_for_index(self) -> dict[str, int]:
        return self._loaded().rows

    def articles(self) -> dict[str, dict]:
        """Article id -> {title, sha256, source_path} for every indexed article."""
        return dict(self.index.manifest.get("articles", {}))

    def ask(
        self,
        question: str,
        k: int = 10,
        mode: str = "hybrid",
        diversify: bool = False,
        per_article: bool = False,
    ) -> list[Hit]:
        """The ``k`` passages that best answer the question, best first (see :meth:`query`)."""
        return self.query(question, k, mode, diversify, per_article).hits

    def query(
        self,
        question: str,
        k: int = 10,
        mode: str = "hybrid",
        diversify: bool = False,
        per_article: bool = False,
    ) -> Answer:
        """Rank passages for a question, with highlights and a relevance verdict.

        ``mode``: ``hybrid`` (BM25 and dense fused, the default), ``dense`` or
        ``lexical``. ``diversify`` re-ranks with maximal marginal relevance so the
        top results are not near-copies; ``per_article`` keeps only each
        article's best passage.
        """
        cleaned, notices = self._clean_question(question)
        k = _checked_k(k)
        if mode not in retrieval.MODES:
            raise ExplorerError(f"unknown mode {mode!r}: use one of {', '.join(retrieval.MODES)}")
        state = self._loaded()
        query_vector = None
        if mode != "lexical":
            self._check_model(state.index)
            query_vector = self.embedder.encode([cleaned])[0]
        pool = max(retrieval.CANDIDATES, 4 * k if per_article else 2 * k)
        ranked = self._rank(state.index, cleaned, query_vector, mode, pool)
        if per_article:
            ranked = retrieval.one_per_article(ranked, state.article_ids)
        if diversify:
            ranked = retrieval.maximal_marginal_relevance(ranked[: max(pool, k)], state.index.vectors, k)
        ranked = ranked[:k]
        hits = self._hits_with_highlights(state.index, cleaned, query_vector, ranked)
        return Answer(cleaned, hits, self._relevant(hits, mode), notices)

    def _clean_question(self, question: str) -> tuple[str, list[str]]:
        """Collapse whitespace and control characters; cut what the model cannot read."""
        cleaned = " ".join("".join(c if c.isprintable() else " " for c in (question or "")).split())
        if not cleaned:
            raise ExplorerError("the question is empty: type a few words about what you are looking for")
        notices = []
        limit = self.embedder.max_tokens - 2
        if self.embedder.count_tokens(cleaned) > limit:
            cleaned = _truncate_to_tokens(cleaned, self.embedder.count_tokens, limit)
            notices.append(
                f"the question was longer than the model reads; only its first {limit} word pieces were used"
            )
        return cleaned, notices

    def _rank(
        self, index: store.StoredIndex, question: str, query_vector, mode: str, pool: int
    ) -> list[retrieval.Ranked]:
        searched = vector_index.searcher(index.faiss_index, self.settings.vector_index)
        if mode == "dense":
            return retrieval.sort_scores(dict(search.top_rows(searched, query_vector, pool)))
        bm25 = index.lexical.scores(question)
        lexical = retrieval.top_candidates(bm25, pool)
        if mode == "lexical":
            return retrieval.sort_scores(lexical)
        # Hybrid: each retriever proposes candidates; both scores are then exact for all of them.
        dense = dict(search.top_rows(searched, query_vector, pool))
        rows = sorted(set(dense) | set(lexical))
        cosines = index.vectors[rows] @ query_vector if rows else np.zeros(0)
        fused = retrieval.fuse(rows, cosines, bm25[rows], index.lexical.ceiling(question))
        return retrieval.sort_scores(fused)

    def _hits_with_highlights(
        self, index: store.StoredIndex, question: str, query_vector, ranked: list[retrieval.Ranked]
    ) -> list[Hit]:
        """Hits with the best-matching sentence marked; by meaning for the top few, by words after."""
        passages = index.passages
        texts = [passages[item.row].text for item in ranked]
        spans: list[tuple[int, int]] = []
        if query_vector is not None and texts:
            top = texts[:HIGHLIGHT_BY_MEANING]
            spans = highlight.best_spans_by_meaning(query_vector, top, self.embedder.encode)
        spans += [highlight.best_span_by_words(question, text) for text in texts[len(spans) :]]
        similarities = (
            index.vectors[[item.row for item in ranked]] @ query_vector
            if query_vector is not None and ranked
            else [None] * len(ranked)
        )
        return [
            Hit(rank, item.score, passages[item.row], span, None if sim is None else float(sim))
            for rank, (item, span, sim) in enumerate(zip(ranked, spans, similarities), start=1)
        ]

    def _relevant(self, hits: list[Hit], mode: str) -> bool:
        """Whether the best hit is close enough to count as an answer (threshold from the benchmark)."""
        if not hits:
            return False
        if hits[0].similarity is None:
            return hits[0].score > 0
        return hits[0].similarity >= self.settings.relevance_threshold

    def related(self, passage_id: str, k: int = 10) -> list[Hit]:
        """Passages from *other* articles that say the same or a related thing."""
        k = _checked_k(k)
        state = self._loaded()
        row = state.rows.get(passage_id)
        if row is None:
            raise ExplorerError(f"no passage {passage_id!r} in the index: list ids with `explorer passages`")
        index = state.index
        searched = vector_index.searcher(index.faiss_index, self.settings.vector_index)
        rows = search.related_rows(searched, index.vectors, state.article_ids, row, k)
        return [Hit(rank, score, index.passages[r], similarity=score) for rank, (r, score) in enumerate(rows, start=1)]

    def article_similarity(self) -> tuple[list[str], np.ndarray]:
        """Article ids and the symmetric article x article overlap matrix."""
        state = self._loaded()
        return search.article_similarity_matrix(state.index.vectors, state.article_ids)

    # -- themes (computed at build time; see explorer/themes.py and docs/THEMES.md) --

    def themes(self, n_themes: int | None = None) -> list[Theme]:
        """Themes, largest first, with the unassigned group (theme_id -1) last.

        ``n_themes`` asks for fewer, broader themes: finer themes are merged up
        the hierarchy built at index time (no refit, so it is instant and every
        broad theme is a union of fine ones). ``None`` or a number at or above
        :meth:`theme_count` gives the finest themes.
        """
        from explorer.themes import themes_from_payload

        state = self._loaded()
        n_themes = self._checked_theme_count(n_themes)
        if n_themes is not None:
            return themes_from_payload(state.index.themes, state.index.passages, state.index.vectors, n_themes)
        if state.themes is None:
            state.themes = themes_from_payload(state.index.themes, state.index.passages, state.index.vectors)
        return state.themes

    def theme_count(self) -> int:
        """How many themes the finest level has: the largest useful ``n_themes``."""
        from explorer.themes import theme_count

        return theme_count(self._loaded().index.themes)

    def _checked_theme_count(self, n_themes: int | None) -> int | None:
        if n_themes is None:
            return None
        if isinstance(n_themes, bool) or not isinstance(n_themes, int) or n_themes < 1:
            raise ExplorerError(f"the number of themes must be a whole number of at least 1 (got {n_themes!r})")
        finest = self.theme_count()
        return None if n_themes >= finest else n_themes

    def passage_themes(self, n_themes: int | None = None) -> np.ndarray:
        """Theme id of every passage (row order of :meth:`passages`, -1 unassigned), e.g. to colour the map.

        Ids match :meth:`themes` called with the same ``n_themes``.
        """
        from explorer.themes import assignments_at

        assignments, _ = assignments_at(self._loaded().index.themes, self._checked_theme_count(n_themes))
        if len(assignments) != len(self.index.passages):
            return np.full(len(self.index.passages), -1, dtype=int)
        return assignments

    def theme_hierarchy(self) -> list[dict]:
        """How the finest themes merge into broader ones, in merge order (closest pair first).

        Each entry: ``{"node_id", "children": [id, id], "label", "keywords"}``. Ids
        below :meth:`theme_count` are the finest themes as numbered in the index
        (``themes.json``); merging the first ``theme_count() - n`` entries leaves
        ``n`` themes. For a tree view; :meth:`themes` with ``n_themes`` does the cut.
        """
        return [dict(entry) for entry in self._loaded().index.themes.get("hierarchy", [])]

    def theme_article_matrix(self, n_themes: int | None = None) -> ThemeArticleMatrix:
        """Which articles carry which theme, and how much: passages per (theme, article).

        Rows follow :meth:`themes` (same ``n_themes``, unassigned last if any);
        columns are article ids in index order.
        """
        themes = self.themes(n_themes)
        article_ids = list(dict.fromkeys(p.article_id for p in self.index.passages))
        column = {article: j for j, article in enumerate(article_ids)}
        counts = np.zeros((len(themes), len(article_ids)), dtype=int)
        for i, theme in enumerate(themes):
            for passage in theme.passages:
                counts[i, column[passage.article_id]] += 1
        return ThemeArticleMatrix(
            theme_ids=[t.theme_id for t in themes],
            labels=[t.label for t in themes],
            article_ids=article_ids,
            counts=counts,
        )

    def passage_map(self) -> np.ndarray:
        """2D coordinates of every passage (row order of :meth:`passages`), computed at build time.

        Themes appear as islands placed by similarity (see explorer/projection.py);
        colour them with :meth:`passage_themes`.
        """
        coordinates = self.index.themes.get("map") or [[0.0, 0.0]] * len(self.index.passages)
        return np.asarray(coordinates, dtype=np.float32)

    # == App support: corpus editing and article pairs ======================
    # Used by the Streamlit Corpus and "Passages across articles" pages, kept
    # apart from the build and query code above. Corpus edits write to the
    # corpus folder and re-index through build(), which embeds only what
    # changed; a failed build undoes the file change, and the index on disk is
    # only ever replaced whole, so nothing that worked is lost.

    def add_document(
        self, filename: str, data: bytes, on_stage: StageCallback | None = None, themes: str = REFIT
    ) -> tuple[Path, BuildReport]:
        """Save a new article file into the corpus folder and re-index.

        The name must be a plain supported file name (no folders: path
        traversal is refused), must not replace an existing file, and the
        content must hold readable text that is not already indexed.
        """
        from explorer import corpus_edit  # the app's helpers; the CLI never needs them

        folder = corpus_edit.corpus_folder(Path(self.settings.corpus_path))
        target = corpus_edit.target_path(folder, filename)
        upload = corpus_edit.read_upload(target.name, data)
        self._refuse_indexed(upload.articles, target.name)
        corpus_edit.write_new_file(target, data)
        try:
            report = self.build(folder, on_stage, themes)
        except BaseException:
            target.unlink(missing_ok=True)
            raise
        return target, report

    def remove_document(
        self, article_id: str, on_stage: StageCallback | None = None, themes: str = REFIT
    ) -> BuildReport:
        """Delete an article's file from the corpus folder and re-index (restored if the build fails)."""
        from explorer import corpus_edit

        articles = self.articles()
        info = articles.get(article_id)
        if info is None:
            raise ExplorerError(f"no article {article_id!r} in the index: list them with `explorer articles`")
        if len(articles) == 1:
            raise ExplorerError("this is the only article: add another one before removing it")
        source_path = corpus_edit.file_of(str(info.get("source_path", "")))
        sharing = [
            other
            for other, data in articles.items()
            if other != article_id and corpus_edit.file_of(str(data.get("source_path", ""))) == source_path
        ]
        if sharing:
            raise ExplorerError(
                f"{article_id!r} is one of {len(sharing) + 1} articles in {Path(source_path).name}: "
                "delete its record from that file, then rebuild"
            )
        folder = corpus_edit.corpus_folder(Path(self.settings.corpus_path))
        source = corpus_edit.source_file(folder, source_path)
        hidden = corpus_edit.set_aside(source)
        try:
            report = self.build(folder, on_stage, themes)
        except BaseException:
            hidden.replace(source)
            raise
        hidden.unlink(missing_ok=True)
        return report

    def _refuse_indexed(self, new_articles: list, name: str) -> None:
        """An upload that repeats an indexed article's id or text would be skipped silently: say so now."""
        if not self.has_index():
            return
        try:
            indexed = self.articles()
        except ExplorerError:
            return  # a damaged index is rebuilt by the build that follows
        by_hash = {data.get("sha256"): article_id for article_id, data in indexed.items()}
        for article in new_articles:
            if article.article_id in indexed:
                raise ExplorerError(
                    f"{name}: an article with id {article.article_id!r} is already indexed "
                    f"(from {Path(indexed[article.article_id].get('source_path', '')).name}); "
                    "remove it first or rename the file"
                )
            same = by_hash.get(hashlib.sha256(article.text.encode("utf-8")).hexdigest())
            if same is not None:
                raise ExplorerError(f"{name}: the same text is already indexed as {same!r}")

    def closest_pairs(self, article_a: str, article_b: str, k: int = 5) -> list[tuple[Passage, Passage, float]]:
        """The ``k`` most similar (passage of A, passage of B) pairs, best first, with their cosine."""
        k = _checked_k(k)
        state = self._loaded()  # one index for the whole answer, even if another session reloads
        index = state.index
        rows_a = np.flatnonzero(state.article_ids == article_a)
        rows_b = np.flatnonzero(state.article_ids == article_b)
        for article_id, rows in ((article_a, rows_a), (article_b, rows_b)):
            if not len(rows):
                raise ExplorerError(f"no article {article_id!r} in the index: list them with `explorer articles`")
        scores = index.vectors[rows_a] @ index.vectors[rows_b].T
        best = np.argsort(-scores, axis=None, kind="stable")[:k]
        pairs = []
        for flat in best:
            i, j = divmod(int(flat), len(rows_b))
            pairs.append((index.passages[rows_a[i]], index.passages[rows_b[j]], float(scores[i, j])))
        return pairs


def _truncate_to_tokens(text: str, count_tokens, limit: int) -> str:
    """The longest prefix of whole words that fits in ``limit`` word pieces."""
    words = text.split(" ")
    low, high = 1, len(words)
    while low < high:
        middle = (low + high + 1) // 2
        if count_tokens(" ".join(words[:middle])) <= limit:
            low = middle
        else:
            high = middle - 1
    return " ".join(words[:low])


def _checked_k(k: int) -> int:
    if not isinstance(k, int) or k < 1:
        raise ExplorerError(f"--k must be a whole number of at least 1 (got {k!r})")
    return min(k, MAX_K)
