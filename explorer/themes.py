"""Recurring themes: passages clustered into a tree of themes, labelled with c-TF-IDF keyphrases.

:class:`ThemeModel` follows scikit-learn's conventions (parameters in
``__init__``, ``fit``, results in attributes ending in ``_``, a
``random_state``). Each step is its own module, so each can be swapped and
tested alone:

1. features (:mod:`explorer.theme_features`): embeddings joined with keyphrase
   TF-IDF, each article's mean removed only in single-subject corpora, PCA;
2. clustering (:mod:`explorer.hierarchy`): one Ward merge tree, cut at
   ``n_themes`` (by default a number that grows slowly with corpus size); the
   merges above the cut are the hierarchy of broader themes;
3. unassigned: passages of too-small themes and passages far off their theme's
   centre form the explicit "unassigned" group (-1), unless
   ``assign_outliers`` puts each in the nearest theme;
4. labels (:mod:`explorer.labels`): c-TF-IDF keyphrases, de-duplicated, as the
   articles spell them, reranked by closeness to the theme's meaning when an
   ``encode`` function is given (:mod:`explorer.keyphrase_rerank`); the label
   names what sets the theme apart, and the keywords after it what its passages
   share (a gentler rarity term); the three passages nearest each theme's centre;
5. map (:mod:`explorer.projection`): 2D coordinates of every passage.

Rows are put into a canonical order (by a hash of text, vector and article)
before fitting, and every randomised step is seeded, so the same passages give
the same themes, labels and map in any input order. What a fit leaves in the
index (themes.json) is written and read by :mod:`explorer.theme_payload`.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence

import numpy as np

from explorer.acronyms import acronyms_once
from explorer.ctfidf import (
    KEYWORD_RARITY_SCALE,
    KEYWORD_SPARES,
    Vocabulary,
    ctfidf_scores,
    scored_keywords,
    with_companions,
)
from explorer.hierarchy import (
    UNASSIGNED,
    ThemeTree,
    build_tree,
    default_min_size,
    default_theme_count,
    mark_outliers,
    nearest_theme,
)
from explorer.keyphrase_rerank import (
    CANDIDATES,
    Encode,
    PhraseVectors,
    centroid,
    contrast,
    defining_phrase,
    label_candidates,
    rerank,
)
from explorer.labels import label_phrases, label_text
from explorer.near_duplicates import led_by
from explorer.projection import theme_map
from explorer.surface_forms import name_of, surface_forms
from explorer.theme_features import check_reduction, theme_features
from explorer.theme_payload import REPRESENTATIVES
from explorer.word_families import WordFamilies

BLAS_THREADS = 1
"""BLAS threads during a fit. Its matrices are small (passages x a few hundred columns), so a second
thread gains little, and on a busy machine OpenBLAS's spinning threads made the lexical SVD 10x
slower (bench/themes_bench.py; docs/THEMES.md). scikit-learn's own OpenMP loops (k-means) keep
their threads."""


class ThemeModel:
    """Cluster passage embeddings into labelled themes with a hierarchy and a 2D map.

    Parameters
    ----------
    n_themes: number of themes; ``None`` picks one from the corpus size
        (:func:`explorer.hierarchy.default_theme_count`). Above that default, a number the passages
        cannot fill with themes of ``min_theme_size`` gives the most they can
        (:func:`explorer.hierarchy.useful_cut`), not pieces that all go unassigned.
    min_theme_size: smaller clusters become unassigned; ``None`` adapts to size.
    assign_outliers: put every passage in its nearest theme instead of "unassigned".
    lexical_weight: weight of keyphrase TF-IDF next to the embeddings (0 = embeddings only).
    article_centring: ``"auto"`` (remove article means only in single-subject
        corpora) or a weight in [0, 1].
    reduction: ``"pca"`` (default), ``"umap"`` (needs ``umap-learn``) or ``"none"``: how the
        features are reduced before clustering (:data:`explorer.theme_features.REDUCTIONS`).
    n_components: dimensions the clustering works in, after the reduction.
    top_n_keywords: keywords kept per theme.
    random_state: seed for every randomised step.
    encode: the embedding model's texts -> vectors function (the one that embedded the
        passages); with it, each theme's top c-TF-IDF keyphrases are reranked by cosine to what
        sets the theme apart from the other passages, and only those near its centroid label it,
        so names that carry the theme beat generic words and the collection's subject. ``None``:
        c-TF-IDF order.
    """

    def __init__(
        self,
        n_themes: int | None = None,
        min_theme_size: int | None = None,
        assign_outliers: bool = False,
        lexical_weight: float = 0.75,
        article_centring: float | str = "auto",
        reduction: str = "pca",
        n_components: int = 20,
        top_n_keywords: int = 10,
        random_state: int = 0,
        encode: Encode | None = None,
    ) -> None:
        self.n_themes = n_themes
        self.min_theme_size = min_theme_size
        self.assign_outliers = assign_outliers
        self.lexical_weight = lexical_weight
        self.article_centring = article_centring
        self.reduction = reduction
        self.n_components = n_components
        self.top_n_keywords = top_n_keywords
        self.random_state = random_state
        self.encode = encode

    def fit(self, embeddings: np.ndarray, texts: Sequence[str], article_ids: Sequence[str] | None = None) -> ThemeModel:
        """Find themes. ``article_ids`` (one per passage) enable article centring and the
        article-wide stop words; without them every passage counts as its own article.

        Results: ``labels_`` (theme per passage, -1 unassigned), ``n_themes_``,
        ``keywords_`` (lower case, as counted), ``keyword_texts_`` (the same, as the articles spell
        them), ``label_texts_``, ``representatives_`` (rows), ``merges_`` / ``node_keywords_`` /
        ``node_keyword_texts_`` / ``node_labels_`` (the hierarchy),
        ``coordinates_`` (2D map), ``centring_weight_``.
        """
        from threadpoolctl import threadpool_limits

        with threadpool_limits(limits=BLAS_THREADS, user_api="blas"):
            return self._fit(embeddings, texts, article_ids)

    def _fit(self, embeddings: np.ndarray, texts: Sequence[str], article_ids: Sequence[str] | None) -> ThemeModel:
        check_reduction(self.reduction)  # before the costly steps
        texts = list(texts)
        n = len(texts)
        embeddings = np.asarray(embeddings, dtype=np.float32)
        embeddings = embeddings.reshape(n, embeddings.shape[-1] if embeddings.ndim == 2 else 1)
        articles = list(article_ids) if article_ids is not None else None
        if n == 0:
            return self._empty()
        order = canonical_order(embeddings, texts, articles)
        inverse = np.argsort(order)
        texts_o = [texts[i] for i in order]
        articles_o = [articles[i] for i in order] if articles is not None else None
        vocabulary = Vocabulary(texts_o, articles_o)
        features, self.centring_weight_ = theme_features(
            embeddings[order],
            vocabulary.matrix,
            articles_o,
            lexical_weight=self.lexical_weight,
            centring=self.article_centring,
            n_components=self.n_components,
            random_state=self.random_state,
            reduction=self.reduction,
        )
        self.min_theme_size_ = self.min_theme_size if self.min_theme_size is not None else default_min_size(n)
        requested = self.n_themes if self.n_themes is not None else default_theme_count(n)
        tree = build_tree(
            features, requested if n >= 4 else 1, self.random_state, self.min_theme_size_, default_theme_count(n)
        )
        labels, tree = _renumber_by_size(self._unassign(features, tree.labels), tree)
        self.tree_ = tree
        self._describe(vocabulary, texts_o, features, embeddings[order], labels, tree)
        coordinates = theme_map(features, labels, self.random_state)
        # Back to the caller's row order.
        self.labels_ = labels[inverse]
        self.coordinates_ = coordinates[inverse]
        self.representatives_ = {t: [int(order[r]) for r in rows] for t, rows in self._representative_rows.items()}
        self.n_samples_ = n
        return self

    def _empty(self) -> ThemeModel:
        self.labels_ = np.zeros(0, dtype=int)
        self.coordinates_ = np.zeros((0, 2), dtype=np.float32)
        self.tree_ = ThemeTree(np.zeros(0, dtype=int), [], [])
        self.keywords_, self.keyword_texts_, self.label_texts_, self.representatives_ = {}, {}, {}, {}
        self.merges_, self.node_keywords_, self.node_keyword_texts_, self.node_labels_ = [], {}, {}, {}
        self.n_themes_, self.n_samples_, self.centring_weight_ = 0, 0, 0.0
        self.min_theme_size_ = self.min_theme_size or default_min_size(0)
        return self

    def _unassign(self, features: np.ndarray, leaves: np.ndarray) -> np.ndarray:
        labels = mark_outliers(features, leaves, self.min_theme_size_)
        if self.assign_outliers:
            loose = np.flatnonzero(labels == UNASSIGNED)
            labels[loose] = nearest_theme(features, labels, loose)
        return labels

    def _describe(
        self,
        vocabulary: Vocabulary,
        texts: list[str],
        features: np.ndarray,
        embeddings: np.ndarray,
        labels: np.ndarray,
        tree: ThemeTree,
    ) -> None:
        """Keywords and labels for every leaf theme and every merged node; representatives per leaf."""
        k = tree.n_leaves
        members = [np.flatnonzero(labels == leaf) for leaf in range(k)]
        counts = vocabulary.theme_counts(members)
        sizes = np.array([len(rows) for rows in members], dtype=float)
        live = sizes > 0
        average = float(sizes[live].mean()) if live.any() else 1.0
        label_pool = max(self.top_n_keywords, CANDIDATES) if self.encode is not None else self.top_n_keywords
        keyword_pool = self.top_n_keywords + KEYWORD_SPARES
        # Candidates of every leaf and node first, so the model embeds all their phrases in one batch:
        # for the label (full rarity) and for the keywords that follow it (gentler rarity, with spares).
        candidates: dict[int, list[tuple[str, float]]] = {}
        described: dict[int, list[tuple[str, float]]] = {}
        rarities = ((1.0, candidates, label_pool), (KEYWORD_RARITY_SCALE, described, keyword_pool))
        node_rows = {int(leaf): members[leaf] for leaf in np.flatnonzero(live)}
        for scale, out, pool in rarities:
            scores = ctfidf_scores(counts, sizes, vocabulary.document_frequency, average, scale)
            for leaf in node_rows:
                out[leaf] = scored_keywords(scores[leaf], vocabulary.terms, pool, counts[leaf])
        # The hierarchy: node k+i merges merges_[i]; its keywords are scored against the themes alive at that level.
        self.merges_ = list(tree.merges)
        total = float(sizes.sum())
        node_counts = {leaf: counts[leaf] for leaf in range(k)}
        all_rows = {leaf: members[leaf] for leaf in range(k)}
        for step, (a, b) in enumerate(tree.merges):
            node = k + step
            node_counts[node] = node_counts[a] + node_counts[b]
            all_rows[node] = node_rows[node] = np.concatenate([all_rows[a], all_rows[b]])
            alive = k - step - 1
            for scale, out, pool in rarities:
                node_scores = ctfidf_scores(
                    node_counts[node][None, :],
                    np.array([len(all_rows[node])], dtype=float),
                    vocabulary.document_frequency,
                    max(total / max(alive, 1), 1.0),
                    scale,
                )[0]
                out[node] = scored_keywords(node_scores, vocabulary.terms, pool, node_counts[node])
        # How many of each node's passages hold its best c-TF-IDF phrase: read off the counts already made.
        best_held = {
            node: int(node_counts[node][vocabulary.column_of[scored[0][0]]]) if scored else 0
            for node, scored in candidates.items()
        }
        families = WordFamilies(PhraseVectors(self.encode)) if self.encode is not None else None
        close, far, following = self._rerank(candidates, described, embeddings, node_rows, best_held, families)
        keywords, labels_of, spelled = {}, {}, {}
        for node in candidates:
            sample = _texts_with(vocabulary, texts, node_rows[node], [*close[node], *far[node]])
            named = label_phrases(close[node], sample, fallback=far[node])
            forms = surface_forms(named, sample)
            # The label's phrases lead the keywords, in the label's order and spelling; the rest keep
            # company with them in the theme's passages.
            listed = led_by(named, following[node], alike=families.alike if families is not None else None)
            listed = acronyms_once(listed, len(named), _texts_with(vocabulary, texts, node_rows[node], listed))
            ordered = with_companions(
                listed,
                len(named),
                vocabulary.holding(node_rows[node]),
                self.top_n_keywords,
            )
            rest = ordered[len(named) :]
            forms.update(surface_forms(rest, _texts_with(vocabulary, texts, node_rows[node], rest)))
            names = {phrase: name_of(phrase, forms[phrase]) for phrase in [*named, *rest]}
            labels_of[node] = label_text([names[p][0] for p in named], dict(names.values()))
            keywords[node] = [names[phrase][0] for phrase in ordered]
            spelled[node] = [names[phrase][1] for phrase in ordered]
        leaves = [int(leaf) for leaf in np.flatnonzero(live)]
        self.keywords_: dict[int, list[str]] = {leaf: keywords[leaf] for leaf in leaves}
        self.keyword_texts_: dict[int, list[str]] = {leaf: spelled[leaf] for leaf in leaves}
        self.label_texts_: dict[int, str] = {leaf: labels_of[leaf] for leaf in leaves}
        self._representative_rows = {leaf: _nearest_to_centre(features, members[leaf]) for leaf in leaves}
        self.n_themes_ = len(self.keywords_)
        nodes = range(k, k + len(tree.merges))
        self.node_keywords_: dict[int, list[str]] = {node: keywords[node] for node in nodes}
        self.node_keyword_texts_: dict[int, list[str]] = {node: spelled[node] for node in nodes}
        self.node_labels_: dict[int, str] = {node: labels_of[node] for node in nodes}

    def _rerank(
        self,
        candidates: dict[int, list[tuple[str, float]]],
        described: dict[int, list[tuple[str, float]]],
        embeddings: np.ndarray,
        rows: dict[int, np.ndarray],
        best_held: dict[int, int],
        families: WordFamilies | None,
    ) -> tuple[dict[int, list[str]], dict[int, list[str]], dict[int, list[str]]]:
        """For each node: of its label ``candidates`` (c-TF-IDF order, or reranked by meaning when
        there is a model), the ones close enough to its meaning to label it, and the rest (used only
        to reach a two-phrase label); and its ``described`` keywords to follow the label in the keyword
        list: as many as the list holds ranked the same way, then the spares in c-TF-IDF order.

        Only the list's length is reranked: reranking the spares too put phrases close in meaning but
        rare in the theme ahead of its common words (BBC News as short items, NPMI 0.148 -> 0.059).
        ``families`` (``None`` without a model) keeps one word of each word family in the label's
        candidates; the keyword list drops the others later (:func:`explorer.near_duplicates.led_by`)."""
        close: dict[int, list[str]] = {}
        far: dict[int, list[str]] = {}
        following: dict[int, list[str]] = {}
        if families is None:
            for node, scored in candidates.items():
                close[node] = [term for term, _ in scored][: self.top_n_keywords]
                far[node] = []
                following[node] = [term for term, _ in described[node]]
            return close, far, following
        vectors = families.vectors
        listed = {node: scored[: self.top_n_keywords] for node, scored in described.items()}
        vectors.add(
            [term for pool in (candidates, listed) for scored in pool.values() for term, _ in scored]
            + families.words_to_compare([t for t, _ in [*candidates[node], *described[node]]] for node in candidates)
        )
        unit = embeddings / np.maximum(np.linalg.norm(embeddings, axis=1, keepdims=True), 1e-12)
        total = unit.sum(axis=0, dtype=np.float64)
        for node, scored in candidates.items():
            centre = centroid(embeddings, rows[node])
            # Ordered by what sets the theme apart; admitted to the label by closeness to its meaning.
            apart = contrast(unit, total, rows[node])
            spares = described[node][self.top_n_keywords :]
            label_pool, keyword_pool = (
                rerank(
                    [t for t, _ in pool],
                    [s for _, s in pool],
                    centre,
                    vectors([t for t, _ in pool]),
                    rank_towards=apart,
                )
                for pool in (scored, listed[node])
            )
            defining = defining_phrase(scored, best_held[node], len(rows[node]))
            # One word of a family ("Iraq, Iraqi") in the label: the better ranked, or the defining phrase.
            unique = families.first_of_each([t for t, _ in label_pool], kept=[defining] if defining else [])
            label_pool = [pair for pair in label_pool if pair[0] in unique]
            close[node], far[node] = label_candidates(label_pool[: self.top_n_keywords], defining)
            following[node] = [term for term, _ in [*keyword_pool, *spares]]
        return close, far, following


def _renumber_by_size(labels: np.ndarray, tree: ThemeTree) -> tuple[np.ndarray, ThemeTree]:
    """Leaf themes numbered by their size after unassignment (largest first, emptied ones last),
    so the ids stored in the index are the ids a reader sees; the merges follow the new numbers."""
    k = tree.n_leaves
    sizes = np.bincount(labels[labels >= 0], minlength=k) if k else np.zeros(0, dtype=int)
    first = [int(np.flatnonzero(labels == leaf)[0]) if sizes[leaf] else len(labels) for leaf in range(k)]
    order = sorted(range(k), key=lambda leaf: (-sizes[leaf], first[leaf], leaf))
    new = {old: number for number, old in enumerate(order)}
    relabelled = np.array([new[int(x)] if x >= 0 else UNASSIGNED for x in labels], dtype=int)
    node = {**new, **{k + step: k + step for step in range(len(tree.merges))}}
    merges = [(min(node[a], node[b]), max(node[a], node[b])) for a, b in tree.merges]
    return relabelled, ThemeTree(np.array([new[int(x)] for x in tree.labels], dtype=int), merges, tree.heights)


SPELLING_SAMPLE = 12
"""Passages per label candidate read to find how the articles spell it: plenty to find the usual form."""

KEYWORD_SPELLING_SAMPLE = 4
"""Passages read per keyword beyond the label's candidates: enough to tell "IRGC" from "irgc"."""


def _texts_with(vocabulary: Vocabulary, texts: list[str], rows: np.ndarray, keywords: list[str]) -> list[str]:
    """A few of ``rows``' passages containing each keyword, to read its spelling from: up to
    :data:`SPELLING_SAMPLE` for the first four (most labels are made of them), and
    :data:`KEYWORD_SPELLING_SAMPLE` for the rest."""
    column = vocabulary.column_of
    member = np.zeros(vocabulary.matrix.shape[0], dtype=bool)
    member[rows] = True
    chosen: set[int] = set()
    by_term = vocabulary.columns
    for position, keyword in enumerate(keywords):
        j = column.get(keyword)
        if j is None:
            continue
        having = by_term.indices[by_term.indptr[j] : by_term.indptr[j + 1]]
        sample = SPELLING_SAMPLE if position < 4 else KEYWORD_SPELLING_SAMPLE
        chosen.update(having[member[having]][:sample].tolist())
    return [texts[i] for i in sorted(chosen)]


def _nearest_to_centre(features: np.ndarray, rows: np.ndarray, n: int = REPRESENTATIVES) -> list[int]:
    """The rows closest to the centre of ``rows``: what a reader should see first."""
    if not len(rows):
        return []
    centre = features[rows].mean(axis=0)
    points = features[rows] / np.maximum(np.linalg.norm(features[rows], axis=1, keepdims=True), 1e-12)
    scores = points @ (centre / max(np.linalg.norm(centre), 1e-12))
    return [int(rows[i]) for i in np.argsort(-scores, kind="stable")[:n]]


def canonical_order(
    embeddings: np.ndarray, texts: Sequence[str], article_ids: Sequence[str] | None = None
) -> np.ndarray:
    """Rows sorted by a hash of their content, so any input order gives the same fit."""
    keys = []
    for i, text in enumerate(texts):
        article = article_ids[i] if article_ids is not None else ""
        digest = hashlib.sha1(f"{article}\0{text}".encode() + np.ascontiguousarray(embeddings[i]).tobytes())
        keys.append(digest.hexdigest())
    return np.array(sorted(range(len(texts)), key=keys.__getitem__), dtype=int)
