"""Nearest-neighbour queries over the stored vectors: questions, related passages, article overlap.

Functions here take the FAISS index and plain arrays, so they can be tested
without a model; the facade (:mod:`explorer.explorer`) turns rows into hits.
"""

from __future__ import annotations

import numpy as np

from explorer import vector_index

ARTICLE_MAXSIM_LIMIT = 50_000
"""Up to this many passages, article overlap is computed passage by passage."""


def top_rows(faiss_index, query: np.ndarray, k: int) -> list[tuple[int, float]]:
    """Rows and cosine scores of the ``k`` nearest passages, best first."""
    if k <= 0 or faiss_index.ntotal == 0:
        return []
    scores, rows = vector_index.search(faiss_index, query, min(k, faiss_index.ntotal))
    return [(int(r), float(s)) for r, s in zip(rows, scores) if r >= 0]


def related_rows(
    faiss_index, vectors: np.ndarray, article_ids: np.ndarray, row: int, k: int
) -> list[tuple[int, float]]:
    """The ``k`` passages nearest to passage ``row`` that come from *other* articles.

    The own article is excluded inside the search rather than filtered after
    it, so an approximate index cannot come back with fewer than ``k``; if its
    clusters hold too few (a huge ``k``), the exact storage answers instead.
    """
    own = np.flatnonzero(article_ids == article_ids[row])
    k = min(k, faiss_index.ntotal - len(own))
    if k <= 0:
        return []
    for index in (faiss_index, vector_index.searcher(faiss_index, vector_index.EXACT)):
        scores, rows = vector_index.search_excluding(index, vectors[row], k, own)
        found = [(int(r), float(s)) for r, s in zip(rows, scores) if r >= 0]
        if len(found) == k:
            break
    return found


def article_similarity_matrix(vectors: np.ndarray, article_ids: np.ndarray) -> tuple[list[str], np.ndarray]:
    """How much each pair of articles says the same things, from 0 to 1-ish.

    For articles A and B: the mean, over A's passages, of the best cosine with any
    passage of B, averaged with the same from B's side. Unlike comparing article
    centroids, this rewards two articles that share even a few paragraphs. Very
    large corpora fall back to centroid cosine to keep the cost linear.
    """
    names = sorted(set(article_ids.tolist()))
    size = len(names)
    matrix = np.eye(size, dtype=np.float32)
    if size < 2:
        return names, matrix
    members = [np.flatnonzero(article_ids == name) for name in names]
    if len(vectors) > ARTICLE_MAXSIM_LIMIT:
        centroids = np.vstack([vectors[m].mean(axis=0) for m in members])
        centroids /= np.maximum(np.linalg.norm(centroids, axis=1, keepdims=True), 1e-12)
        return names, (centroids @ centroids.T).astype(np.float32)
    best = np.zeros((size, size), dtype=np.float32)
    for a, rows_a in enumerate(members):
        similarities = vectors[rows_a] @ vectors.T
        for b, rows_b in enumerate(members):
            best[a, b] = similarities[:, rows_b].max(axis=1).mean()
    matrix = (best + best.T) / 2
    np.fill_diagonal(matrix, 1.0)
    return names, matrix
