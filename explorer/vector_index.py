"""Which FAISS index holds the passage vectors: exact up to a size, approximate above it.

Exact inner-product search (``IndexFlatIP``) reads every vector for every
question: perfect, and up to :data:`APPROXIMATE_ABOVE` passages at most ~6 ms
next to the 70-100 ms a question spends in the model. It grows linearly (57 ms
per question at 1M passages on a 2-core machine), so larger indexes are built
approximate: an inverted file (IVF) of 8-bit
scalar-quantised codes finds candidates in the ``nprobe`` clusters nearest the
question, and the exact float32 vectors re-rank them (FAISS
``IndexRefineFlat``), so every score shown is still the exact cosine.

Why IVF and not HNSW, and how the numbers below were chosen, is measured by
``bench/scale_bench.py`` and written up in docs/SCALE.md: on news embeddings
with many near-duplicate passages, HNSW took ten times longer to build at 1M
passages and reached recall@10 0.905 at efSearch 512, where this index reaches
0.979 in 2 ms.

Both kinds keep the float32 vectors in row order in one ``IndexFlatIP`` (the
exact index itself, or the refine stage of the approximate one).
:func:`vectors_of` exposes them as a read-only numpy view, so re-scoring,
MMR, related passages and themes read the index's own copy instead of a second
1.5 GB matrix at 1M passages, and :func:`searcher` can always answer exactly
from that storage without a rebuild.
"""

from __future__ import annotations

import contextlib
import math
from collections.abc import Iterator

import numpy as np

EXACT = "exact"
APPROXIMATE = "approximate"
AUTO = "auto"
CHOICES = (AUTO, EXACT, APPROXIMATE)

APPROXIMATE_ABOVE = 100_000
"""Passage count above which ``auto`` builds the approximate index (docs/SCALE.md: where exact stops being cheap)."""

NPROBE = 64
"""Clusters searched per question (of about √n). 32 only just cleared recall@10 0.95 for short questions; 64 does
with margin, for about a millisecond at 1M passages (docs/SCALE.md)."""

REFINE_K_FACTOR = 2
"""Candidates re-ranked exactly per result wanted: the 8-bit codes mis-order near ties, the exact pass fixes it."""

TRAIN_POINTS_PER_LIST = 64
"""K-means training sample per cluster (FAISS wants at least 39); more buys little and costs build time."""

APPROXIMATE_CLASS = "IndexRefineFlat"
BASE_CLASS = "IndexIVFScalarQuantizer"
EXACT_CLASS = "IndexFlatIP"


def choose_kind(passage_count: int, setting: str = AUTO, approximate_above: int = APPROXIMATE_ABOVE) -> str:
    """``exact`` or ``approximate`` for an index of ``passage_count`` vectors, given the user's setting.

    An empty index is always exact: there is nothing to train clusters on.
    """
    check_setting(setting)
    if passage_count == 0:
        return EXACT
    if setting != AUTO:
        return setting
    return APPROXIMATE if passage_count > approximate_above else EXACT


def check_setting(setting: str) -> str:
    if setting not in CHOICES:
        from explorer.errors import ExplorerError

        raise ExplorerError(
            f"unknown vector index setting {setting!r}: set EXPLORER_VECTOR_INDEX to one of {', '.join(CHOICES)}"
        )
    return setting


def cluster_count(passage_count: int) -> int:
    """About the square root of the size (search cost ~ NPROBE·√n), never fewer than 39 points per cluster."""
    return max(1, min(round(math.sqrt(passage_count)), passage_count // 39))


def build(vectors: np.ndarray, kind: str, seed: int = 0):
    """A FAISS inner-product index of ``vectors`` (unit length, so scores are cosines)."""
    import faiss

    vectors = np.ascontiguousarray(vectors, dtype=np.float32)
    count, dimension = vectors.shape
    if kind == EXACT:
        index = faiss.IndexFlatIP(dimension)
    elif kind == APPROXIMATE and count:
        lists = cluster_count(count)
        index = faiss.index_factory(dimension, f"IVF{lists},SQ8,RFlat", faiss.METRIC_INNER_PRODUCT)
        ivf = faiss.extract_index_ivf(index)
        ivf.cp.seed = seed
        ivf.cp.min_points_per_centroid = 1  # tiny forced-approximate indexes: no FAISS warning on stderr
        sample = min(count, TRAIN_POINTS_PER_LIST * lists)
        rows = np.sort(np.random.default_rng(seed).choice(count, sample, replace=False))
        index.train(vectors[rows])
        prepare(index)
    else:
        raise ValueError(f"cannot build a {kind!r} index of {count} vectors")
    if count:
        index.add(vectors)
    return index


def kind_of(index) -> str | None:
    """The kind of a loaded FAISS index, or None for anything this explorer does not write."""
    import faiss

    if index.metric_type != faiss.METRIC_INNER_PRODUCT:
        return None
    if isinstance(index, faiss.IndexRefineFlat):
        base = faiss.downcast_index(index.base_index)
        return APPROXIMATE if isinstance(base, faiss.IndexIVFScalarQuantizer) else None
    if isinstance(index, faiss.IndexFlatIP):
        return EXACT
    return None


def describe(index) -> dict:
    """What the manifest records about the index, so a reader can check the file is what was built."""
    import faiss

    kind = kind_of(index)
    if kind == APPROXIMATE:
        ivf = faiss.extract_index_ivf(index)
        return {
            "kind": APPROXIMATE,
            "faiss_class": APPROXIMATE_CLASS,
            "base": BASE_CLASS,
            "codes": "SQ8",
            "lists": int(ivf.nlist),
            "metric": "inner_product",
        }
    return {"kind": kind, "faiss_class": EXACT_CLASS, "metric": "inner_product"}


def matches(index, record: object) -> bool:
    """Whether a loaded FAISS index is the kind (and cluster count) its manifest record says."""
    return isinstance(record, dict) and kind_of(index) is not None and describe(index) == record


def prepare(index):
    """Search settings: not a property of the file, so they follow this code, not the build."""
    import faiss

    if kind_of(index) == APPROXIMATE:
        ivf = faiss.extract_index_ivf(index)
        ivf.nprobe = min(NPROBE, int(ivf.nlist))
        index.k_factor = REFINE_K_FACTOR
    return index


def _flat(index):
    """The ``IndexFlatIP`` holding the float32 vectors in row order."""
    import faiss

    return faiss.downcast_index(index.refine_index) if kind_of(index) == APPROXIMATE else index


def searcher(index, setting: str = AUTO):
    """The index to search: as built, or its exact storage when the user asks for exact answers.

    The exact storage is part of the approximate index, so forcing exact
    search costs time but no memory and no rebuild.
    """
    return _flat(index) if check_setting(setting) == EXACT else index


class _Owner:
    """Shows FAISS memory to numpy, and keeps the index alive while any view of it is."""

    def __init__(self, index, flat, shape: tuple[int, int]) -> None:
        import faiss

        self.index = index
        address = faiss.rev_swig_ptr(flat.get_xb(), 1).__array_interface__["data"][0]
        self.__array_interface__ = {"shape": shape, "typestr": "<f4", "data": (address, True), "version": 3}


def vectors_of(index) -> np.ndarray:
    """All stored vectors, in row order: a read-only view of the index's own memory, not a copy.

    Valid as long as nothing is added to the index; loaded indexes never are.
    """
    flat = _flat(index)
    shape = (int(flat.ntotal), int(flat.d))
    if not flat.ntotal:
        return np.zeros(shape, dtype=np.float32)
    return np.asarray(_Owner(index, flat, shape))


@contextlib.contextmanager
def _one_thread() -> Iterator[None]:
    """FAISS with one OpenMP thread in this thread, restored after.

    FAISS parallelises a search over its questions, so for one question a
    second thread does no work; it only adds a barrier, and on a busy machine
    waiting for that thread to be scheduled cost more than the search itself
    (docs/SCALE.md: 8 ms instead of 0.3 ms). Builds keep every thread.
    """
    import faiss

    previous = faiss.omp_get_max_threads()
    faiss.omp_set_num_threads(1)
    try:
        yield
    finally:
        faiss.omp_set_num_threads(previous)


def search(index, query: np.ndarray, k: int, params=None) -> tuple[np.ndarray, np.ndarray]:
    """Scores and rows of the ``k`` nearest vectors to one question vector (row -1: nothing found)."""
    with _one_thread():
        scores, rows = index.search(np.asarray(query, dtype=np.float32).reshape(1, -1), k, params=params)
    return scores[0], rows[0]


def search_excluding(index, query: np.ndarray, k: int, rows: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Scores and rows of the ``k`` nearest vectors, skipping ``rows`` (e.g. a passage's own article).

    The exclusion happens inside the search, so an approximate index still
    returns ``k`` results from elsewhere instead of k minus the excluded ones.
    """
    import faiss

    inner = faiss.IDSelectorBatch(np.asarray(rows, dtype=np.int64))
    selector = faiss.IDSelectorNot(inner)  # FAISS does not own `inner`: it stays referenced until the search ends
    if kind_of(index) == APPROXIMATE:
        ivf = faiss.extract_index_ivf(index)
        params = faiss.IndexRefineSearchParameters(
            k_factor=float(index.k_factor), base_index_params=faiss.SearchParametersIVF(sel=selector, nprobe=ivf.nprobe)
        )
    else:
        params = faiss.SearchParameters(sel=selector)
    found = search(index, query, k, params)
    del inner
    return found
