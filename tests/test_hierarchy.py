import numpy as np

from explorer.hierarchy import MAX_DIRECT, build_tree, cut_tree, default_theme_count


def test_theme_count_grows_slowly_with_corpus_size():
    counts = [default_theme_count(n) for n in (60, 1_000, 10_000, 1_000_000)]
    assert counts == sorted(counts) and 6 <= counts[0] <= 12 and counts[-1] <= 200


def test_large_corpora_cluster_through_micro_clusters_and_keep_a_consistent_tree():
    rng = np.random.default_rng(0)
    centres = rng.normal(size=(5, 20)) * 4
    truth = np.repeat(np.arange(5), (MAX_DIRECT + 500) // 5)
    features = centres[truth] + rng.normal(size=(len(truth), 20))
    tree = build_tree(features, 5, random_state=0)
    assert len(tree.merges) == 4
    for group in range(5):  # each planted group is one theme
        assert len(set(tree.labels[truth == group].tolist())) == 1
    parent, nodes = cut_tree(tree, 2)
    assert len(set(parent.tolist())) == 2 and len(nodes) == 2


def test_the_cut_is_the_ward_tree_cut_at_that_many_clusters():
    """The themes are scipy's maxclust cut of the same Ward tree, numbered largest first, with one
    merge above the cut per pair of themes joined, lowest first."""
    from scipy.cluster.hierarchy import fcluster, linkage
    from sklearn.metrics import adjusted_rand_score

    features = np.random.default_rng(3).normal(size=(300, 8))
    for k in (2, 7, 25):
        tree = build_tree(features, k, random_state=0)
        reference = fcluster(linkage(features, method="ward"), k, criterion="maxclust")
        assert adjusted_rand_score(reference, tree.labels) == 1.0
        sizes = np.bincount(tree.labels)
        assert len(sizes) == k and list(sizes) == sorted(sizes, reverse=True)
        assert len(tree.merges) == k - 1 and tree.heights == sorted(tree.heights)
