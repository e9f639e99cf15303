"""End to end in a real browser: `streamlit run` on 127.0.0.1, driven by Debian's Chromium through Playwright.

The corpus includes a hostile article whose title and text carry script tags,
event-handler attributes and Markdown/HTML injection. Every payload would set
``window.__pwned``, change ``document.title`` or open a dialog if it ran; the
test asserts none of that happened and that the payload is visible as text.
Screenshots of each page go to ``test-artifacts/``.
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect, sync_playwright

from explorer.app.launch import CHROMIUM, CHROMIUM_ARGS, streamlit_command
from explorer.explorer import Explorer
from explorer.settings import Settings

from .conftest import CORPUS, REPO, free_port, wait_until_healthy

ARTIFACTS = REPO / "test-artifacts"
TIMEOUT_MS = 120_000

SCRIPT_TITLE = (
    '<script>window.__pwned = "title"; document.title = "pwned"; alert(1)</script> Militia payload report '
    + "B" * 60  # a long unbroken token must wrap, not push the layout sideways
)
HOSTILE = f"""{SCRIPT_TITLE}

Kataib Hezbollah and other armed groups backed by Tehran receive weapons and training from the IRGC, \
the militia payload report says. <img src=x onerror="window.__pwned = 'img'; document.title = 'pwned'; alert(2)">

[click here](javascript:window.__pwned='link') **not bold** <b>not bold either</b> \
<iframe src="javascript:window.__pwned='iframe'"></iframe> <svg onload="window.__pwned='svg'"></svg> \
The militias answer to Iranian commanders of the Quds Force in Baghdad. {"A" * 300}
"""


def _stop(server: subprocess.Popen) -> None:
    """Stop the server and anything it started, whatever happened in the test."""
    if server.poll() is None:
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(10)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait(10)


@pytest.fixture(scope="module")
def hostile_index(seed_index_dir, real_embedder, tmp_path_factory) -> tuple[Path, Path]:
    """The seed corpus plus the hostile article, indexed incrementally from a copy of the seed index."""
    root = tmp_path_factory.mktemp("browser")
    corpus = shutil.copytree(CORPUS, root / "corpus")
    (corpus / "hostile-payload.txt").write_text(HOSTILE, encoding="utf-8")
    index = shutil.copytree(seed_index_dir, root / "index")
    report = Explorer(Settings(index_dir=index, corpus_path=corpus), embedder=real_embedder).build()
    assert "hostile-payload" in report.added_articles
    return index, corpus


@pytest.fixture(scope="module")
def server_url(hostile_index, tmp_path_factory):
    index, corpus = hostile_index
    port = free_port()
    log = tmp_path_factory.mktemp("streamlit-log") / "streamlit.log"
    env = {**os.environ, "EXPLORER_INDEX": str(index), "EXPLORER_CORPUS": str(corpus), "HF_HUB_OFFLINE": "1"}
    command = streamlit_command("127.0.0.1", port, REPO / "streamlit_app.py")
    with log.open("w") as output:
        server = subprocess.Popen(
            command, cwd=REPO, env=env, stdout=output, stderr=subprocess.STDOUT, start_new_session=True
        )
    try:
        url = f"http://127.0.0.1:{port}"
        wait_until_healthy(url, server, log)
        yield url
    finally:
        _stop(server)


@pytest.fixture(scope="module")
def browser():
    if not CHROMIUM.exists():
        pytest.fail(f"{CHROMIUM} is missing: install it with `apt-get install -y chromium` (as .ci/run does)")
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            yield chromium
        finally:
            chromium.close()


@pytest.fixture
def page(browser, server_url):
    context = browser.new_context(viewport={"width": 1366, "height": 900})
    page = context.new_page()
    page.set_default_timeout(TIMEOUT_MS)
    page.dialogs = []
    page.on("dialog", lambda dialog: (page.dialogs.append(dialog.message), dialog.dismiss()))
    # The machine has no internet: anything fetched from elsewhere fails (the favicon came from gstatic).
    page.outside_requests = []
    page.on(
        "request",
        lambda request: (
            page.outside_requests.append(request.url)
            if not request.url.startswith((server_url, "data:", "blob:", "about:"))
            else None
        ),
    )
    page.goto(server_url)
    try:
        yield page
    finally:
        context.close()


def _settled(page: Page) -> None:
    """Wait until Streamlit has finished running the script for the last interaction."""
    page.wait_for_timeout(300)
    page.wait_for_function("() => !document.querySelector('[data-testid=\"stStatusWidget\"]')", timeout=TIMEOUT_MS)
    page.wait_for_timeout(700)


def _screenshot(page: Page, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"))


def _assert_nothing_ran(page: Page) -> None:
    assert page.evaluate("() => window.__pwned") is None
    assert "pwned" not in page.title()
    assert page.dialogs == []
    assert page.locator('img[src="x"], iframe[src^="javascript"], svg[onload], a[href^="javascript"]').count() == 0


def _open(page: Page, name: str) -> None:
    page.get_by_role("link", name=name, exact=True).click()
    _settled(page)


def _open_least_overlapping_pair(page: Page) -> None:
    """Click the heatmap cell of the two articles that overlap least: the two pickers and the list follow."""
    cells = page.locator('[data-testid="stVegaLiteChart"] path[aria-roledescription="rect mark"]')
    expect(cells.first).to_be_attached()
    labels = cells.evaluate_all("paths => paths.map(p => p.getAttribute('aria-label'))")
    scored = [
        (float(match.group(1)), index, label)
        for index, label in enumerate(labels)
        if (match := re.search(r"overlap: ([0-9.]+)", label or ""))
    ]
    _, index, label = min(scored)
    pair = re.match(r"title_b: (?P<title_b>.*); title_a: (?P<title_a>.*); overlap: ", label).groupdict()
    compare, partner = page.get_by_role("combobox", name="Compare"), page.get_by_role("combobox", name="with")
    titles = sorted([pair["title_a"], pair["title_b"]])

    def shows_the_pair() -> bool:
        shown = sorted([compare.input_value(), re.sub(r"  \(\d\.\d\d\)$", "", partner.input_value())])
        return shown == titles

    assert not shows_the_pair()
    cells.nth(index).click(position={"x": 6, "y": 6})  # a corner: the number is drawn in the middle
    _settled(page)
    expect(partner).to_have_value(re.compile(r"\(\d\.\d\d\)$"))
    assert shows_the_pair(), (compare.input_value(), partner.input_value(), titles)
    expect(page.get_by_text(re.compile(r"^similarity \d\.\d\d$")).first).to_be_visible()


def test_the_ask_address_opens_ask_with_its_question(page: Page, server_url: str):
    """Other pages live at /passages, /themes...; /ask?q= used to say "Page not found"."""
    page.goto(f"{server_url}/ask?q=Which+militias+does+the+IRGC+arm")
    _settled(page)
    expect(page).to_have_url(re.compile(r"/\?q=Which\+militias"))
    expect(page.get_by_role("textbox", name="Ask a question about the articles")).to_have_value(
        "Which militias does the IRGC arm"
    )
    expect(page.get_by_text("Related ↗").first).to_be_visible()
    assert page.get_by_text("Page not found").count() == 0


def test_a_narrow_window_keeps_charts_in_their_box_and_columns_readable(page: Page, server_url: str):
    """At 800 pixels with the sidebar open, the overlap heatmap is wider than the main column: it scrolls
    sideways in its own box, and the page (with the text beside the chart) stays put. Columns of cards
    go below one another."""
    page.set_viewport_size({"width": 800, "height": 900})
    page.goto(f"{server_url}/passages")
    _settled(page)
    expect(page.locator('[data-testid="stVegaLiteChart"]').first).to_be_visible()
    widths = page.evaluate(
        """() => {
            const main = document.querySelector('[data-testid="stMain"]');
            const chart = '[data-testid="stElementContainer"]:has([data-testid="stVegaLiteChart"])';
            const box = document.querySelector(chart);
            return {main: [main.scrollWidth, main.clientWidth], box: [box.scrollWidth, box.clientWidth]};
        }"""
    )
    assert widths["box"][0] > widths["box"][1], widths  # the chart is wider than the column: the case tested
    assert widths["main"][0] <= widths["main"][1], widths
    _screenshot(page, "passages-800")
    # The cards of the other articles, three to a row in a wide window, go one to a row: 145 pixels was too narrow.
    columns = page.locator('[data-testid="stColumn"]:has(.sse-passage)')
    expect(columns.first).to_be_visible()
    column_widths = columns.evaluate_all("cells => cells.map(cell => cell.getBoundingClientRect().width)")
    assert len(column_widths) >= 3 and min(column_widths) >= 272, column_widths


def test_ask_then_related_themes_and_map_in_a_real_browser(page: Page):
    question = page.get_by_role("textbox", name="Ask a question about the articles")
    question.fill("Which militias does the IRGC arm and train?")
    question.press("Enter")
    expect(page.get_by_text("Related ↗").first).to_be_visible()
    _settled(page)
    # The hostile article is among the answers, its payload shown as text.
    expect(page.get_by_text("<script>window.__pwned", exact=False).first).to_be_visible()
    expect(page.get_by_text("<img src=x onerror=", exact=False).first).to_be_visible()
    expect(page.locator("mark").first).to_be_visible()
    _assert_nothing_ran(page)
    _screenshot(page, "ask")
    # A refresh keeps the question (it is in the address) and answers it again.
    expect(page).to_have_url(re.compile(r"\?q=Which\+militias"))
    page.reload()
    _settled(page)
    expect(page.get_by_role("textbox", name="Ask a question about the articles")).to_have_value(
        "Which militias does the IRGC arm and train?"
    )
    expect(page.get_by_text("Related ↗").first).to_be_visible()

    page.get_by_role("button", name="Related ↗").first.click()
    expect(page.get_by_text("Closest passages in each other article")).to_be_visible()
    _settled(page)
    expect(page).to_have_url(re.compile(r"/passages\?passage=[\w-]+%3A\d{3}$"))
    follow = page.get_by_role("button", name="Follow this passage")
    expect(follow.first).to_be_visible()
    _screenshot(page, "passages")
    follow.last.scroll_into_view_if_needed()
    follow.last.click()
    _settled(page)
    # The followed passage is shown at the top: the page scrolls there (a rerun kept the old position).
    main_area = page.locator('[data-testid="stMain"]')
    page.wait_for_function("() => document.querySelector('[data-testid=\"stMain\"]').scrollTop === 0", timeout=10_000)
    assert main_area.evaluate("element => element.scrollTop") == 0
    expect(page.get_by_text("Closest passages in each other article")).to_be_visible()
    expect(page.get_by_text("Which articles overlap")).to_be_visible()
    _open_least_overlapping_pair(page)
    _screenshot(page, "article-pairs")
    _assert_nothing_ran(page)

    _open(page, "Themes")
    expect(page.get_by_text("Themes × articles")).to_be_visible()
    expect(page.get_by_text(re.compile(r"^\d+ themes$")).first).to_be_visible()
    _screenshot(page, "themes")
    page.get_by_role("tab", name="Passages of a theme").click()
    _settled(page)
    expect(page.locator(".sse-passage").first).to_be_visible()
    _screenshot(page, "theme-passages")
    _assert_nothing_ran(page)

    _open(page, "Map")
    expect(page.get_by_text("Points close together say similar things", exact=False)).to_be_visible()
    chart = page.locator('[data-testid="stVegaLiteChart"]').first
    expect(chart).to_be_visible()
    box = chart.bounding_box()
    assert box is not None
    total = int(page.get_by_text(re.compile(r"^\d+ of \d+ passages")).inner_text().split()[0])
    # Hovering the hostile article's point shows its title and opening words as text in the tooltip.
    hostile_point = page.locator('[data-testid="stVegaLiteChart"] path[aria-label*="Militia payload report"]')
    expect(hostile_point).to_have_count(1)
    hostile_point.hover(force=True)  # points may overlap; the tooltip is what matters
    tooltip = page.locator("#vg-tooltip-element")
    expect(tooltip).to_be_visible()
    expect(tooltip).to_contain_text("article")
    _screenshot(page, "map-hover")
    _assert_nothing_ran(page)
    page.mouse.move(0, 0)
    # Drag a box over the left part of the plot (the legend is on the right): its passages are listed below.
    page.mouse.move(box["x"] + box["width"] * 0.05, box["y"] + box["height"] * 0.2)
    page.mouse.down()
    page.mouse.move(box["x"] + box["width"] * 0.25, box["y"] + box["height"] * 0.5, steps=8)
    page.mouse.move(box["x"] + box["width"] * 0.4, box["y"] + box["height"] * 0.8, steps=8)
    page.mouse.up()
    selected = page.get_by_text(re.compile(r"^\d+ selected passages?$"))
    expect(selected).to_be_visible()
    _settled(page)
    assert 0 < int(selected.inner_text().split()[0]) < total
    expect(page.locator(".sse-passage").first).to_be_visible()
    _screenshot(page, "map")
    _assert_nothing_ran(page)

    _open(page, "Corpus")
    expect(page.get_by_text("Add an article")).to_be_visible()
    expect(page.get_by_text("Remove an article")).to_be_visible()
    _screenshot(page, "corpus")
    _assert_nothing_ran(page)
    # Paste an article in (last: it changes the index): the report names it, and the page stays on Paste.
    page.get_by_role("tab", name="Paste text").click()
    _settled(page)
    page.get_by_role("textbox", name="Title").fill("Drone strikes near Erbil")
    page.get_by_role("textbox", name="Text").fill(
        "Armed drones launched by militias struck a base near Erbil airport on Tuesday night. Officials in "
        "the Kurdistan region blamed groups backed by Iran for the attack."
    )
    page.get_by_role("button", name="Add and re-index").last.click()
    expect(page.get_by_text("Added: “Drone strikes near Erbil”.", exact=False)).to_be_visible()
    _settled(page)
    expect(page.get_by_role("tab", name="Paste text")).to_have_attribute("aria-selected", "true")
    expect(page.get_by_role("textbox", name="Title")).to_have_value("")  # fresh boxes for the next one
    _screenshot(page, "corpus-added")
    assert page.outside_requests == [], "the app must work offline: nothing fetched from other hosts"
