"""Rerank a theme's c-TF-IDF keyphrases by meaning, as BERTopic's KeyBERTInspired representation does.

On a small corpus c-TF-IDF rewards any word that happens to sit in a few of a
theme's passages and rarely elsewhere, so generic words ("source", "desire",
"involved", "provide") can outrank the names that carry the theme. c-TF-IDF
still *proposes* the candidates (its top :data:`CANDIDATES`, stop words and
near-duplicates already gone), but the order mixes its score with how close
each phrase's embedding lies to what sets the theme apart (its :func:`contrast`
with the other passages, same model): "Kataib Hezbollah" and "militias" lie
that way from a theme about proxy militias, "source" lies near nothing in
particular. To stand in the label, a phrase must also lie near the theme's
centroid (the mean of its passage embeddings; :func:`label_candidates`).

Both scores are scaled to [0, 1] within a theme's candidates before mixing, so
:data:`MEANING_WEIGHT` means the same on every theme. Sorting is stable on the
c-TF-IDF order, and the model's vectors are deterministic, so the result is too.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np

Encode = Callable[[list[str]], np.ndarray]
"""Texts -> one embedding per text (e.g. ``Embedder.encode``), the model that embedded the passages."""

CANDIDATES = 10
"""c-TF-IDF keyphrases per theme that the reranking chooses from (BERTopic's KeyBERTInspired uses 10-30)."""

MEANING_WEIGHT = 0.6
"""Share of the final score given to closeness to the theme's centroid; the rest is c-TF-IDF."""

LABEL_MIN_CLOSENESS = 0.5
"""A label phrase's cosine to the theme, as a share of the best candidate's (see :func:`label_candidates`)."""

DEFINING_SHARE = 0.5
"""A theme's best c-TF-IDF phrase held by this share of its passages leads its label (:func:`label_candidates`)."""

DEFINING_MIN_CLOSENESS = LABEL_MIN_CLOSENESS / 2
"""The closeness (as in :data:`LABEL_MIN_CLOSENESS`) a defining phrase still needs: half of what other
phrases need, so a word that only happens to recur ("central" from "Central Command" and "central
government", 0.06 of the best in the seed corpus) stays out, and "United States" (0.33) gets in."""


class PhraseVectors:
    """Unit embeddings of keyphrases, each computed once per fit and shared by themes and hierarchy nodes."""

    def __init__(self, encode: Encode) -> None:
        self._encode = encode
        self._vectors: dict[str, np.ndarray] = {}

    def add(self, phrases: Sequence[str]) -> None:
        """Embed the phrases not seen yet, in one batch (sorted, so the batch does not depend on call order)."""
        missing = sorted({p for p in phrases if p not in self._vectors})
        if not missing:
            return
        vectors = np.asarray(self._encode(missing), dtype=np.float32).reshape(len(missing), -1)
        vectors /= np.maximum(np.linalg.norm(vectors, axis=1, keepdims=True), 1e-12)
        self._vectors.update(zip(missing, vectors))

    def __call__(self, phrases: Sequence[str]) -> np.ndarray:
        if not phrases:  # a theme whose every word is a stop word has no candidates
            return np.zeros((0, 0), dtype=np.float32)
        self.add(phrases)
        return np.stack([self._vectors[p] for p in phrases])


def centroid(embeddings: np.ndarray, rows: np.ndarray) -> np.ndarray:
    """The unit mean of the rows' unit embeddings: the theme's meaning in the model's space."""
    if not len(rows):
        return np.zeros(embeddings.shape[1], dtype=np.float32)
    points = embeddings[rows] / np.maximum(np.linalg.norm(embeddings[rows], axis=1, keepdims=True), 1e-12)
    mean = points.mean(axis=0)
    return mean / max(float(np.linalg.norm(mean)), 1e-12)


def contrast(unit_embeddings: np.ndarray, total: np.ndarray, rows: np.ndarray) -> np.ndarray:
    """The unit direction from the mean of every other passage to the mean of the theme's ``rows``
    (``unit_embeddings``: unit rows; ``total``: their sum): what sets the theme apart.

    In a collection on one subject the model places every theme's centroid near that subject, so
    ranking by closeness to the centroid favours the subject's words: in the seed corpus "ISIS"
    led the label of the theme about Kataib Hezbollah, al-Muhandis and Iran's men in Iraq, because
    ISIS is near everything there. Against the contrast, that theme reads "Kataib Hezbollah,
    al-Muhandis, Iraqi politicians". For the root of the hierarchy (no other passages) it is the centroid.
    """
    inside = unit_embeddings[rows].sum(axis=0, dtype=np.float64)
    others = len(unit_embeddings) - len(rows)
    direction = inside / max(len(rows), 1) - ((total - inside) / others if others else 0.0)
    norm = float(np.linalg.norm(direction))
    if norm <= 1e-12:
        return centroid(unit_embeddings, rows)
    return (direction / norm).astype(np.float32)


def rerank(
    candidates: Sequence[str],
    scores: Sequence[float],
    theme_centre: np.ndarray,
    phrase_vectors: np.ndarray,
    meaning_weight: float = MEANING_WEIGHT,
    rank_towards: np.ndarray | None = None,
) -> list[tuple[str, float]]:
    """``candidates`` (best c-TF-IDF first, with their ``scores``) ordered by the mix of c-TF-IDF and
    cosine to ``rank_towards`` (the theme's :func:`contrast`; ``theme_centre`` when None), each with
    its cosine to ``theme_centre``, which :func:`label_candidates` reads; ties keep the c-TF-IDF order.

    Each score is divided by the theme's best, so a theme whose candidates are all about as
    frequent keeps them about level on the lexical side, and the meaning decides.
    """
    if not len(candidates):
        return []
    vectors = np.asarray(phrase_vectors, dtype=float)
    cosines = vectors @ np.asarray(theme_centre, dtype=float)
    towards = cosines if rank_towards is None else vectors @ np.asarray(rank_towards, dtype=float)
    lexical = np.asarray(scores, dtype=float) / max(float(np.max(scores)), 1e-12)
    meaning = np.clip(towards, 0.0, None) / max(float(towards.max()), 1e-12)
    mixed = (1.0 - meaning_weight) * lexical + meaning_weight * meaning
    return [(candidates[i], float(cosines[i])) for i in np.argsort(-mixed, kind="stable")]


def label_candidates(ranked: Sequence[tuple[str, float]], defining: str | None = None) -> tuple[list[str], list[str]]:
    """(phrases close enough to the theme to name it, the rest): a label phrase must be at least
    :data:`LABEL_MIN_CLOSENESS` as close to the theme's centroid as its closest candidate, so a
    word that only c-TF-IDF liked ("central", "source") stays among the keywords, out of the label.

    ``defining`` (see :func:`defining_phrase`) comes first whatever its closeness: a phrase in most of
    a theme's passages and rare elsewhere is what the theme is about, even where the model places the
    theme's centroid nearer the collection's subject. In the seed corpus, "United States" is in 5 of
    the 9 passages of the theme about the U.S. role in Iraq, but "Tehran" lies nearer its centroid.
    """
    best = max((cosine for _, cosine in ranked), default=0.0)
    close = [
        term
        for term, cosine in ranked
        if cosine >= LABEL_MIN_CLOSENESS * best or (term == defining and cosine >= DEFINING_MIN_CLOSENESS * best)
    ]
    if defining in close:
        close.remove(defining)
        close.insert(0, defining)
    return close, [term for term in (t for t, _ in ranked) if term not in close]


def defining_phrase(scored: Sequence[tuple[str, float]], held_by: int, size: int) -> str | None:
    """The best c-TF-IDF phrase of a theme (``scored``, best first) when ``held_by`` of the theme's
    ``size`` passages hold it, at least :data:`DEFINING_SHARE` of them; otherwise ``None``."""
    if not scored or size <= 0 or held_by < DEFINING_SHARE * size:
        return None
    return scored[0][0]
