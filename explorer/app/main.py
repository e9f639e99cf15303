"""The Streamlit front end: ask, follow a passage across articles, themes, map, corpus.

Run with ``explorer serve`` (or ``streamlit run streamlit_app.py``). The model
and index are loaded once per server process (:mod:`explorer.app.state`) and
shared by every session; all work goes through :class:`explorer.Explorer`.
Without an index the app offers to build one instead of failing.
"""

from __future__ import annotations

import functools
from pathlib import Path

import streamlit as st

from explorer.app import navigation, state
from explorer.app.render import escape_markdown
from explorer.corpus import SUPPORTED_SUFFIXES
from explorer.errors import ExplorerError
from explorer.wording import counted

REPORT_KEY = "last_build_report"
# Less empty space above each page than Streamlit's default, so more results fit on a laptop screen.
# A chart wider than the main column (the overlap heatmap of many articles in a narrow window) scrolls
# sideways in its own box: before, the whole page scrolled sideways and the text beside it with it.
# Columns narrower than 17rem go below one another (three cards side by side in an 800-pixel window were
# 145 pixels wide, and the Corpus page cut its button labels); wide windows keep their columns.
# (No bare strings at module level here: `explorer serve` runs this file as a script, with Streamlit magic.)
LAYOUT_CSS = (
    "<style>[data-testid='stMainBlockContainer']{padding-top:3.5rem;padding-bottom:3rem}"
    "[data-testid='stElementContainer']:has([data-testid='stVegaLiteChart']){overflow-x:auto}"
    "[data-testid='stHorizontalBlock']{flex-wrap:wrap}[data-testid='stColumn']{min-width:min(17rem,100%)}</style>"
)


def _corpus_files(corpus: Path) -> int:
    if corpus.is_file():
        return 1
    if not corpus.is_dir():
        return 0
    return sum(1 for p in corpus.rglob("*") if p.is_file() and p.suffix.lower() in SUPPORTED_SUFFIXES)


def offer_build(shared: state.SharedExplorer, problem: str | None = None) -> None:
    """No usable index: say so and offer to build it from the corpus, with progress."""
    settings = shared.settings
    corpus = Path(settings.corpus_path)
    st.title("Semantic Similarity Explorer")
    st.markdown("Explore news articles by meaning: ask questions, follow a passage across articles, see themes.")
    if problem:
        st.error(escape_markdown(problem))
    else:
        st.info(f"There is no index yet in {escape_markdown(str(shared.index_dir))}.")
    files = _corpus_files(corpus)
    if files:
        st.markdown(
            f"Build it from the **{files} article file(s)** in {escape_markdown(str(corpus))}. "
            "The model reads every passage once; later rebuilds only read what changed."
        )
    else:
        st.warning(
            f"{escape_markdown(str(corpus))} has no article files yet: put "
            f"{escape_markdown(', '.join(sorted(SUPPORTED_SUFFIXES)))} files there "
            "(or set EXPLORER_CORPUS), then build."
        )
    if st.button("Build the index", type="primary", icon=":material/build:", key="build_index"):
        report = state.build_with_progress(lambda explorer, on_stage: explorer.build(on_stage=on_stage))
        if report is not None:
            st.session_state[REPORT_KEY] = report
            st.rerun()


def sidebar_summary(shared: state.SharedExplorer, counts_here) -> None:
    """The collection's size at the top of the sidebar, written into ``counts_here`` after the page ran:
    the number of themes is the one the Themes and Map pages' slider chose (it said the build's 14 while
    the page showed 5)."""
    chosen = st.session_state.get("theme_count")
    level = chosen if isinstance(chosen, int) and shared.themes_ready(chosen) else None
    # The view the page just built (same level, same outlier setting): counting needs no view of its own,
    # and an extra one would take a place among the few kept per index.
    assigned = bool(st.session_state.get("assign_outliers", False))
    themes = sum(t.theme_id >= 0 for t in shared.themes(level, assigned))
    counts = [counted(len(shared.articles()), "article"), counted(len(shared.passages()), "passage")]
    counts_here.caption(" · ".join([*counts, counted(themes, "theme")]))


@functools.cache
def page_icon():
    """The browser tab's icon, drawn here: Streamlit fetches a Material or emoji icon from
    fonts.gstatic.com, which fails on a machine without internet (an error in every page's console)."""
    from PIL import Image, ImageDraw

    icon = Image.new("RGBA", (64, 64), (0, 0, 0, 0))
    draw = ImageDraw.Draw(icon)
    draw.line((38, 38, 58, 58), fill="#262730", width=9)  # a magnifier: handle, then lens
    draw.ellipse((4, 4, 44, 44), fill="#ffffff", outline="#ff4b4b", width=7)
    return icon


def main() -> None:
    st.set_page_config(page_title="Semantic Similarity Explorer", page_icon=page_icon(), layout="wide")
    st.html(LAYOUT_CSS)
    navigation.keep_widget_state()
    shared = state.shared_explorer()
    if not shared.has_index():
        offer_build(shared)
        return
    shared.refresh_if_rebuilt()
    try:
        shared.version()  # loads the index, checking its files
    except ExplorerError as error:
        offer_build(shared, str(error))
        return
    report = st.session_state.pop(REPORT_KEY, None)
    if report is not None:
        state.show_report(report, shared.articles())
    page = st.navigation(navigation.all_pages(), position="top")
    st.sidebar.markdown("### Semantic Similarity Explorer")
    counts_here = st.sidebar.empty()
    try:
        page.run()
    except ExplorerError as error:
        st.error(escape_markdown(str(error)))
    finally:
        sidebar_summary(shared, counts_here)  # also when a page stops early or switches to another


if __name__ == "__main__":
    main()
