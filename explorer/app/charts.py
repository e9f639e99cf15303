"""Altair charts for the app, built from plain data so they can be tested without a browser.

Altair ships with Streamlit and renders offline. Text from articles (titles,
passage starts, theme labels) only ever reaches Vega as data values, which
Vega draws as SVG/canvas text and its tooltip plugin escapes, never as HTML.
"""

from __future__ import annotations

import altair as alt
import numpy as np
import pandas as pd

from explorer.keyphrases import keyphrases, normalise
from explorer.records import Theme

HEATMAP_SCHEME = "blues"
UNASSIGNED_COLOUR = "#c7c7c7"
AXIS_LABEL_LIMIT = 220
"""Pixels before an axis label is cut with an ellipsis: long headlines must not squeeze the plot."""


def article_heatmap_frame(article_ids: list[str], matrix: np.ndarray, titles: dict[str, str]) -> pd.DataFrame:
    """Long form of the article x article matrix (off-diagonal cells only carry a value)."""
    rows = []
    for i, a in enumerate(article_ids):
        for j, b in enumerate(article_ids):
            rows.append(
                {
                    "a": a,
                    "b": b,
                    "title_a": titles.get(a, a),
                    "title_b": titles.get(b, b),
                    "overlap": None if i == j else round(float(matrix[i, j]), 3),
                }
            )
    return pd.DataFrame(rows)


def _left_axis() -> alt.Axis:
    """Row labels in full (long titles and theme labels), none skipped for overlapping."""
    return alt.Axis(labelLimit=AXIS_LABEL_LIMIT, labelOverlap=False)


SLANTED_COLUMNS = 8
"""Up to this many columns, a heatmap's column labels are slanted (easy to read); above, upright, where a
label needs no more width than a line of text: 30 slanted titles over 30 narrow columns ran into a smear."""


def _top_axis(columns: int) -> alt.Axis:
    """Column labels above a heatmap of ``columns`` columns: slanted while they fit, upright beyond."""
    if columns <= SLANTED_COLUMNS:
        return alt.Axis(orient="top", labelAngle=-30, labelAlign="left", labelLimit=240, labelOverlap=False)
    return alt.Axis(
        orient="top", labelAngle=-90, labelAlign="left", labelBaseline="middle", labelLimit=200, labelOverlap=False
    )


PAIR_SELECTION = "pair"


def _grid(frame: pd.DataFrame, x: str, x_order: list[str], y: str, y_order: list[str]) -> alt.Chart:
    """The base of a heatmap: ``x`` categories along the top, ``y`` down the left, both in the given order."""
    return alt.Chart(frame).encode(
        x=alt.X(x, sort=x_order, title=None, axis=_top_axis(len(x_order))),
        y=alt.Y(y, sort=y_order, title=None, axis=_left_axis()),
    )


HEATMAP_CELLS_WIDTH = 680
"""Pixels the overlap heatmap's cells may take side by side (beside row labels of up to
:data:`AXIS_LABEL_LIMIT`), so that its widest form still fits the app's main column: 20 articles at a
fixed 72 pixels ran off the page."""


def heatmap_step(columns: int) -> int:
    """The width of one overlap heatmap column: 72 pixels while they fit :data:`HEATMAP_CELLS_WIDTH`,
    narrower for more articles, never under 28 (a cell still shows its "0.63")."""
    return max(28, min(72, HEATMAP_CELLS_WIDTH // max(columns, 1)))


def article_heatmap(frame: pd.DataFrame) -> alt.LayerChart:
    """Clickable article x article overlap; a click selects a pair of articles."""
    order = list(dict.fromkeys(frame["title_a"]))
    step = heatmap_step(len(order))
    pick = alt.selection_point(name=PAIR_SELECTION, fields=["a", "b"], on="click", clear="dblclick")
    base = _grid(frame, "title_b:N", order, "title_a:N", order)
    cells = base.mark_rect(stroke="white", strokeWidth=2, cursor="pointer").encode(
        color=alt.condition(
            "datum.overlap == null",
            alt.value("#f0f2f6"),
            # The lowest overlap still a visible blue: the data's own range (0.54-0.59 on the seed corpus)
            # would start at white, where the weakest pair looked as empty as the grey diagonal.
            alt.Color(
                "overlap:Q", scale=alt.Scale(scheme={"name": HEATMAP_SCHEME, "extent": [0.2, 1.0]}), title="overlap"
            ),
        ),
        opacity=alt.condition(pick, alt.value(1.0), alt.value(0.45)),
        tooltip=[
            alt.Tooltip("title_a:N", title="article"),
            alt.Tooltip("title_b:N", title="compared with"),
            alt.Tooltip("overlap:Q", format=".2f"),
        ],
    )
    middle = float(frame["overlap"].dropna().median()) if frame["overlap"].notna().any() else 0.0
    labels = (
        base.mark_text(fontSize=12 if step >= 40 else 10)
        .encode(
            text=alt.Text("overlap:Q", format=".2f"),
            color=alt.condition(f"datum.overlap > {middle}", alt.value("white"), alt.value("#262730")),
        )
        .transform_filter("datum.overlap != null")
    )
    return (cells + labels).add_params(pick).properties(width=alt.Step(step), height=alt.Step(36))


def theme_article_frame(matrix, names: dict[int, str], titles: dict[str, str]) -> pd.DataFrame:
    """Long form of the facade's theme x article matrix (``Explorer.theme_article_matrix``), empty cells left out.

    ``matrix`` has ``theme_ids``, ``article_ids`` and ``counts[theme_row, article_column]``.
    """
    rows = [
        {
            "theme_id": theme_id,
            "theme": names.get(theme_id, str(theme_id)),
            "article_id": article_id,
            "article": titles.get(article_id, article_id),
            "passages": int(matrix.counts[i, j]),
        }
        for i, theme_id in enumerate(matrix.theme_ids)
        for j, article_id in enumerate(matrix.article_ids)
        if matrix.counts[i, j] > 0
    ]
    return pd.DataFrame(rows, columns=["theme_id", "theme", "article_id", "article", "passages"])


THEME_CHART_ARTICLES = 60
"""Above this many articles, the theme x article chart shows the articles that carry the most themes:
2,127 columns of BBC News are a grey smear of overlapping titles."""


def articles_for_theme_chart(matrix, limit: int | None = None) -> list[str]:
    """Every article of ``matrix`` (``Explorer.theme_article_matrix``) when they fit, else up to ``limit``
    (default :data:`THEME_CHART_ARTICLES`), in the matrix's order: first, for each theme, the article with
    the most of its passages, so that every theme keeps its row (two themes of a 45-article set had none);
    then those that carry the most themes (then the most themed passages)."""
    limit = THEME_CHART_ARTICLES if limit is None else limit
    if len(matrix.article_ids) <= limit:
        return list(matrix.article_ids)
    named = [row for row, theme_id in enumerate(matrix.theme_ids) if theme_id >= 0]
    counts = np.asarray(matrix.counts)[named]
    themes, passages = (counts > 0).sum(axis=0), counts.sum(axis=0)
    ranked = np.lexsort((np.arange(len(matrix.article_ids)), -passages, -themes))
    anchors = [int(np.argmax(row)) for row in counts[np.argsort(-counts.sum(axis=1), kind="stable")] if row.any()]
    kept = list(dict.fromkeys(anchors[:limit] + [int(column) for column in ranked]))[:limit]
    return [matrix.article_ids[column] for column in sorted(kept)]


def theme_name(theme: Theme) -> str:
    """A short, numbered name for legends and axes."""
    if theme.theme_id < 0:
        return "unassigned"
    return f"{theme.theme_id + 1}. {theme.label}"


def theme_article_heatmap(frame: pd.DataFrame, theme_order: list[str], article_order: list[str]) -> alt.Chart:
    """Which articles carry which theme, as passage counts."""
    dark_from = 0.6 * float(frame["passages"].max()) if len(frame) else 0.0  # white text on dark cells
    base = _grid(frame, "article:N", article_order, "theme:N", theme_order)
    cells = base.mark_rect(stroke="white", strokeWidth=1).encode(
        # No legend: every cell prints its count, and the legend's width is better spent on the columns.
        color=alt.Color("passages:Q", scale=alt.Scale(scheme="greens"), legend=None),
        tooltip=[
            alt.Tooltip("theme:N"),
            alt.Tooltip("article:N"),
            alt.Tooltip("passages:Q"),
        ],
    )
    labels = base.mark_text(fontSize=11).encode(
        text="passages:Q",
        color=alt.condition(f"datum.passages > {dark_from}", alt.value("white"), alt.value("#262730")),
    )
    return (cells + labels).properties(height=alt.Step(26))


def _normal_phrase(phrase: str) -> str:
    """The phrase as the keyphrases count it (``normalise`` on each word: "US" is "u.s.")."""
    return " ".join(normalise(word) for word in phrase.split())


def keyword_mentions(keywords: list[str], texts: list[str]) -> list[int]:
    """In how many of ``texts`` each keyword occurs, tokenised the way the labels were made.

    Keywords can be two-word phrases and are matched as whole words ("gen" is not
    in "General"), so a substring test would be wrong both ways; the labeler's
    own phrase analyzer (:func:`explorer.keyphrases.keyphrases`) is used.
    """
    present = [{_normal_phrase(phrase) for phrase in keyphrases(text)} for text in texts]
    wanted = [_normal_phrase(keyword) for keyword in keywords]
    return [sum(word in phrases for phrases in present) for word in wanted]


def keyword_frame(themes: list[Theme], per_theme: int = 6) -> pd.DataFrame:
    """For each theme, its top keywords and in how many of its passages each one occurs.

    The keywords are ranked by c-TF-IDF at build time; the bar shows something a
    reader can check: the share of the theme's passages that use the word.
    """
    rows = []
    for theme in themes:
        if theme.theme_id < 0 or not theme.keywords:
            continue
        keywords = theme.keywords[:per_theme]
        mentions = keyword_mentions(keywords, [p.text for p in theme.passages])
        for rank, (keyword, count) in enumerate(zip(keywords, mentions)):
            rows.append(
                {
                    "theme": theme_name(theme),
                    "keyword": keyword,
                    "rank": rank,
                    "passages": count,
                    "share": count / max(theme.size, 1),
                }
            )
    return pd.DataFrame(rows, columns=["theme", "keyword", "rank", "passages", "share"])


def keyword_bars(frame: pd.DataFrame, theme_order: list[str], columns: int = 3) -> alt.FacetChart:
    """BERTopic-style grid: one small bar chart of top keywords per theme."""
    return (
        alt.Chart(frame)
        .mark_bar(color="#4c78a8")
        .encode(
            x=alt.X("share:Q", title="share of the theme's passages", axis=alt.Axis(format="%", tickCount=3)),
            y=alt.Y("keyword:N", sort=alt.EncodingSortField("rank"), title=None, axis=alt.Axis(labelOverlap=False)),
            tooltip=[
                alt.Tooltip("keyword:N"),
                alt.Tooltip("passages:Q", title="passages mentioning it"),
                alt.Tooltip("share:Q", format=".0%"),
            ],
        )
        .properties(width=170, height=20 * 6)
        .facet(
            facet=alt.Facet(
                "theme:N",
                sort=theme_order,
                title=None,
                header=alt.Header(labelLimit=230, labelFontWeight="bold", labelFontSize=12),
            ),
            columns=columns,
        )
        .resolve_scale(y="independent")
    )


MAP_POINT = "pick"
MAP_BRUSH = "brush"


def map_frame(coordinates: np.ndarray, passages, themes: list[Theme], titles: dict[str, str]) -> pd.DataFrame:
    """One row per passage: position, theme, article and the start of its text."""
    from explorer.app.render import short

    theme_of = {}
    for theme in themes:
        for passage in theme.passages:
            theme_of[passage.passage_id] = theme_name(theme)
    return pd.DataFrame(
        {
            "row": np.arange(len(passages)),
            "x": coordinates[:, 0] if len(coordinates) else [],
            "y": coordinates[:, 1] if len(coordinates) else [],
            "theme": [theme_of.get(p.passage_id, "unassigned") for p in passages],
            "article": [titles.get(p.article_id, p.article_id) for p in passages],
            "passage_id": [p.passage_id for p in passages],
            "start": [short(p.text, 140) for p in passages],
        }
    )


MAP_HEIGHT = 560
ROOMY_LEGEND_ROWS = 18
"""Legend rows that fit beside the map; more themes are listed below it, in :data:`LEGEND_COLUMNS` columns,
so that all of them show (38 themes showed their first 18: the rest fell below the chart's edge)."""
LEGEND_COLUMNS = 2
"""Two columns of labels up to :data:`BELOW_LABEL_LIMIT` pixels fit the main column of an 800-pixel window
with the sidebar open (468 pixels); a third was cut off at the chart's right edge."""
BELOW_LABEL_LIMIT = 200
LEGEND_ROW_HEIGHT = 25


def _map_legend(rows: int) -> alt.Legend:
    """Every theme in the legend: beside the map while they fit, else in columns below it."""
    if rows <= ROOMY_LEGEND_ROWS:
        return alt.Legend(title="theme", labelLimit=260, symbolLimit=0)
    return alt.Legend(
        title="theme", orient="bottom", labelLimit=BELOW_LABEL_LIMIT, symbolLimit=0, columns=LEGEND_COLUMNS
    )


def map_height(themes: int) -> int:
    """The map's height: the plot's own, plus the rows of a legend drawn below it."""
    if themes <= ROOMY_LEGEND_ROWS:
        return MAP_HEIGHT
    return MAP_HEIGHT + LEGEND_ROW_HEIGHT * -(-themes // LEGEND_COLUMNS)


def passage_map(frame: pd.DataFrame, theme_order: list[str]) -> alt.Chart:
    """Every passage as a point coloured by theme; click or drag a box to select."""
    # Each theme keeps the colour of its place among all themes, whichever of them a filter shows
    # (the colours moved when the map was filtered: "England" went from red to blue).
    present = set(frame["theme"])
    shown = [(place, t) for place, t in enumerate(t for t in theme_order if t != "unassigned") if t in present]
    domain = [t for _, t in shown] + (["unassigned"] if "unassigned" in present else [])
    unassigned = "unassigned" in present
    colours = alt.Scale(
        domain=domain, range=[theme_colour(place) for place, _ in shown] + [UNASSIGNED_COLOUR] * unassigned
    )
    shapes = alt.Scale(domain=domain, range=[theme_shape(place) for place, _ in shown] + ["circle"] * unassigned)
    pick = alt.selection_point(name=MAP_POINT, fields=["row"], on="click", clear="dblclick")
    brush = alt.selection_interval(name=MAP_BRUSH, encodings=["x", "y"], clear="dblclick")
    selected = pick & brush  # an empty selection counts as "everything", so & keeps unselected points faded
    return (
        alt.Chart(frame)
        .mark_point(size=90, filled=True, stroke="white", strokeWidth=0.6)
        .encode(
            x=alt.X("x:Q", axis=None),
            y=alt.Y("y:Q", axis=None),
            color=alt.Color("theme:N", scale=colours, legend=_map_legend(len(domain))),
            shape=alt.Shape("theme:N", scale=shapes, legend=_map_legend(len(domain))),  # one legend: both
            opacity=alt.condition(selected, alt.value(0.9), alt.value(0.25)),
            tooltip=[
                alt.Tooltip("article:N"),
                alt.Tooltip("theme:N"),
                alt.Tooltip("start:N", title="passage"),
            ],
        )
        .add_params(pick, brush)
        .properties(height=map_height(len(domain)))
    )


# Tableau 20 without its greys (grey means "unassigned"): the nine strong colours first, so that
# neighbouring themes never get two shades of one hue, then their light versions.
THEME_PALETTE = [
    "#4e79a7",
    "#f28e2b",
    "#e15759",
    "#59a14f",
    "#b07aa1",
    "#499894",
    "#b6992d",
    "#d37295",
    "#9d7660",
    "#a0cbe8",
    "#ffbe7d",
    "#ff9d9a",
    "#8cd17d",
    "#d4a6c8",
    "#86bcb6",
    "#f1ce63",
    "#fabfd2",
    "#d7b5a6",
]


THEME_SHAPES = ["circle", "square", "triangle-up", "diamond"]
"""A new shape for each round of nine colours: a theme past the ninth would otherwise be told from its
namesake only by a lighter shade (an outside check could not tell two purples apart at 14 themes)."""

STRONG_COLOURS = 9
"""How many of :data:`THEME_PALETTE`'s colours are strong; the shape changes after each such round."""


def theme_colour(i: int) -> str:
    """A colour per theme, cycling when there are more themes than colours."""
    return THEME_PALETTE[i % len(THEME_PALETTE)]


def theme_shape(i: int) -> str:
    """A point shape per theme: with :func:`theme_colour`, a distinct mark for each of the first
    36 themes (18 colours, four shapes, the shape changing every nine)."""
    return THEME_SHAPES[(i // STRONG_COLOURS) % len(THEME_SHAPES)]


def selected_rows(selection: dict, frame: pd.DataFrame) -> list[int]:
    """Passage rows picked on the map: clicked points, or everything inside the dragged box."""
    rows: list[int] = []
    for point in selection.get(MAP_POINT) or []:
        if "row" in point:
            rows.append(int(point["row"]))
    box = selection.get(MAP_BRUSH) or {}
    if "x" in box and "y" in box:
        (x0, x1), (y0, y1) = sorted(box["x"]), sorted(box["y"])
        inside = frame[(frame["x"] >= x0) & (frame["x"] <= x1) & (frame["y"] >= y0) & (frame["y"] <= y1)]
        rows.extend(int(r) for r in inside["row"])
    return sorted(set(rows))


def selected_pair(selection: dict) -> tuple[str, str] | None:
    """The two articles of a clicked heatmap cell, or None (diagonal cells are not a pair)."""
    for cell in selection.get(PAIR_SELECTION) or []:
        a, b = cell.get("a"), cell.get("b")
        if a and b and a != b:
            return str(a), str(b)
    return None
