"""Shared fixtures: a real index over the seed corpus, built once per test session.

The real model and FAISS index are used wherever a feature's quality matters;
the hashing embedder only speeds up tests of plumbing (caching, bookkeeping).
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from explorer.embed import HashingEmbedder, SentenceTransformerEmbedder
from explorer.explorer import Explorer
from explorer.settings import Settings

REPO = Path(__file__).resolve().parent.parent
CORPUS = REPO / "corpus"

os.environ.setdefault("HF_HUB_OFFLINE", "1")


@pytest.fixture(scope="session")
def real_embedder() -> SentenceTransformerEmbedder:
    return SentenceTransformerEmbedder()


@pytest.fixture(scope="session")
def seed_index_dir(tmp_path_factory: pytest.TempPathFactory, real_embedder) -> Path:
    """A real index (all-MiniLM-L6-v2 + FAISS on disk) over corpus/."""
    index_dir = tmp_path_factory.mktemp("seed-index")
    Explorer(Settings(index_dir=index_dir, corpus_path=CORPUS), embedder=real_embedder).build()
    return index_dir


@pytest.fixture(scope="session")
def outlier_index_dir(tmp_path_factory: pytest.TempPathFactory, real_embedder) -> Path:
    """A real index over a few articles on bees and rockets and one lost cat: the default themes
    leave some paragraphs unassigned."""
    root = tmp_path_factory.mktemp("outliers")
    corpus = write_articles(root / "corpus", OUTLIER_CORPUS)
    Explorer(Settings(index_dir=root / "index", corpus_path=corpus), embedder=real_embedder).build()
    return root / "index"


@pytest.fixture(scope="session")
def many_articles_index_dir(tmp_path_factory: pytest.TempPathFactory, real_embedder) -> Path:
    """A real index over 24 short articles, laid out as labelled collections often are: one folder per
    category with numbered files (``sport/01.txt``, ``weather/01.txt``): more articles than the app
    shows side by side or in one heatmap, and ids named by path."""
    root = tmp_path_factory.mktemp("many")
    for category, subjects in MANY_ARTICLES.items():
        for number, subject in enumerate(subjects, start=1):
            file = root / "corpus" / category / f"{number:02d}.txt"
            file.parent.mkdir(parents=True, exist_ok=True)
            file.write_text(
                f"{subject.capitalize()} in the news\n\nReporters followed {subject} closely this week, and "
                f"readers wrote in about {subject}.\n\nExperts said {subject} will matter again next season.\n"
            )
    Explorer(Settings(index_dir=root / "index", corpus_path=root / "corpus"), embedder=real_embedder).build()
    return root / "index"


MANY_ARTICLES = {
    "sport": [
        "a football final",
        "a tennis upset",
        "a marathon record",
        "a rugby tour",
        "a cricket series",
        "a cycling race",
        "a boxing title",
        "a golf major",
        "a swimming gala",
        "an ice hockey derby",
        "a sailing regatta",
        "a ski jump",
    ],
    "weather": [
        "a heatwave",
        "a flood warning",
        "a winter storm",
        "a drought",
        "a tornado",
        "a cold snap",
        "heavy snowfall",
        "a hailstorm",
        "record rainfall",
        "a foggy morning",
        "a hurricane",
        "a frost",
    ],
}


OUTLIER_CORPUS = {
    "bees.txt": "Bees and honey\n\nHoney bees collect nectar from flowers and turn it into honey inside the hive "
    "over many weeks of work.\n\nA queen bee lays thousands of eggs every single day during the warm summer "
    "months of the year.\n\nBeekeepers smoke the hive gently before lifting out frames heavy with honeycomb.\n",
    "hives.txt": "Keeping hives\n\nA new beekeeper should inspect each hive weekly for signs of disease and for "
    "the queen's eggs.\n\nHoney is spun out of the comb in a centrifuge and strained into jars.\n",
    "rockets.txt": "Rockets to orbit\n\nA rocket engine burns fuel and oxidizer to push the vehicle upward toward "
    "orbit around the planet Earth.\n\nReusable boosters land again on floating ships at sea so that future "
    "launches become much cheaper over time.\n",
    "cat.txt": "A lost cat\n\nThe neighbours found our tabby cat asleep in their garden shed after three days of "
    "searching.\n",
}


@pytest.fixture(scope="session")
def seed_explorer(seed_index_dir: Path, real_embedder) -> Explorer:
    return Explorer(Settings(index_dir=seed_index_dir, corpus_path=CORPUS), embedder=real_embedder)


@pytest.fixture
def fake_explorer(tmp_path: Path):
    """A factory for explorers with the fast hashing embedder over a temporary index."""

    def make(embedder: HashingEmbedder | None = None, index_dir: Path | None = None) -> Explorer:
        settings = Settings(index_dir=index_dir or tmp_path / "index", corpus_path=tmp_path / "corpus")
        return Explorer(settings, embedder=embedder or HashingEmbedder())

    return make


def write_articles(folder: Path, articles: dict[str, str]) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in articles.items():
        (folder / name).write_text(text, encoding="utf-8")
    return folder


@pytest.fixture
def small_corpus(tmp_path: Path) -> Path:
    """Three short articles with distinct subjects, for plumbing tests."""
    return write_articles(
        tmp_path / "corpus",
        {
            "bees.txt": "Bees and honey\n\nHoney bees collect nectar from flowers and turn it into honey "
            "inside the hive over many weeks of work.\n\nA queen bee lays thousands of eggs every "
            "single day during the warm summer months of the year.\n",
            "rockets.txt": "Rockets to orbit\n\nA rocket engine burns fuel and oxidizer to push the "
            "vehicle upward toward orbit around the planet Earth.\n\nReusable boosters land "
            "again on floating ships at sea so that future launches become much cheaper over time.\n",
            "bread.txt": "Baking bread\n\nBread dough rises when yeast ferments the sugars in the flour "
            "and releases bubbles of carbon dioxide gas.\n\nBakers shape the loaves and bake them "
            "in a very hot oven until the crust turns golden brown.\n",
        },
    )


PYTHON = sys.executable


def wait_until_healthy(url: str, server: subprocess.Popen, log: Path | None = None, timeout: float = 180) -> None:
    """Wait for a Streamlit server started as ``server`` to answer its health check at ``url``; fail with
    the end of its ``log`` if it stops or does not answer in time."""
    tail = (lambda: log.read_text()[-3000:]) if log is not None else (lambda: "")
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.poll() is not None:
            pytest.fail(f"streamlit exited with {server.returncode}:\n{tail()}")
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.5)
    pytest.fail(f"streamlit did not answer on {url} within {timeout} s:\n{tail()}")


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]
