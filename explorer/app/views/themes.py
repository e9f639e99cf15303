"""Themes: what the articles keep talking about, which articles carry it, and the passages behind it."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from explorer.app import charts, exports, links, state
from explorer.app.render import article_label, article_labels, escape_markdown, passage_html
from explorer.app.widgets import download_buttons, outliers_assigned, passage_number, theme_level
from explorer.records import Theme
from explorer.wording import counted

THEME_TABLE_KEY = "th_table"
TAB_KEY = "th_tab"
OVERVIEW_TAB = "Overview"
DETAIL_TAB = "Passages of a theme"


def overview_table(themes: list[Theme], articles: dict[str, dict]) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "theme": [charts.theme_name(t) for t in themes],
            "passages": [t.size for t in themes],
            "articles": [len(t.article_ids) for t in themes],
            "keywords": [", ".join(t.keywords[:8]) for t in themes],
            "in": ["; ".join(article_label(articles, a) for a in t.article_ids) for t in themes],
        }
    )


def _theme_from_table(themes: list[Theme]) -> None:
    """A click on a row of the overview opens that theme below."""
    event = st.session_state.get(THEME_TABLE_KEY)
    rows = event.selection.rows if event is not None else []
    if rows:
        st.session_state["th_theme"] = themes[rows[0]].theme_id
        st.session_state[TAB_KEY] = DETAIL_TAB


# Article groups drawn at once; a larger theme (BBC News: 598 passages in 270 articles) is paged.
# (A comment, not a docstring: Streamlit's "magic" would write a bare string onto the page.)
GROUPS_PER_PAGE = 20


def theme_detail(theme: Theme, articles: dict[str, dict]) -> None:
    """The theme's passages grouped by article (the articles with most of them first), the most
    central passages first in each group."""
    if theme.keywords:
        st.markdown("**Keywords:** " + escape_markdown(", ".join(theme.keywords)))
    central = {pid: rank for rank, pid in enumerate(theme.representative_ids)}
    by_article: dict[str, list] = {}
    for passage in theme.passages:
        by_article.setdefault(passage.article_id, []).append(passage)
    ordered = sorted(by_article, key=lambda a: (-len(by_article[a]), article_label(articles, a).lower()))
    total, first = len(ordered), 0
    if total > GROUPS_PER_PAGE:
        first = st.selectbox(
            "Articles",
            range(0, total, GROUPS_PER_PAGE),
            format_func=lambda start: (
                f"{start + 1}–{min(start + GROUPS_PER_PAGE, total)} of {total}, most passages first"
            ),
            key=f"th_page_{theme.theme_id}",
        )
    for article_id in ordered[first : first + GROUPS_PER_PAGE]:
        members = sorted(by_article[article_id], key=lambda p: (central.get(p.passage_id, len(central)), p.start))
        with st.container(border=True):
            st.markdown(
                f"**{escape_markdown(article_label(articles, article_id))}** · "
                f"{len(members)} passage{'s' if len(members) != 1 else ''}"
            )
            for passage in members:
                marker = " · central to the theme" if passage.passage_id in central else ""
                st.caption(f"passage {escape_markdown(passage_number(passage))}{marker}")
                st.html(passage_html(passage.text))


def render() -> None:
    shared = state.shared_explorer()
    articles = shared.articles()
    linked = links.restore("th_theme", "theme", int)
    if linked is not None:
        st.session_state[TAB_KEY] = DETAIL_TAB
    level = theme_level(shared)
    assign = outliers_assigned(shared)
    themes = shared.themes(level, assign)
    if linked is not None and linked not in {t.theme_id for t in themes}:
        st.warning(f"The link's theme {linked + 1} is not among these themes; pick one under {DETAIL_TAB}.")
    named = [t for t in themes if t.theme_id >= 0]
    unassigned = sum(t.size for t in themes if t.theme_id < 0)
    titles = article_labels(articles)
    st.markdown(
        f"**{counted(len(named), 'theme')}** over {counted(sum(t.size for t in themes), 'passage')} "
        f"in {counted(len(articles), 'article')}"
        + (
            f"; {unassigned} {'passage belongs' if unassigned == 1 else 'passages belong'} to no theme."
            if unassigned
            else "."
        )
    )
    if shared.themes_stale():
        st.info(
            "The corpus changed a moment ago: new passages sit in their nearest theme until the themes "
            "are refitted in the background (seconds; refresh the page to see them)."
        )
    download_buttons(
        [
            ("CSV", exports.themes_csv(themes), "themes.csv", "text/csv"),
            ("JSON", exports.themes_json(themes), "themes.json", "application/json"),
            ("Markdown", exports.themes_markdown(themes, titles), "themes.md", "text/markdown"),
        ],
        key="themes-download",
    )
    if not named:
        st.info("No themes yet: themes need more passages. Add articles on the Corpus page.")
    order = [charts.theme_name(t) for t in themes]
    overview, detail = st.tabs([OVERVIEW_TAB, DETAIL_TAB], key=TAB_KEY, on_change="rerun")
    if overview.open:
        with overview:
            show_overview(shared, level, assign, themes, named, articles, order, titles)
    if detail.open:
        with detail:
            links.remember("theme", show_theme(themes, articles))
    else:
        links.remember("theme", None)


def show_overview(
    shared: state.SharedExplorer,
    level: int | None,
    assign_outliers: bool,
    themes: list[Theme],
    named: list[Theme],
    articles: dict[str, dict],
    order: list[str],
    titles: dict[str, str],
) -> None:
    st.caption("Click a row to read that theme's passages.")
    st.dataframe(
        overview_table(themes, articles),
        hide_index=True,
        width="stretch",
        on_select=lambda: _theme_from_table(themes),
        selection_mode="single-row",
        key=THEME_TABLE_KEY,
        column_config={
            "theme": st.column_config.TextColumn("theme", width="medium"),
            "passages": st.column_config.NumberColumn("passages", width="small"),
            "articles": st.column_config.NumberColumn("articles", width="small"),
            "keywords": st.column_config.TextColumn("top keywords", width="large"),
            "in": st.column_config.TextColumn("articles it spans", width="large"),
        },
    )
    st.subheader("Themes × articles")
    names = {t.theme_id: charts.theme_name(t) for t in themes}
    matrix = shared.theme_article_matrix(level, assign_outliers)
    frame = charts.theme_article_frame(matrix, names, titles)
    shown = charts.articles_for_theme_chart(matrix)
    caption = "How many passages of each theme each article has."
    if len(shown) < len(matrix.article_ids):
        frame = frame[frame["article_id"].isin(shown)]
        caption += (
            f" Of {len(matrix.article_ids):,} articles, {len(shown)}: each theme's main article, then those that"
            " carry the most themes."
        )
    st.caption(caption)
    article_order = sorted(set(frame["article"]), key=str.lower)
    st.altair_chart(charts.theme_article_heatmap(frame, order, article_order), width="stretch")
    keywords = charts.keyword_frame(named)
    if not keywords.empty:
        st.subheader("Top keywords")
        st.caption("Each bar: the share of the theme's passages that use the keyword.")
        st.altair_chart(charts.keyword_bars(keywords, order, columns=3))


def show_theme(themes: list[Theme], articles: dict[str, dict]) -> int:
    """The theme picker and the chosen theme's passages; the chosen theme's id."""
    ids = [t.theme_id for t in themes]
    if st.session_state.get("th_theme") not in ids:
        st.session_state.pop("th_theme", None)
    by_id = {t.theme_id: t for t in themes}
    chosen = st.selectbox(
        "Theme",
        ids,
        format_func=lambda i: (
            f"{charts.theme_name(by_id[i])} · {counted(by_id[i].size, 'passage')} · "
            f"{counted(len(by_id[i].article_ids), 'article')}"
        ),
        key="th_theme",
    )
    theme_detail(by_id[chosen], articles)
    return chosen


if __name__ == "__main__":
    render()
