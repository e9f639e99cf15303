import numpy as np

from explorer.search import article_overlap_row, article_similarity_matrix, related_rows, rows_by_article, top_rows
from explorer.store import build_faiss_index


def unit(rows):
    array = np.asarray(rows, dtype=np.float32)
    return array / np.linalg.norm(array, axis=1, keepdims=True)


VECTORS = unit([[1, 0, 0], [0.9, 0.1, 0], [0, 1, 0], [0.8, 0.2, 0], [0, 0, 1]])
ARTICLES = np.array(["a", "a", "b", "b", "c"], dtype=object)


def test_top_rows_are_ranked_by_cosine():
    index = build_faiss_index(VECTORS)
    rows = top_rows(index, VECTORS[0], 3)
    assert [r for r, _ in rows] == [0, 1, 3]
    assert rows[0][1] > rows[1][1] > rows[2][1]
    assert len(top_rows(index, VECTORS[0], 50)) == 5


def test_related_rows_skip_the_same_article():
    index = build_faiss_index(VECTORS)
    rows = related_rows(index, VECTORS, rows_by_article(ARTICLES)["a"], 0, 2)
    assert [r for r, _ in rows] == [3, 2]
    assert all(ARTICLES[r] != "a" for r, _ in rows)


def test_article_similarity_is_symmetric_and_ranks_overlap():
    names, matrix = article_similarity_matrix(VECTORS, ARTICLES)
    assert names == ["a", "b", "c"]
    assert np.allclose(matrix, matrix.T)
    assert np.allclose(np.diag(matrix), 1.0)
    assert matrix[0, 1] > matrix[0, 2]


def test_article_similarity_matches_its_definition_pair_by_pair(monkeypatch):
    """Each article's passages against each other article's best match, averaged both ways, as the
    one-pair-at-a-time definition gives it; articles interleaved and of uneven length, more passages
    than one step compares at a time; and the centroid cosine above the passage limit."""
    import explorer.search as search

    rng = np.random.default_rng(0)
    vectors = unit(rng.standard_normal((57, 8)))
    articles = np.array([f"art-{n}" for n in rng.integers(0, 9, len(vectors))], dtype=object)
    monkeypatch.setattr(search, "MAXSIM_ROWS_PER_STEP", 10)
    names, matrix = article_similarity_matrix(vectors, articles)
    assert names == sorted(set(articles))
    rows = [np.flatnonzero(articles == name) for name in names]
    for a, rows_a in enumerate(rows):
        for b, rows_b in enumerate(rows):
            if a != b:
                one_way = (vectors[rows_a] @ vectors[rows_b].T).max(axis=1).mean()
                other_way = (vectors[rows_b] @ vectors[rows_a].T).max(axis=1).mean()
                assert np.isclose(matrix[a, b], (one_way + other_way) / 2, atol=1e-6)
    monkeypatch.setattr(search, "ARTICLE_MAXSIM_LIMIT", 10)
    _, by_centroid = article_similarity_matrix(vectors, articles)
    centroids = unit(np.vstack([vectors[r].mean(axis=0) for r in rows]))
    assert np.allclose(by_centroid, centroids @ centroids.T, atol=1e-6)


def test_one_article_row_is_the_row_of_the_whole_matrix(monkeypatch):
    """One article's overlaps, computed from its passages alone, equal its row of the whole matrix,
    passage by passage and by centroid above the passage limit."""
    import explorer.search as search

    rng = np.random.default_rng(1)
    vectors = unit(rng.standard_normal((61, 8)))
    articles = np.array([f"art-{n}" for n in rng.integers(0, 7, len(vectors))], dtype=object)
    for limit in (search.ARTICLE_MAXSIM_LIMIT, 10):
        monkeypatch.setattr(search, "ARTICLE_MAXSIM_LIMIT", limit)
        names, matrix = article_similarity_matrix(vectors, articles)
        for position, name in enumerate(names):
            row_names, row = article_overlap_row(vectors, articles, name)
            assert row_names == names
            assert np.allclose(row, matrix[position], atol=1e-6)


def test_top_article_pairs_are_the_best_pairs_in_order():
    from explorer.search import top_article_pairs

    names = ["a", "b", "c", "d"]
    matrix = np.array(
        [[1.0, 0.2, 0.9, 0.4], [0.2, 1.0, 0.4, 0.7], [0.9, 0.4, 1.0, 0.1], [0.4, 0.7, 0.1, 1.0]], dtype=np.float32
    )
    every = top_article_pairs(names, matrix)
    assert [(a, b) for _, a, b in every] == [("a", "c"), ("b", "d"), ("a", "d"), ("b", "c"), ("a", "b"), ("c", "d")]
    assert [round(score, 2) for score, _, _ in every] == [0.9, 0.7, 0.4, 0.4, 0.2, 0.1]
    assert top_article_pairs(names, matrix, 3) == every[:3]  # ties broken the same way when cut
    assert top_article_pairs(names, matrix, 0) == [] and top_article_pairs(names[:1], matrix[:1, :1]) == []


def test_nearest_article_pairs_find_the_best_pairs_without_the_whole_matrix():
    """Above the matrix limit the most overlapping pairs come from nearest article centroids, scored as
    the matrix scores them: with planted pairs (two articles sharing a paragraph, each with one random
    paragraph besides), the same top pairs as the whole matrix, in the same order, with the same scores."""
    from explorer.search import nearest_article_pairs, top_article_pairs

    rng = np.random.default_rng(1)
    rows, articles = [], []
    for pair in range(12):
        shared = rng.standard_normal(16)
        for side in ("x", "y"):
            rows += [shared + 0.1 * rng.standard_normal(16), rng.standard_normal(16)]
            articles += [f"{side}{pair:02d}"] * 2
    vectors, articles = unit(rows), np.array(articles, dtype=object)
    names, matrix = article_similarity_matrix(vectors, articles)
    expected = top_article_pairs(names, matrix, 12)
    found = nearest_article_pairs(vectors, articles, 12)
    assert [(a, b) for _, a, b in found] == [(a, b) for _, a, b in expected]
    assert sum(a[1:] == b[1:] for _, a, b in found) >= 10  # mostly the planted pairs
    assert np.allclose([s for s, _, _ in found], [s for s, _, _ in expected], atol=1e-6)
    assert nearest_article_pairs(vectors, articles, 0) == []
