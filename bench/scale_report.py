"""The "Scale" section of docs/BENCHMARKS.md, from the results of bench/scale_bench.py."""

from __future__ import annotations

import os

MODES = ("dense", "hybrid")
KINDS = ("exact", "approximate")
SEARCHERS = (
    "FAISS exact",
    "FAISS approximate",
    "semantic_search",
    "FAISS exact, all threads",
    "FAISS approximate, all threads",
)


def _cells(result: dict, nprobe: int) -> dict[str, str]:
    """One column of the main table: label -> formatted figure for one size."""
    ask, search = result["measure"]["ask"], result["measure"]["search"]
    prepared, rss = result["prepare"], result["rss"]
    cells = {"**`Explorer.query`, k=10**: question embedding, search, fusion, highlights": ""}
    for mode in MODES:
        for kind in KINDS:
            figures = ask[f"{kind} {mode}"]
            cells[f"{mode}, {kind} index: p50 / p95 ms"] = f"{figures['p50_ms']:.0f} / {figures['p95_ms']:.0f}"
    for mode in MODES:
        slower = ask[f"exact {mode}"]["p50_ms"] / ask[f"approximate {mode}"]["p50_ms"]
        cells[f"{mode}: exact p50 ÷ approximate p50"] = f"{slower:.2f}×"
    for mode in MODES:
        shared = result["measure"]["ask_top10_agreement"][mode]
        cells[f"{mode}: answers' top 10 shared, approximate vs exact"] = f"{shared:.3f}"
    cells["**Search only**: one question vector, top 10"] = ""
    for name in SEARCHERS:
        if name not in search:
            continue
        cells[f"{name}: p50 / p95 ms"] = f"{search[name]['p50_ms']:.2f} / {search[name]['p95_ms']:.2f}"
    cells["semantic_search p50 ÷ FAISS exact p50"] = (
        f"{search['semantic_search']['p50_ms'] / search['FAISS exact']['p50_ms']:.1f}×"
    )
    cells["semantic_search p50 ÷ FAISS approximate p50"] = (
        f"{search['semantic_search']['p50_ms'] / search['FAISS approximate']['p50_ms']:.0f}×"
    )
    cells["semantic_search top 10 shared with FAISS exact"] = (
        f"{result['measure']['search_agreement']['semantic_search']:.3f}"
    )
    cells["**Recall@10, approximate vs exact** (200 questions)"] = f"**{prepared['recall_at_10']:.3f}**"
    cells["recall@10 when asking for 100 candidates, as the facade does"] = f"{prepared['recall_at_10_of_100']:.3f}"
    cells[f"IVF clusters (nprobe {nprobe} searched)"] = f"{prepared['lists']:,}"
    cells["**Build, s** (one build each)"] = ""
    cells["exact `IndexFlatIP`"] = f"{prepared['exact_build_s']:.2f}"
    cells["approximate: k-means, 8-bit codes, float32 store"] = f"{prepared['approximate_build_s']:.1f}"
    cells["BM25 keyword index (bm25s), for context"] = f"{prepared['bm25_build_s']:.1f}"
    cells["**Resident memory, GB** added by loading into a fresh process"] = ""
    cells["exact index"] = f"{rss['exact']['added_gb']:.2f}"
    cells["approximate index, with the facade's `vectors` view"] = f"**{rss['approximate']['added_gb']:.2f}**"
    cells["the matrix semantic_search needs (numpy/torch)"] = f"{rss['matrix']['added_gb']:.2f}"
    cells["whole index directory (FAISS, passages, BM25)"] = f"{rss['index']['added_gb']:.2f}"
    cells["whole facade process after the questions (with the model)"] = f"{result['measure']['process_rss_gb']:.2f}"
    hnsw = prepared.get("hnsw")
    if hnsw:
        cells["**Not chosen: HNSW** (`IndexHNSWFlat`, M 32, efConstruction 40)"] = ""
        cells["HNSW build, s"] = f"{hnsw['build_s']:.1f}"
        for ef in (128, 512):
            cells[f"HNSW efSearch {ef}: recall@10 / p50 ms"] = (
                f"{hnsw[f'ef{ef}']['recall']:.3f} / {hnsw[f'ef{ef}']['p50_ms']:.2f}"
            )
    return cells


def _main_table(results: list[dict], nprobe: int) -> str:
    columns = [_cells(result, nprobe) for result in results]
    labels = list(dict.fromkeys(label for column in columns for label in column))
    lines = ["| | " + " | ".join(f"{r['size']:,} passages" for r in results) + " |", "|---|" + "---:|" * len(results)]
    lines += [f"| {label} | " + " | ".join(column.get(label, "-") for column in columns) + " |" for label in labels]
    return "\n".join(lines)


def _probe_table(result: dict) -> str:
    rows = [f"| {n} | {v['recall']:.3f} | {v['p50_ms']:.2f} |" for n, v in result["prepare"]["nprobe"].items()]
    return (
        f"### Clusters searched (nprobe) at {result['size']:,} passages\n\n"
        "Search only, 200 questions for recall, 40 for time.\n\n"
        "| nprobe | recall@10 | p50 ms |\n|---:|---:|---:|\n" + "\n".join(rows)
    )


def _sweep_table(rows: list[dict]) -> str:
    lines = [
        f"| {s['size']:,} | {s['exact_ms']:.2f} | {s['approximate_ms']:.2f} | {s['build_s']:.1f} | {s['recall']:.3f} |"
        for s in rows
    ]
    return (
        "### Where to switch\n\n"
        "Search only, one question at a time, median of 40; prefixes of the largest set.\n\n"
        "| passages | exact ms | approximate ms | approximate build s | recall@10 |\n|---:|---:|---:|---:|---:|\n"
        + "\n".join(lines)
    )


def _structure(results: list[dict]) -> str:
    parts = []
    for result in results:
        structure = result["prepare"]["structure"]
        text = (
            f"{result['size']:,}: {structure['distinct_sources_in_top10']:.1f} distinct source passages in a "
            f"question's exact top 10, 10th cosine {structure['tenth_cosine']:.2f}"
        )
        if structure["copy_to_source_cosine"] is not None:
            text += f", copies at cosine {structure['copy_to_source_cosine']:.2f} to their source"
        parts.append(text)
    return "; ".join(parts)


def report(results: list[dict], meta: dict, sigma: float, timed: int, command: str, seconds: float, nprobe: int) -> str:
    sweep = next((r["prepare"]["sweep"] for r in results if r["prepare"].get("sweep")), [])
    extra = "\n\n".join([_probe_table(results[-1])] + ([_sweep_table(sweep)] if sweep else []))
    base_articles = meta["articles"] - meta["held_out_articles"]
    return f"""Command: `{command}` (one run, {seconds / 60:.0f} min; design and reasons in docs/SCALE.md).
Machine: {os.cpu_count()} cores shared with other work (load average {os.getloadavg()[0]:.1f} at the end), so
read the ratios: what is compared ran side by side in one process, interleaved question by question.

**Data.** {len(meta["texts"]):,} BBC News passages from {base_articles:,} articles, embedded with the product's
model, are the base; a set of N passages is the base followed by noisy copies (each vector plus Gaussian noise,
σ = {sigma} per dimension, renormalised; a copy keeps its source's text for BM25 and sits in a copy of its
article). σ puts a copy about as far from its source as a real passage is from its nearest real neighbour
(median cosine {meta["nearest_real_cosine"]:.2f} in the base), so a question's top 10 mixes several sources instead
of ten copies of one: {_structure(results)}. Questions: the first sentence of {len(meta["questions"])} passages
from {meta["held_out_articles"]} held-out BBC articles (never indexed), embedded once with the real model for
recall; {timed} of them also go through `Explorer.query`, which embeds them again as it does for users.

**What was timed.** `Explorer.query(question, k=10, mode)` on a real index directory written by
`store.write_index` (approximate kind, BM25 included) and loaded by the facade: question embedding, FAISS
search for 100 candidates, BM25 and fusion in hybrid mode, sentence highlights for the top 5. "exact" is the
same loaded index with `Settings.vector_index="exact"`, which searches the approximate index's own float32
store exhaustively, so both share one process, one set of passages and one BM25 index. The search-only rows
time one question vector against the same vectors: FAISS through the product's search call (one OpenMP thread
per question, see docs/SCALE.md; the "all threads" rows call FAISS with its default of every core instead)
and `sentence_transformers.util.semantic_search(query, matrix, top_k=10)` over a torch view of the same
float32 matrix (torch's default threads), the obvious alternative a user would write.

{_main_table(results, nprobe)}

{extra}
"""
