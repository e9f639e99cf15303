"""Build times: a full build at ~1k and ~10k passages, adding and removing one article, themes at 100k.

    .venv/bin/python bench/build_bench.py      # ~10-15 min on 2 shared cores; writes docs/BENCHMARKS.md "## Build"
    .venv/bin/python bench/build_bench.py --sizes 1000 --themes-passages 0 --no-write   # a quick look, printed only

Corpus: real BBC News articles (../shared/data/bbc_news/bbc_news.csv, see its
SOURCE.md), one ``<category>-<nnn>.txt`` file per unique article (title line,
blank line, body: the dataset's own layout) in a temporary folder, in a fixed
shuffled order (seed 0). The first article of that order is held out: it is
the one added and removed again. Each size is the first articles of the order
that give about that many passages.

Per size, with the default (fast, OpenVINO) backend and the real model:

1. **full build** into an empty index, in process, the model already loaded,
   with the time of each stage (read, cut into passages, embed, themes, BM25,
   write) from the build's own progress callback;
2. **add one article** and **remove it again**, ``--repeats`` times, interleaved:
   in process through ``Explorer.add_document`` / ``remove_document`` with
   ``themes="place"`` (what the app's Corpus page calls: model loaded, index on
   disk; new passages placed in the existing themes), then the background theme
   refit it is followed by (``Explorer.refresh_themes``, timed apart), and as a user would
   from the shell, ``explorer build FOLDER`` in a new process after putting the
   file in the folder or taking it out (imports and model start included).
   Every add must embed exactly the new article's passages (those whose text is
   not already indexed): the benchmark stops if it embeds anything else.

Then ``ThemeModel`` (as explorer/explorer.py calls it, keyphrases reranked with
the same model) is fitted once on ``--themes-passages`` passages: the 10k run's
real passage vectors repeated, each copy with Gaussian noise (σ 0.01 per
dimension) and renormalised, texts repeated, article ids made unique per copy.
"""

from __future__ import annotations

import argparse
import contextlib
import csv
import json
import math
import os
import random
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.build_report import OTHER, STAGES, SizeResult, report  # noqa: E402
from bench.common import REPO, SHARED, write_section  # noqa: E402
from explorer import store  # noqa: E402
from explorer.embed import make_embedder  # noqa: E402
from explorer.explorer import PLACE, BuildReport, Explorer  # noqa: E402
from explorer.settings import Settings  # noqa: E402

BBC = SHARED / "data" / "bbc_news" / "bbc_news.csv"


class StageClock:
    """An ``on_stage`` callback that adds up wall time per stage of a build."""

    def __init__(self) -> None:
        self.seconds: dict[str, float] = defaultdict(float)
        self._current: str | None = None
        self._since = time.perf_counter()

    def __call__(self, message: str, fraction: float) -> None:
        now = time.perf_counter()
        if self._current is not None:
            self.seconds[self._current] += now - self._since
        self._current = next((name for prefix, name in STAGES.items() if message.startswith(prefix)), None)
        if message != "done" and self._current is None:
            self._current = OTHER
        self._since = now


def bbc_articles() -> list[tuple[str, bytes]]:
    """(file name, content) of every unique BBC article, in a fixed shuffled order."""
    counts: dict[str, int] = defaultdict(int)
    seen: set[str] = set()
    articles = []
    with BBC.open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            counts[row["category"]] += 1
            name = f"{row['category']}-{counts[row['category']]:03d}.txt"
            if row["text"].strip() in seen:  # the dataset's 98 exact duplicates
                continue
            seen.add(row["text"].strip())
            articles.append((name, row["text"].encode("utf-8")))
    random.Random(0).shuffle(articles)
    return articles


def paragraphs(content: bytes) -> int:
    """Body paragraphs of an article: a cheap estimate of its passages, to size the corpora."""
    blocks = [b for b in content.decode("utf-8").split("\n\n") if b.strip()]
    return max(len(blocks) - 1, 1)


def first_articles(articles: list[tuple[str, bytes]], passages: int) -> list[tuple[str, bytes]]:
    total, chosen = 0, []
    for article in articles:
        if total >= passages:
            break
        chosen.append(article)
        total += paragraphs(article[1])
    return chosen


def cli_build(folder: Path, index: Path) -> tuple[dict, float]:
    """`explorer build FOLDER --index INDEX --json` in a new process: its report and wall time."""
    env = dict(os.environ, HF_HUB_OFFLINE="1")
    command = [sys.executable, "-m", "explorer.cli", "build", str(folder), "--index", str(index), "--json"]
    start = time.perf_counter()
    result = subprocess.run(command, env=env, capture_output=True, text=True, cwd=REPO, timeout=1800)
    seconds = time.perf_counter() - start
    if result.returncode != 0:
        raise SystemExit(f"`explorer build` failed: {result.stderr.strip()[-2000:]}")
    return json.loads(result.stdout.strip().splitlines()[-1]), seconds


def indexed(settings: Settings, embedder) -> list:
    """The passages on disk, read by a fresh explorer (the timed one keeps no state from the checks)."""
    return Explorer(settings, embedder=embedder).passages()


def check(condition: bool, message: str) -> None:
    if not condition:
        raise SystemExit(f"benchmark check failed: {message}")


def check_add(report: BuildReport | dict, new_id: str, expected: int) -> int:
    data = report if isinstance(report, dict) else report.__dict__
    check(data["added_articles"] == [new_id], f"expected only {new_id} added, got {data['added_articles']}")
    check(
        data["embedded"] == expected,
        f"adding {new_id} embedded {data['embedded']} passages, expected only its {expected} new ones",
    )
    return int(data["embedded"])


def check_remove(report: BuildReport | dict, new_id: str) -> None:
    data = report if isinstance(report, dict) else report.__dict__
    check(data["removed_articles"] == [new_id], f"expected {new_id} removed, got {data['removed_articles']}")
    check(data["embedded"] == 0, f"removing {new_id} embedded {data['embedded']} passages")


def run_size(target: int, articles, held_out, embedder, work: Path, repeats: int) -> SizeResult:
    chosen = first_articles(articles, target)
    folder, index = work / f"corpus-{target}", work / f"index-{target}"
    folder.mkdir()
    for name, content in chosen:
        (folder / name).write_bytes(content)
    settings = Settings(index_dir=index, corpus_path=folder)
    clock = StageClock()
    start = time.perf_counter()
    report = Explorer(settings, embedder=embedder).build(folder, on_stage=clock)
    full = time.perf_counter() - start
    print(f"  full build: {report.summary()} in {full:.1f} s; {dict(clock.seconds)}", flush=True)

    explorer = Explorer(settings, embedder=embedder)  # the app's: edits the corpus folder and re-indexes
    known = {p.text for p in indexed(settings, embedder)}
    new_name, new_content = held_out
    new_id = Path(new_name).stem
    result = SizeResult(report.articles, report.passages, full, dict(clock.seconds), 0)
    for repeat in range(repeats):
        clock = StageClock()
        start = time.perf_counter()
        _, added = explorer.add_document(new_name, new_content, on_stage=clock, themes=PLACE)
        result.add_in_process.append(time.perf_counter() - start)
        result.add_stages.append(dict(clock.seconds))
        start = time.perf_counter()
        check(explorer.refresh_themes(), "the add left no stale themes to refit")
        result.refit_after_add.append(time.perf_counter() - start)
        new = [p for p in indexed(settings, embedder) if p.article_id == new_id]
        result.new_passages = len(new)
        result.embedded_on_add.append(check_add(added, new_id, len({p.text for p in new} - known)))
        clock = StageClock()
        start = time.perf_counter()
        removed = explorer.remove_document(new_id, on_stage=clock, themes=PLACE)
        result.remove_in_process.append(time.perf_counter() - start)
        result.remove_stages.append(dict(clock.seconds))
        check(explorer.refresh_themes(), "the removal left no stale themes to refit")
        check_remove(removed, new_id)
        left = indexed(settings, embedder)
        check(
            not any(p.article_id == new_id for p in left) and len(left) == report.passages,
            "the removed article's passages are still indexed",
        )

        (folder / new_name).write_bytes(new_content)
        cli_report, seconds = cli_build(folder, index)
        result.add_cli.append(seconds)
        result.embedded_on_add.append(check_add(cli_report, new_id, len({p.text for p in new} - known)))
        (folder / new_name).unlink()
        cli_report, seconds = cli_build(folder, index)
        result.remove_cli.append(seconds)
        check_remove(cli_report, new_id)
        print(
            f"  repeat {repeat + 1}: add {result.add_in_process[-1]:.1f} s, "
            f"remove {result.remove_in_process[-1]:.1f} s (in process); "
            f"add {result.add_cli[-1]:.1f} s, remove {result.remove_cli[-1]:.1f} s (CLI)",
            flush=True,
        )
    return result


def warm_up(articles, embedder, work: Path) -> None:
    """One small build and edit first, so imports (scikit-learn, bm25s, FAISS) are not billed to the first size."""
    folder = work / "warm-up"
    folder.mkdir()
    for name, content in articles[1:]:
        (folder / name).write_bytes(content)
    explorer = Explorer(Settings(index_dir=work / "warm-up-index", corpus_path=folder), embedder=embedder)
    explorer.build()
    explorer.add_document(*articles[0], themes=PLACE)
    explorer.refresh_themes()
    shutil.rmtree(folder)
    shutil.rmtree(work / "warm-up-index")


def scaled(vectors: np.ndarray, texts: list[str], article_ids: list[str], size: int, seed: int = 0):
    """``size`` rows: the real rows, then copies with Gaussian noise (σ 0.01 per dimension), renormalised."""
    rng = np.random.default_rng(seed)
    copies = math.ceil(size / len(texts))
    parts = [vectors] + [vectors + rng.normal(0, 0.01, vectors.shape).astype(np.float32) for _ in range(copies - 1)]
    big = np.vstack(parts)[:size].astype(np.float32)
    big /= np.linalg.norm(big, axis=1, keepdims=True)
    ids = [f"{a}#{copy}" for copy in range(copies) for a in article_ids][:size]
    return big, (texts * copies)[:size], ids


def themes_at_scale(index: Path, embedder, size: int) -> dict:
    """One ThemeModel fit on ``size`` passages built from a real index, as explorer.build calls it."""
    from explorer.themes import ThemeModel

    stored = store.load_index(index)
    texts, ids = [p.text for p in stored.passages], [p.article_id for p in stored.passages]
    vectors, texts, ids = scaled(stored.vectors, texts, ids, size)
    del stored
    before = memory_gib("VmRSS")
    reset_peak_memory()
    start = time.perf_counter()
    model = ThemeModel(random_state=0, encode=lambda phrases: embedder.encode(phrases)).fit(vectors, texts, ids)
    seconds = time.perf_counter() - start
    peak = memory_gib("VmHWM")
    print(
        f"  themes at {size}: {model.n_themes_} themes in {seconds:.1f} s, "
        f"resident memory {before:.2f} GiB before, peak {peak:.2f} GiB",
        flush=True,
    )
    return {"passages": size, "seconds": seconds, "themes": model.n_themes_, "before_gib": before, "peak_gib": peak}


def memory_gib(field: str) -> float:
    """This process's resident memory (VmRSS) or its peak (VmHWM), from /proc."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(f"{field}:"):
            return int(line.split()[1]) / 2**20
    return float(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss) / 2**20


def reset_peak_memory() -> None:
    """Start VmHWM again from the current size (Linux), so the peak is the fit's own."""
    with contextlib.suppress(OSError):
        Path("/proc/self/clear_refs").write_text("5")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000], help="passages (default 1000 10000)")
    parser.add_argument("--repeats", type=int, default=3, help="add/remove repeats per size (default 3)")
    parser.add_argument(
        "--themes-passages", type=int, default=100_000, help="ThemeModel fit at this size (default 100000; 0 skips)"
    )
    parser.add_argument("--no-write", action="store_true", help="print only; leave docs/BENCHMARKS.md alone")
    args = parser.parse_args()
    command = " ".join([".venv/bin/python bench/build_bench.py", *sys.argv[1:]])
    os.environ.setdefault("HF_HUB_OFFLINE", "1")

    articles = bbc_articles()
    held_out, pool = articles[0], articles[1:]
    start = time.perf_counter()
    embedder = make_embedder()
    embedder.encode(["load and compile the model"])
    model_seconds = time.perf_counter() - start
    print(f"{len(articles)} unique BBC articles; model ready in {model_seconds:.1f} s ({embedder.backend})", flush=True)

    results = []
    themes = None
    with tempfile.TemporaryDirectory(prefix="build-bench-") as scratch:
        work = Path(scratch)
        warm_up(pool[-20:], embedder, work)
        for size in sorted(args.sizes):
            print(f"~{size} passages:", flush=True)
            results.append(run_size(size, pool, held_out, embedder, work, args.repeats))
        if args.themes_passages:
            themes = themes_at_scale(work / f"index-{max(args.sizes)}", embedder, args.themes_passages)
        shutil.rmtree(work, ignore_errors=True)
    body = report(results, model_seconds, themes, args.repeats, command)
    print(body)
    if not args.no_write:
        write_section("Build", body)
        print("wrote docs/BENCHMARKS.md ## Build")


if __name__ == "__main__":
    main()
