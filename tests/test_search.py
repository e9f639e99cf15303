import numpy as np

from explorer.search import article_similarity_matrix, related_rows, top_rows
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
    rows = related_rows(index, VECTORS, ARTICLES, 0, 2)
    assert [r for r, _ in rows] == [3, 2]
    assert all(ARTICLES[r] != "a" for r, _ in rows)


def test_article_similarity_is_symmetric_and_ranks_overlap():
    names, matrix = article_similarity_matrix(VECTORS, ARTICLES)
    assert names == ["a", "b", "c"]
    assert np.allclose(matrix, matrix.T)
    assert np.allclose(np.diag(matrix), 1.0)
    assert matrix[0, 1] > matrix[0, 2]
