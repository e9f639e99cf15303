"""The one command line that starts the app server, shared by `explorer serve`, tests and benchmarks."""

from __future__ import annotations

import sys
from pathlib import Path

APP_SCRIPT = Path(__file__).with_name("main.py")

CHROMIUM = Path("/usr/bin/chromium")
"""Debian's Chromium, which the browser tests and app benchmarks drive with Playwright (never `playwright install`)."""

CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
"""Headless, and quiet: without the networking flags Chromium keeps dialling hosts this machine cannot reach."""


def streamlit_command(
    address: str = "127.0.0.1", port: int = 8501, script: Path = APP_SCRIPT, preload: bool = True
) -> list[str]:
    """``streamlit run`` headless on ``address:port``: no usage statistics, no file watcher, no deploy button,
    no "magic" (which shows any bare string of a page script, such as a constant's docstring, on the page).

    With ``preload`` (the default) it runs through :mod:`explorer.app.serve`,
    which loads the model and the index while the server starts; without, it is
    plain ``python -m streamlit run`` (for comparison in bench/app_bench.py).
    """
    return [
        sys.executable,
        "-m",
        "explorer.app.serve" if preload else "streamlit",
        "run",
        str(script),
        "--server.address",
        address,
        "--server.port",
        str(port),
        "--server.headless",
        "true",
        "--browser.gatherUsageStats",
        "false",
        "--server.fileWatcherType",
        "none",
        "--runner.magicEnabled",
        "false",
        "--client.toolbarMode",
        "minimal",
    ]
