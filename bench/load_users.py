"""Simulated users of the Ask page: browser contexts asking questions at the same time.

Each user is its own Chromium browser context (its own Streamlit session),
asking the seed questions back to back in its own shuffled order until the
time budget or the question budget is spent. Meanwhile a probe requests
``/_stcore/health`` once a second (if the server's event loop were starved by
the queries, that is where it would show) and a new visitor opens the app
every 10 s.

Every question is new to the server's answer cache (``st.cache_data`` keys on
the raw text): repeats of a question get extra trailing spaces, which the
facade strips before ranking. So each answer is computed under load, and its
expected ranking is the same one the facade gives for the plain question.
"""

from __future__ import annotations

import asyncio
import random
import time
import urllib.request
from dataclasses import dataclass, field

from playwright.async_api import Browser, Page, async_playwright

from bench.app_server import CHROMIUM, CHROMIUM_ARGS, App
from bench.cpu_usage import CpuSnapshot, CpuUse

QUESTION_BOX = "Ask a question about the articles"
LOCAL_ONLY = "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1"
"""The browser cannot resolve any host name: it can reach the app on 127.0.0.1 and nothing else."""

# Done when Streamlit has finished the rerun for this question: the app root says
# the script is not running, no element is left over from the previous run
# (Streamlit marks those data-stale), and the headline names the question
# ("10 passages ... for <q>" or "Nothing relevant found for <q>"; consecutive
# questions of a user always differ, so an old headline cannot match). An error
# box or exception also ends the wait.
DONE_JS = """(question) => {
    if (!document.querySelector('[data-testid="stApp"][data-test-script-state="notRunning"]')) return false;
    if (document.querySelector('[data-stale="true"]')) return false;
    if (document.querySelector('[data-testid="stException"], [data-testid="stAlertContentError"]')) return 'error';
    const main = document.querySelector('[data-testid="stMain"]');
    return main && main.textContent.includes('for ' + question) ? 'answer' : false;
}"""

# The first part of the answer: the headline comes right after the query returns,
# so Enter-to-headline is the server's share (rerun, waiting for the lock, the
# query) and headline-to-done is sending and drawing the cards.
HEADLINE_JS = """(question) => {
    if (document.querySelector('[data-testid="stException"], [data-testid="stAlertContentError"]')) return true;
    const main = document.querySelector('[data-testid="stMain"]');
    return main && main.textContent.includes('for ' + question);
}"""

# The cards in page order: the caption names the source file and passage number.
CARDS_JS = """() => Array.from(document.querySelectorAll('[data-testid="stCaptionContainer"]'))
    .filter((caption) => / · passage \\S+ · score /.test(caption.textContent))
    .map((caption) => {
        const card = caption.closest('[data-testid="stVerticalBlock"]');
        return {
            caption: caption.textContent,
            title: card?.querySelector('strong')?.textContent ?? '',
            text: card?.querySelector('.sse-passage')?.textContent ?? '',
        };
    })"""

ERROR_JS = """() => Array.from(document.querySelectorAll(
    '[data-testid="stException"], [data-testid="stAlertContentError"]')).map((e) => e.textContent).join(' | ')"""


@dataclass(frozen=True)
class Expected:
    """What the facade answers for one question: the page must show the same."""

    question: str
    cards: list[tuple[str, str]]  # (source file, passage number) in rank order
    top_title: str
    top_text: str
    relevant: bool


@dataclass(frozen=True)
class Asked:
    user: int
    question: str
    variant: int  # trailing spaces added so the server's answer cache cannot serve it
    started: float  # seconds since the load started
    seconds: float  # Enter to the complete answer on screen
    headline: float  # Enter to the answer's headline: the server's share
    outcome: str  # "ok", "wrong" or "error"
    detail: str = ""


@dataclass
class Phase:
    """One measured stretch with a fixed number of users: per-question records and probes."""

    users: int
    asked: list[Asked] = field(default_factory=list)
    window: float = 0.0  # seconds from the first question to the last answer
    health: list[float] = field(default_factory=list)
    health_failures: list[str] = field(default_factory=list)
    page_loads: list[float] = field(default_factory=list)
    page_load_failures: list[str] = field(default_factory=list)
    lost_users: list[str] = field(default_factory=list)
    cpu: CpuUse | None = None  # who used the cores during the phase


@dataclass
class LoadRun:
    cold_page: float = 0.0  # the first page of a fresh server: it loads the model and the index
    health_idle: list[float] = field(default_factory=list)
    page_load_idle: list[float] = field(default_factory=list)
    phases: list[Phase] = field(default_factory=list)


@dataclass
class _Budget:
    """Shared by all users (one event loop, so plain counters are safe)."""

    deadline: float
    remaining: int
    asks: dict[str, int]  # times each question was asked so far, over all phases

    def take(self, question: str) -> int | None:
        """The variant number for the next ask of ``question``, or None when the budget is spent."""
        if self.remaining <= 0 or time.monotonic() >= self.deadline:
            return None
        self.remaining -= 1
        variant = self.asks.get(question, 0)
        self.asks[question] = variant + 1
        return variant


def check(expected: Expected, outcome: str, cards: list[dict], headline_found: bool) -> str:
    """Why the page's answer differs from the facade's, or "" when it is the same."""
    if outcome != "answer":
        return "the page showed an error"
    shown = []
    for card in cards:
        source, _, rest = card["caption"].partition(" · passage ")
        shown.append((source, rest.split(" · ", 1)[0]))
    if shown != expected.cards:
        return f"cards {shown[:3]}… differ from the facade's {expected.cards[:3]}…"
    if not cards:
        return "no cards"
    top = cards[0]
    if top["title"] != f"1. {expected.top_title}":
        return f"top title {top['title']!r}, expected {expected.top_title!r}"
    if not "".join(top["text"].split()).startswith(expected.top_text):
        return f"top passage text starts {top['text'][:60]!r}, expected {expected.top_text[:60]!r}"
    if not headline_found:
        return "the relevance verdict differs from the facade's"
    return ""


def _order(rng: random.Random, count: int, previous: int | None) -> list[int]:
    """A shuffled round of question numbers that does not start with the one just asked."""
    order = list(range(count))
    rng.shuffle(order)
    if previous is not None and order[0] == previous:
        order[0], order[-1] = order[-1], order[0]
    return order


async def _open(browser: Browser, url: str, timeout_ms: int) -> Page:
    context = await browser.new_context(viewport={"width": 1366, "height": 900})
    page = await context.new_page()
    page.set_default_timeout(timeout_ms)
    await page.goto(url)
    await page.get_by_role("textbox", name=QUESTION_BOX).wait_for()
    return page


async def _ask(page: Page, expected: Expected, variant: int, timeout_ms: int) -> tuple[float, float, str, str]:
    """Ask one question: seconds to the complete answer and to its headline, outcome, what was wrong."""
    box = page.get_by_role("textbox", name=QUESTION_BOX)
    await box.fill(expected.question + " " * variant)
    start = time.perf_counter()
    await box.press("Enter")
    await page.wait_for_function(HEADLINE_JS, arg=expected.question, polling=50, timeout=timeout_ms)
    headline = time.perf_counter() - start
    done = await page.wait_for_function(DONE_JS, arg=expected.question, polling=50, timeout=timeout_ms)
    seconds = time.perf_counter() - start
    outcome = await done.json_value()
    if outcome != "answer":
        return seconds, headline, "error", await page.evaluate(ERROR_JS)
    cards = await page.evaluate(CARDS_JS)
    text = await page.locator('[data-testid="stMain"]').text_content() or ""
    verdict = "Nothing relevant found for " if not expected.relevant else " passages from "
    problem = check(expected, outcome, cards, verdict in text)
    return seconds, headline, ("wrong" if problem else "ok"), problem


async def _user(
    number: int,
    page: Page,
    url: str,
    questions: list[Expected],
    budget: _Budget,
    run: Phase,
    origin: float,
    seed: int,
    timeout_ms: int,
) -> None:
    rng = random.Random(seed * 1009 + number)
    previous = None
    while True:
        for index in _order(rng, len(questions), previous):
            expected = questions[index]
            variant = budget.take(expected.question)
            if variant is None:
                return
            started = time.monotonic() - origin
            try:
                seconds, headline, outcome, detail = await _ask(page, expected, variant, timeout_ms)
            except Exception as error:  # a timeout or a crashed page: record it, reload, go on
                seconds = time.monotonic() - origin - started
                detail = str(error)[:300]
                run.asked.append(Asked(number, expected.question, variant, started, seconds, seconds, "error", detail))
                try:
                    await page.goto(url)
                    await page.get_by_role("textbox", name=QUESTION_BOX).wait_for()
                except Exception as reload_error:
                    run.lost_users.append(f"user {number}: reload failed: {str(reload_error)[:200]}")
                    return
                previous = None
                continue
            run.asked.append(Asked(number, expected.question, variant, started, seconds, headline, outcome, detail))
            previous = index


def _health_once(url: str, timeout: float) -> float:
    start = time.perf_counter()
    with urllib.request.urlopen(f"{url}/_stcore/health", timeout=timeout) as response:
        response.read()
        if response.status != 200:
            raise OSError(f"status {response.status}")
    return time.perf_counter() - start


async def _health_probe(url: str, run: Phase, stop: asyncio.Event, every: float, timeout: float) -> None:
    """One health request a second (in a worker thread, so a slow answer cannot stall the users)."""
    while not stop.is_set():
        tick = time.monotonic()
        try:
            run.health.append(await asyncio.to_thread(_health_once, url, timeout))
        except OSError as error:
            run.health_failures.append(str(error))
        await asyncio.sleep(max(0.0, every - (time.monotonic() - tick)))


async def _page_load_probe(browser: Browser, url: str, run: Phase, stop: asyncio.Event, every: float) -> None:
    """Every ``every`` seconds a new visitor opens the app: time until the question box is there."""
    while not stop.is_set():
        try:
            await asyncio.wait_for(stop.wait(), timeout=every)
            return
        except TimeoutError:
            pass
        start = time.perf_counter()
        context = await browser.new_context(viewport={"width": 1366, "height": 900})
        try:
            page = await context.new_page()
            await page.goto(url, timeout=60_000)
            await page.get_by_role("textbox", name=QUESTION_BOX).wait_for(timeout=60_000)
            run.page_loads.append(time.perf_counter() - start)
        except Exception as error:
            run.page_load_failures.append(str(error)[:300])
        finally:
            await context.close()


async def _phase(
    browser: Browser,
    app: App,
    questions: list[Expected],
    users: int,
    duration: float,
    max_questions: int,
    asks: dict[str, int],
    seed: int,
    timeout_ms: int,
) -> Phase:
    """``users`` sessions asking at once until ``duration`` seconds or ``max_questions`` are spent."""
    phase = Phase(users)
    pages = await asyncio.gather(*(_open(browser, app.url, 120_000) for _ in range(users)))
    cpu = CpuSnapshot.take(app.pid)
    origin = time.monotonic()
    budget = _Budget(deadline=origin + duration, remaining=max_questions, asks=asks)
    stop = asyncio.Event()
    probes = [
        asyncio.create_task(_health_probe(app.url, phase, stop, every=1.0, timeout=5.0)),
        asyncio.create_task(_page_load_probe(browser, app.url, phase, stop, every=10.0)),
    ]
    try:
        users_done = [
            _user(n, page, app.url, questions, budget, phase, origin, seed, timeout_ms) for n, page in enumerate(pages)
        ]
        await asyncio.gather(*users_done)
        phase.window = time.monotonic() - origin
        phase.cpu = CpuUse.between(cpu, CpuSnapshot.take(app.pid), phase.window)
    finally:
        stop.set()
        await asyncio.gather(*probes, return_exceptions=True)
        await asyncio.gather(*(page.context.close() for page in pages), return_exceptions=True)
    return phase


async def drive(
    app: App,
    questions: list[Expected],
    phases: list[tuple[int, float]],
    max_questions: int,
    seed: int,
    question_timeout: float,
) -> LoadRun:
    """Warm the server up with one question, then run each (users, seconds) phase in turn."""
    run = LoadRun()
    asks: dict[str, int] = {}
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=CHROMIUM, args=[*CHROMIUM_ARGS, LOCAL_ONLY])
        try:
            start = time.perf_counter()
            page = await _open(browser, app.url, 180_000)
            run.cold_page = time.perf_counter() - start
            warm = Expected("Which troops crossed the border?", [], "", "", True)
            await _ask(page, warm, 0, 180_000)  # not one of the seed questions: nothing is cached for them
            await page.context.close()
            for _ in range(10):  # the idle server, for comparison with the figures under load
                run.health_idle.append(await asyncio.to_thread(_health_once, app.url, 5.0))
                await asyncio.sleep(0.2)
            for _ in range(3):
                start = time.perf_counter()
                page = await _open(browser, app.url, 120_000)
                run.page_load_idle.append(time.perf_counter() - start)
                await page.context.close()
            for users, seconds in phases:
                phase = await _phase(
                    browser,
                    app,
                    questions,
                    users,
                    seconds,
                    max_questions,
                    asks,
                    seed,
                    int(question_timeout * 1000),
                )
                run.phases.append(phase)
        finally:
            await browser.close()
    return run
