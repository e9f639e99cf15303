"""Per-question latency of the Streamlit app on the seed corpus, and its first answer after a cold start.

    .venv/bin/python bench/app_bench.py              # measure, print, write docs/BENCHMARKS.md "## App"
    .venv/bin/python bench/app_bench.py --no-write   # measure and print only

Three figures from one run, over the questions in bench/seed_questions.jsonl:

1. **facade**: ``SharedExplorer.query(question, k=10)``, the call the Ask page
   makes (hybrid ranking, highlights, relevance), through the app's lock, with
   the model and index already loaded; each question asked ``--repeats`` times.
2. **first answer**: ``--cold-runs`` times, a new ``streamlit run`` server
   (explorer.app.launch.streamlit_command) on 127.0.0.1 over the existing index,
   and Debian's Chromium (Playwright, started beforehand, as a user's browser
   is): from launching the server to the first answer on screen, with the
   moments the server answered its health check and the question box appeared.
3. **later answers**: in the first of those sessions, from pressing Enter in
   the question box to the new answer on screen, each question new to the
   server (no cached answer).

The index is built once into bench/.cache/app-seed-index from corpus/.
"""

from __future__ import annotations

import argparse
import os
import platform
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.app_server import CHROMIUM, CHROMIUM_ARGS, running_app, stop_on_sigterm  # noqa: E402
from bench.common import CACHE, REPO, SEED_QUESTIONS, median, percentile, read_questions, timed, write_section  # noqa: E402
from explorer.app.state import SharedExplorer  # noqa: E402
from explorer.explorer import Explorer  # noqa: E402
from explorer.settings import Settings  # noqa: E402

QUESTIONS = SEED_QUESTIONS
INDEX = CACHE / "app-seed-index"
COMMAND = ".venv/bin/python bench/app_bench.py"


def questions() -> list[str]:
    return [question["text"] for question in read_questions(QUESTIONS)]


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


FIRST_QUESTION = "Which troops crossed the border?"


def ask_on_page(page, box, text: str) -> None:
    """Type a question, press Enter and wait until its answer is on screen."""
    box.fill(text)
    box.press("Enter")
    # The answer names the question ("10 passages ... for <question>", or "Nothing relevant
    # found for <question>"), so text left over from the previous answer cannot match.
    page.wait_for_function(
        """(question) => document.body.innerText.includes(question)
            && !document.querySelector('[data-testid="stStatusWidget"]')""",
        arg=f"for {text}",
        polling=10,
    )


def cold_start(browser, later: list[str], preload: bool = True) -> dict:
    """Launch a server, open the app, ask the first question; then, in the same session, ``later`` ones.

    Times are from launching ``streamlit run``: ``healthy`` (the server answers
    /_stcore/health), ``box`` (the question box is on screen: the model and
    index are loaded), ``first`` (the first answer is on screen).
    """
    log = CACHE / "app-bench-streamlit.log"
    start = time.perf_counter()
    with running_app(INDEX, REPO / "corpus", log=log, preload=preload) as app:
        times = {"healthy": time.perf_counter() - start}
        page = browser.new_page(viewport={"width": 1366, "height": 900})
        page.set_default_timeout(180_000)
        try:
            page.goto(app.url)
            box = page.get_by_role("textbox", name="Ask a question about the articles")
            box.wait_for(state="visible")
            times["box"] = time.perf_counter() - start
            ask_on_page(page, box, FIRST_QUESTION)
            times["first"] = time.perf_counter() - start
            times["later"] = []
            for text in later:
                begin = time.perf_counter()
                ask_on_page(page, box, text)
                times["later"].append(time.perf_counter() - begin)
        finally:
            page.close()
    return times


LAUNCHES = {
    "`explorer serve` / `streamlit_command()` (preloads the model and index at server start)": True,
    "plain `python -m streamlit run` (loads them on the first visit)": False,
}


def browser_runs(texts: list[str], cold_runs: int) -> dict[str, list[dict]]:
    """``cold_runs`` cold starts per way of launching, interleaved; the first one also asks every question."""
    from playwright.sync_api import sync_playwright

    runs: dict[str, list[dict]] = {name: [] for name in LAUNCHES}
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            for run in range(cold_runs):
                for name, preload in LAUNCHES.items():
                    later = texts if run == 0 and preload else []
                    runs[name].append(cold_start(browser, later, preload))
                    times = runs[name][-1]
                    print(
                        f"  cold start {run + 1}, preload {preload}: healthy {times['healthy']:.1f} s, "
                        f"question box {times['box']:.1f} s, first answer {times['first']:.1f} s",
                        flush=True,
                    )
        finally:
            browser.close()
    return runs


def verdict(met: bool) -> str:
    return "**met**" if met else "**NOT met**"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeats", type=int, default=5, help="facade: times each question is asked (default 5)")
    parser.add_argument("--cold-runs", type=int, default=3, help="server launches to the first answer (default 3)")
    parser.add_argument("--no-write", action="store_true", help="do not update docs/BENCHMARKS.md")
    args = parser.parse_args()

    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    stop_on_sigterm()
    report = Explorer(Settings(index_dir=INDEX, corpus_path=REPO / "corpus")).build()
    texts = questions()
    facade = facade_latencies(texts, args.repeats)
    runs = browser_runs(texts, max(args.cold_runs, 1))
    default = next(iter(LAUNCHES))
    browser = runs[default][0]["later"]
    load = os.getloadavg()[0]
    cpu = platform.processor() or platform.machine()
    rows = [
        ("facade: `SharedExplorer.query`, k=10", facade),
        ("browser: Enter to answer on screen (later questions)", browser),
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
    cold_runs = len(runs[default])
    lines += [
        "",
        "The browser figure is what a user waits for: Streamlit's rerun, the query, and drawing ten cards. "
        "Repeating a question is answered from the app's per-index cache (`st.cache_data`).",
        "",
        f"### First answer after `streamlit run` ({cold_runs} cold starts per way of launching, interleaved)",
        "",
        "From launching `streamlit run` (`explorer.app.launch.streamlit_command`, as `explorer serve` does) on the "
        "existing seed index to the first answer on screen in headless Chromium (started beforehand, as a "
        f"user's browser is): open the app, type *{FIRST_QUESTION}*, press Enter. A new server each time; "
        "the OS file cache is warm, as on a machine in use. The page is opened the moment the server answers its "
        "health check, the worst case for the preload, which then still runs alongside; a user who opens the "
        "address later finds the model and index loaded.",
        "",
        "| launched with | seconds after launching: server answers `/_stcore/health` | question box on screen "
        "| **first answer on screen** (median, min–max) |",
        "|---|---:|---:|---:|",
    ]
    for name, values in runs.items():
        cold = {key: [run[key] for run in values] for key in ("healthy", "box", "first")}
        lines.append(
            f"| {name} | {median(cold['healthy']):.1f} s | {median(cold['box']):.1f} s | "
            f"**{median(cold['first']):.1f} s** ({min(cold['first']):.1f}–{max(cold['first']):.1f}) |"
        )
    first = [run["first"] for run in runs[default]]
    lines += [
        "",
        f"Targets (issue 7): first answer within 10 s of `streamlit run`: {verdict(max(first) < 10)} "
        f"(slowest of {len(first)}: {max(first):.1f} s); later answers under 1 s: "
        f"{verdict(max(browser) < 1)} (p95 {percentile(browser, 0.95) * 1000:.0f} ms, "
        f"max {max(browser) * 1000:.0f} ms). The server's log is `bench/.cache/app-bench-streamlit.log`.",
        "",
        f"Command: `{COMMAND}` (facade repeats: {args.repeats}, cold starts: {cold_runs} per way of launching).",
    ]
    body = "\n".join(lines)
    print(body)
    if not args.no_write:
        write_section("App", body)


if __name__ == "__main__":
    main()
