import numpy as np

from explorer.retrieval import (
    Ranked,
    fuse,
    maximal_marginal_relevance,
    normalize,
    one_per_article,
    reciprocal_rank_fusion,
    sort_scores,
    top_candidates,
)


def test_normalize_maps_to_unit_range_and_handles_constants():
    assert np.allclose(normalize(np.array([2.0, 4.0, 3.0])), [0.0, 1.0, 0.5])
    assert np.allclose(normalize(np.array([5.0, 5.0])), [1.0, 1.0])
    assert np.allclose(normalize(np.array([2.0, 4.0]), floor=0.0), [0.5, 1.0])


def test_fusion_rewards_agreement_between_retrievers():
    rows = [1, 2, 3, 4]
    cosines = np.array([0.9, 0.8, 0.1, 0.2])
    bm25 = np.array([0.0, 10.0, 1.0, 9.0])
    ranking = [r.row for r in sort_scores(fuse(rows, cosines, bm25, 10.0, dense_weight=0.5))]
    assert ranking[0] == 2  # high in both
    assert set(ranking) == {1, 2, 3, 4}
    assert [r.row for r in sort_scores(fuse(rows, cosines, bm25, 10.0, dense_weight=1.0))][:2] == [1, 2]


def test_weak_keyword_matches_stay_weak():
    # Only a small part of the question's keyword evidence matched: it must not outweigh meaning.
    fused = fuse([1, 2], np.array([0.7, 0.3]), np.array([0.0, 1.0]), 20.0, dense_weight=0.6)
    assert sort_scores(fused)[0].row == 1
    strong = fuse([1, 2], np.array([0.4, 0.3]), np.array([0.0, 20.0]), 20.0, dense_weight=0.6)
    assert sort_scores(strong)[0].row == 2


def test_rrf_sums_reciprocal_ranks():
    scores = reciprocal_rank_fusion([[1, 2], [2, 3]], k=60)
    assert scores[2] > scores[1] > scores[3] or scores[2] > scores[3]
    assert np.isclose(scores[2], 1 / 62 + 1 / 61)


def test_top_candidates_skips_zero_scores():
    assert top_candidates(np.array([0.0, 3.0, 1.0, 0.0]), 3) == {1: 3.0, 2: 1.0}


def test_sort_is_deterministic_on_ties():
    assert [r.row for r in sort_scores({5: 1.0, 2: 1.0, 9: 2.0})] == [9, 2, 5]


def test_one_per_article_keeps_best_passage():
    ranked = [Ranked(0, 0.9), Ranked(1, 0.8), Ranked(2, 0.7)]
    articles = np.array(["a", "a", "b"], dtype=object)
    assert [r.row for r in one_per_article(ranked, articles)] == [0, 2]


def test_mmr_pushes_near_copies_down():
    vectors = np.array([[1, 0], [0.999, 0.045], [0, 1]], dtype=np.float32)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    ranked = [Ranked(0, 1.0), Ranked(1, 0.99), Ranked(2, 0.8)]
    assert [r.row for r in maximal_marginal_relevance(ranked, vectors, 3, trade_off=1.0)] == [0, 1, 2]
    assert [r.row for r in maximal_marginal_relevance(ranked, vectors, 2, trade_off=0.5)] == [0, 2]
