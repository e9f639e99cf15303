"""Map: every passage as a point, near points say similar things; select points to read them."""

from __future__ import annotations

import streamlit as st

from explorer.app import charts, exports, state
from explorer.app.render import article_labels, escape_markdown, passage_html
from explorer.app.widgets import download_buttons, outliers_assigned, passage_number, theme_level

MAP_KEY = "map_chart"
MAX_LISTED = 60


def _keep_known(key: str, options: list[str]) -> None:
    if key in st.session_state:
        st.session_state[key] = [value for value in st.session_state[key] if value in options]


def render() -> None:
    shared = state.shared_explorer()
    articles = shared.articles()
    passages = shared.passages()
    themes = shared.themes(theme_level(shared), outliers_assigned(shared))
    titles = article_labels(articles)
    frame = charts.map_frame(shared.passage_map(), passages, themes, titles)
    order = [charts.theme_name(t) for t in themes]

    theme_options = [name for name in order if name in set(frame["theme"])]
    article_options = sorted(set(frame["article"]), key=str.lower)
    _keep_known("map_themes", theme_options)
    _keep_known("map_articles", article_options)
    shown_themes = st.sidebar.multiselect("Themes", theme_options, key="map_themes", placeholder="All themes")
    shown_articles = st.sidebar.multiselect("Articles", article_options, key="map_articles", placeholder="All articles")
    visible = frame
    if shown_themes:
        visible = visible[visible["theme"].isin(shown_themes)]
    if shown_articles:
        visible = visible[visible["article"].isin(shown_articles)]

    st.caption(
        f"{len(visible)} of {len(frame)} passages. Points close together say similar things; each colour and "
        "shape is a theme. Hover a point for its article and opening words; click a point or drag a box to list "
        "passages below (shift-click adds points, double-click clears)."
    )
    event = st.altair_chart(
        charts.passage_map(visible, order),
        key=MAP_KEY,
        on_select="rerun",
        selection_mode=[charts.MAP_POINT, charts.MAP_BRUSH],
        width="stretch",
    )
    rows = [row for row in charts.selected_rows(event.selection, frame) if row in set(visible["row"])]
    if not rows:
        st.info("Select points on the map to read their passages here.")
        return
    chosen = [passages[row] for row in rows]
    theme_of = dict(zip(frame["passage_id"], frame["theme"]))
    st.subheader(f"{len(chosen)} selected passage{'s' if len(chosen) != 1 else ''}")
    download_buttons(
        [
            ("CSV", exports.passages_csv(chosen, theme_of), "map-selection.csv", "text/csv"),
        ],
        key="map-download",
    )
    grouped: dict[str, list] = {}
    for passage in chosen[:MAX_LISTED]:
        grouped.setdefault(passage.article_id, []).append(passage)
    for article_id, members in grouped.items():
        with st.container(border=True):
            st.markdown(f"**{escape_markdown(titles.get(article_id, article_id))}** · {len(members)} selected")
            for passage in members:
                st.caption(
                    f"passage {escape_markdown(passage_number(passage))} · "
                    f"{escape_markdown(theme_of.get(passage.passage_id, ''))}"
                )
                st.html(passage_html(passage.text))
    if len(chosen) > MAX_LISTED:
        st.caption(f"The first {MAX_LISTED} are shown; download the CSV for all {len(chosen)}.")


if __name__ == "__main__":
    render()
