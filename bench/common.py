"""Helpers shared by the benchmarks: timing, percentiles, and writing results into docs/BENCHMARKS.md."""

from __future__ import annotations

import argparse
import json
import re
import statistics
import time
from collections.abc import Callable
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
SHARED = REPO.parent / "shared"
CACHE = REPO / "bench" / ".cache"
BENCHMARKS_MD = REPO / "docs" / "BENCHMARKS.md"
SEED_QUESTIONS = REPO / "bench" / "seed_questions.jsonl"


def read_questions(path: Path = SEED_QUESTIONS) -> list[dict]:
    """A seed-corpus question set: ``{"id", "text", "expected": [a string of the right passage, ...]}`` per line."""
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    position = (len(ordered) - 1) * q
    low = int(position)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


def timed(function: Callable, *args, **kwargs) -> tuple[object, float]:
    start = time.perf_counter()
    result = function(*args, **kwargs)
    return result, time.perf_counter() - start


def median(values: list[float]) -> float:
    return statistics.median(values) if values else float("nan")


def write_section(heading: str, body: str, path: Path = BENCHMARKS_MD) -> None:
    """Replace (or append) one ``## heading`` section of docs/BENCHMARKS.md, leaving the others alone."""
    text = (
        path.read_text(encoding="utf-8")
        if path.exists()
        else "# Benchmarks\n\nMeasured on this project's 2-core machine; each section says how to reproduce it.\n"
    )
    section = f"## {heading}\n\n{body.strip()}\n"
    pattern = re.compile(rf"^## {re.escape(heading)}\n.*?(?=^## |\Z)", re.S | re.M)
    found = pattern.search(text)
    text = pattern.sub(lambda _: section + "\n", text) if found else text.rstrip() + "\n\n" + section
    path.write_text(text.rstrip() + "\n", encoding="utf-8")


def bench_parser(description: str, repeats: int = 3) -> argparse.ArgumentParser:
    """A benchmark's command line: its docstring as help, ``--repeats`` and ``--no-write``."""
    parser = argparse.ArgumentParser(description=description, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeats", type=int, default=repeats, help=f"runs per measurement (default {repeats})")
    parser.add_argument("--no-write", action="store_true", help="print only; leave docs/BENCHMARKS.md alone")
    return parser


def publish(heading: str, lines: list[str], write: bool) -> None:
    """Print a benchmark's report, and with ``write`` put it in docs/BENCHMARKS.md under ``## heading``."""
    print("\n".join(lines))
    if write:
        write_section(heading, "\n".join(lines))
