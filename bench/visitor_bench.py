"""A new visitor's first page while other sessions ask questions: the shared explorer's reads, two ways.

    .venv/bin/python bench/visitor_bench.py             # writes docs/BENCHMARKS.md "New visitor under load"
    .venv/bin/python bench/visitor_bench.py --no-write

Before a new visitor sees the question box, the app reads the loaded index through the one explorer all
sessions share (:class:`explorer.app.state.SharedExplorer`): whether there is an index, the articles, the
passages, the themes, the index's version. Until session 13 every call took the shared lock that
questions hold while they use the model, so those reads queued behind every question already waiting.
Now reads of the loaded index pass the lock (``state.UNLOCKED_READS``, ``SharedExplorer.themes`` when
no fit is needed); questions still take it.

In one process, on the seed corpus's index with the real model: ``--askers`` threads ask the seed
questions back to back through the shared explorer, and meanwhile the visitor's reads run again and
again, each round once the old way (every call inside the shared lock, as before) and once the new,
in alternating order. Reported: median and 95th percentile over ``--repeats`` rounds, and their ratio.
The load bench (bench/load_bench.py) measures whole page loads in a browser, where the simulated users'
own browsers take most of the CPU; this one isolates the server's part.
"""

from __future__ import annotations

import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import CACHE, REPO, bench_parser, median, percentile, publish, read_questions  # noqa: E402
from explorer.app.state import SharedExplorer  # noqa: E402
from explorer.errors import ExplorerError  # noqa: E402
from explorer.explorer import Explorer  # noqa: E402
from explorer.settings import Settings  # noqa: E402

COMMAND = ".venv/bin/python bench/visitor_bench.py"


def seed_explorer() -> Explorer:
    """The seed corpus's index in bench/.cache (shared with the search bench), built if missing or old."""
    explorer = Explorer(Settings(index_dir=CACHE / "seed-index", corpus_path=REPO / "corpus"))
    try:
        explorer.index  # noqa: B018 - loads and checks it
    except ExplorerError:
        explorer.build()
    return explorer


def visitor_reads(shared: SharedExplorer, locked: bool) -> float:
    """Seconds for what the first page reads (main.py's sidebar, the Ask page); ``locked``: each call
    inside the shared lock, as every call was until session 13."""
    calls: list[Callable[[], object]] = [
        shared.has_index,
        shared.articles,
        shared.passages,
        shared.themes,
        shared.articles,  # the Ask page reads them again for its filter
        shared.version,
    ]
    start = time.perf_counter()
    for call in calls:
        if locked:
            with shared._lock:
                call()
        else:
            call()
    return time.perf_counter() - start


def main() -> None:
    parser = bench_parser(__doc__, repeats=40)
    parser.add_argument("--askers", type=int, default=8, help="sessions asking questions meanwhile (default 8)")
    args = parser.parse_args()
    shared = SharedExplorer(seed_explorer())
    shared.warm_up()
    questions = [question["text"] for question in read_questions()]
    stop, asked = threading.Event(), [0]

    def ask(offset: int) -> None:
        n = offset
        while not stop.is_set():
            shared.ask(questions[n % len(questions)] + " " * (n // len(questions)), k=10)
            asked[0] += 1
            n += 1

    askers = [threading.Thread(target=ask, args=(i * 3,), daemon=True) for i in range(args.askers)]
    for thread in askers:
        thread.start()
    time.sleep(1.0)
    times: dict[bool, list[float]] = {True: [], False: []}
    started = time.perf_counter()
    for round_number in range(args.repeats):
        for locked in (True, False) if round_number % 2 == 0 else (False, True):
            times[locked].append(visitor_reads(shared, locked))
            time.sleep(0.05)
    elapsed = time.perf_counter() - started
    stop.set()
    for thread in askers:
        thread.join(60)
    old, new = times[True], times[False]
    lines = [
        f"Command: `{COMMAND}` (one run). The seed corpus's index, the real model on CPU, {args.askers} threads "
        f"asking the seed questions back to back through the shared explorer ({asked[0]} questions in "
        f"{elapsed:.0f} s); meanwhile a new visitor's first-page reads (has the index, articles, passages, "
        "themes, articles, version), each round once the old way and once the new, alternating, "
        f"{args.repeats} rounds.",
        "",
        "| reads | median | p95 | max |",
        "|---|---:|---:|---:|",
        *(
            f"| {name} | {1000 * median(values):,.1f} ms | {1000 * percentile(values, 0.95):,.1f} ms | "
            f"{1000 * max(values):,.1f} ms |"
            for name, values in (("each inside the shared lock (until session 13)", old), ("unlocked (now)", new))
        ),
        "",
        f"Median {median(old) / median(new):,.0f}x shorter unlocked, p95 "
        f"{percentile(old, 0.95) / percentile(new, 0.95):,.0f}x (same run). Questions keep the lock: the "
        "model serves one session at a time.",
    ]
    publish("New visitor under load", lines, not args.no_write)


if __name__ == "__main__":
    main()
