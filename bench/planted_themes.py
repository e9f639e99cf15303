"""Themes against sub-themes planted paragraph by paragraph, in collections on one subject each.

    .venv/bin/python bench/planted_themes.py             # prints, and updates docs/BENCHMARKS.md
    .venv/bin/python bench/planted_themes.py --no-write  # prints only

BBC News (bench/themes_bench.py) tells categories apart that share few words; the seed corpus has five
articles and three hand-picked sets of ten passages. Neither is the usual analyst's folder: many
articles on one subject, each mostly about one or two of its sub-themes, the same names everywhere.
``bench/planted/`` holds two such collections, written for outside checks (bench/planted/README.md):
12 articles on Lisbon's housing and transport (69 paragraphs, 5 sub-themes) and 12 on a country's
drought (80 paragraphs, 5 sub-themes), every paragraph tagged with its sub-theme or OTHER.

Each collection is written out as .txt files, indexed by the product (``Explorer.build``, the real
model), and its default themes are scored against the tags: NMI over the tagged paragraphs, and for
each planted sub-theme the F1 of the theme that recovers it best (their mean). Beside them, in the same
run: the same fit with every article's mean removed (``article_centring=1``, what the product did to
such collections until session 25), and k-means with as many clusters as planted sub-themes on the
plain vectors (a naive baseline that is told the answer's size).
"""

from __future__ import annotations

import json
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from sklearn.cluster import KMeans
from sklearn.metrics import normalized_mutual_info_score

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import bench_parser, publish  # noqa: E402
from bench.themes_bench import best_match, encode_keyphrases  # noqa: E402
from explorer.explorer import Explorer  # noqa: E402
from explorer.settings import Settings  # noqa: E402
from explorer.themes import UNASSIGNED, ThemeModel  # noqa: E402

PLANTED = Path(__file__).resolve().parent / "planted"
COLLECTIONS = ("lisbon", "drought")
NOT_PLANTED = "OTHER"


@dataclass
class PlantedCollection:
    """An indexed planted collection: its passages' tags ("" where a passage holds no tagged paragraph
    alone), vectors, texts and articles, in the index's row order."""

    name: str
    tags: list[str]
    vectors: np.ndarray
    texts: list[str]
    article_ids: list[str]
    explorer: Explorer


def write_collection(name: str, folder: Path) -> list[dict]:
    """The collection's paragraphs; its articles written to ``folder`` as .txt (title, blank line,
    paragraphs separated by blank lines)."""
    paragraphs = [json.loads(line) for line in (PLANTED / f"{name}.jsonl").read_text(encoding="utf-8").splitlines()]
    articles: dict[str, list[dict]] = {}
    for paragraph in paragraphs:
        articles.setdefault(paragraph["article_id"], []).append(paragraph)
    folder.mkdir(parents=True, exist_ok=True)
    for article_id, parts in articles.items():
        body = "\n\n".join(part["text"] for part in sorted(parts, key=lambda part: part["para"]))
        (folder / f"{article_id}.txt").write_text(f"{parts[0]['title']}\n\n{body}\n", encoding="utf-8")
    return paragraphs


def index_collection(name: str, workdir: Path, embedder=None) -> PlantedCollection:
    """Write, index (the product's build, default settings) and tag one planted collection."""
    paragraphs = write_collection(name, workdir / name)
    explorer = Explorer(Settings.from_env(index_dir=workdir / f"{name}-index", corpus_path=workdir / name), embedder)
    explorer.build()
    passages = explorer.passages()
    tags = []
    for passage in passages:
        held = {p["theme"] for p in paragraphs if p["article_id"] == passage.article_id and p["text"] in passage.text}
        tags.append(held.pop() if len(held) == 1 else "")
    vectors = np.asarray(explorer.index.vectors, dtype=np.float32)
    texts = [p.text for p in passages]
    return PlantedCollection(name, tags, vectors, texts, [p.article_id for p in passages], explorer)


def scores(collection: PlantedCollection, labels: np.ndarray) -> tuple[float, float, list[float]]:
    """(NMI over the tagged passages, mean best-theme F1 over the planted sub-themes, each one's F1)."""
    labels = np.asarray(labels)
    tagged = [row for row, tag in enumerate(collection.tags) if tag]
    nmi = normalized_mutual_info_score([collection.tags[row] for row in tagged], labels[tagged])
    planted = sorted(set(collection.tags) - {"", NOT_PLANTED})
    f1s = [best_match({row for row, t in enumerate(collection.tags) if t == tag}, labels)[0] for tag in planted]
    return float(nmi), float(np.mean(f1s)), f1s


def compared(collection: PlantedCollection) -> list[tuple[str, np.ndarray]]:
    """The product's themes and the two comparisons, by name."""
    full_centring = ThemeModel(article_centring=1.0, random_state=0, encode=encode_keyphrases).fit(
        collection.vectors, collection.texts, collection.article_ids
    )
    planted = len(set(collection.tags) - {"", NOT_PLANTED})
    kmeans = KMeans(planted, n_init=10, random_state=0).fit_predict(collection.vectors)
    return [
        ("product (default settings)", collection.explorer.passage_themes()),
        ("every article's mean removed", full_centring.labels_),
        (f"k-means, {planted} clusters (told the number)", kmeans),
    ]


def main() -> None:
    args = bench_parser(__doc__.split("\n\n")[0]).parse_args()
    lines = [
        "Command: `.venv/bin/python bench/planted_themes.py` (one run, the real model; collections in",
        "`bench/planted/`). NMI over the tagged paragraphs; F1: for each planted sub-theme, the theme that",
        "recovers it best, then their mean (per sub-theme in brackets).",
        "",
        "| collection | themes | NMI | mean best-theme F1 |",
        "|---|---|---|---|",
    ]
    labels_of: dict[str, list[str]] = {}
    with tempfile.TemporaryDirectory() as workdir:
        for name in COLLECTIONS:
            collection = index_collection(name, Path(workdir))
            for method, labels in compared(collection):
                nmi, mean_f1, f1s = scores(collection, labels)
                each = " ".join(f"{f1:.2f}" for f1 in f1s)
                lines.append(f"| {name} | {method} | {nmi:.3f} | {mean_f1:.3f} ({each}) |")
            themes = collection.explorer.themes()
            labels_of[name] = [f"{t.label} ({t.size})" for t in themes if t.theme_id != UNASSIGNED]
    lines.append("")
    lines += [f"- {name}, the product's labels (passages): " + "; ".join(labels) for name, labels in labels_of.items()]
    publish("Themes: planted sub-themes on one subject", lines, not args.no_write)


if __name__ == "__main__":
    main()
