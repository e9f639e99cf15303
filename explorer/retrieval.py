"""Ranking passages for a question: dense, lexical, their fusion, diversity, one per article.

Pure functions over score arrays and vectors, so every step can be tested
without a model. The facade gathers the scores (FAISS for dense, BM25 for
lexical) and calls :func:`rank`.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

MODES = ("hybrid", "dense", "lexical")

DENSE_WEIGHT = 0.6
"""Weight of the cosine in the hybrid's convex combination (BM25 gets the rest).

Chosen among a few values and normalisations on SciFact's *train* queries and
the seed question set (``bench/search_bench.py --tune``, docs/SEARCH.md); the
SciFact test queries were used only to report the result."""

CANDIDATES = 100
"""Each retriever contributes at least this many candidates to the fused pool."""

MMR_LAMBDA = 0.7
"""Relevance vs novelty in maximal marginal relevance: 1.0 is plain ranking."""


@dataclass(frozen=True)
class Ranked:
    row: int
    score: float


def normalize(scores: np.ndarray, floor: float | None = None) -> np.ndarray:
    """Scale to [0, 1] over the candidate pool: min-max, or from a known ``floor``.

    Constant scores become 1 (they tie, and they did match).
    """
    if scores.size == 0:
        return scores
    low = float(scores.min()) if floor is None else floor
    high = float(scores.max())
    if high - low < 1e-12:
        return np.ones_like(scores)
    return np.clip((scores - low) / (high - low), 0.0, 1.0)


def fuse(
    rows: list[int],
    cosines: np.ndarray,
    bm25: np.ndarray,
    bm25_ceiling: float,
    dense_weight: float = DENSE_WEIGHT,
) -> dict[int, float]:
    """Convex combination of cosine and BM25, both on scales that mean the same for every question.

    The cosine is used as it is; BM25 is divided by its ceiling for this
    question (every query word matched as well as the corpus allows, see
    :meth:`explorer.lexical.LexicalIndex.ceiling`). Dividing by the best hit of
    the moment instead (min-max) would make a weak keyword match look perfect
    whenever nothing matches well, which hurt paraphrased questions.
    """
    if not rows:
        return {}
    lexical = bm25 / bm25_ceiling if bm25_ceiling > 0 else np.zeros_like(bm25)
    combined = dense_weight * np.asarray(cosines, dtype=np.float64) + (1 - dense_weight) * lexical
    return dict(zip(rows, combined.tolist()))


def reciprocal_rank_fusion(rankings: list[list[int]], k: int = 60) -> dict[int, float]:
    """Classic RRF (Cormack et al. 2009), kept for the benchmark's comparison."""
    scores: dict[int, float] = {}
    for ranking in rankings:
        for position, row in enumerate(ranking, start=1):
            scores[row] = scores.get(row, 0.0) + 1.0 / (k + position)
    return scores


def top_candidates(scores: np.ndarray, n: int) -> dict[int, float]:
    """The ``n`` best rows of a full score array (rows with score 0 from BM25 are skipped)."""
    if scores.size == 0:
        return {}
    n = min(n, scores.size)
    rows = np.argpartition(-scores, n - 1)[:n]
    return {int(r): float(scores[r]) for r in rows if scores[r] > 0}


def sort_scores(scores: dict[int, float]) -> list[Ranked]:
    """Best first; ties broken by row so results are deterministic."""
    return [Ranked(row, score) for row, score in sorted(scores.items(), key=lambda item: (-item[1], item[0]))]


def one_per_article(ranked: list[Ranked], article_ids: np.ndarray) -> list[Ranked]:
    """Keep each article's best passage: document-level ranking by best passage."""
    seen: set[str] = set()
    kept = []
    for item in ranked:
        article = article_ids[item.row]
        if article not in seen:
            seen.add(article)
            kept.append(item)
    return kept


def maximal_marginal_relevance(
    ranked: list[Ranked], vectors: np.ndarray, k: int, trade_off: float = MMR_LAMBDA
) -> list[Ranked]:
    """Re-rank so the top results are not near-copies of each other (Carbonell & Goldstein 1998).

    Relevance is the fused score normalised to [0, 1]; redundancy is the
    highest cosine to an already chosen passage.
    """
    if len(ranked) <= 1 or k <= 1:
        return ranked[:k]
    relevance = normalize(np.array([item.score for item in ranked], dtype=np.float64))
    candidates = vectors[[item.row for item in ranked]]
    similarity = candidates @ candidates.T
    chosen = [0]
    best_redundancy = similarity[0].copy()
    while len(chosen) < min(k, len(ranked)):
        value = trade_off * relevance - (1 - trade_off) * best_redundancy
        value[chosen] = -np.inf
        pick = int(np.argmax(value))
        chosen.append(pick)
        best_redundancy = np.maximum(best_redundancy, similarity[pick])
    return [ranked[i] for i in chosen]
