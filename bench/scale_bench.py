"""Scale: exact vs approximate FAISS index at 10k, 100k and 1M passages, through the facade.

    .venv/bin/python bench/scale_bench.py              # ~6-10 min, peak ~7 GB RAM; writes docs/BENCHMARKS.md "## Scale"
    .venv/bin/python bench/scale_bench.py --sizes 10000 100000 --no-write   # a few minutes, printed only

Data (bench/scale_data.py): BBC News passages embedded with the product's
model, held-out questions, and noisy copies of the passages up to each size.

Each size runs in child processes, so memory is measured cleanly and nothing
stays resident between sizes: ``--prepare`` generates the set, times the index
builds, measures recall and writes a real index directory (store.write_index,
approximate kind, with BM25); ``--rss`` loads one structure into a fresh
process and reports what it added to the resident set; ``--measure`` loads
the index with the real facade and times ``Explorer.query`` with the vector
index forced exact or approximate (exact search runs over the approximate
index's own float32 store, so both share one process, one set of passages and
one BM25 index), interleaved question by question, next to search-only timings
of both FAISS indexes and of ``sentence_transformers.util.semantic_search``
over the same vectors. The report is formatted by bench/scale_report.py.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import shutil
import subprocess
import sys
import time
from dataclasses import replace
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import percentile, write_section  # noqa: E402
from bench.scale_data import WORK, passages_for, prepare_base, synthetic  # noqa: E402
from bench.scale_report import KINDS, MODES, report  # noqa: E402
from explorer.vector_index import NPROBE  # noqa: E402

SIZES = (10_000, 100_000, 1_000_000)
SIGMA = 0.05
TIMED = 40
SWEEP = (25_000, 50_000, 100_000, 200_000, 500_000)


def rss_bytes() -> int:
    """Resident set size of this process, from /proc (Linux)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) * 1024
    return 0


def ms(values: list[float], q: float) -> float:
    return percentile(values, q) * 1000


def recall(truth, found) -> float:
    """Mean share of each exact top-k list that the other list also holds (rows or passage ids)."""
    return float(np.mean([len(set(list(a)) & set(list(b))) / len(a) for a, b in zip(truth, found)]))


# -- main process: data, then one child per step ------------------------------------------


def child(*args: str, timeout: int = 1800) -> dict:
    """Run one step of this script in a new process; its last stdout line is a JSON result."""
    env = dict(os.environ, HF_HUB_OFFLINE="1")
    command = [sys.executable, str(Path(__file__).resolve()), *args]
    result = subprocess.run(command, env=env, stdout=subprocess.PIPE, text=True, timeout=timeout)
    if result.returncode != 0:
        raise SystemExit(f"`{' '.join(args)}` failed with exit status {result.returncode}")
    return json.loads(result.stdout.strip().splitlines()[-1])


# -- --prepare N: generate, build, recall, write ------------------------------------------


def timed_searches(index, queries: np.ndarray, k: int = 10) -> tuple[list[float], np.ndarray]:
    """One question at a time through the product's search call: per-query seconds and the rows found."""
    from explorer import vector_index

    seconds, found = [], []
    for query in queries:
        start = time.perf_counter()
        _, rows = vector_index.search(index, query, k)
        seconds.append(time.perf_counter() - start)
        found.append(rows)
    return seconds, np.vstack(found)


def hnsw_comparison(vectors: np.ndarray, queries: np.ndarray, truth: np.ndarray) -> dict:
    """The graph index we did not pick, same data: build time and recall (docs/SCALE.md)."""
    import faiss

    start = time.perf_counter()
    graph = faiss.IndexHNSWFlat(vectors.shape[1], 32, faiss.METRIC_INNER_PRODUCT)
    graph.hnsw.efConstruction = 40
    graph.add(vectors)
    result = {"build_s": time.perf_counter() - start}
    for ef in (128, 512):
        graph.hnsw.efSearch = ef
        seconds, found = timed_searches(graph, queries)
        result[f"ef{ef}"] = {"recall": recall(truth, found), "p50_ms": ms(seconds, 0.5)}
    return result


def probe_sweep(approximate, queries: np.ndarray, truth: np.ndarray) -> dict:
    """Recall and time against the number of clusters searched, to choose NPROBE."""
    import faiss

    from explorer import vector_index

    ivf = faiss.extract_index_ivf(approximate)
    result = {}
    for nprobe in (16, 32, 64, 128):
        ivf.nprobe = min(nprobe, ivf.nlist)
        seconds, _ = timed_searches(approximate, queries[:TIMED])
        _, found = approximate.search(queries, 10)
        result[str(nprobe)] = {"recall": recall(truth, found), "p50_ms": ms(seconds, 0.5)}
    vector_index.prepare(approximate)
    return result


def sweep(vectors: np.ndarray, queries: np.ndarray) -> list[dict]:
    """Exact vs approximate search time at sizes between the headline ones: where to switch."""
    import faiss

    from explorer import vector_index

    rows = []
    for size in [s for s in SWEEP if s < len(vectors)]:
        part = vectors[:size]
        exact = faiss.IndexFlatIP(part.shape[1])
        exact.add(part)
        start = time.perf_counter()
        approximate = vector_index.build(part, vector_index.APPROXIMATE)
        build = time.perf_counter() - start
        exact_s, truth = timed_searches(exact, queries[:TIMED])
        approximate_s, found = timed_searches(approximate, queries[:TIMED])
        rows.append(
            {
                "size": size,
                "exact_ms": ms(exact_s, 0.5),
                "approximate_ms": ms(approximate_s, 0.5),
                "build_s": build,
                "recall": recall(truth, found),
            }
        )
        print(f"  sweep {rows[-1]}", file=sys.stderr, flush=True)
        del exact, approximate
    return rows


def prepare(size: int, sigma: float, seed: int, with_hnsw: bool, with_sweep: bool) -> dict:
    import faiss

    from explorer import store, vector_index
    from explorer.lexical import LexicalIndex

    meta = json.loads((WORK / "base.json").read_text(encoding="utf-8"))
    queries = np.load(WORK / "questions.npy")
    folder = WORK / f"n{size}"
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    vectors, source = synthetic(size, sigma, seed)
    result: dict = {"size": size}

    start = time.perf_counter()
    exact = vector_index.build(vectors, vector_index.EXACT)
    result["exact_build_s"] = time.perf_counter() - start
    scores, truth = exact.search(queries, 10)
    faiss.write_index(exact, str(folder / "exact.faiss"))
    del exact
    np.save(folder / "vectors.npy", vectors)
    copies = np.flatnonzero(np.arange(size) >= len(meta["texts"]))[:2000]
    result["structure"] = {
        "copy_to_source_cosine": float(np.median(np.sum(vectors[copies] * vectors[source[copies]], axis=1)))
        if len(copies)
        else None,
        "distinct_sources_in_top10": float(np.mean([len(set(source[row].tolist())) for row in truth])),
        "tenth_cosine": float(np.median(scores[:, 9])),
    }
    print(f"n={size}: structure {result['structure']}", file=sys.stderr, flush=True)
    if with_hnsw:
        result["hnsw"] = hnsw_comparison(vectors, queries, truth)
        print(f"n={size}: hnsw {result['hnsw']}", file=sys.stderr, flush=True)
        gc.collect()
    if with_sweep:
        result["sweep"] = sweep(vectors, queries)

    start = time.perf_counter()
    approximate = vector_index.build(vectors, vector_index.APPROXIMATE)
    result["approximate_build_s"] = time.perf_counter() - start
    result["lists"] = vector_index.cluster_count(size)
    _, found = approximate.search(queries, 10)
    result["recall_at_10"] = recall(truth, found)
    result["nprobe"] = probe_sweep(approximate, queries, truth)
    _, found_100 = approximate.search(queries, 100)  # the facade asks for 100 candidates
    result["recall_at_10_of_100"] = recall(truth, found_100[:, :10])
    print(f"n={size}: approximate recall@10 {result['recall_at_10']:.4f}", file=sys.stderr, flush=True)

    passages = passages_for(source, meta)
    start = time.perf_counter()
    lexical = LexicalIndex.build([p.text for p in passages])
    result["bm25_build_s"] = time.perf_counter() - start
    manifest = {"model": meta["model"], "articles": {}, "corpus_path": "synthetic (bench/scale_bench.py)"}
    start = time.perf_counter()
    store.write_index(folder / "index", manifest, passages, vectors, {}, lexical=lexical, faiss_index=approximate)
    result["write_s"] = time.perf_counter() - start
    result["peak_rss_gb"] = _peak_gb()
    return result


def _peak_gb() -> float:
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1e6


# -- --rss KIND N: what one structure adds to a fresh process ------------------------------


def resident(kind: str, size: int) -> dict:
    import faiss

    from explorer import store, vector_index

    folder = WORK / f"n{size}"
    if kind == "matrix":
        import torch  # imported before the baseline: the matrix is what we measure, not torch

    gc.collect()
    before = rss_bytes()
    if kind == "exact":
        held = faiss.read_index(str(folder / "exact.faiss"))
    elif kind == "approximate":
        held = faiss.read_index(str(next((folder / "index").glob("gen-*/vectors.faiss"))))
        view = vector_index.vectors_of(held)  # the facade's `vectors`: must not add a copy
        assert view.shape[0] == size
    elif kind == "matrix":
        held = torch.from_numpy(np.load(folder / "vectors.npy"))
    else:  # the whole loaded index: FAISS, passages, BM25, manifest
        held = store.load_index(folder / "index")
    after = rss_bytes()
    del held
    return {"added_gb": (after - before) / 1e9, "total_gb": after / 1e9}


# -- --measure N: the facade, interleaved ---------------------------------------------------


def measure(size: int) -> dict:
    import warnings

    import torch
    from sentence_transformers import util

    from explorer import search, vector_index
    from explorer.explorer import Explorer
    from explorer.settings import Settings

    meta = json.loads((WORK / "base.json").read_text(encoding="utf-8"))
    texts = meta["questions"][:TIMED]
    queries = np.load(WORK / "questions.npy")[:TIMED]
    explorer = Explorer(Settings.from_env(index_dir=WORK / f"n{size}" / "index"))
    settings = {kind: replace(explorer.settings, vector_index=kind) for kind in KINDS}
    configs = [(kind, mode) for mode in MODES for kind in KINDS]

    def ask(kind: str, mode: str, text: str):
        explorer.settings = settings[kind]
        return explorer.query(text, k=10, mode=mode)

    start = time.perf_counter()
    for kind, mode in configs:  # loads the model and the index, warms caches
        ask(kind, mode, meta["questions"][-1])
    load_s = time.perf_counter() - start
    latency: dict = {config: [] for config in configs}
    tops: dict = {config: [] for config in configs}
    for number, text in enumerate(texts):
        order = configs if number % 2 == 0 else configs[::-1]
        for config in order:
            start = time.perf_counter()
            answer = ask(*config, text)
            latency[config].append(time.perf_counter() - start)
            tops[config].append([hit.passage.passage_id for hit in answer.hits])
    process_gb = rss_bytes() / 1e9

    index = explorer.index

    def plain(faiss_index, query: np.ndarray) -> list[tuple[int, float]]:
        scores, rows = faiss_index.search(query[None, :], 10)
        return list(zip(rows[0].tolist(), scores[0].tolist()))

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # torch warns that the FAISS-owned array is read-only
        matrix = torch.from_numpy(index.vectors)
    searchers = {
        "FAISS exact": lambda q: search.top_rows(vector_index.searcher(index.faiss_index, "exact"), q, 10),
        "FAISS approximate": lambda q: search.top_rows(index.faiss_index, q, 10),
        "semantic_search": lambda q: util.semantic_search(torch.from_numpy(q[None, :]), matrix, top_k=10)[0],
        # FAISS's own default (every OpenMP thread) for one question: what the product avoids, docs/SCALE.md.
        "FAISS exact, all threads": lambda q: plain(vector_index.searcher(index.faiss_index, "exact"), q),
        "FAISS approximate, all threads": lambda q: plain(index.faiss_index, q),
    }
    search_s: dict = {name: [] for name in searchers}
    found: dict = {name: [] for name in searchers}
    for number, query in enumerate(queries):
        for name in list(searchers) if number % 2 == 0 else list(searchers)[::-1]:
            start = time.perf_counter()
            hits = searchers[name](query)
            search_s[name].append(time.perf_counter() - start)
            found[name].append([h["corpus_id"] for h in hits] if name == "semantic_search" else [r for r, _ in hits])
    agreement = {name: recall(found["FAISS exact"], found[name]) for name in searchers if "exact" not in name}
    return {
        "size": size,
        "load_and_warm_s": load_s,
        "process_rss_gb": process_gb,
        "ask": {
            f"{kind} {mode}": {"p50_ms": ms(latency[(kind, mode)], 0.5), "p95_ms": ms(latency[(kind, mode)], 0.95)}
            for kind, mode in configs
        },
        "ask_top10_agreement": {mode: recall(tops[("exact", mode)], tops[("approximate", mode)]) for mode in MODES},
        "search": {name: {"p50_ms": ms(v, 0.5), "p95_ms": ms(v, 0.95)} for name, v in search_s.items()},
        "search_agreement": agreement,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=int, nargs="+", default=list(SIZES))
    parser.add_argument("--sigma", type=float, default=SIGMA, help=f"noise per dimension (default {SIGMA})")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--no-hnsw", action="store_true", help="skip the HNSW comparison (saves ~3 min at 1M)")
    parser.add_argument("--no-write", action="store_true", help="print only; leave docs/BENCHMARKS.md alone")
    parser.add_argument("--keep", action="store_true", help=f"keep the generated indexes in {WORK}")
    parser.add_argument("--prepare", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--sweep", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--measure", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--rss", nargs=2, metavar=("KIND", "SIZE"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    if args.prepare:
        print(json.dumps(prepare(args.prepare, args.sigma, args.seed, not args.no_hnsw, args.sweep)))
        return
    if args.measure:
        print(json.dumps(measure(args.measure)))
        return
    if args.rss:
        print(json.dumps(resident(args.rss[0], int(args.rss[1]))))
        return

    command = " ".join([".venv/bin/python bench/scale_bench.py", *sys.argv[1:]])
    began = time.perf_counter()
    meta = prepare_base(args.seed)
    results = []
    for size in sorted(args.sizes):
        print(f"== {size:,} passages", file=sys.stderr, flush=True)
        extra = ["--sigma", str(args.sigma), "--seed", str(args.seed)] + (["--no-hnsw"] if args.no_hnsw else [])
        prepared = child("--prepare", str(size), *extra, *(["--sweep"] if size == max(args.sizes) else []))
        rss = {kind: child("--rss", kind, str(size)) for kind in ("exact", "approximate", "matrix", "index")}
        measured = child("--measure", str(size))
        results.append({"size": size, "prepare": prepared, "rss": rss, "measure": measured})
        print(json.dumps(results[-1], indent=1), file=sys.stderr, flush=True)
        if not args.keep:
            shutil.rmtree(WORK / f"n{size}", ignore_errors=True)
    body = report(results, meta, args.sigma, TIMED, command, time.perf_counter() - began, NPROBE)
    print(body)
    if not args.no_write:
        write_section("Scale", body)
        print("wrote docs/BENCHMARKS.md ## Scale", file=sys.stderr)


if __name__ == "__main__":
    main()
