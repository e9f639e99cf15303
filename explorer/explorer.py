"""The one entry point that the CLI and the Streamlit app share.

``Explorer`` ties the pipeline together: read the corpus, cut passages, embed
what is new, write the index, and answer questions, related-passage lookups,
article overlap and themes from the loaded index. Front ends never touch
FAISS or the files on disk themselves.
"""

from __future__ import annotations

import contextlib
import functools
import threading
from collections.abc import Callable
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from explorer import highlight, retrieval, search, store, vector_index
from explorer.embed import Embedder, make_embedder
from explorer.errors import ExplorerError
from explorer.indexing import PLACE, REFIT, BuildReport, Indexer, StageCallback, check_model, fit_themes
from explorer.lexical import names_in
from explorer.records import Answer, Hit, Passage, Theme, answers_the_question
from explorer.settings import Settings

__all__ = ["MAX_K", "PLACE", "REFIT", "BuildReport", "Explorer", "StageCallback", "ThemeArticleMatrix"]

MAX_K = 1000

HIGHLIGHT_BY_MEANING = 5
"""Hits whose highlight is chosen by sentence embeddings; later ones use shared words (cheaper)."""

THEME_VIEWS_KEPT = 8
"""Theme views (level x outliers assigned) kept per loaded index: the ones a user switches between."""


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
class _ThemeView:
    """One view of the themes: the theme of every passage row and each theme's description
    (:func:`~explorer.theme_payload.view_assignments`), and the :class:`Theme` list once asked for."""

    assignments: np.ndarray
    info: dict[int, dict]
    themes: list[Theme] | None = None


@dataclass
class _LoadedIndex:
    """An index as loaded, with the lookups derived from it; replaced whole, its index never edited
    (only the caches of answers derived from it, ``finer_themes``, ``theme_views``,
    ``article_overlap`` and ``article_pairs``, fill in).

    Queries take one reference to it, so a reload by another thread (after a
    build in another app session) cannot mix rows of two indexes in one answer.
    """

    index: store.StoredIndex
    article_ids: np.ndarray
    rows: dict[str, int]
    finer_themes: dict[int, dict] = field(default_factory=dict)
    """themes.json-like payloads fitted on request for more themes than the build made, by count."""
    theme_views: dict[tuple, _ThemeView] = field(default_factory=dict)
    """Views of the themes by (fitted count or None, hierarchy cut, outliers assigned), the latest
    :data:`THEME_VIEWS_KEPT`: a Themes page asks for one view several times per render (list, chart,
    map colours), and assigning outliers reads every vector."""
    views_lock: threading.Lock = field(default_factory=threading.Lock)
    article_overlap: tuple[list[str], np.ndarray] | None = None
    """:meth:`Explorer.article_similarity`, once computed: every passage against every other (seconds
    at 10k passages), asked for on each render of the app's Passages page."""
    article_pairs: dict[int, list[tuple[float, str, str]]] = field(default_factory=dict)
    """:meth:`Explorer.top_article_pairs` by limit, for collections too large for the whole matrix."""

    @classmethod
    def of(cls, index: store.StoredIndex) -> _LoadedIndex:
        return cls(
            index,
            np.array([p.article_id for p in index.passages], dtype=object),
            {p.passage_id: row for row, p in enumerate(index.passages)},
        )

    @functools.cached_property
    def compared_articles(self) -> list[str]:
        """The articles that have passages, sorted: what article overlap compares (a title-only
        article is in the manifest but has nothing to compare)."""
        return list(self.article_rows)

    @functools.cached_property
    def article_rows(self) -> dict[str, np.ndarray]:
        """Article id -> its passages' rows (articles sorted), made once, so a few articles' passages are
        found without a scan of every passage (a million at scale) per question."""
        return search.rows_by_article(self.article_ids)


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

    def reload(self) -> None:
        """Drop the loaded index so the next query reads the one on disk."""
        self._state = None

    # -- build -----------------------------------------------------------

    # -- build and edit (explorer/indexing.py, explorer/corpus_edit.py) --

    def build(
        self, path: Path | str | None = None, on_stage: StageCallback | None = None, themes: str = REFIT
    ) -> BuildReport:
        """Make the index mirror ``path`` (default: the corpus setting): embed new and changed
        passages, drop removed ones. ``themes``: ``"refit"``, or ``"place"`` to keep the themes
        and put new passages in the nearest one until :meth:`refresh_themes` (what the app does)."""
        try:
            return Indexer(self.settings, self.embedder).build(path, on_stage, themes)
        finally:
            self.reload()

    def refresh_themes(self, on_stage: StageCallback | None = None) -> bool:
        """Refit themes an edit left stale (see :meth:`build`); returns whether there were any."""
        try:
            return Indexer(self.settings, self.embedder).refresh_themes(on_stage)
        finally:
            self.reload()

    def themes_stale(self) -> bool:
        """Whether the themes were carried over from before the last edit (see :meth:`refresh_themes`)."""
        return bool(self.index.themes.get("stale"))

    def add_document(
        self, filename: str, data: bytes, on_stage: StageCallback | None = None, themes: str = REFIT
    ) -> tuple[Path, BuildReport]:
        """Save a new article file into the corpus folder and re-index (see :func:`corpus_edit.add_document`)."""
        from explorer import corpus_edit  # the app's helpers; the CLI never needs them

        return corpus_edit.add_document(self, filename, data, on_stage, themes)

    def remove_document(
        self, article_id: str, on_stage: StageCallback | None = None, themes: str = REFIT
    ) -> BuildReport:
        """Delete an article's file from the corpus folder and re-index (see :func:`corpus_edit.remove_document`)."""
        from explorer import corpus_edit

        return corpus_edit.remove_document(self, article_id, on_stage, themes)

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
            check_model(state.index, self.embedder, self.index_dir)  # no question vectors against another model's
            query_vector = self.embedder.encode([cleaned])[0]
        pool = max(retrieval.CANDIDATES, 4 * k if per_article else 2 * k)
        ranked = self._rank(state.index, cleaned, query_vector, mode, pool)
        candidates = _with_similarities(ranked, state.index, query_vector)  # judged before any are set aside
        if per_article:
            ranked = retrieval.one_per_article(ranked, state.article_ids)
        if diversify:
            ranked = retrieval.maximal_marginal_relevance(ranked[: max(pool, k)], state.index.vectors, k)
        ranked = ranked[:k]
        similarity_of = {hit.passage.passage_id: hit.similarity for hit in candidates}
        hits = self._hits_with_highlights(state.index, cleaned, query_vector, ranked, similarity_of)
        relevant = answers_the_question(candidates, self.settings.relevance_threshold)
        unmentioned = state.index.lexical.unmentioned(names_in(cleaned))
        if unmentioned:
            notices.append(
                f"no passage mentions {_quoted_list(unmentioned)}: these passages match the rest of the question"
            )
        return Answer(cleaned, hits, relevant, notices, unmentioned)

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
        self,
        index: store.StoredIndex,
        question: str,
        query_vector,
        ranked: list[retrieval.Ranked],
        similarity_of: dict[str, float | None],
    ) -> list[Hit]:
        """Hits with the best-matching sentence marked; by meaning for the top few, by words after.
        ``similarity_of``: each candidate passage's cosine to the question, computed once for the verdict."""
        passages = index.passages
        texts = [passages[item.row].text for item in ranked]
        spans: list[tuple[int, int]] = []
        if query_vector is not None and texts:
            top = texts[:HIGHLIGHT_BY_MEANING]
            spans = highlight.best_spans_by_meaning(query_vector, top, self.embedder.encode)
        spans += [highlight.best_span_by_words(question, text) for text in texts[len(spans) :]]
        return [
            Hit(rank, item.score, passages[item.row], span, similarity_of[passages[item.row].passage_id])
            for rank, (item, span) in enumerate(zip(ranked, spans), start=1)
        ]

    def related(self, passage_id: str, k: int = 10) -> list[Hit]:
        """Passages from *other* articles that say the same or a related thing."""
        k = _checked_k(k)
        state = self._loaded()
        row = state.rows.get(passage_id)
        if row is None:
            raise ExplorerError(f"no passage {passage_id!r} in the index: list ids with `explorer passages`")
        index = state.index
        searched = vector_index.searcher(index.faiss_index, self.settings.vector_index)
        own = state.article_rows[state.article_ids[row]]
        rows = search.related_rows(searched, index.vectors, own, row, k)
        return [Hit(rank, score, index.passages[r], similarity=score) for rank, (r, score) in enumerate(rows, start=1)]

    def article_similarity(self) -> tuple[list[str], np.ndarray]:
        """Article ids and the symmetric article x article overlap matrix (computed once per loaded
        index; the same arrays are returned each time, so callers must not change them).

        Above :data:`~explorer.search.ARTICLE_MATRIX_LIMIT` articles there is no whole matrix (it
        grows with the square of the articles): :meth:`top_article_pairs` and :meth:`article_overlap`
        answer at any size."""
        state = self._loaded()
        if state.article_overlap is None:
            count = len(state.compared_articles)
            if count > search.ARTICLE_MATRIX_LIMIT:
                raise ExplorerError(
                    f"{count:,} articles are too many for the whole overlap matrix (at most "
                    f"{search.ARTICLE_MATRIX_LIMIT:,}): ask for the most overlapping pairs instead "
                    "(`explorer articles --top N`)"
                )
            names, matrix = search.article_similarity_matrix(state.index.vectors, state.article_ids)
            matrix.setflags(write=False)
            state.article_overlap = names, matrix
        return state.article_overlap

    def compared_articles(self) -> list[str]:
        """The articles with passages, sorted: the ones :meth:`article_similarity` and
        :meth:`top_article_pairs` compare."""
        return self._loaded().compared_articles

    def top_article_pairs(self, limit: int) -> list[tuple[float, str, str]]:
        """The ``limit`` most overlapping pairs of articles, best first, as (overlap, first, second): from
        the whole matrix where there is one, else by nearest article centroids (kept per loaded index)."""
        state = self._loaded()
        if len(state.compared_articles) <= search.ARTICLE_MATRIX_LIMIT:
            return search.top_article_pairs(*self.article_similarity(), limit)
        if limit not in state.article_pairs:
            state.article_pairs[limit] = search.nearest_article_pairs(state.index.vectors, state.article_ids, limit)
        return state.article_pairs[limit]

    def overlapping_articles(self, article_id: str) -> list[tuple[float, str]]:
        """Every other article with its overlap with ``article_id`` (the same figure as
        :meth:`article_similarity`), most overlapping first, at any number of articles."""
        state = self._loaded()
        _rows_of_article(state, article_id)  # a clear error for an unknown article
        if state.article_overlap is not None:  # the whole matrix is made already (the app's heatmap): its row
            names, matrix = state.article_overlap
            row = matrix[names.index(article_id)]
        else:
            names, row = search.article_overlap_row(state.index.vectors, state.article_ids, article_id)
        order = np.argsort(-row, kind="stable")
        return [(float(row[i]), names[i]) for i in order if names[i] != article_id]

    def article_overlap(self, article_ids: list[str]) -> np.ndarray:
        """The overlap matrix of just these articles (rows and columns in the order given): read from
        the whole matrix where there is one, else computed from their passages alone."""
        state = self._loaded()
        if len(state.compared_articles) <= search.ARTICLE_MATRIX_LIMIT:
            names, matrix = self.article_similarity()
            rows = [names.index(article) for article in article_ids]
            return matrix[np.ix_(rows, rows)]
        rows = np.sort(np.concatenate([state.article_rows[article] for article in article_ids]))
        names, matrix = search.article_similarity_matrix(state.index.vectors[rows], state.article_ids[rows])
        order = [names.index(article) for article in article_ids]
        return matrix[np.ix_(order, order)]

    # -- themes (computed at build time; see explorer/themes.py and docs/THEMES.md) --

    def themes(
        self,
        n_themes: int | None = None,
        assign_outliers: bool = False,
        model_lock: AbstractContextManager | None = None,
    ) -> list[Theme]:
        """Themes, largest first, with the unassigned group (theme_id -1) last.

        ``n_themes`` below :meth:`theme_count` asks for fewer, broader themes: finer
        themes are merged up the hierarchy built at index time (no refit, so it is
        instant and every broad theme is a union of fine ones). Above it, the themes
        are fitted again at that number (seconds at 10k passages, kept in memory until
        the index changes): the same merge tree cut lower, so they split the build's
        themes further. ``assign_outliers`` puts each unassigned passage in its
        nearest theme instead (same ids, no refit). ``model_lock``: held around the refit's calls into
        the model, for a caller that shares this explorer between threads (see :meth:`finer_themes_fit`).
        """
        from explorer.theme_payload import themes_from_assignments

        state = self._loaded()
        view = self._theme_view(state, n_themes, assign_outliers, model_lock)
        if view.themes is None:
            view.themes = themes_from_assignments(
                view.assignments, view.info, state.index.passages, state.index.vectors
            )
        return view.themes

    def _theme_view(
        self,
        state: _LoadedIndex,
        n_themes: int | None,
        assign_outliers: bool,
        model_lock: AbstractContextManager | None = None,
    ) -> _ThemeView:
        from explorer.theme_payload import view_assignments

        payload, cut, finer = self._themes_payload(state, n_themes, model_lock)
        key = (finer, cut, assign_outliers)
        view = state.theme_views.get(key)
        if view is None:
            index = state.index
            view = _ThemeView(*view_assignments(payload, len(index.passages), index.vectors, cut, assign_outliers))
            with state.views_lock:
                state.theme_views[key] = view
                while len(state.theme_views) > THEME_VIEWS_KEPT:
                    del state.theme_views[next(iter(state.theme_views))]
        return view

    def theme_count(self) -> int:
        """How many themes the build made: :meth:`themes` with a smaller ``n_themes`` merges them, with a
        larger one fits finer themes."""
        return self._built_count(self._loaded())

    def _themes_payload(
        self, state: _LoadedIndex, n_themes: int | None, model_lock: AbstractContextManager | None = None
    ) -> tuple[dict, int | None, int | None]:
        """(the payload holding themes at ``n_themes``, the hierarchy cut to apply to it or None, the
        count fitted for it or None when the build's themes answer)."""
        if n_themes is None:
            return state.index.themes, None, None
        finer = self._finer_count(state, n_themes)
        if finer is None:
            return state.index.themes, (n_themes if n_themes < self._built_count(state) else None), None
        if finer not in state.finer_themes:
            self._finer_fit(state, finer)(model_lock)
        return state.finer_themes[finer], None, finer

    @staticmethod
    def _built_count(state: _LoadedIndex) -> int:
        from explorer.theme_payload import theme_count

        return theme_count(state.index.themes)

    def _finer_count(self, state: _LoadedIndex, n_themes: int) -> int | None:
        """The number of themes to fit for a request of ``n_themes`` (at most one per passage), or None
        when the build's themes or a cut of their hierarchy answer it."""
        finer = min(_checked_theme_count(n_themes), len(state.index.passages))
        return finer if finer > self._built_count(state) else None

    def finer_themes_fit(self, n_themes: int) -> Callable[[AbstractContextManager | None], None] | None:
        """The refit that :meth:`themes` would run for ``n_themes``, as a function to call later, or
        None when there is nothing to fit (the build's themes, a coarser cut, or fitted already).

        For a caller that shares this explorer between threads under one lock (the app): the fit
        only reads the loaded index, so it can run outside that lock, taking the lock it is given
        around each call into the model; the result is kept where :meth:`themes` finds it.
        """
        if self.themes_ready(n_themes):
            return None
        state = self._loaded()
        return self._finer_fit(state, self._finer_count(state, n_themes))

    def themes_ready(self, n_themes: int | None = None) -> bool:
        """Whether :meth:`themes` answers ``n_themes`` from what is loaded, without a fit: the build's
        themes, a coarser cut of them, or finer ones fitted already."""
        if n_themes is None:
            return True
        state = self._loaded()
        finer = self._finer_count(state, n_themes)
        return finer is None or finer in state.finer_themes

    def _finer_fit(self, state: _LoadedIndex, n_themes: int) -> Callable[[AbstractContextManager | None], None]:
        index = state.index
        check_model(index, self.embedder, self.index_dir)  # labels are ranked by the index's own model
        embedder, seed = self.embedder, self.settings.random_state

        def fit(model_lock: AbstractContextManager | None = None) -> None:
            def encode(texts, progress=None) -> np.ndarray:
                with model_lock or contextlib.nullcontext():
                    return embedder.encode(texts, progress=progress)

            state.finer_themes[n_themes] = fit_themes(index.passages, index.vectors, encode, seed, n_themes)

        return fit

    def passage_themes(self, n_themes: int | None = None, assign_outliers: bool = False) -> np.ndarray:
        """Theme id of every passage (row order of :meth:`passages`, -1 unassigned), e.g. to colour the map.

        Ids match :meth:`themes` called with the same ``n_themes`` and ``assign_outliers``.
        """
        state = self._loaded()
        assignments = self._theme_view(state, n_themes, assign_outliers).assignments
        if len(assignments) != len(state.index.passages):
            return np.full(len(state.index.passages), -1, dtype=int)
        return assignments.copy()  # the view's own array stays as cached

    def theme_hierarchy(self) -> list[dict]:
        """How the finest themes merge into broader ones, in merge order (closest pair first).

        Each entry: ``{"node_id", "children": [id, id], "label", "keywords"}``. Ids
        below :meth:`theme_count` are the finest themes as numbered in the index
        (``themes.json``); merging the first ``theme_count() - n`` entries leaves
        ``n`` themes. For a tree view; :meth:`themes` with ``n_themes`` does the cut.
        """
        return [dict(entry) for entry in self._loaded().index.themes.get("hierarchy", [])]

    def theme_article_matrix(self, n_themes: int | None = None, assign_outliers: bool = False) -> ThemeArticleMatrix:
        """Which articles carry which theme, and how much: passages per (theme, article).

        Rows follow :meth:`themes` (same ``n_themes`` and ``assign_outliers``, unassigned last if any);
        columns are article ids in index order.
        """
        themes = self.themes(n_themes, assign_outliers)
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

    def closest_pairs(self, article_a: str, article_b: str, k: int = 5) -> list[tuple[Passage, Passage, float]]:
        """The ``k`` most similar (passage of A, passage of B) pairs, best first, with their cosine.

        Each passage appears in at most one pair (greedy matching, best pair first): five pairs that all
        repeat A's one general paragraph would hide the other things the two articles share."""
        k = _checked_k(k)
        state = self._loaded()  # one index for the whole answer, even if another session reloads
        index = state.index
        rows_a, rows_b = _rows_of_article(state, article_a), _rows_of_article(state, article_b)
        scores = index.vectors[rows_a] @ index.vectors[rows_b].T
        pairs = []
        used_a: set[int] = set()
        used_b: set[int] = set()
        for flat in np.argsort(-scores, axis=None, kind="stable"):
            i, j = divmod(int(flat), len(rows_b))
            if i in used_a or j in used_b:
                continue
            used_a.add(i)
            used_b.add(j)
            pairs.append((index.passages[rows_a[i]], index.passages[rows_b[j]], float(scores[i, j])))
            if len(pairs) == k:
                break
        return pairs


def _rows_of_article(state: _LoadedIndex, article_id: str) -> np.ndarray:
    """The passage rows of an article with passages, or one clear error naming the command that lists them."""
    rows = state.article_rows.get(article_id)
    if rows is None:
        raise ExplorerError(f"no article {article_id!r} in the index: list them with `explorer articles`")
    return rows


def _quoted_list(words: list[str]) -> str:
    """'"a"', '"a" or "b"', '"a", "b" or "c"'."""
    quoted = [f'"{word}"' for word in words]
    return quoted[0] if len(quoted) == 1 else f"{', '.join(quoted[:-1])} or {quoted[-1]}"


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


def _checked_theme_count(n_themes: int) -> int:
    if isinstance(n_themes, bool) or not isinstance(n_themes, int) or n_themes < 1:
        raise ExplorerError(f"the number of themes must be a whole number of at least 1 (got {n_themes!r})")
    return n_themes


def _with_similarities(ranked: list[retrieval.Ranked], index: store.StoredIndex, query_vector) -> list[Hit]:
    """Every ranked candidate as a bare hit with its cosine to the question (none without a question
    vector): what :func:`~explorer.records.answers_the_question` judges, whatever ``k`` is shown."""
    rows = [item.row for item in ranked]
    cosines = index.vectors[rows] @ query_vector if query_vector is not None and rows else [None] * len(rows)
    return [
        Hit(rank, item.score, index.passages[item.row], None, None if cosine is None else float(cosine))
        for rank, (item, cosine) in enumerate(zip(ranked, cosines), start=1)
    ]


def _checked_k(k: int) -> int:
    if not isinstance(k, int) or k < 1:
        raise ExplorerError(f"--k must be a whole number of at least 1 (got {k!r})")
    return min(k, MAX_K)
