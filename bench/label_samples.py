"""Theme labels on collections the size an analyst brings: BBC News subsets, for a reader to judge.

    .venv/bin/python bench/label_samples.py [--json FILE]

The metrics of bench/themes_bench.py score the whole of BBC News; a label's faults ("Zealand" for New
Zealand, "Iraq, Iraqi", a surname in lower case) show on the small folders people load, and only a
reader sees them. This fits the product's default ThemeModel (with its encoder, as `explorer build`
does) on 13 fixed subsets of BBC News articles, drawn with a fixed seed: six mixed sets of 30 articles,
60 articles of each category, and 300 mixed, and prints each theme's size, label and first keywords.
``--json`` also writes them, to compare two versions of the code (``diff`` of two runs).
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import warnings
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from themes_bench import encode_keyphrases  # noqa: E402
from themes_data import Collection, bbc_passages  # noqa: E402

from explorer.search import rows_by_article  # noqa: E402
from explorer.themes import ThemeModel  # noqa: E402

SUBSET_SEED = 7
SHOWN_KEYWORDS = 8


def subsets(data: Collection) -> list[tuple[str, list[str]]]:
    """(name, article ids): six mixed sets of 30, 60 of each category, 300 mixed; the same on every run."""
    articles = sorted(set(data.article_ids))
    category = dict(zip(data.article_ids, data.labels))
    rng = random.Random(SUBSET_SEED)
    chosen = [(f"mixed{number}", rng.sample(articles, 30)) for number in range(6)]
    for name in sorted(set(category.values())):
        chosen.append((f"{name}60", rng.sample([a for a in articles if category[a] == name], 60)))
    chosen.append(("mixed300", rng.sample(articles, 300)))
    return chosen


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--json", type=Path, help="also write the labels and keywords here")
    args = parser.parse_args()
    warnings.filterwarnings("ignore")
    data = bbc_passages()
    rows_of = rows_by_article(np.asarray(data.article_ids))
    report: dict[str, list[dict]] = {}
    for name, articles in subsets(data):
        rows = np.concatenate([rows_of[article] for article in sorted(articles)])
        model = ThemeModel(random_state=0, encode=encode_keyphrases).fit(
            data.vectors[rows], [data.texts[i] for i in rows], [data.article_ids[i] for i in rows]
        )
        themes = [
            {
                "size": int((model.labels_ == theme).sum()),
                "label": model.label_texts_[theme],
                "keywords": model.keyword_texts_[theme][:SHOWN_KEYWORDS],
            }
            for theme in sorted(model.label_texts_)
        ]
        report[name] = themes
        print(f"## {name} ({len(articles)} articles, {len(rows)} passages)")
        for theme in themes:
            print(f"  [{theme['size']:3d}] {theme['label']}  | {', '.join(theme['keywords'])}", flush=True)
    if args.json:
        args.json.write_text(json.dumps(report, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
