"""Nothing already indexed is lost: killed builds, failed writes, broken inputs."""

import os
import shutil
import signal
import subprocess
import sys
import time

import pytest

from explorer import store
from explorer.errors import ExplorerError
from explorer.explorer import Explorer
from explorer.settings import Settings

from .conftest import CORPUS


def big_corpus(folder):
    shutil.copytree(CORPUS, folder)
    paragraphs = [
        f"Paragraph {i}: the commander met officials in Baghdad to discuss training, border posts, "
        f"oil fields and the militias that operate near town number {i}, according to local reports."
        for i in range(400)
    ]
    (folder / "extra.txt").write_text("Extra article\n\n" + "\n\n".join(paragraphs))
    return folder


@pytest.mark.parametrize("delay", [1.0, 4.0, 8.0, 12.0])
def test_killed_build_leaves_the_previous_index_answering(seed_index_dir, real_embedder, tmp_path, delay):
    index = tmp_path / "index"
    shutil.copytree(seed_index_dir, index)
    before = store.read_manifest(index)
    corpus = big_corpus(tmp_path / "corpus")
    process = subprocess.Popen(
        [sys.executable, "-m", "explorer.cli", "build", str(corpus), "--index", str(index)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    time.sleep(delay)
    process.send_signal(signal.SIGKILL)
    process.wait()
    explorer = Explorer(Settings(index_dir=index), embedder=real_embedder)
    manifest = store.read_manifest(index)
    # Either the old index, or - if the build had finished - the complete new one; never a mix.
    assert manifest["generation"] == before["generation"] or manifest["article_count"] == 6
    hits = explorer.ask("which armed groups does Tehran work through?", k=3)
    assert any("Kataib Hezbollah" in h.passage.text for h in hits)
    # The lock died with the process: the next build runs.
    report = explorer.build(corpus)
    assert report.articles == 6


def test_failed_write_keeps_the_old_manifest(tmp_path, monkeypatch, fake_explorer, small_corpus):
    explorer = fake_explorer(index_dir=tmp_path / "index")
    explorer.build(small_corpus)
    before = store.read_manifest(tmp_path / "index")

    def broken_replace(*args, **kwargs):
        raise OSError("disk full")

    monkeypatch.setattr(os, "replace", broken_replace)
    (small_corpus / "extra.txt").write_text("Extra\n\nA brand new article about sailing boats on the open sea today.")
    with pytest.raises(ExplorerError, match=r"cannot write the index in .*\(disk full\).*unchanged"):
        explorer.build(small_corpus)
    monkeypatch.undo()
    assert store.read_manifest(tmp_path / "index") == before
    explorer.reload()
    assert {p.article_id for p in explorer.passages()} == {"bees", "bread", "rockets"}
