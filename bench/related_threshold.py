"""Where `related` should say its matches are weak: the closest paragraph of another article, by cosine.

    .venv/bin/python bench/related_threshold.py            # writes docs/BENCHMARKS.md "Related: weak matches"
    .venv/bin/python bench/related_threshold.py --no-write

`explorer related` always returns the k nearest paragraphs of other articles, close or not. In a small
folder the nearest can be about something else (an outside check on 40 BBC News articles: a fight on stage
"related" to a ballet story and to football managers, at cosine 0.30). This measures how often the nearest
paragraph of another article is at least on the same broad subject, by how close it is: BBC News
categories stand in for "the same subject" (a loose test: a same-category neighbour may still be another
story, so the shares are an upper bound of how often it is related). Collections of the size people load:
``--subsets`` seeded random sets of ``--articles`` BBC News articles, each passage's nearest paragraph in
another article of its set. ``records.RELATED_MIN_SIMILARITY`` is read off this table.
"""

from __future__ import annotations

import random
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import bench_parser, publish  # noqa: E402
from bench.themes_data import bbc_passages  # noqa: E402
from explorer.records import RELATED_MIN_SIMILARITY  # noqa: E402
from explorer.search import rows_by_article  # noqa: E402

COMMAND = ".venv/bin/python bench/related_threshold.py"
BINS = (0.0, 0.3, 0.35, 0.4, 0.45, 0.5, 0.6, 0.7, 1.01)


def nearest_elsewhere(vectors: np.ndarray, articles: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """For each row, the cosine of its nearest row in another article, and that row."""
    scores = vectors @ vectors.T
    scores[articles[:, None] == articles[None, :]] = -np.inf
    nearest = np.argmax(scores, axis=1)
    return scores[np.arange(len(vectors)), nearest], nearest


def main() -> None:
    parser = bench_parser(__doc__.split("\n\n")[0], repeats=1)
    parser.add_argument("--subsets", type=int, default=20, help="random collections (default 20)")
    parser.add_argument("--articles", type=int, default=40, help="articles per collection (default 40)")
    args = parser.parse_args()
    data = bbc_passages()
    vectors = data.vectors / np.linalg.norm(data.vectors, axis=1, keepdims=True)
    article_ids = np.array(data.article_ids)
    labels = np.array(data.labels)
    rows_of = rows_by_article(article_ids)
    rng = random.Random(0)
    cosines, same = [], []
    for _ in range(args.subsets):
        chosen = rng.sample(sorted(rows_of), args.articles)
        rows = np.concatenate([rows_of[article] for article in chosen])
        best, nearest = nearest_elsewhere(vectors[rows], article_ids[rows])
        cosines.append(best)
        same.append(labels[rows] == labels[rows][nearest])
    cosine, agree = np.concatenate(cosines), np.concatenate(same)
    lines = [
        f"`{COMMAND}`: {args.subsets} random sets of {args.articles} BBC News articles (seed 0), "
        f"{len(cosine):,} passages, each with its nearest paragraph in another article of its set.",
        "",
        "| cosine of the nearest | passages | share | nearest in the same category |",
        "|---|---|---|---|",
    ]
    for low, high in zip(BINS, BINS[1:]):
        inside = (cosine >= low) & (cosine < high)
        if inside.any():
            share, agreeing = inside.mean(), agree[inside].mean()
            lines.append(f"| {low:.2f}-{min(high, 1.0):.2f} | {int(inside.sum()):,} | {share:.0%} | {agreeing:.0%} |")
    weak = cosine < RELATED_MIN_SIMILARITY
    lines += [
        "",
        f"Below `records.RELATED_MIN_SIMILARITY` = {RELATED_MIN_SIMILARITY} (`related` notes weak matches): "
        f"{weak.mean():.0%} of passages, nearest in the same category {agree[weak].mean():.0%}; "
        f"at or above it {agree[~weak].mean():.0%}. Five categories of unequal size: two random passages share "
        f"one {sum(share**2 for share in np.unique(labels, return_counts=True)[1] / len(labels)):.0%} of the time.",
    ]
    publish("Related: weak matches", lines, not args.no_write)


if __name__ == "__main__":
    main()
