"""Themes on short news items: our ThemeModel against BERTopic, same embeddings, one run.

    .venv/bin/python bench/short_items_bench.py

The main themes benchmark (bench/themes_bench.py) cuts whole BBC News articles into
paragraphs. Collections of wire-style items (a headline and a sentence or two, as in
AG News) are the other common shape of news data, and the themes must work there with
the same default settings. Here every BBC News article becomes one item, its headline
and first two sentences (``themes_data.bbc_short_items``), and both models fit it with
the metrics of the main benchmark. Both fit in this one process, taking turns, so the
fit times are indicative; bench/themes_bench.py times them properly.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
import warnings
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from themes_bench import MODEL_NAMES, fit_bertopic, fit_ours, score, table  # noqa: E402
from themes_data import bbc_short_items  # noqa: E402
from themes_metrics import Cooccurrence  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeats", type=int, default=3, help="fits per model, taking turns; median time reported")
    parser.add_argument("--sentences", type=int, default=2, help="sentences of each article after its headline")
    args = parser.parse_args()
    warnings.filterwarnings("ignore")

    items = bbc_short_items(sentences=args.sentences)
    print(f"BBC News as short items: {len(items.texts)} items, 5 categories", flush=True)
    corpus = Cooccurrence(items.texts)
    fits = {"ours": fit_ours, "bertopic": fit_bertopic}
    fit_ours(items)  # warm-ups: the keyphrase model loads, UMAP's numba code compiles
    fit_bertopic(items)
    seconds: dict[str, list[float]] = {name: [] for name in fits}
    outcome = {}
    for _ in range(args.repeats):
        for name, fit in fits.items():
            started = time.perf_counter()
            labels, topics, _model = fit(items)
            seconds[name].append(time.perf_counter() - started)
            outcome[name] = (labels, topics)
    rows = [
        score(model_name, items, *outcome[name], corpus) | {"seconds": statistics.median(seconds[name])}
        for model_name, name in zip(MODEL_NAMES, fits)
    ]
    print("\n".join(table(rows)))


if __name__ == "__main__":
    main()
