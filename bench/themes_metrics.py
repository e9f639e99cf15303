"""Scores for theme models against gold labels and the corpus itself (used by themes_bench.py).

NPMI coherence is computed here rather than with gensim (not installable next
to this numpy): each passage is one document, a keyword "occurs" in a passage
when its words appear there consecutively (so "u.s. forces" and BERTopic's
single words are judged alike), and a pair that never co-occurs scores -1.
"""

from __future__ import annotations

import itertools
import re
from collections import Counter

import numpy as np
from sklearn.metrics import adjusted_rand_score, normalized_mutual_info_score

_PIECE = re.compile(r"[^\W_]+", re.UNICODE)


def _pieces(text: str) -> list[str]:
    return _PIECE.findall(text.lower().replace("’", "'"))


def agreement(gold: list[str], themes: np.ndarray) -> dict[str, float]:
    """NMI and ARI with unassigned passages (-1) as one more cluster, as a reader would see them."""
    return {
        "nmi": float(normalized_mutual_info_score(gold, themes)),
        "ari": float(adjusted_rand_score(gold, themes)),
    }


def article_majority(article_ids: list[str], gold: list[str], themes: np.ndarray) -> tuple[list[str], np.ndarray]:
    """Per article: its gold label and its most common assigned theme (-1 if none was assigned)."""
    by_article: dict[str, list[int]] = {}
    label_of: dict[str, str] = {}
    for article, label, theme in zip(article_ids, gold, themes):
        by_article.setdefault(article, []).append(int(theme))
        label_of[article] = label
    names = sorted(by_article)
    majority = []
    for name in names:
        assigned = [t for t in by_article[name] if t >= 0]
        majority.append(Counter(assigned).most_common(1)[0][0] if assigned else -1)
    return [label_of[n] for n in names], np.array(majority)


class Cooccurrence:
    """Which passages contain which keyword, for NPMI."""

    def __init__(self, texts: list[str]) -> None:
        self.documents = [" " + " ".join(_pieces(t)) + " " for t in texts]
        self.postings: dict[str, set[int]] = {}
        for row, text in enumerate(self.documents):
            for word in set(text.split()):
                self.postings.setdefault(word, set()).add(row)
        self._cache: dict[str, frozenset[int]] = {}

    def rows(self, keyword: str) -> frozenset[int]:
        if keyword not in self._cache:
            words = _pieces(keyword)
            if not words:
                found: set[int] = set()
            else:
                found = set.intersection(*(self.postings.get(w, set()) for w in words))
                if len(words) > 1:
                    phrase = " " + " ".join(words) + " "
                    found = {row for row in found if phrase in self.documents[row]}
            self._cache[keyword] = frozenset(found)
        return self._cache[keyword]

    def npmi(self, first: str, second: str) -> float:
        n = len(self.documents)
        a, b = self.rows(first), self.rows(second)
        joint = len(a & b)
        if not joint:
            return -1.0
        p_joint, p_a, p_b = joint / n, len(a) / n, len(b) / n
        if p_joint >= 1.0:
            return 1.0
        return float(np.log(p_joint / (p_a * p_b)) / -np.log(p_joint))


def coherence(topics: list[list[str]], corpus: Cooccurrence, top_n: int = 10) -> float:
    """Mean NPMI over every pair of each topic's top keywords, then over topics."""
    scores = []
    for words in topics:
        words = words[:top_n]
        pairs = list(itertools.combinations(words, 2))
        if pairs:
            scores.append(np.mean([corpus.npmi(a, b) for a, b in pairs]))
    return float(np.mean(scores)) if scores else float("nan")


def diversity(topics: list[list[str]], top_n: int = 10) -> float:
    """Share of distinct keywords among all topics' top keywords (1.0: no keyword repeats)."""
    words = [w for topic in topics for w in topic[:top_n]]
    return len(set(words)) / len(words) if words else float("nan")


LABEL_WORDS = 3
"""Keywords read as a theme's label by :func:`label_retrieval`: the length of our labels (BERTopic's
topic names join four)."""


def label_retrieval(topics: list[list[str]], labels: np.ndarray, vectors: np.ndarray, encode) -> float:
    """How well labels tell a reader which passages a theme holds: each theme's top
    :data:`LABEL_WORDS` keywords, joined into one search query and embedded by ``encode`` (the model
    that embedded the passages), rank every passage by cosine; the score is the share of the theme's
    own passages among the first as many as it holds (R-precision), averaged over themes.

    ``topics`` follow the themes in id order (the ids in ``labels`` that are >= 0). A label that only
    names the collection's subject ranks every theme's passages alike and scores near the theme's share
    of the collection; one that names what sets the theme apart scores near 1.
    """
    themes = sorted(set(np.asarray(labels).tolist()) - {-1})
    if not themes or len(themes) != len(topics):
        return float("nan")
    queries = np.asarray(encode([", ".join(words[:LABEL_WORDS]) for words in topics]), dtype=np.float32)
    queries /= np.maximum(np.linalg.norm(queries, axis=1, keepdims=True), 1e-12)
    passages = np.asarray(vectors, dtype=np.float32)
    passages = passages / np.maximum(np.linalg.norm(passages, axis=1, keepdims=True), 1e-12)
    similarity = queries @ passages.T
    precisions = []
    for row, theme in enumerate(themes):
        members = np.asarray(labels) == theme
        size = int(members.sum())
        top = np.argsort(-similarity[row], kind="stable")[:size]
        precisions.append(float(members[top].mean()))
    return float(np.mean(precisions))
