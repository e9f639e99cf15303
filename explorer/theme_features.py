"""What the theme clustering sees: passage embeddings joined with keyphrase TF-IDF.

Two corrections make small, single-subject corpora cluster into themes that
recur across articles, without hurting large mixed collections:

* **Keyphrases.** all-MiniLM-L6-v2 embeds the gist of a whole passage; in a
  corpus that is all about one subject, shared names and phrases ("Kataib
  Hezbollah", "militias", "U.S. forces") say more about the theme than the gist
  does. TF-IDF over the same keyphrases the labels use is joined to the
  embeddings with weight ``lexical_weight``.
* **Article centring, only where it helps.** Every passage of an article shares
  that article's wording and subject. When passages of *different* articles are
  about as similar as passages of the *same* article (the seed corpus: five
  articles all on Iran in Iraq, ratio ~0.94), that shared part would glue each
  article into its own "theme", so each article's mean is removed. When
  articles differ (BBC News: ratio ~0.15 across categories, ~0.3-0.5 within
  one), an article's subject *is* its theme, and nothing is removed.
"""

from __future__ import annotations

import numpy as np
from scipy import sparse
from sklearn.decomposition import PCA, TruncatedSVD
from sklearn.feature_extraction.text import TfidfTransformer

HOMOGENEOUS_FROM = 0.85
"""Cross-/within-article similarity ratio below which articles count as distinct (no centring).

It was 0.5 until session 25, set between BBC News' single categories (0.3-0.5) and the seed corpus (0.93)
with nothing measured in between. Two collections with planted sub-themes, on one subject each as the seed
corpus is (an outside check's 12 articles on Lisbon's housing and transport, ratio 0.70; 12 on a
country's drought, 0.82), lost much of their themes to centring: most of their articles are about one or
two sub-themes, so an article's mean *is* its sub-theme (bench/planted_themes.py: NMI 0.67 without
centring, 0.42 with the full centring the old ramp gave the drought collection). The seed corpus keeps
full centring (its hand-picked sets: mean best-theme F1 0.31 without it, 0.45 with it)."""

HOMOGENEOUS_AT = 0.92
"""Ratio from which articles count as one subject (full centring); linear in between. The seed corpus
(0.93) is above it."""

MAX_LEXICAL_COLUMNS = 100
"""Large vocabularies are reduced to this many SVD components before joining the embeddings."""

REDUCTIONS = ("pca", "umap", "none")
"""How the joined features are reduced before clustering: PCA (the default: linear, deterministic, a
fraction of a second at 10k passages), UMAP (``umap-learn``, as BERTopic does: non-linear, but numba
compiles it in every new process and, seeded, it runs on one thread; see docs/THEMES.md), or not at all."""


def unit_rows(matrix: np.ndarray) -> np.ndarray:
    return matrix / np.maximum(np.linalg.norm(matrix, axis=1, keepdims=True), 1e-12)


ROWS_PER_STEP = 16_384
"""Rows handled at a time by the in-place steps below, so their temporaries stay a few tens of MB."""


def group_sums(matrix: np.ndarray, rows: np.ndarray, group_of_row: np.ndarray, n_groups: int) -> np.ndarray:
    """Per group, the float64 sum of ``matrix[rows]``, where ``rows[i]`` belongs to group ``group_of_row[i]``.

    A one-hot sparse matrix times :data:`ROWS_PER_STEP` rows at a time, each group's rows added in
    order as ``np.add.at`` does (the same sums while a group's rows fit in one step). ``np.add.at``
    took 4.4 s for 300k passages of 384 dimensions (unbuffered, one row at a time), and
    ``matrix[rows]`` in one go would copy the matrix (1.5 GB at 1M passages).
    """
    sums = np.zeros((n_groups, matrix.shape[1]), dtype=np.float64)
    for start in range(0, len(rows), ROWS_PER_STEP):
        chunk = rows[start : start + ROWS_PER_STEP]
        one_hot = sparse.csr_matrix(
            (np.ones(len(chunk)), (group_of_row[start : start + ROWS_PER_STEP], np.arange(len(chunk)))),
            shape=(n_groups, len(chunk)),
        )
        sums += one_hot @ np.asarray(matrix[chunk], dtype=np.float64)
    return sums


def _unit_rows_in_place(matrix: np.ndarray) -> np.ndarray:
    """:func:`unit_rows` without a copy, the same values (each row's norm does not depend on the
    others): the feature blocks are passages x hundreds of floats, a gigabyte per copy at 300k."""
    for start in range(0, len(matrix), ROWS_PER_STEP):
        rows = matrix[start : start + ROWS_PER_STEP]
        rows /= np.maximum(np.linalg.norm(rows, axis=1, keepdims=True), 1e-12)
    return matrix


def article_inverse(article_ids) -> np.ndarray | None:
    if article_ids is None:
        return None
    _, inverse = np.unique(np.asarray(article_ids, dtype=object).astype(str), return_inverse=True)
    return inverse


def subtract_article_means(
    matrix: np.ndarray, inverse: np.ndarray | None, weight: float, in_place: bool = False
) -> np.ndarray:
    """``matrix`` minus ``weight`` times the mean row of each row's article (overwriting ``matrix``
    when ``in_place``, for an array the caller owns)."""
    if inverse is None or weight <= 0:
        return matrix
    sums = group_sums(matrix, np.arange(len(matrix)), inverse, int(inverse.max()) + 1)
    means = sums / np.bincount(inverse)[:, None]
    if not in_place:
        return matrix - weight * means[inverse]
    for start in range(0, len(matrix), ROWS_PER_STEP):
        matrix[start : start + ROWS_PER_STEP] -= weight * means[inverse[start : start + ROWS_PER_STEP]]
    return matrix


PAIRS = 5_000
"""Random passage pairs per kind (same article, different articles) that estimate the ratio."""


def homogeneity(embeddings: np.ndarray, inverse: np.ndarray | None, random_state: int = 0) -> float:
    """Mean cosine between passages of different articles over that within articles (sampled pairs).

    Within-article pairs are drawn directly (a passage and a random other passage of its article), not
    found among random pairs: in a corpus of many short articles almost no random pair shares one.
    Only the sampled rows are normalised, not a copy of every embedding.
    """
    if inverse is None or inverse.max() < 1:
        return 0.0
    rng = np.random.default_rng(random_state)
    n = len(embeddings)
    sizes = np.bincount(inverse)
    rows = np.flatnonzero(sizes[inverse] >= 2)
    if not len(rows):
        return 0.0
    # Rows grouped by article: each article's rows sit at starts[a] .. starts[a] + sizes[a] - 1.
    by_article = np.argsort(inverse, kind="stable")
    starts = np.concatenate([[0], np.cumsum(sizes)[:-1]])
    position = np.empty(n, dtype=np.int64)
    position[by_article] = np.arange(n) - starts[inverse[by_article]]
    first = rng.choice(rows, PAIRS)
    size = sizes[inverse[first]]
    offset = (position[first] + rng.integers(1, size)) % size  # any other row of the same article
    second = by_article[starts[inverse[first]] + offset]

    def unit(rows: np.ndarray) -> np.ndarray:
        return unit_rows(np.asarray(embeddings[rows], dtype=np.float64))

    within = np.einsum("ij,ij->i", unit(first), unit(second)).mean()
    first, second = rng.integers(0, n, PAIRS), rng.integers(0, n, PAIRS)
    across = inverse[first] != inverse[second]
    if not across.any():
        return 0.0
    cosine = np.einsum("ij,ij->i", unit(first[across]), unit(second[across])).mean()
    return float(cosine / max(within, 1e-6))


def centring_weight(ratio: float) -> float:
    """How much of each article's mean to remove, from the homogeneity ratio."""
    return float(np.clip((ratio - HOMOGENEOUS_FROM) / (HOMOGENEOUS_AT - HOMOGENEOUS_FROM), 0.0, 1.0))


def lexical_block(counts: sparse.spmatrix, random_state: int) -> np.ndarray | None:
    """Unit-length TF-IDF rows over the keyphrase counts, reduced by SVD when the vocabulary is large."""
    if counts.shape[1] < 2:
        return None
    tfidf = TfidfTransformer(sublinear_tf=True).fit_transform(counts)
    if tfidf.shape[1] > MAX_LEXICAL_COLUMNS * 4 and tfidf.shape[0] > MAX_LEXICAL_COLUMNS * 2:
        dense = TruncatedSVD(MAX_LEXICAL_COLUMNS, n_iter=2, random_state=random_state).fit_transform(tfidf)
    else:
        dense = tfidf.toarray()
    return _unit_rows_in_place(dense)


def theme_features(
    embeddings: np.ndarray,
    counts: sparse.spmatrix,
    article_ids=None,
    lexical_weight: float = 0.75,
    centring: float | str = "auto",
    n_components: int = 20,
    random_state: int = 0,
    reduction: str = "pca",
) -> tuple[np.ndarray, float]:
    """Features for clustering and the map, and the article-centring weight that was used.

    The joined matrix is allocated once and each block is computed in it, in place, a slice of rows
    at a time: the same values as a copy per step, without the copies. A passages x 384 float64 copy
    is a gigabyte at 300k passages; with one per step the fit peaked at 6.6 GiB there, and at 2.7 GiB
    without (docs/THEMES.md, "What happens at 1M passages").
    """
    embeddings = np.asarray(embeddings)
    inverse = article_inverse(article_ids)
    weight = centring_weight(homogeneity(embeddings, inverse, random_state)) if centring == "auto" else float(centring)
    mean = np.asarray(embeddings, dtype=np.float64).mean(axis=0)
    lexical = lexical_block(counts, random_state) if lexical_weight > 0 else None
    width = embeddings.shape[1]
    features = np.empty((len(embeddings), width + (0 if lexical is None else lexical.shape[1])), dtype=np.float64)
    semantic = np.subtract(embeddings, mean, out=features[:, :width])  # float32 rows widen exactly
    _unit_rows_in_place(semantic)
    _unit_rows_in_place(subtract_article_means(semantic, inverse, weight, in_place=True))
    if lexical is not None:
        _unit_rows_in_place(subtract_article_means(lexical, inverse, weight, in_place=True))
        lexical *= lexical_weight
        features[:, width:] = lexical
        del lexical
    features = reduce_features(features, reduction, n_components, random_state, overwrite=True)
    return np.ascontiguousarray(features, dtype=np.float64), weight


def check_reduction(reduction: str) -> None:
    if reduction not in REDUCTIONS:
        raise ValueError(f"unknown reduction {reduction!r}: use one of {', '.join(REDUCTIONS)}")


def reduce_features(
    features: np.ndarray, reduction: str, n_components: int, random_state: int, overwrite: bool = False
) -> np.ndarray:
    """``features`` in ``n_components`` dimensions by ``reduction`` (see :data:`REDUCTIONS`); what PCA
    and UMAP return is centred, as the joined features already nearly are. ``overwrite`` lets PCA
    centre ``features`` in place instead of in a copy (same result)."""
    check_reduction(reduction)
    components = min(n_components, features.shape[0] - 1, features.shape[1])
    if reduction == "none" or components < 2 or features.shape[1] <= components:
        return features
    if reduction == "pca":
        solver = "full" if features.shape[0] <= 5000 else "randomized"
        # Identical passages have no variance to explain: sklearn divides by zero and warns on stderr.
        with np.errstate(divide="ignore", invalid="ignore"):
            pca = PCA(components, svd_solver=solver, random_state=random_state, copy=not overwrite)
            return pca.fit_transform(features)
    try:
        from umap import UMAP
    except ImportError as error:
        raise ValueError("reduction 'umap' needs umap-learn: pip install umap-learn") from error
    # BERTopic's settings; a cosine neighbourhood, as the embeddings are compared by cosine everywhere else.
    neighbours = min(15, features.shape[0] - 1)
    mapped = UMAP(
        n_components=components,
        n_neighbors=neighbours,
        min_dist=0.0,
        metric="cosine",
        random_state=random_state,
        n_jobs=1,  # what a seed makes it do anyway; saying so silences its warning
    ).fit_transform(features)
    # Centred, because outliers and the map measure each passage by its cosine to a theme's centre.
    return mapped - mapped.mean(axis=0)
