"""Many users at once: concurrent questions to the real Streamlit app, every answer checked.

    .venv/bin/python bench/load_bench.py               # 8 users for 60 s; writes docs/BENCHMARKS.md "## Load"
    .venv/bin/python bench/load_bench.py --no-write    # measure and print only
    .venv/bin/python bench/load_bench.py --users 12 --seconds 30

A real ``streamlit run`` server on 127.0.0.1 (nothing else is contacted) serves
an index of corpus/ built into bench/.cache/app-seed-index. One Debian Chromium
driven by Playwright holds one browser context per simulated user; see
bench/load_users.py for what a user does and how an answer is recognised.

"Correct" is defined against the facade, not against a gold answer: before the
server starts, ``Explorer.query(question, k=10)`` ranks each seed question in
this process, and the page must show the same ten passages (source file and
passage number, in order), the same top title and passage text, and the same
relevance verdict. Whether the facade's answer is the right passage is the
search benchmark's business (bench/search_bench.py); this one checks that many
sessions at once get exactly what one caller would.

Two phases in one run, side by side: one user (the baseline), then ``--users``
users. Bounded: each phase stops asking at ``--seconds`` or ``--max-questions``;
a question that takes longer than ``--question-timeout`` counts as an error.
The server and the browser are stopped however the run ends. Exit status 1
if any answer was wrong or missing, a health probe failed, or a user starved.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.app_server import running_app, stop_on_sigterm  # noqa: E402
from bench.common import CACHE, REPO, SEED_QUESTIONS, median, percentile, read_questions, write_section  # noqa: E402
from bench.cpu_usage import CpuUse  # noqa: E402
from bench.load_users import Expected, LoadRun, Phase, drive  # noqa: E402
from explorer.app.widgets import passage_number, source_name  # noqa: E402
from explorer.explorer import Explorer  # noqa: E402
from explorer.settings import Settings  # noqa: E402

QUESTIONS = SEED_QUESTIONS
INDEX = CACHE / "app-seed-index"
CORPUS = REPO / "corpus"
LOG = CACHE / "load-bench-streamlit.log"
K = 10  # the Ask page's default number of results
MIN_USERS = 8


def seed_questions() -> list[dict]:
    return read_questions(QUESTIONS)


def expected_answers(explorer: Explorer, records: list[dict]) -> tuple[list[Expected], int]:
    """The facade's answer to each question, and how many have the seed's expected passage in the top 5."""
    articles = explorer.articles()
    expected, found = [], 0
    for record in records:
        answer = explorer.query(record["text"], k=K)
        if answer.question != record["text"]:
            raise SystemExit(f"seed question {record['id']} is not in clean form: {record['text']!r}")
        top = answer.hits[0].passage
        expected.append(
            Expected(
                question=answer.question,
                cards=[(source_name(articles, h.passage.article_id), passage_number(h.passage)) for h in answer.hits],
                top_title=top.title,
                top_text="".join(top.text.split())[:80],
                relevant=answer.relevant,
            )
        )
        found += any(any(s in h.passage.text for s in record["expected"]) for h in answer.hits[:5])
    texts = [e.question for e in expected]
    if any(a != b and a in b for a in texts for b in texts):
        raise SystemExit("a seed question contains another one: the page could not tell their answers apart")
    return expected, found


def _ms(seconds: float) -> str:
    return "–" if seconds != seconds else f"{seconds * 1000:,.0f} ms"  # NaN: nothing measured


def problems(run: LoadRun) -> list[str]:
    """Everything that makes the run fail."""
    found = []
    for phase in run.phases:
        bad = [a for a in phase.asked if a.outcome != "ok"]
        found += [f"{phase.users} users: user {a.user}, {a.question!r}: {a.outcome}: {a.detail}" for a in bad]
        found += [f"{phase.users} users: health probe failed: {f}" for f in phase.health_failures]
        found += [f"{phase.users} users: new visitor's page did not load: {f}" for f in phase.page_load_failures]
        found += [f"{phase.users} users: {lost}" for lost in phase.lost_users]
        idle = sorted(set(range(phase.users)) - {a.user for a in phase.asked if a.outcome == "ok"})
        found += [f"{phase.users} users: user {u} got no answer at all" for u in idle]
    return found


def _correct(phase: Phase) -> list[float]:
    return [a.seconds for a in phase.asked if a.outcome == "ok"]


def _throughput(phase: Phase) -> float:
    return len(_correct(phase)) / phase.window if phase.window else float("nan")


def _answers_row(phase: Phase) -> str:
    ok = _correct(phase)
    wrong = sum(a.outcome == "wrong" for a in phase.asked)
    errors = sum(a.outcome == "error" for a in phase.asked)
    per_user = [sum(a.user == u and a.outcome == "ok" for a in phase.asked) for u in range(phase.users)]
    headline = [a.headline for a in phase.asked if a.outcome == "ok"]
    return (
        f"| {phase.users} | {phase.window:.0f} s | {len(ok)} | {wrong} | {errors} | {min(per_user)}–{max(per_user)} "
        f"| **{_throughput(phase):.2f}/s** | {_ms(median(ok))} | **{_ms(percentile(ok, 0.95))}** "
        f"| {_ms(max(ok, default=float('nan')))} | {_ms(median(headline))} |"
    )


def _responsiveness_row(phase: Phase) -> str:
    health, cpu, ok = phase.health, phase.cpu, _correct(phase)
    cores = f"{cpu.server_cores:.2f} / {cpu.client_cores:.2f} / {cpu.machine_cores:.2f}" if cpu else "–"
    per_answer = _ms(cpu.server_seconds / len(ok)) if cpu and ok else "–"
    loads = phase.page_loads
    return (
        f"| {phase.users} | {_ms(median(health))} / **{_ms(percentile(health, 0.95))}** / "
        f"{_ms(max(health, default=float('nan')))} | {len(health)} / {len(phase.health_failures)} "
        f"| {_ms(max(loads, default=float('nan')))} ({len(loads)}, {len(phase.page_load_failures)} failed) "
        f"| {cores} | {per_answer} |"
    )


def _ratio(a: float, b: float) -> float:
    return a / b if b else float("nan")


def _largest_other(cpu: CpuUse) -> str:
    others = cpu.machine_cores - cpu.server_cores - cpu.client_cores
    if cpu.client_cores >= others:
        return "the browsers simulating the users (real users' browsers run on their own machines)"
    return "other jobs on the machine"


def _comparison(run: LoadRun) -> str:
    """The many-users phase against the one-user phase of the same run, and where the time and CPU went."""
    base, load = run.phases[0], run.phases[-1]
    latency = median(_correct(load))
    headline = median([a.headline for a in load.asked if a.outcome == "ok"])
    sentences = [
        f"With {load.users} users the app answered {_ratio(_throughput(load), _throughput(base)):.2f}× the "
        f"questions per second of one user, at "
        f"{_ratio(percentile(_correct(load), 0.95), percentile(_correct(base), 0.95)):.1f}× the p95 latency "
        f"(both phases in this run). Of the {load.users}-user median latency ({_ms(latency)}), "
        f"{_ms(headline)} passed before the answer's headline appeared: the server's share (the rerun, "
        f"waiting for the shared explorer's lock while other sessions' questions run, the query); the rest is "
        f"sending and drawing the ten cards."
    ]
    if load.cpu:
        cpu = load.cpu
        sentences.append(
            f"The machine's {os.cpu_count()} cores were {cpu.machine_cores:.2f} cores busy on average during the "
            f"{load.users}-user phase: the server {cpu.server_cores:.2f}, the simulated users' Chromium and "
            f"Playwright {cpu.client_cores:.2f}, other jobs on the machine the rest. "
            + (
                f"With no idle CPU left, the queue in front of the lock is the server waiting for CPU time, most of "
                f"which went to {_largest_other(cpu)}."
                if cpu.machine_cores >= 0.95 * (os.cpu_count() or 1)
                else "The machine had idle CPU, so the queue is not CPU starvation alone."
            )
        )
    sentences.append(
        f"On the idle server before the run the health endpoint answered in p50 {_ms(median(run.health_idle))} "
        f"and a new visitor's page loaded in {_ms(median(run.page_load_idle))} (median of "
        f"{len(run.page_load_idle)}). "
        f"Opening the first page of the fresh server (it loads the model and the index; not counted above) "
        f"took {run.cold_page:.1f} s."
    )
    return " ".join(sentences)


def report(run: LoadRun, args: argparse.Namespace, build, found: int, total: int, loads: tuple) -> str:
    failures = problems(run)
    lines = [
        f"Concurrent questions to the real app: `streamlit run` on 127.0.0.1 serving the seed corpus "
        f"({build.articles} articles, {build.passages} passages), one headless Chromium (Playwright) with one "
        f"browser context per user. Each user asks the {total} questions of `bench/seed_questions.jsonl` back to "
        f"back (no think time) in its own shuffled order, on the Ask page's defaults (hybrid, {K} results); "
        f"latency is from pressing Enter to the complete answer on screen. Every question is new to the app's "
        f"answer cache (repeats differ in trailing spaces, which the facade strips), so every answer is computed "
        f"under load through the one shared, locked explorer. A probe requests `/_stcore/health` every second "
        f"and a new visitor opens the app every 10 s.",
        "",
        f"An answer is **correct** when the page shows exactly what `Explorer.query(question, k={K})` returned in "
        f"the benchmark's own process: the same {K} passages (file and passage number) in the same order, the same "
        f"top title and text, and the same relevance verdict. (Whether that top passage is the one the seed set "
        f"expects is search quality, not load: the facade has it in its top 5 for {found}/{total} questions.)",
        "",
        "| users | measured for | correct answers | wrong | errors | correct per user (min–max) | throughput "
        "| p50 latency | p95 latency | max latency | p50 to the headline (server's share) |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
        *(_answers_row(phase) for phase in run.phases),
        "",
        "| users | `/_stcore/health` p50 / p95 / max | probes / failed | new visitor's page load, max (loads) "
        "| CPU cores used: server / browsers / whole machine | server CPU per answer |",
        "|---:|---:|---:|---:|---:|---:|",
        *(_responsiveness_row(phase) for phase in run.phases),
        "",
        f"**Result: {'pass' if not failures else 'FAIL'}** — "
        + (
            "every answer correct, no errors, every user answered, every health probe answered within 5 s "
            "and every new visitor's page loaded."
            if not failures
            else f"{len(failures)} problem(s), first: {failures[0]}"
        ),
        "",
        _comparison(run),
        "",
        f"Load average (1 min) {loads[0]:.1f} before and {loads[1]:.1f} after the run: other engineers' jobs were "
        f"running on the machine too, so absolute figures vary between runs; compare the rows with each other.",
        "",
        f"Command: `.venv/bin/python bench/load_bench.py --users {args.users} --seconds {args.seconds:g} "
        f"--baseline-seconds {args.baseline_seconds:g} --max-questions {args.max_questions} --seed {args.seed}`",
    ]
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--users", type=int, default=8, help=f"concurrent users, at least {MIN_USERS} (default 8)")
    parser.add_argument("--seconds", type=float, default=60, help="time budget of the many-users phase (default 60)")
    parser.add_argument("--baseline-seconds", type=float, default=20, help="one-user phase first (default 20)")
    parser.add_argument("--max-questions", type=int, default=1000, help="question budget per phase (default 1000)")
    parser.add_argument("--question-timeout", type=float, default=60, help="seconds before a question is an error")
    parser.add_argument("--seed", type=int, default=0, help="shuffles each user's question order (default 0)")
    parser.add_argument("--no-write", action="store_true", help="do not update docs/BENCHMARKS.md")
    args = parser.parse_args()
    if args.users < MIN_USERS:
        parser.error(f"--users must be at least {MIN_USERS}")
    if not (0 < args.seconds <= 600 and 0 < args.baseline_seconds <= 600 and args.max_questions > 0):
        parser.error("--seconds and --baseline-seconds must be in (0, 600], --max-questions positive")

    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    stop_on_sigterm()
    explorer = Explorer(Settings(index_dir=INDEX, corpus_path=CORPUS))
    build = explorer.build()  # incremental: reuses the cached index when corpus/ has not changed
    records = seed_questions()
    expected, found = expected_answers(explorer, records)
    print(f"facade answers computed for {len(expected)} questions; starting the app", flush=True)
    load_before = os.getloadavg()[0]
    phases = [(1, args.baseline_seconds), (args.users, args.seconds)]
    with running_app(INDEX, CORPUS, log=LOG) as app:
        # A hard bound on top of the per-phase budgets: page loads, the warm-up, the last questions in flight.
        bound = 240 + sum(seconds + args.question_timeout + 150 for _, seconds in phases)
        running = drive(app, expected, phases, args.max_questions, args.seed, args.question_timeout)
        run = asyncio.run(asyncio.wait_for(running, timeout=bound))
    body = report(run, args, build, found, len(records), (load_before, os.getloadavg()[0]))
    print(body)
    failures = problems(run)
    for failure in failures:
        print(f"problem: {failure}", file=sys.stderr)
    if not args.no_write:
        write_section("Load", body)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
