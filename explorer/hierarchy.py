"""Themes as the cut of one Ward merge tree, so coarser themes are unions of finer ones.

Ward's agglomerative clustering (scikit-learn's ``ward_tree``, which runs
scipy's implementation) merges, step by step, the two groups whose union adds
the least spread.
Cutting the tree at ``k`` groups gives ``k`` themes; the merges above the cut
are the hierarchy that lets a reader ask for fewer, broader themes without a
refit, and every coarser theme is exactly a union of finer ones.

Ward needs all pairwise distances, so past ``MAX_DIRECT`` passages the tree is
built over k-means micro-clusters (a few passages each) instead of single
passages: the same answer at a fraction of the cost, and what keeps 20k
passages in seconds and 1M feasible (see docs/THEMES.md).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

UNASSIGNED = -1

MAX_DIRECT = 2000
"""Up to this many passages the tree is built over passages themselves."""

MAX_MICRO = 1000
"""Micro-clusters for larger corpora (about ten passages each at 10k passages)."""


def default_theme_count(n: int) -> int:
    """How many themes to show by default: ~9 for 60 passages, ~45 for 10k, ~170 for 1M.

    Grows slowly (n^0.3) so that a small corpus still splits into a handful of
    readable themes and a large one into dozens rather than hundreds; the
    hierarchy gives coarser views.
    """
    return int(max(2, round(2.7 * max(n, 1) ** 0.3)))


def default_min_size(n: int) -> int:
    """Themes smaller than this are not themes: 2 passages for tiny corpora, up to 25 for large ones."""
    return int(np.clip(round(n / 400), 2, 25))


@dataclass
class ThemeTree:
    """Leaf themes (0..k-1, largest first) per row, and how they merge into broader themes.

    ``merges[i] = (a, b)`` creates node ``k + i`` from nodes ``a`` and ``b``;
    nodes ``0..k-1`` are the leaf themes. Merging in order from the first row
    gives ``k - 1``, ``k - 2``, ... down to one theme.
    """

    labels: np.ndarray
    merges: list[tuple[int, int]]
    heights: list[float]

    @property
    def n_leaves(self) -> int:
        return len(self.merges) + 1 if self.merges or self.labels.size else 0


def micro_clusters(features: np.ndarray, random_state: int) -> tuple[np.ndarray, np.ndarray]:
    """(cluster per row, centroids); every row is its own cluster for small corpora."""
    from sklearn.cluster import KMeans, MiniBatchKMeans  # fitting only: reading stored themes never needs it

    n = len(features)
    if n <= MAX_DIRECT:
        return np.arange(n), features
    count = int(min(MAX_MICRO, max(MAX_DIRECT // 2, n // 10)))
    if n <= 50_000:
        # Random initial centres: k-means++ seeding of a thousand centres costs more than it helps here.
        model = KMeans(count, init="random", n_init=1, max_iter=50, random_state=random_state).fit(features)
    else:
        model = MiniBatchKMeans(count, n_init=1, batch_size=4096, random_state=random_state).fit(features)
    labels = model.labels_
    used = np.unique(labels)
    remap = np.full(count, -1)
    remap[used] = np.arange(len(used))
    return remap[labels], model.cluster_centers_[used]


def build_tree(
    features: np.ndarray, n_themes: int, random_state: int = 0, min_size: int = 1, exact_up_to: int | None = None
) -> ThemeTree:
    """Cut a Ward tree into ``n_themes`` leaf themes, numbered largest first, and keep the merges above.

    A request above ``exact_up_to`` themes (the default count) that would leave fewer groups of
    ``min_size`` passages than a coarser cut down to ``exact_up_to`` is cut there instead
    (:func:`useful_cut`): asking for finer themes never gives fewer than the default. Up to
    ``exact_up_to`` (or always, when it is None) the cut is exactly as asked.
    """
    from sklearn.cluster import ward_tree

    n = len(features)
    if n == 0:
        return ThemeTree(np.zeros(0, dtype=int), [], [])
    owner, points = micro_clusters(features, random_state)
    if len(points) < 2 or n_themes <= 1:
        return ThemeTree(np.zeros(n, dtype=int), [], [])
    n_themes = int(min(n_themes, len(points)))
    children, _, _, _, heights = ward_tree(points, return_distance=True)
    if exact_up_to is not None and n_themes > exact_up_to:
        weights = np.bincount(owner, minlength=len(points))
        n_themes = useful_cut(children, weights, n_themes, min_size, coarsest=exact_up_to)
    point_cluster = _cut(children, len(points), n_themes)
    raw = point_cluster[owner]
    leaves = _leaves_by_size(raw)
    merges, merge_heights = _merges_above_cut(children, heights, len(points), point_cluster, leaves)
    return ThemeTree(leaves[raw], merges, merge_heights)


def useful_cut(children: np.ndarray, weights: np.ndarray, n_clusters: int, min_size: int, coarsest: int = 1) -> int:
    """``n_clusters``, unless a coarser cut of the tree, of at least ``coarsest`` groups, has more groups
    of at least ``min_size`` passages (``weights``: passages per tree point); then the coarsest cut
    with the most such groups.

    Cutting lower than the data supports splits groups into pieces too small to be themes, and
    those pieces go to "unassigned": on the 62 seed passages, 40 groups held 18 themes and 62 held
    none. The coarsest of the best cuts leaves the fewest passages in pieces. ``coarsest`` keeps the
    answer from lumping unrelated leftovers together to make up a count (the default cut is the
    coarsest a caller wants). Counting qualifying groups for every cut takes one pass over the merges.
    """
    n_points = len(weights)
    size = np.zeros(2 * n_points - 1, dtype=np.int64)
    size[:n_points] = weights
    qualifying = np.zeros(n_points + 1, dtype=np.int64)  # by number of groups
    count = int(np.sum(weights >= min_size))
    qualifying[n_points] = count
    for step, (a, b) in enumerate(children):
        merged = n_points + step
        size[merged] = size[a] + size[b]
        count += int(size[merged] >= min_size) - int(size[a] >= min_size) - int(size[b] >= min_size)
        qualifying[n_points - step - 1] = count
    low = int(np.clip(coarsest, 1, n_clusters))
    allowed = qualifying[low : n_clusters + 1]
    if allowed[-1] == allowed.max():
        return n_clusters
    return int(np.argmax(allowed)) + low


def _cut(children: np.ndarray, n_points: int, n_clusters: int) -> np.ndarray:
    """Cluster (0..n_clusters-1, in order of first point) of every point after the tree's first
    ``n_points - n_clusters`` merges: the ``n_clusters`` groups of the cut."""
    group = list(range(n_points))  # tree node -> the point that stands for its group

    def root(node: int) -> int:
        while group[node] != node:
            group[node] = group[group[node]]
            node = group[node]
        return node

    for a, b in children[: n_points - n_clusters]:
        left, right = root(int(a)), root(int(b))
        group[left] = group[right] = min(left, right)
        group.append(min(left, right))  # the merged node, n_points + step
    roots = np.array([root(i) for i in range(n_points)])
    _, clusters = np.unique(roots, return_inverse=True)
    return clusters.astype(int)


def _leaves_by_size(raw: np.ndarray) -> np.ndarray:
    """Renumber clusters largest first; ties by the first row (rows are in canonical order)."""
    clusters = np.unique(raw)
    sizes = np.bincount(raw, minlength=clusters.max() + 1)
    first_row = {int(c): int(np.flatnonzero(raw == c)[0]) for c in clusters}
    order = sorted(clusters.tolist(), key=lambda c: (-sizes[c], first_row[c]))
    mapping = np.zeros(clusters.max() + 1, dtype=int)
    for number, cluster in enumerate(order):
        mapping[cluster] = number
    return mapping


def _merges_above_cut(
    children: np.ndarray, distances: np.ndarray, n_points: int, point_cluster: np.ndarray, leaves: np.ndarray
) -> tuple[list[tuple[int, int]], list[float]]:
    """The merges of the Ward tree that join leaf themes, renumbered over the leaves."""
    k = int(point_cluster.max()) + 1
    node_of = {i: int(leaves[point_cluster[i]]) for i in range(n_points)}  # tree node -> current theme node
    merges: list[tuple[int, int]] = []
    heights: list[float] = []
    next_node = k
    for step, ((a, b), height) in enumerate(zip(children, distances)):
        a, b = int(a), int(b)
        left, right = node_of[a], node_of[b]
        new = n_points + step
        if left == right:
            node_of[new] = left
            continue
        merges.append((min(left, right), max(left, right)))
        heights.append(float(height))
        node_of[new] = next_node
        next_node += 1
    return merges, heights


def cut_tree(tree: ThemeTree, n_themes: int) -> tuple[np.ndarray, list[int]]:
    """Leaf theme -> coarser theme for ``n_themes`` themes, and the tree node behind each coarse theme.

    Coarse themes are numbered by size like leaves are (0 the largest), given the leaf sizes.
    """
    k = tree.n_leaves
    n_themes = int(np.clip(n_themes, 1, max(k, 1)))
    parent = list(range(k))
    node_members = {leaf: [leaf] for leaf in range(k)}
    for step, (a, b) in enumerate(tree.merges[: k - n_themes]):
        node_members[k + step] = node_members.pop(a) + node_members.pop(b)
    nodes = sorted(node_members, key=lambda node: min(node_members[node]))
    for node in nodes:
        for leaf in node_members[node]:
            parent[leaf] = node
    return np.array(parent, dtype=int), nodes


def mark_outliers(features: np.ndarray, labels: np.ndarray, min_size: int) -> np.ndarray:
    """Labels with the misfits set to UNASSIGNED: members of too-small themes, and far-off members.

    A passage is far off when its similarity to its theme's centre lies below
    the theme's lower fence (first quartile minus 1.5 interquartile ranges,
    Tukey's rule): it was put there only because every passage has to go
    somewhere.
    """
    result = labels.copy()
    for theme in np.unique(labels):
        rows = np.flatnonzero(labels == theme)
        if len(rows) < min_size:
            result[rows] = UNASSIGNED
            continue
        centre = features[rows].mean(axis=0)
        centre /= max(np.linalg.norm(centre), 1e-12)
        fit = features[rows] @ centre / np.maximum(np.linalg.norm(features[rows], axis=1), 1e-12)
        q1, q3 = np.percentile(fit, [25, 75])
        result[rows[fit < q1 - 1.5 * (q3 - q1)]] = UNASSIGNED
    return result


def nearest_theme(features: np.ndarray, labels: np.ndarray, rows: np.ndarray) -> np.ndarray:
    """The theme whose centre is closest (cosine) to each of ``rows``."""
    themes = np.unique(labels[labels >= 0])
    if not len(themes) or not len(rows):
        return np.full(len(rows), UNASSIGNED)
    centres = np.vstack([features[labels == t].mean(axis=0) for t in themes])
    centres /= np.maximum(np.linalg.norm(centres, axis=1, keepdims=True), 1e-12)
    points = features[rows] / np.maximum(np.linalg.norm(features[rows], axis=1, keepdims=True), 1e-12)
    return themes[np.argmax(points @ centres.T, axis=1)]
