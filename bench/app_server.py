"""Start the real Streamlit app for a benchmark, and always stop it again.

Shared by bench/app_bench.py (one user) and bench/load_bench.py (many users).
The server listens on 127.0.0.1 only, on a free port, in its own process
group, so stopping it also stops anything it started, even when the
benchmark fails half-way.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import socket
import subprocess
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from bench.common import REPO
from explorer.app.launch import CHROMIUM, CHROMIUM_ARGS, streamlit_command  # noqa: F401 - re-exported for the benches

START_TIMEOUT_S = 180


@dataclass(frozen=True)
class App:
    """A running server: where to reach it, and its process id (for CPU accounting)."""

    url: str
    pid: int


def stop_on_sigterm() -> None:
    """Turn SIGTERM and SIGHUP into SystemExit, so ``finally`` blocks stop the server and the browser."""

    def _exit(signum: int, _frame: object) -> None:
        raise SystemExit(128 + signum)

    signal.signal(signal.SIGTERM, _exit)
    signal.signal(signal.SIGHUP, _exit)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _stop(server: subprocess.Popen) -> None:
    """SIGTERM the server's process group, then SIGKILL if it does not go within 15 s."""
    if server.poll() is not None:
        return
    with contextlib.suppress(ProcessLookupError):
        os.killpg(server.pid, signal.SIGTERM)
    try:
        server.wait(15)
    except subprocess.TimeoutExpired:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(server.pid, signal.SIGKILL)
        server.wait(15)


@contextlib.contextmanager
def running_app(index: Path, corpus: Path, log: Path | None = None, preload: bool = True) -> Iterator[App]:
    """``streamlit run streamlit_app.py`` serving ``index``; yields it once /_stcore/health answers.

    ``log`` receives the server's output (discarded when None); its tail is
    quoted if the server dies or does not start. ``preload``: see
    :func:`explorer.app.launch.streamlit_command`.
    """
    env = {**os.environ, "EXPLORER_INDEX": str(index), "EXPLORER_CORPUS": str(corpus), "HF_HUB_OFFLINE": "1"}
    port = free_port()
    # setpriv (util-linux) makes the kernel SIGTERM the server if this process is killed outright (SIGKILL).
    command = ["setpriv", "--pdeathsig", "TERM"] if shutil.which("setpriv") else []
    command += streamlit_command("127.0.0.1", port, REPO / "streamlit_app.py", preload=preload)
    with open(log or os.devnull, "w") as output:
        server = subprocess.Popen(
            command,
            cwd=REPO,
            env=env,
            stdout=output,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group: stopping it stops all it started
        )
    url = f"http://127.0.0.1:{port}"
    try:
        _wait_until_healthy(url, server, log)
        yield App(url, server.pid)
    finally:
        _stop(server)


def _wait_until_healthy(url: str, server: subprocess.Popen, log: Path | None) -> None:
    deadline = time.monotonic() + START_TIMEOUT_S
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit(f"streamlit exited with status {server.returncode}{_tail(log)}")
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2):
                return
        except OSError:
            time.sleep(0.5)
    raise SystemExit(f"streamlit did not answer on {url} within {START_TIMEOUT_S} s{_tail(log)}")


def _tail(log: Path | None) -> str:
    if log is None or not log.exists():
        return ""
    return ":\n" + log.read_text(encoding="utf-8", errors="replace")[-3000:]
