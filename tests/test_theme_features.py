"""The features the themes cluster on: built in place to save memory, equal to building them by copies."""

import numpy as np
import pytest
from scipy import sparse

from explorer import theme_features
from explorer.theme_features import (
    centring_weight,
    homogeneity,
    lexical_block,
    reduce_features,
    subtract_article_means,
    unit_rows,
)


def reference_features(embeddings, counts, article_ids, lexical_weight, centring, n_components, random_state):
    """The straightforward version, one copy per step (as the module did before it worked in place)."""
    embeddings = np.asarray(embeddings, dtype=np.float64)
    centred = unit_rows(embeddings - embeddings.mean(axis=0))
    _, inverse = np.unique(np.asarray(article_ids, dtype=object).astype(str), return_inverse=True)
    weight = centring_weight(homogeneity(embeddings, inverse, random_state)) if centring == "auto" else centring
    blocks = [unit_rows(subtract_article_means(centred, inverse, weight))]
    lexical = lexical_block(counts, random_state)
    if lexical is not None:
        blocks.append(lexical_weight * unit_rows(subtract_article_means(lexical, inverse, weight)))
    return reduce_features(np.hstack(blocks), "pca", n_components, random_state), weight


def corpus(rows: int, seed: int = 0):
    rng = np.random.default_rng(seed)
    embeddings = (rng.normal(size=(rows, 24)) + rng.normal(size=24) * 3).astype(np.float32)
    counts = sparse.random(rows, 900, density=0.02, random_state=seed, format="csr") * 5
    counts.data = np.ceil(counts.data)
    article_ids = [f"article-{i % 7}" for i in range(rows)]
    return embeddings, counts, article_ids


@pytest.mark.parametrize("centring", ["auto", 0.0, 0.4, 1.0])
def test_features_built_in_place_equal_the_copying_version_exactly(monkeypatch, centring):
    """Slices of rows at a time (a tiny step here, so every path runs over several slices), in one
    preallocated matrix: the same numbers as a copy per step, and the caller's embeddings untouched."""
    monkeypatch.setattr(theme_features, "ROWS_PER_STEP", 37)
    embeddings, counts, article_ids = corpus(500)
    before = embeddings.copy()
    features, weight = theme_features.theme_features(
        embeddings, counts, article_ids, lexical_weight=0.75, centring=centring, n_components=10, random_state=3
    )
    expected, expected_weight = reference_features(embeddings, counts, article_ids, 0.75, centring, 10, 3)
    assert weight == expected_weight
    assert np.array_equal(features, expected)
    assert np.array_equal(embeddings, before)
    assert features.dtype == np.float64 and features.flags.c_contiguous and features.shape == (500, 10)


def test_without_a_lexical_block_the_features_are_the_embeddings_alone():
    embeddings, _, article_ids = corpus(60, seed=1)
    features, _ = theme_features.theme_features(
        embeddings, sparse.csr_matrix((60, 1)), article_ids, centring=0.0, reduction="none"
    )
    centred = unit_rows(embeddings.astype(np.float64) - embeddings.astype(np.float64).mean(axis=0))
    assert np.allclose(features, unit_rows(centred)) and features.shape == (60, 24)
