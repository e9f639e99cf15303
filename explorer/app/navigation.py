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


DEFAULT_PAGE = "ask"
DEFAULT_PAGE_PATH = "start"
"""The path the default page reserves. Streamlit serves the default page at ``/`` but still reserves its
own path, so it cannot be ``/ask``, which :func:`_to_the_default_page` answers instead."""


def page(name: str) -> st.Page:
    """The page called ``name`` (its URL path is ``/name``; the default page, Ask, is at ``/``)."""
    script, title, icon = PAGES[name]
    default = name == DEFAULT_PAGE
    return st.Page(
        VIEWS / script, title=title, icon=icon, url_path=DEFAULT_PAGE_PATH if default else name, default=default
    )


def _to_the_default_page() -> None:
    """``/ask?q=...`` opens Ask with its question: the other pages live at ``/passages``, ``/themes`` and so on,
    and a reader typing ``/ask`` got Streamlit's "Page not found"."""
    st.switch_page(page(DEFAULT_PAGE), query_params=st.query_params.to_dict())


def all_pages() -> list[st.Page]:
    forward = st.Page(_to_the_default_page, title=PAGES[DEFAULT_PAGE][1], url_path=DEFAULT_PAGE, visibility="hidden")
    return [*(page(name) for name in PAGES), forward]


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
