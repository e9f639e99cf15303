import numpy as np

from explorer.hierarchy import MAX_DIRECT, _cut, build_tree, cut_tree, default_theme_count, useful_cut


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


def test_a_cut_finer_than_the_data_supports_falls_back_to_the_coarsest_cut_with_the_most_themes():
    """Groups smaller than the minimum theme size go unassigned, so cutting 30 points into 30
    singletons would give no theme at all: a request finer than the default moves up to the coarsest
    cut, no coarser than the default, with the most groups of the minimum size. Found in one pass and
    checked here against every cut counted directly."""
    from sklearn.cluster import ward_tree

    rng = np.random.default_rng(1)
    features = np.repeat(rng.normal(size=(6, 4)) * 5, 5, axis=0) + rng.normal(size=(30, 4))
    children = ward_tree(features)[0]
    weights = np.ones(30, dtype=int)
    for min_size in (2, 3, 5):
        qualifying = {k: int((np.bincount(_cut(children, 30, k)) >= min_size).sum()) for k in range(1, 31)}
        for coarsest in (1, 4, 6):
            for asked in (3, 6, 12, 20, 30):
                chosen = useful_cut(children, weights, asked, min_size, coarsest)
                cuts = range(min(coarsest, asked), asked + 1)
                best = max(qualifying[k] for k in cuts)
                assert chosen in cuts and qualifying[chosen] == best
                if chosen != asked:
                    assert qualifying[asked] < best and chosen == min(k for k in cuts if qualifying[k] == best)

    most = max(int((np.bincount(_cut(children, 30, k)) >= 2).sum()) for k in range(6, 31))
    finer = build_tree(features, 30, random_state=0, min_size=2, exact_up_to=6)
    assert (np.bincount(finer.labels) >= 2).sum() == most > 0
    # Up to the default, and without one, the cut is exactly as asked, pieces and all.
    assert len(np.unique(build_tree(features, 30, random_state=0, min_size=2).labels)) == 30
    assert len(np.unique(build_tree(features, 5, random_state=0, min_size=9, exact_up_to=6).labels)) == 5
