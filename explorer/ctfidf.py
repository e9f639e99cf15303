"""Theme keywords by class-based TF-IDF: the phrases a theme's passages share and the others do not.

Each theme is scored as one class: a keyphrase scores high when it appears in many of the theme's
passages (coverage) and in few passages elsewhere (BERTopic's c-TF-IDF idf, ``log(1 + average theme size
/ passages with the phrase)``). Counting *passages that contain* a phrase, not raw counts, keeps a single
passage that repeats a name five times from labelling its whole theme. Words found in most passages or
nearly every article ("Iran" in a corpus about Iran) are left out, because they would label every theme
alike.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np
from scipy import sparse
from sklearn.feature_extraction.text import CountVectorizer

from explorer.keyphrases import keyphrases
from explorer.near_duplicates import deduplicate_keywords

MAX_ARTICLE_SHARE = 0.8
"""A word in this share of the articles (with at least 5 articles) is the corpus's subject, not a theme's."""

EVERY_ARTICLE_BELOW = 20
"""Under this many articles, only a word found in *every* article is the subject: one article is 5% or more of
the collection, and a theme word ("U.S.", "troops" in the seed corpus) easily reaches four articles of five.
bench/themes_bench.py's hand-picked seed sets: best-theme F1 0.40 / 0.30 / 0.48 with 80%, 0.40 / 0.42 / 0.53
with every article."""


class Vocabulary:
    """Which passages contain which keyphrases, with corpus-wide and near-stop-word phrases removed."""

    def __init__(self, texts: Sequence[str], article_ids: Sequence[str] | None = None) -> None:
        n = len(texts)
        vectorizer = CountVectorizer(
            analyzer=keyphrases,
            binary=True,
            min_df=2 if n >= 50 else 1,
            max_df=0.5 if n >= 20 else 1.0,
            dtype=np.float32,
        )
        try:
            matrix = vectorizer.fit_transform(texts).tocsc()
            terms = vectorizer.get_feature_names_out()
        except ValueError:  # every word was a stop word, or too rare
            matrix, terms = sparse.csc_matrix((n, 0), dtype=np.float32), np.array([], dtype=object)
        keep = self._not_ubiquitous(matrix, terms, article_ids)
        self.columns = matrix[:, keep].tocsc()
        """Passages x phrases (0/1), by column: the passages that contain a phrase."""
        self.matrix = self.columns.tocsr()
        """The same by row: the phrases of a passage."""
        self.terms = terms[keep]
        self.document_frequency = np.asarray(self.matrix.sum(axis=0)).ravel()
        self.column_of = {term: j for j, term in enumerate(self.terms)}

    @staticmethod
    def _not_ubiquitous(matrix: sparse.csc_matrix, terms: np.ndarray, article_ids: Sequence[str] | None) -> np.ndarray:
        """Drop words that nearly every article uses: they name the corpus's subject, not a theme."""
        keep = np.ones(len(terms), dtype=bool)
        if article_ids is None or not len(terms):
            return keep
        names, article_of_row = np.unique(np.asarray(article_ids, dtype=object), return_inverse=True)
        if len(names) < 5:
            return keep
        per_article = sparse.csr_matrix(
            (np.ones(len(article_of_row)), (article_of_row, np.arange(len(article_of_row)))),
            shape=(len(names), len(article_of_row)),
        )
        articles_with_term = np.asarray(((per_article @ matrix) > 0).sum(axis=0)).ravel()
        is_word = np.array([" " not in term for term in terms])
        needed = len(names) if len(names) < EVERY_ARTICLE_BELOW else MAX_ARTICLE_SHARE * len(names)
        keep[is_word & (articles_with_term >= needed)] = False
        return keep

    def holding(self, rows: np.ndarray) -> Callable[[str], frozenset[int]]:
        """phrase -> the passages among ``rows`` that contain it (none, for a phrase not in the vocabulary)."""
        member = np.zeros(self.columns.shape[0], dtype=bool)
        member[rows] = True

        def passages(term: str) -> frozenset[int]:
            column = self.column_of.get(term)
            if column is None:
                return frozenset()
            held = self.columns.indices[self.columns.indptr[column] : self.columns.indptr[column + 1]]
            return frozenset(held[member[held]].tolist())

        return passages

    def theme_counts(self, memberships: Sequence[np.ndarray]) -> np.ndarray:
        """Passages containing each phrase, per group of rows (one row per theme)."""
        if not len(memberships):
            return np.zeros((0, len(self.terms)))
        indicator = sparse.vstack(
            [
                sparse.csr_matrix(
                    (np.ones(len(rows)), (np.zeros(len(rows), dtype=int), rows)), shape=(1, self.matrix.shape[0])
                )
                for rows in memberships
            ]
        )
        return np.asarray((indicator @ self.matrix).todense())


def ctfidf_scores(
    counts: np.ndarray,
    sizes: np.ndarray,
    document_frequency: np.ndarray,
    average_size: float | None = None,
    rarity_scale: float = 1.0,
) -> np.ndarray:
    """c-TF-IDF on passage counts: coverage in the theme times rarity in the corpus.

    ``counts[t, w]``: passages of theme ``t`` containing phrase ``w``;
    ``sizes[t]``: passages in theme ``t``; ``document_frequency[w]``: passages
    in the corpus containing ``w``; ``average_size``: passages per theme at
    this level of the hierarchy (default: the mean of ``sizes``);
    ``rarity_scale``: how gently rarity counts, ``log(1 + scale * average / df)``
    (1 for labels; :data:`KEYWORD_RARITY_SCALE` for the rest of the keywords).
    """
    coverage = counts / np.maximum(sizes[:, None], 1)
    if average_size is None:
        average_size = max(float(np.mean(sizes)), 1.0) if len(sizes) else 1.0
    idf = np.log1p(rarity_scale * average_size / np.maximum(document_frequency, 1))
    scores = coverage * idf
    # A phrase in a single passage of a larger theme is an accident of wording, not its keyphrase;
    # in a theme of hundreds, so is a name in a handful of them.
    floor = np.maximum(2.0, np.ceil(MIN_THEME_SHARE * sizes))[:, None]
    scores[(counts < floor) & (sizes[:, None] >= 4)] = 0.0
    return scores


MIN_THEME_SHARE = 0.05
"""A keyphrase must be held by at least this share of its theme's passages (and by two).

Without it, a theme of hundreds of passages took names held by three or four of them (BBC News as
short items, bench/short_items_bench.py: "Robert Kilroy-Silk", "concentration camp guard"): true but
rare, they tell a reader little of the theme, and they seldom share a passage with its other
keywords. Measured on BBC News' paragraphs (seed 0, bench/themes_bench.py): NPMI of the top-10
keywords 0.154 -> 0.225, diversity 0.949 -> 0.937, label R-precision 0.485 -> 0.482; 2-3% changed
nothing, 8% cost more diversity (0.905). Themes of up to 40 passages (all of the seed corpus's) keep
the floor of two."""


KEYWORD_RARITY_SCALE = 3.0
"""How gently rarity counts for the keywords that follow a theme's label (:func:`ctfidf_scores`).

The label names what sets a theme apart, so it is scored with the full rarity term: "Kataib Hezbollah",
"Guantanamo Bay". The rest of the keyword list says what the theme's passages talk about, and there a
name held by three of a theme's hundred passages tells a reader less than a word most of them share
("Charles Clarke" against "government"). BERTopic's c-TF-IDF counts words, so its rarity term is gentler
in the same way. Measured with bench/short_items_bench.py and bench/themes_bench.py (seed 0; labels
unchanged): NPMI of the top-10 keywords on BBC News as short items 0.035 -> 0.120 (seeds 1 and 2:
0.039 -> 0.091, 0.024 -> 0.081), on BBC News' paragraphs 0.238 -> 0.249; diversity 0.963 -> 0.922 and
0.935 -> 0.883. A scale of 10 gained little more (0.132, 0.264) and cost more diversity (0.899, 0.834)."""


KEYWORD_SPARES = 10
"""c-TF-IDF keyphrases kept beyond a theme's keyword list, to take the place of keywords that
:func:`with_companions` moves back."""

KEYWORD_COMPANIONS = 4
"""Keywords before it that a keyword after the label must share a passage of its theme with (all of them,
while fewer are chosen): :func:`with_companions`."""


PROMOTE_SHARE = 0.6
"""A word gives way to a longer phrase holding it when the phrase covers this share of the word's passages."""

PROMOTE_KEEP = 0.8
"""Of the phrases a word may give way to, the longest that still holds this share of the passages of the
best-covering one: a word that some passages add in front is not part of the name. BBC News as short items
(bench/short_items_bench.py) had "govern computer-based inventions", which 2 of the 3 items holding
"computer-based inventions" write after "rules to"; it is now "computer-based inventions". No BBC News
paragraph label (seed 0) and no seed-corpus label changed; at 0.9, "British Phonographic Industry" lost
its "British"."""


def top_keywords(scores: np.ndarray, terms: np.ndarray, top_n: int, counts: np.ndarray | None = None) -> list[str]:
    """The best-scoring phrases of one theme, near-duplicates removed.

    With the theme's ``counts``, a word that mostly occurs inside a longer
    phrase gives way to it: "nuclear" becomes "nuclear program", "Guard"
    becomes "Revolutionary Guard Corps".
    """
    return [term for term, _ in scored_keywords(scores, terms, top_n, counts)]


def scored_keywords(
    scores: np.ndarray, terms: np.ndarray, top_n: int, counts: np.ndarray | None = None
) -> list[tuple[str, float]]:
    """:func:`top_keywords` with each phrase's c-TF-IDF score (a promoted phrase keeps the score of the
    word it stands for, so the order and the scores agree)."""
    candidates = [int(i) for i in best_first(scores, top_n * 8) if scores[i] > 0]
    promoted = _promoted(candidates, terms, counts) if counts is not None else candidates
    score_of: dict[str, float] = {}
    for slot, index in zip(candidates, promoted):
        score_of.setdefault(str(terms[index]), float(scores[slot]))
    return [(term, score_of[term]) for term in deduplicate_keywords(score_of, top_n)]


def best_first(scores: np.ndarray, count: int) -> np.ndarray:
    """The indices of the ``count`` highest ``scores``, best first, ties in index order: the head of a
    stable argsort of ``-scores``, without sorting the whole vocabulary (each theme and each node of
    the hierarchy asks for ~80 of ~40,000 phrases on BBC News)."""
    if count >= len(scores):
        return np.argsort(-scores, kind="stable")
    if count <= 0:
        return np.zeros(0, dtype=int)
    # Only the phrases a theme holds score above zero. The selection runs over those alone: on the
    # whole vocabulary, mostly zeros, np.partition took ~20 ms a call (1 ms on distinct values), 0.8 s
    # of a 4 s fit of BBC News.
    chosen = np.flatnonzero(scores > 0)  # in index order, so the stable sort keeps ties that way
    if len(chosen) > count:
        held = scores[chosen]
        chosen = chosen[held >= np.partition(held, len(held) - count)[len(held) - count]]
    head = chosen[np.argsort(-scores[chosen], kind="stable")][:count]
    if len(head) == count:
        return head
    rest = np.flatnonzero(scores <= 0)
    return np.concatenate([head, rest[np.argsort(-scores[rest], kind="stable")][: count - len(head)]])


def _promoted(candidates: list[int], terms: np.ndarray, counts: np.ndarray) -> list[int]:
    """For each candidate, the longest candidate phrase that contains it and covers most of its passages
    (:data:`PROMOTE_SHARE`) and nearly all of those of the best-covering such phrase (:data:`PROMOTE_KEEP`);
    among equally long ones, the best-scoring."""
    padded = [f" {terms[i]} " for i in candidates]
    lengths = [len(str(terms[i]).split()) for i in candidates]
    covered = [float(counts[i]) for i in candidates]
    out = []
    for position in range(len(candidates)):
        needed = PROMOTE_SHARE * covered[position]
        holding = [
            other
            for other, phrase in enumerate(padded)
            if lengths[other] > lengths[position] and covered[other] >= needed and padded[position] in phrase
        ]
        best = position
        if holding:
            kept = PROMOTE_KEEP * max(covered[other] for other in holding)
            best = max((other for other in holding if covered[other] >= kept), key=lambda o: (lengths[o], -o))
        out.append(candidates[best])
    return out


def ctfidf_keywords(
    texts: Sequence[str],
    labels: np.ndarray,
    top_n: int = 10,
    article_ids: Sequence[str] | None = None,
) -> dict[int, list[str]]:
    """The top keywords of every theme label >= 0, best first, without near-duplicates."""
    labels = np.asarray(labels)
    themes = sorted(int(label) for label in set(labels.tolist()) if label >= 0)
    if not themes:
        return {}
    vocabulary = Vocabulary(texts, article_ids)
    memberships = [np.flatnonzero(labels == theme) for theme in themes]
    counts = vocabulary.theme_counts(memberships)
    sizes = np.array([len(rows) for rows in memberships], dtype=float)
    scores = ctfidf_scores(counts, sizes, vocabulary.document_frequency)
    return {theme: top_keywords(scores[row], vocabulary.terms, top_n, counts[row]) for row, theme in enumerate(themes)}


def with_companions(
    ordered: Sequence[str],
    head: int,
    holding: Callable[[str], frozenset[int]],
    limit: int,
    companions: int = KEYWORD_COMPANIONS,
) -> list[str]:
    """A theme's keyword list: the first ``head`` phrases of ``ordered`` (its label) as they are, then in
    order the phrases that share a passage with at least ``companions`` of those already chosen (with all of
    them, while fewer are chosen), up to ``limit``; if too few do, the others fill the list, in order.

    ``holding(phrase)`` gives the theme's passages that contain the phrase. A keyword that seldom appears
    beside the ones before it names a story of its own inside the theme: "Elvis Presley" in six of the 119
    BBC items of a theme labelled "music, band, singer", none of which says any of the three. A reader
    takes a keyword list to describe the same passages throughout, and topic coherence (NPMI) measures
    exactly that: bench/short_items_bench.py, BBC News as short items, 0.148 -> 0.177 (seed 0).
    """
    chosen = list(ordered[:head])[:limit]
    held = [holding(phrase) for phrase in chosen]
    passed_over: list[str] = []
    for phrase in ordered[head:]:
        if len(chosen) >= limit:
            break
        mine = holding(phrase)
        beside = sum(1 for other in held if mine & other)
        if beside >= min(companions, len(chosen)):
            chosen.append(phrase)
            held.append(mine)
        else:
            passed_over.append(phrase)
    return chosen + passed_over[: max(0, limit - len(chosen))]
