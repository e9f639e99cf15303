"""Article overlap (`explorer articles`, the app's Passages page) on BBC News, two ways side by side.

    .venv/bin/python bench/overlap_bench.py             # writes docs/BENCHMARKS.md "Article overlap"
    .venv/bin/python bench/overlap_bench.py --no-write

The overlap of articles A and B is the mean, over A's passages, of the best cosine with a passage of B,
averaged with the same from B's side (:func:`explorer.search.article_similarity_matrix`). Until session
11 it took one Python step per pair of articles (:func:`pair_by_pair`, kept here as the reference):
fine for the seed corpus's 5 articles, 34-76 s for BBC News' 2,127, on every render of the Passages
page. Now the passages are sorted by article once and each block of passages meets all the others in
one matrix product and one ``maximum.reduceat``. Both are timed on the same vectors, interleaved,
median of ``--repeats``, and checked to agree. The most overlapping pairs are picked the old way
(every pair as a Python tuple, sorted) and the new (:func:`explorer.search.top_article_pairs`).

Data: BBC News (``../shared/data/bbc_news/``) split as the product splits it, embedded once with the
product's model and cached (``bench/themes_data.py``); a subset of the first articles for the smaller size.
Then, for collections above ``search.ARTICLE_MATRIX_LIMIT`` articles, the most overlapping pairs without the
matrix (:func:`explorer.search.nearest_article_pairs`) on seeded random vectors of ``--large`` passages.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import bench_parser, median, publish  # noqa: E402
from bench.themes_data import bbc_passages  # noqa: E402
from explorer.search import article_similarity_matrix, nearest_article_pairs, top_article_pairs  # noqa: E402

COMMAND = ".venv/bin/python bench/overlap_bench.py"


def pair_by_pair(vectors: np.ndarray, article_ids: np.ndarray) -> tuple[list[str], np.ndarray]:
    """The overlap as computed until session 11: one Python step per pair of articles."""
    names = sorted(set(article_ids.tolist()))
    members = [np.flatnonzero(article_ids == name) for name in names]
    best = np.zeros((len(names), len(names)), dtype=np.float32)
    for a, rows_a in enumerate(members):
        similarities = vectors[rows_a] @ vectors.T
        for b, rows_b in enumerate(members):
            best[a, b] = similarities[:, rows_b].max(axis=1).mean()
    matrix = (best + best.T) / 2
    np.fill_diagonal(matrix, 1.0)
    return names, matrix


def sorted_pairs(names: list[str], matrix: np.ndarray, limit: int) -> list[tuple[float, str, str]]:
    """The most overlapping pairs as picked until session 11: every pair a tuple, all sorted."""
    size = len(names)
    pairs = sorted(
        ((float(matrix[i, j]), names[i], names[j]) for i in range(size) for j in range(i + 1, size)), reverse=True
    )
    return pairs[:limit]


def seconds(function, *args) -> tuple[object, float]:
    start = time.perf_counter()
    result = function(*args)
    return result, time.perf_counter() - start


def measure(vectors: np.ndarray, article_ids: np.ndarray, repeats: int) -> dict:
    before, now, picked_before, picked_now = [], [], [], []
    for _ in range(repeats):  # interleaved, so both ways meet the same moments of a noisy machine
        (names_old, old), took_old = seconds(pair_by_pair, vectors, article_ids)
        (names, matrix), took_new = seconds(article_similarity_matrix, vectors, article_ids)
        before.append(took_old)
        now.append(took_new)
        _, took = seconds(sorted_pairs, names, matrix, 200)
        picked_before.append(took)
        _, took = seconds(top_article_pairs, names, matrix, 200)
        picked_now.append(took)
    assert names_old == names and float(np.abs(old - matrix).max()) < 1e-5, "the two ways disagree"
    return {
        "articles": len(names),
        "passages": len(vectors),
        "before": median(before),
        "now": median(now),
        "largest_difference": float(np.abs(old - matrix).max()),
        "pairs_before": median(picked_before),
        "pairs_now": median(picked_now),
    }


def synthetic_pairs(passages: int, per_article: int = 5, seed: int = 0) -> dict:
    """The 200 most overlapping pairs of a collection too large for the whole matrix: seeded random
    unit vectors (the cost does not depend on what passages say), ``per_article`` passages each."""
    import resource

    rng = np.random.default_rng(seed)
    vectors = rng.standard_normal((passages, 384)).astype(np.float32)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    article_ids = np.array([f"a{row // per_article:07d}" for row in range(passages)], dtype=object)
    pairs, took = seconds(nearest_article_pairs, vectors, article_ids, 200)
    articles = passages // per_article
    return {
        "passages": passages,
        "articles": articles,
        "seconds": took,
        "pairs": len(pairs),
        "matrix_gb": articles * articles * 4 / 2**30,
        "peak_gb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 2**20,
    }


def report(rows: list[dict], repeats: int, large: list[dict]) -> list[str]:
    lines = [
        f"Command: `{COMMAND}`. BBC News passages embedded with the product's model; median of {repeats}, "
        "the two ways interleaved in one run on this 2-core machine.",
        "",
        "| articles (passages) | overlap, a step per pair (before) | overlap, sorted blocks (now) | ratio "
        "| largest difference | 200 top pairs, all sorted (before) | 200 top pairs, selected (now) |",
        "|---|---|---|---|---|---|---|",
    ]
    for row in rows:
        lines.append(
            f"| {row['articles']:,} ({row['passages']:,}) | {row['before']:.2f} s | {row['now']:.2f} s | "
            f"{row['before'] / row['now']:.0f}x | {row['largest_difference']:.1e} | {row['pairs_before']:.2f} s | "
            f"{row['pairs_now']:.3f} s |"
        )
    lines += [
        "",
        "The loaded index keeps the matrix once computed (`Explorer.article_similarity`), so the Passages page "
        "pays it once per index, not per render. Above 20,000 passages (`search.ARTICLE_MAXSIM_LIMIT`) the "
        "matrix is the cosine of article centroids.",
        "",
        "Above 5,000 articles (`search.ARTICLE_MATRIX_LIMIT`) there is no whole matrix: the 200 most overlapping "
        "pairs come from each article's 10 nearest article centroids, the best candidates scored from their "
        "passages (`search.nearest_article_pairs`). Synthetic, seeded, 5 passages per article, one run:",
        "",
        "| passages (articles) | 200 top pairs | the whole matrix would need | peak memory of the process |",
        "|---|---|---|---|",
    ]
    for row in large:
        lines.append(
            f"| {row['passages']:,} ({row['articles']:,}) | {row['seconds']:.1f} s | {row['matrix_gb']:.1f} GB "
            f"| {row['peak_gb']:.1f} GB |"
        )
    return lines


def main() -> None:
    parser = bench_parser(__doc__)
    parser.add_argument("--subset", type=int, default=500, help="articles in the smaller size (default 500)")
    parser.add_argument(
        "--large", type=int, nargs="*", default=[100_000, 1_000_000], help="synthetic passage counts for top pairs"
    )
    args = parser.parse_args()
    bbc = bbc_passages()
    article_ids = np.array(bbc.article_ids, dtype=object)
    vectors = np.asarray(bbc.vectors, dtype=np.float32)
    first = list(dict.fromkeys(bbc.article_ids))[: args.subset]
    subset = np.isin(article_ids, first)
    rows = [
        measure(vectors[subset], article_ids[subset], args.repeats),
        measure(vectors, article_ids, args.repeats),
    ]
    for row in rows:
        print(row, flush=True)
    large = [synthetic_pairs(size) for size in args.large]
    publish("Article overlap", report(rows, args.repeats, large), write=not args.no_write)


if __name__ == "__main__":
    main()
