"""The 2D map of passages: themes as islands placed by how alike they are.

UMAP was measured and set aside as the default: numba compiles it on first
use in every process (20-50 s on this machine before a single point is
placed) and, seeded, it runs single-threaded (about 7 s for 2,000 passages).
The map here is plain linear algebra, deterministic and O(n x themes):

1. every theme's centre is placed by PCA of the centres (classical MDS), so
   similar themes sit close;
2. a passage sits at the average of the centres' places weighted by a softmax
   of its similarity to each centre: in the middle of its theme, or between
   two themes when it belongs to both a little;
3. plus its own offset from its theme's centre along the corpus's two main
   directions of within-theme variation, scaled to a fraction of the gap
   between neighbouring themes, so a theme's passages spread out instead of
   stacking on one point.
"""

from __future__ import annotations

import numpy as np
from sklearn.decomposition import PCA

SOFTMAX_TEMPERATURE = 0.05
SPREAD = 0.3
"""A theme's passages spread over about this fraction of the distance to the nearest other theme."""


def _pca_2d(matrix: np.ndarray, random_state: int) -> np.ndarray:
    if len(matrix) < 2 or matrix.shape[1] < 1:
        return np.zeros((len(matrix), 2))
    components = min(2, len(matrix), matrix.shape[1])
    solver = "full" if len(matrix) <= 5000 else "randomized"
    with np.errstate(divide="ignore", invalid="ignore"):  # identical passages: zero variance, nothing wrong
        coordinates = PCA(components, svd_solver=solver, random_state=random_state).fit_transform(matrix)
    if components < 2:
        coordinates = np.hstack([coordinates, np.zeros((len(matrix), 1))])
    return coordinates


def _unit(matrix: np.ndarray) -> np.ndarray:
    return matrix / np.maximum(np.linalg.norm(matrix, axis=1, keepdims=True), 1e-12)


def theme_map(features: np.ndarray, labels: np.ndarray, random_state: int = 0) -> np.ndarray:
    """2D coordinates (float32, one row per passage) for features clustered into ``labels``."""
    n = len(features)
    themes = np.unique(labels[labels >= 0])
    if n < 3 or len(themes) < 2:
        return _scaled(_pca_2d(features, random_state)).astype(np.float32)
    centres = np.vstack([features[labels == t].mean(axis=0) for t in themes])
    places = _scaled(_pca_2d(centres, random_state))
    similarity = _unit(features) @ _unit(centres).T
    weights = np.exp((similarity - similarity.max(axis=1, keepdims=True)) / SOFTMAX_TEMPERATURE)
    weights /= weights.sum(axis=1, keepdims=True)
    base = weights @ places
    own = similarity.argmax(axis=1)  # unassigned passages go with the nearest theme
    assigned = labels >= 0
    own[assigned] = np.searchsorted(themes, labels[assigned])
    offsets = _pca_2d(features - centres[own], random_state)
    offsets /= max(float(np.percentile(np.linalg.norm(offsets, axis=1), 90)), 1e-12)
    gaps = np.linalg.norm(places[:, None, :] - places[None, :, :], axis=2)
    np.fill_diagonal(gaps, np.inf)
    radius = SPREAD * gaps.min(axis=1)
    coordinates = base + offsets * radius[own][:, None]
    return coordinates.astype(np.float32)


def _scaled(coordinates: np.ndarray) -> np.ndarray:
    """Centred on zero, the larger spread in [-1, 1]: maps of different corpora look alike."""
    coordinates = coordinates - coordinates.mean(axis=0) if len(coordinates) else coordinates
    extent = float(np.abs(coordinates).max()) if coordinates.size else 0.0
    return coordinates / extent if extent > 0 else coordinates
