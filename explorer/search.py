"""Nearest-neighbour queries over the stored vectors: questions, related passages, article overlap.

Functions here take the FAISS index and plain arrays, so they can be tested
without a model; the facade (:mod:`explorer.explorer`) turns rows into hits.
"""

from __future__ import annotations

import numpy as np

from explorer import vector_index

ARTICLE_MAXSIM_LIMIT = 20_000
"""Up to this many passages, article overlap is computed passage by passage (quadratic: 1.8 s at
10k passages, about 7 s at 20k); above, from article centroids."""

ARTICLE_MATRIX_LIMIT = 5_000
"""Up to this many articles the overlap is a whole articles x articles matrix (100 MB at 5,000);
beyond, only the most overlapping pairs are found (:func:`nearest_article_pairs`)."""

NEIGHBOUR_ARTICLES = 10
"""Nearest articles by centroid that :func:`nearest_article_pairs` considers for each article ..."""

CANDIDATES_PER_PAIR = 10
"""... and how many candidate pairs per pair asked for it scores from their passages."""

PAIR_NPROBE = 8
"""Clusters searched per article centroid above 100k articles (passage search uses 64): the neighbours
are candidates, rescored from passages, and 200k articles searched at 64 took 2 minutes."""

MAXSIM_ROWS_PER_STEP = 1024
"""Passages compared with all others at a time: 1,024 x 20,000 cosines are 80 MB of float32."""


def top_rows(faiss_index, query: np.ndarray, k: int) -> list[tuple[int, float]]:
    """Rows and cosine scores of the ``k`` nearest passages, best first."""
    if k <= 0 or faiss_index.ntotal == 0:
        return []
    scores, rows = vector_index.search(faiss_index, query, min(k, faiss_index.ntotal))
    return [(int(r), float(s)) for r, s in zip(rows, scores) if r >= 0]


def related_rows(faiss_index, vectors: np.ndarray, own: np.ndarray, row: int, k: int) -> list[tuple[int, float]]:
    """The ``k`` passages nearest to passage ``row`` that come from *other* articles (``own``: the rows
    of its article, as :func:`rows_by_article` groups them, so no call scans every passage).

    The own article is excluded inside the search rather than filtered after
    it, so an approximate index cannot come back with fewer than ``k``; if its
    clusters hold too few (a huge ``k``), the exact storage answers instead.
    """
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

    Passages are sorted by article once, so a block of passages against all the others is one
    matrix product and one ``maximum.reduceat`` per article, not a Python step per pair of
    articles (2,127 BBC News articles: 34-76 s that way).
    """
    names, inverse, order, starts = _grouped_by_article(article_ids)
    size = len(names)
    if size < 2:
        return names, np.eye(size, dtype=np.float32)
    if len(vectors) > ARTICLE_MAXSIM_LIMIT:
        centroids = _article_centroids(vectors, inverse, size)
        return names, centroids @ centroids.T
    grouped = np.asarray(vectors, dtype=np.float32)[order]
    article_of_grouped = inverse[order]
    counts = np.bincount(inverse, minlength=size)
    sums = np.zeros((size, size), dtype=np.float64)  # row a: sum over a's passages of their best in b
    for first in range(0, len(grouped), MAXSIM_ROWS_PER_STEP):
        block = grouped[first : first + MAXSIM_ROWS_PER_STEP]
        best = np.maximum.reduceat(block @ grouped.T, starts, axis=1)  # block rows x articles
        np.add.at(sums, article_of_grouped[first : first + len(block)], best)
    best = (sums / counts[:, None]).astype(np.float32)
    matrix = (best + best.T) / 2
    np.fill_diagonal(matrix, 1.0)
    return names, matrix


def article_overlap_row(vectors: np.ndarray, article_ids: np.ndarray, article_id: str) -> tuple[list[str], np.ndarray]:
    """One row of :func:`article_similarity_matrix`: how much ``article_id`` overlaps each article (itself
    1), by the same rule, from its passages against all others. Its cost grows with the passages, not
    with the square of the articles, so one article's partners are scored at any size."""
    names, inverse, order, starts = _grouped_by_article(article_ids)
    size = len(names)
    own = names.index(article_id)
    if len(vectors) > ARTICLE_MAXSIM_LIMIT:
        centroids = _article_centroids(vectors, inverse, size)
        row = centroids @ centroids[own]
    else:
        grouped = np.asarray(vectors, dtype=np.float32)[order]
        scores = grouped[starts[own] : starts[own] + np.count_nonzero(inverse == own)] @ grouped.T
        from_own = np.maximum.reduceat(scores, starts, axis=1).mean(axis=0)  # own passages' best in each
        to_own = np.add.reduceat(scores.max(axis=0), starts) / np.bincount(inverse, minlength=size)
        row = ((from_own + to_own) / 2).astype(np.float32)
    row[own] = 1.0
    return names, row


def nearest_article_pairs(
    vectors: np.ndarray, article_ids: np.ndarray, limit: int, neighbours: int = NEIGHBOUR_ARTICLES
) -> list[tuple[float, str, str]]:
    """The ``limit`` most overlapping pairs of articles without the articles x articles matrix, for
    collections above :data:`ARTICLE_MATRIX_LIMIT` articles (100k articles would need 40 GB for it).

    Each article's ``neighbours`` nearest articles by centroid (through the same FAISS index the
    passages use: exact, or approximate above :data:`~explorer.vector_index.APPROXIMATE_ABOVE`) are the
    candidates; the best ``CANDIDATES_PER_PAIR`` x ``limit`` of them are scored as
    :func:`article_similarity_matrix` scores a pair, from their passages. Same tuples as
    :func:`top_article_pairs`; a pair whose articles are not among each other's nearest centroids is
    missed, which the full matrix would find.
    """
    names, inverse, order, starts = _grouped_by_article(article_ids)
    if limit <= 0 or len(names) < 2:
        return []
    centroids = _article_centroids(vectors, inverse, len(names))
    index = vector_index.build(centroids, vector_index.choose_kind(len(names)))
    if vector_index.kind_of(index) == vector_index.APPROXIMATE:  # candidates only: fewer clusters searched
        import faiss

        faiss.extract_index_ivf(index).nprobe = PAIR_NPROBE
    found = min(neighbours + 1, len(names))
    scores, near = index.search(centroids, found)
    first, second = np.arange(len(names)).repeat(found), near.ravel()
    keep = (second >= 0) & (first != second)
    pairs = {}
    for score, a, b in zip(scores.ravel()[keep], first[keep], second[keep]):
        pairs[(min(a, b), max(a, b))] = float(score)
    candidates = sorted(pairs, key=lambda pair: (-pairs[pair], pair))[: CANDIDATES_PER_PAIR * limit]
    rows_of = np.split(order, starts[1:])
    scored = []
    for a, b in candidates:
        similarities = vectors[rows_of[a]] @ vectors[rows_of[b]].T
        overlap = (similarities.max(axis=1).mean() + similarities.max(axis=0).mean()) / 2
        scored.append((float(np.float32(overlap)), a, b))
    scored.sort(key=lambda item: (-item[0], item[1], item[2]))
    return [(score, names[a], names[b]) for score, a, b in scored[:limit]]


def rows_by_article(article_ids: np.ndarray) -> dict[str, np.ndarray]:
    """Article id -> the rows of its passages, in row order; articles sorted."""
    names, _, order, starts = _grouped_by_article(article_ids)
    return dict(zip(names, np.split(order, starts[1:])))


def _grouped_by_article(article_ids: np.ndarray) -> tuple[list[str], np.ndarray, np.ndarray, np.ndarray]:
    """(article ids sorted, each passage's position in them, the passage rows sorted by article with
    each article's rows in row order, where each article's rows start): one sort, for the overlap
    functions and :func:`rows_by_article`."""
    names, inverse = np.unique(np.asarray(article_ids), return_inverse=True)
    order = np.argsort(inverse, kind="stable")
    starts = np.searchsorted(inverse[order], np.arange(len(names)))
    return names.tolist(), inverse, order, starts


def _article_centroids(vectors: np.ndarray, inverse: np.ndarray, size: int) -> np.ndarray:
    """Each article's mean passage vector at unit length (float32), summed without copying ``vectors``."""
    from explorer.theme_features import group_sums, unit_rows  # imported here: they bring scikit-learn

    counts = np.bincount(inverse, minlength=size)
    return unit_rows(group_sums(vectors, np.arange(len(vectors)), inverse, size) / counts[:, None]).astype(np.float32)


def top_article_pairs(names: list[str], matrix: np.ndarray, limit: int | None = None) -> list[tuple[float, str, str]]:
    """The ``limit`` most overlapping pairs of different articles (all pairs if None), best first, as
    (overlap, first, second) with ``first`` before ``second`` in ``names``; ties in ``names`` order.

    A selection in numpy: 2,127 articles make 2.3 million pairs, which sorted as Python tuples on
    every render of the app's Passages page cost seconds."""
    if limit is not None and limit <= 0:
        return []
    upper_a, upper_b = np.triu_indices(len(names), k=1)
    scores = np.asarray(matrix, dtype=np.float64)[upper_a, upper_b]
    if limit is not None and limit < len(scores):
        threshold = np.partition(scores, len(scores) - limit)[len(scores) - limit]  # the limit-th best
        kept = np.flatnonzero(scores >= threshold)  # with every tie, so the cut below is in order
    else:
        kept = np.arange(len(scores))
    kept = kept[np.argsort(-scores[kept], kind="stable")][:limit]  # pairs are listed in names order
    return [(float(scores[i]), names[upper_a[i]], names[upper_b[i]]) for i in kept]
