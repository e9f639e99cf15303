"""What one Themes-page view costs at scale, and theme centres summed two ways, side by side.

    .venv/bin/python bench/theme_views_bench.py      # 100k, 300k and 1M passages; writes docs/BENCHMARKS.md
    .venv/bin/python bench/theme_views_bench.py --sizes 30000 --no-write

A view is :func:`explorer.theme_payload.themes_from_payload` at one level of the hierarchy, with or
without "assign outliers" (each unassigned passage joins the theme whose centre is nearest, which sums
every passage's vector per theme). The Explorer keeps the latest views per loaded index
(``THEME_VIEWS_KEPT``), so the page's list, its theme x article chart and the map share one.

The cost does not depend on what the passages say, so the data are synthetic and seeded: random unit
vectors of 384 dimensions, 170 themes (what the 1M build made), 3% of passages unassigned, a merge tree
over the themes. Per size, medians of ``--repeats``, each pair interleaved: the centre sums by
``np.add.at`` (the code until session 10) and by :func:`explorer.theme_features.group_sums` (now); a
plain view with a scan of every passage per theme (until session 11, :func:`scanned_view`) and as
built now; and a view with assigned outliers, at the finest level and at 40 themes.
"""

from __future__ import annotations

import functools
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import bench_parser, median, publish  # noqa: E402
from explorer.records import Passage, Theme  # noqa: E402
from explorer.theme_features import group_sums  # noqa: E402
from explorer.theme_payload import assignments_at, themes_from_payload  # noqa: E402

THEMES = 170
UNASSIGNED_SHARE = 0.03
DIMENSIONS = 384
COMMAND = ".venv/bin/python bench/theme_views_bench.py"


def synthetic(size: int, seed: int = 0) -> tuple[dict, list[Passage], np.ndarray]:
    rng = np.random.default_rng(seed)
    vectors = rng.standard_normal((size, DIMENSIONS)).astype(np.float32)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    assignments = rng.integers(0, THEMES, size)
    assignments[rng.random(size) < UNASSIGNED_SHARE] = -1
    passages = [Passage(f"a{i // 10}:{i % 10:03d}", f"a{i // 10}", "title", "text", 0, 4) for i in range(size)]
    merges, alive, node = [], list(range(THEMES)), THEMES
    while len(alive) > 1:
        a, b = alive.pop(0), alive.pop(0)
        merges.append({"node_id": node, "children": [a, b], "label": "node", "keywords": []})
        alive.append(node)
        node += 1
    payload = {
        "assignments": assignments.tolist(),
        "themes": [  # a build stores each theme's 3 most representative passages; merged themes find theirs
            {"theme_id": t, "label": "theme", "keywords": [], "representative_ids": [passages[t].passage_id]}
            for t in range(THEMES)
        ],
        "hierarchy": merges,
        "leaf_count": THEMES,
    }
    return payload, passages, vectors


def scanned_view(payload: dict, passages: list[Passage], n_themes: int | None) -> list[Theme]:
    """A view as session 10 built it, for the side-by-side: the same cut, then one scan of every
    passage per theme (numbering, members, articles), where :func:`themes_from_payload` now sorts once."""
    leaves, _ = assignments_at(payload, n_themes)  # the cut itself (a merge tree walk) did not change
    live = [int(node) for node in np.unique(leaves[leaves >= 0])]
    sizes = {node: int(np.sum(leaves == node)) for node in live}
    first = {node: int(np.flatnonzero(leaves == node)[0]) for node in live}
    number = {node: i for i, node in enumerate(sorted(live, key=lambda node: (-sizes[node], first[node])))}
    assignments = np.array([number.get(int(node), -1) for node in leaves], dtype=int)
    themes = []
    for theme in [*sorted(number.values()), -1]:
        members = [passages[i] for i in np.flatnonzero(assignments == theme)]
        themes.append(Theme(theme, "theme", [], members, sorted({p.article_id for p in members})))
    return themes


def timed(function, repeats: int) -> float:
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        function()
        times.append(time.perf_counter() - start)
    return median(times)


def measure(size: int, repeats: int) -> dict:
    payload, passages, vectors = synthetic(size)
    theme_of = np.asarray(payload["assignments"])
    rows = np.flatnonzero(theme_of >= 0)

    def add_at() -> None:
        sums = np.zeros((THEMES, DIMENSIONS))
        np.add.at(sums, theme_of[rows], vectors[rows])

    result = {"size": size}
    # Interleaved, so both ways see the same moment of a noisy machine.
    pairs = [
        (timed(add_at, 1), timed(lambda: group_sums(vectors, rows, theme_of[rows], THEMES), 1)) for _ in range(repeats)
    ]
    result["add_at"] = median([a for a, _ in pairs])
    result["group_sums"] = median([b for _, b in pairs])
    views = [
        (timed(functools.partial(scanned_view, payload, passages, None), 1), timed(functools.partial(view, None), 1))
        for view in [functools.partial(themes_from_payload, payload, passages, vectors)]
        for _ in range(repeats)
    ]
    result["scanned_view"] = median([a for a, _ in views])
    result["view"] = median([b for _, b in views])
    for name, level, assign in (("view_assigned", None, True), ("coarser_assigned", 40, True)):
        result[name] = timed(functools.partial(themes_from_payload, payload, passages, vectors, level, assign), repeats)
    return result


def report(rows: list[dict], repeats: int) -> list[str]:
    lines = [
        f"Command: `{COMMAND}`. Synthetic seeded payloads ({THEMES} themes, {UNASSIGNED_SHARE:.0%} unassigned, "
        f"{DIMENSIONS} dimensions), median of {repeats}; one run, same machine.",
        "",
        "| passages | centre sums, np.add.at (before) | centre sums, group_sums (now) | ratio "
        "| view, a scan per theme (before) | view, one sort (now) | ratio "
        "| view, outliers assigned | 40 themes, outliers assigned |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for row in rows:
        lines.append(
            f"| {row['size']:,} | {row['add_at']:.2f} s | {row['group_sums']:.2f} s | "
            f"{row['add_at'] / row['group_sums']:.0f}x | {row['scanned_view']:.2f} s | {row['view']:.2f} s | "
            f"{row['scanned_view'] / row['view']:.1f}x | {row['view_assigned']:.2f} s | "
            f"{row['coarser_assigned']:.2f} s |"
        )
    lines += [
        "",
        "A view is built once per loaded index and level (`Explorer.themes`, `THEME_VIEWS_KEPT`); until session 10 "
        "the Themes page built it twice per render (list and chart) and summed the centres with `np.add.at`. "
        "Until session 11 a view scanned every passage once per theme (the *before* view column); now it sorts "
        "the passages by theme once, and `Explorer.passage_themes` reads the same kept view.",
    ]
    return lines


def main() -> None:
    parser = bench_parser(__doc__)
    parser.add_argument("--sizes", type=int, nargs="+", default=[100_000, 300_000, 1_000_000])
    args = parser.parse_args()
    rows = []
    for size in args.sizes:
        rows.append(measure(size, args.repeats))
        print(rows[-1], flush=True)
    publish("Theme views", report(rows, args.repeats), write=not args.no_write)


if __name__ == "__main__":
    main()
