"""The app's pages, in one place, so any page can link to another.

Each page is a small script in ``explorer/app/views``; ``st.navigation`` runs
the chosen one after the entry point has loaded the shared explorer.
"""

from __future__ import annotations

from pathlib import Path

import streamlit as st

VIEWS = Path(__file__).resolve().parent / "views"

PAGES = {
    "ask": ("ask.py", "Ask", ":material/search:"),
    "passages": ("passages.py", "Passages across articles", ":material/compare_arrows:"),
    "themes": ("themes.py", "Themes", ":material/category:"),
    "map": ("map.py", "Map", ":material/scatter_plot:"),
    "corpus": ("corpus.py", "Corpus", ":material/folder_open:"),
}


def page(name: str) -> st.Page:
    """The page called ``name`` (its URL path is ``/name``)."""
    script, title, icon = PAGES[name]
    return st.Page(VIEWS / script, title=title, icon=icon, url_path=name, default=name == "ask")


def all_pages() -> list[st.Page]:
    return [page(name) for name in PAGES]


# Widget values that should survive a visit to another page. Streamlit forgets
# the state of widgets that were not drawn in a run; re-assigning them at the
# start of every run keeps them (see keep_widget_state).
PERSISTENT_KEYS = (
    "question",
    "ask_k",
    "ask_articles",
    "ask_mode",
    "ask_per_article",
    "ask_diversify",
    "pa_article",
    "pa_passage",
    "pa_per_article",
    "pa_left",
    "pa_right",
    "th_theme",
    "theme_count",
    "assign_outliers",
    "map_themes",
    "map_articles",
)


def keep_widget_state() -> None:
    for key in PERSISTENT_KEYS:
        if key in st.session_state:
            st.session_state[key] = st.session_state[key]
