"""The Streamlit app through AppTest: the real script, model and index."""

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

APP = str(Path(__file__).resolve().parent.parent / "streamlit_app.py")


@pytest.fixture
def app(seed_index_dir, monkeypatch):
    monkeypatch.setenv("EXPLORER_INDEX", str(seed_index_dir))
    return AppTest.from_file(APP, default_timeout=180)


def test_ask_shows_ranked_passages_with_titles(app):
    app.run()
    assert not app.exception
    app.text_input(key="question").input("which armed groups does Tehran work through?").run()
    assert not app.exception
    shown = " ".join(m.value for m in app.markdown)
    assert "Kataib Hezbollah" in shown
    assert "**1\\. " in shown or "**1. " in shown


def test_themes_and_related_tabs_render(app):
    app.run()
    shown = " ".join(e.label for e in app.expander)
    assert "passages" in shown and "articles" in shown
    assert any("Related passages in other articles" in s.value for s in app.subheader)


def test_first_run_builds_the_index(tmp_path, monkeypatch):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "note.txt").write_text(
        "Rivers\n\nThe river flooded the valley after a week of heavy rain in the mountains nearby.\n"
    )
    monkeypatch.setenv("EXPLORER_INDEX", str(tmp_path / "index"))
    monkeypatch.setenv("EXPLORER_CORPUS", str(corpus))
    app = AppTest.from_file(APP, default_timeout=180).run()
    assert not app.exception
    assert any("indexed 1 passages" in s.value for s in app.success)
    assert (tmp_path / "index" / "manifest.json").exists()
