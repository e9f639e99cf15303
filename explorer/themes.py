"""Recurring themes: passages clustered with scikit-learn and labeled with c-TF-IDF.

:class:`ThemeModel` follows scikit-learn's conventions (parameters in
``__init__``, ``fit``, results in attributes ending in ``_``, a
``random_state``), so each step can be swapped and tested alone:

1. features: unit embeddings, centred on the corpus mean (so cosine angles
   spread out in a corpus that is all about one subject), optionally joined
   with TF-IDF so that shared names ("Kataib Hezbollah") pull passages together;
2. reduction: PCA to a few dozen dimensions (deterministic);
3. clustering: Ward agglomerative clustering, with the number of themes given
   or chosen by silhouette; themes smaller than ``min_theme_size`` become the
   explicit "unassigned" group (-1);
4. labels: c-TF-IDF keywords (see :mod:`explorer.labels`);
5. map: 2D PCA coordinates of every passage.

Rows are put into a canonical order before fitting, so shuffling the input
gives the same themes.
"""

from __future__ import annotations

import hashlib

import numpy as np
from sklearn.cluster import AgglomerativeClustering
from sklearn.decomposition import PCA
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.metrics import silhouette_score

from explorer.labels import STOP_WORDS, TOKEN_PATTERN, ctfidf_keywords, make_label
from explorer.records import Passage, Theme

UNASSIGNED = -1


class ThemeModel:
    """Cluster passage embeddings into labeled themes."""

    def __init__(
        self,
        n_themes: int | None = None,
        min_theme_size: int | None = None,
        lexical_weight: float = 0.5,
        n_components: int = 30,
        top_n_keywords: int = 10,
        random_state: int = 0,
    ) -> None:
        self.n_themes = n_themes
        self.min_theme_size = min_theme_size
        self.lexical_weight = lexical_weight
        self.n_components = n_components
        self.top_n_keywords = top_n_keywords
        self.random_state = random_state

    def fit(self, embeddings: np.ndarray, texts: list[str]) -> ThemeModel:
        """Find themes; results in ``labels_``, ``keywords_``, ``labels_text_``, ``coordinates_``."""
        n = len(texts)
        order = _canonical_order(embeddings, texts)
        inverse = np.argsort(order)
        ordered_texts = [texts[i] for i in order]
        features = self._features(embeddings[order], ordered_texts)
        labels = self._cluster(features)
        self.labels_ = labels[inverse]
        self.coordinates_ = _project_2d(features, self.random_state)[inverse]
        self.keywords_ = ctfidf_keywords(texts, self.labels_, self.top_n_keywords)
        self.label_texts_ = {
            theme: make_label(words, [texts[i] for i in np.flatnonzero(self.labels_ == theme)])
            for theme, words in self.keywords_.items()
        }
        self.n_themes_ = len(self.keywords_)
        self.n_samples_ = n
        return self

    def _features(self, embeddings: np.ndarray, texts: list[str]) -> np.ndarray:
        centred = embeddings - embeddings.mean(axis=0)
        centred /= np.maximum(np.linalg.norm(centred, axis=1, keepdims=True), 1e-12)
        blocks = [centred]
        if self.lexical_weight > 0 and len(texts) >= 3:
            lexical = _tfidf(texts)
            if lexical is not None:
                blocks.append(self.lexical_weight * lexical)
        features = np.hstack(blocks)
        components = min(self.n_components, features.shape[0] - 1, features.shape[1])
        if components >= 2 and features.shape[1] > components:
            features = PCA(components, svd_solver="full", random_state=self.random_state).fit_transform(features)
        return features

    def _min_size(self, n: int) -> int:
        if self.min_theme_size is not None:
            return self.min_theme_size
        return int(np.clip(round(n / 40), 3, 50))

    def _cluster(self, features: np.ndarray) -> np.ndarray:
        n = len(features)
        if n < 4:
            return np.full(n, UNASSIGNED if n < 2 else 0, dtype=int)
        n_clusters = self.n_themes or _choose_theme_count(features)
        n_clusters = int(min(max(n_clusters, 1), n))
        raw = AgglomerativeClustering(n_clusters=n_clusters, linkage="ward").fit_predict(features)
        return _renumber_by_size(raw, self._min_size(n))


def _canonical_order(embeddings: np.ndarray, texts: list[str]) -> np.ndarray:
    keys = [hashlib.sha1(t.encode("utf-8") + embeddings[i].tobytes()).hexdigest() for i, t in enumerate(texts)]
    return np.array(sorted(range(len(texts)), key=keys.__getitem__), dtype=int)


def _tfidf(texts: list[str]) -> np.ndarray | None:
    vectorizer = TfidfVectorizer(
        stop_words=STOP_WORDS,
        token_pattern=TOKEN_PATTERN,
        sublinear_tf=True,
        min_df=2,
        max_df=0.5,
    )
    try:
        matrix = vectorizer.fit_transform(texts)
    except ValueError:
        return None
    dense = matrix.toarray() if matrix.shape[1] <= 20000 else None
    if dense is None:
        from sklearn.decomposition import TruncatedSVD

        dense = TruncatedSVD(100, random_state=0).fit_transform(matrix)
    norms = np.linalg.norm(dense, axis=1, keepdims=True)
    return dense / np.maximum(norms, 1e-12)


def _choose_theme_count(features: np.ndarray) -> int:
    """The number of clusters with the best silhouette over a range that suits the corpus size."""
    n = len(features)
    low = max(2, n // 25)
    high = max(low, min(n // 4, 60))
    tree = AgglomerativeClustering(n_clusters=None, distance_threshold=0, linkage="ward", compute_full_tree=True)
    tree.fit(features)
    best_k, best_score = low, -1.0
    sample = features if n <= 5000 else features[np.random.default_rng(0).choice(n, 5000, replace=False)]
    for k in range(low, high + 1):
        labels = _cut_tree(tree, n, k)
        if len(set(labels.tolist())) < 2:
            continue
        score = silhouette_score(features, labels) if n <= 5000 else silhouette_score(sample, labels[: len(sample)])
        if score > best_score + 1e-9:
            best_k, best_score = k, score
    return best_k


def _cut_tree(tree: AgglomerativeClustering, n: int, k: int) -> np.ndarray:
    """Labels for ``k`` clusters from a full merge tree, without refitting."""
    parent = np.arange(2 * n - 1)
    for step, (a, b) in enumerate(tree.children_[: n - k]):
        parent[a] = parent[b] = n + step

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    roots = np.array([root(i) for i in range(n)])
    _, labels = np.unique(roots, return_inverse=True)
    return labels


def _renumber_by_size(raw: np.ndarray, min_size: int) -> np.ndarray:
    """Themes numbered largest first; clusters below ``min_size`` become unassigned."""
    sizes = np.bincount(raw)
    ranked = sorted((c for c in range(len(sizes)) if sizes[c] >= min_size), key=lambda c: (-sizes[c], c))
    mapping = {cluster: number for number, cluster in enumerate(ranked)}
    return np.array([mapping.get(int(c), UNASSIGNED) for c in raw], dtype=int)


def _project_2d(features: np.ndarray, random_state: int) -> np.ndarray:
    if len(features) < 3:
        return np.zeros((len(features), 2), dtype=np.float32)
    coordinates = PCA(2, svd_solver="full", random_state=random_state).fit_transform(features)
    return coordinates.astype(np.float32)


def themes_payload(model: ThemeModel, passages: list[Passage]) -> dict:
    """What is stored with the index: per-passage theme, 2D map, labels and keywords."""
    return {
        "assignments": [int(x) for x in model.labels_],
        "map": [[round(float(x), 5), round(float(y), 5)] for x, y in model.coordinates_],
        "themes": [
            {
                "theme_id": theme,
                "label": model.label_texts_[theme],
                "keywords": model.keywords_[theme],
            }
            for theme in sorted(model.keywords_)
        ],
        "passage_ids": [p.passage_id for p in passages],
    }


def themes_from_payload(payload: dict, passages: list[Passage], vectors: np.ndarray | None = None) -> list[Theme]:
    """Rebuild :class:`Theme` objects, unassigned group last."""
    assignments = np.array(payload.get("assignments", [UNASSIGNED] * len(passages)), dtype=int)
    themes: list[Theme] = []
    described = {t["theme_id"]: t for t in payload.get("themes", [])}
    for theme_id in [*sorted(described), UNASSIGNED]:
        members = np.flatnonzero(assignments == theme_id)
        if theme_id == UNASSIGNED and not len(members):
            continue
        info = described.get(theme_id, {"label": "unassigned", "keywords": []})
        member_passages = [passages[i] for i in members]
        themes.append(
            Theme(
                theme_id=int(theme_id),
                label=info["label"],
                keywords=list(info["keywords"]),
                passages=member_passages,
                article_ids=sorted({p.article_id for p in member_passages}),
                representative_ids=_representatives(members, vectors, passages),
            )
        )
    return themes


def _representatives(members: np.ndarray, vectors: np.ndarray | None, passages: list[Passage], n: int = 3) -> list[str]:
    """The passages closest to the theme's centre: what a reader should see first."""
    if vectors is None or not len(members):
        return [passages[i].passage_id for i in members[:n]]
    centre = vectors[members].mean(axis=0)
    scores = vectors[members] @ centre
    best = members[np.argsort(-scores, kind="stable")[:n]]
    return [passages[i].passage_id for i in best]
