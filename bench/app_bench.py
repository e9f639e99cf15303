"""Warm per-question latency of the Streamlit app on the seed corpus.

    .venv/bin/python bench/app_bench.py              # measure, print, write docs/BENCHMARKS.md "## App"
    .venv/bin/python bench/app_bench.py --no-write   # measure and print only

Two figures from one run, over the questions in bench/seed_questions.jsonl:

1. **facade**: ``SharedExplorer.query(question, k=10)``, the call the Ask page
   makes (hybrid ranking, highlights, relevance), through the app's lock, with
   the model and index already loaded; each question asked ``--repeats`` times.
2. **browser**: a real ``streamlit run`` server on 127.0.0.1 and Debian's
   Chromium (Playwright): from pressing Enter in the question box to the new
   answer on screen, each question new to the server (no cached answer).

The index is built once into bench/.cache/app-seed-index from corpus/.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.app_server import CHROMIUM, CHROMIUM_ARGS, running_app, stop_on_sigterm  # noqa: E402
from bench.common import CACHE, REPO, median, percentile, timed, write_section  # noqa: E402
from explorer.app.state import SharedExplorer  # noqa: E402
from explorer.explorer import Explorer  # noqa: E402
from explorer.settings import Settings  # noqa: E402

QUESTIONS = REPO / "bench" / "seed_questions.jsonl"
INDEX = CACHE / "app-seed-index"
COMMAND = ".venv/bin/python bench/app_bench.py"


def questions() -> list[str]:
    return [json.loads(line)["text"] for line in QUESTIONS.read_text(encoding="utf-8").splitlines() if line.strip()]


def facade_latencies(texts: list[str], repeats: int) -> list[float]:
    settings = Settings(index_dir=INDEX, corpus_path=REPO / "corpus")
    shared = SharedExplorer(Explorer(settings))
    shared.warm_up()
    shared.query("warm-up question about the border", k=10)
    latencies = []
    for _ in range(repeats):
        for text in texts:
            _, seconds = timed(shared.query, text, k=10)
            latencies.append(seconds)
    return latencies


def browser_latencies(texts: list[str]) -> list[float]:
    from playwright.sync_api import sync_playwright

    with running_app(INDEX, REPO / "corpus") as app, sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1366, "height": 900})
            page.set_default_timeout(180_000)
            page.goto(app.url)
            box = page.get_by_role("textbox", name="Ask a question about the articles")
            latencies = []
            for text in ["Which troops crossed the border?", *texts]:
                box.fill(text)
                start = time.perf_counter()
                box.press("Enter")
                # The answer names the question ("10 passages ... for <question>", or "Nothing relevant
                # found for <question>"), so text left over from the previous answer cannot match.
                page.wait_for_function(
                    """(question) => document.body.innerText.includes(question)
                        && !document.querySelector('[data-testid="stStatusWidget"]')""",
                    arg=f"for {text}",
                    polling=10,
                )
                latencies.append(time.perf_counter() - start)
        finally:
            browser.close()
    return latencies[1:]  # the first question only warms the page up


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeats", type=int, default=5, help="facade: times each question is asked (default 5)")
    parser.add_argument("--no-write", action="store_true", help="do not update docs/BENCHMARKS.md")
    args = parser.parse_args()

    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    stop_on_sigterm()
    report = Explorer(Settings(index_dir=INDEX, corpus_path=REPO / "corpus")).build()
    texts = questions()
    facade = facade_latencies(texts, args.repeats)
    browser = browser_latencies(texts)
    load = os.getloadavg()[0]
    cpu = platform.processor() or platform.machine()
    rows = [
        ("facade: `SharedExplorer.query`, k=10", facade),
        ("browser: Enter to answer on screen", browser),
    ]
    lines = [
        f"Warm per-question latency on the seed corpus ({report.articles} articles, {report.passages} passages), "
        f"{len(texts)} questions from `bench/seed_questions.jsonl`, hybrid mode, 10 results with highlights. "
        f"Measured side by side in one run on {os.cpu_count()} CPU cores ({cpu}, "
        f"load average {load:.1f} at the end: other work was running on the machine).",
        "",
        "| path | questions timed | median | p95 | max |",
        "|---|---:|---:|---:|---:|",
    ]
    for name, values in rows:
        lines.append(
            f"| {name} | {len(values)} | {median(values) * 1000:.0f} ms | {percentile(values, 0.95) * 1000:.0f} ms "
            f"| {max(values) * 1000:.0f} ms |"
        )
    lines += [
        "",
        "The browser figure is what a user waits for: Streamlit's rerun, the query, and drawing ten cards. "
        "Repeating a question is answered from the app's per-index cache (`st.cache_data`).",
        "",
        f"Command: `{COMMAND}` (facade repeats: {args.repeats}).",
    ]
    body = "\n".join(lines)
    print(body)
    if not args.no_write:
        write_section("App", body)


if __name__ == "__main__":
    main()
