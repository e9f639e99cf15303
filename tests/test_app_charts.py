"""Chart data and selections: what the heatmaps and the map show, and what a click or box selects."""

import numpy as np
import pandas as pd

from explorer.app import charts
from explorer.app.render import article_labels
from explorer.explorer import ThemeArticleMatrix
from explorer.records import Passage, Theme


def _passage(article: str, i: int, text: str = "text") -> Passage:
    return Passage(f"{article}:{i:03d}", article, article.upper(), text, 0, len(text))


def _themes() -> list[Theme]:
    a0, a1, b0, b1 = _passage("a", 0), _passage("a", 1), _passage("b", 0), _passage("b", 1)
    return [
        Theme(0, "first", ["x"], [a0, a1, b0], ["a", "b"]),
        Theme(-1, "unassigned", [], [b1], ["b"]),
    ]


def test_theme_article_frame_lists_the_non_empty_cells_of_the_matrix():
    matrix = ThemeArticleMatrix(
        theme_ids=[0, -1], labels=["first", "unassigned"], article_ids=["a", "b"], counts=np.array([[2, 1], [0, 1]])
    )
    names = {0: "1. first", -1: "unassigned"}
    frame = charts.theme_article_frame(matrix, names, {"a": "A", "b": "B"})
    counts = {(row.theme, row.article): row.passages for row in frame.itertuples()}
    assert counts == {("1. first", "A"): 2, ("1. first", "B"): 1, ("unassigned", "B"): 1}
    assert charts.theme_article_heatmap(frame, ["1. first", "unassigned"], ["A", "B"]).to_dict()


def test_a_crowded_theme_chart_keeps_a_row_for_every_theme_then_the_articles_with_most_themes():
    counts = np.array(
        [
            [1, 0, 3, 1, 0],  # theme 0
            [1, 0, 0, 1, 2],  # theme 1
            [0, 0, 0, 1, 0],  # theme 2
            [0, 9, 0, 0, 0],  # unassigned: not a theme an article carries
        ]
    )
    matrix = ThemeArticleMatrix(
        theme_ids=[0, 1, 2, -1], labels=["a", "b", "c", "unassigned"], article_ids=list("vwxyz"), counts=counts
    )
    assert charts.articles_for_theme_chart(matrix, limit=5) == list("vwxyz")
    # First each theme's main article (x for theme 0, z for 1, y for 2), so that no theme loses its row;
    # then y carries 3 themes, v 2; w none.
    assert charts.articles_for_theme_chart(matrix, limit=3) == ["x", "y", "z"]
    assert charts.articles_for_theme_chart(matrix, limit=4) == ["v", "x", "y", "z"]
    assert charts.articles_for_theme_chart(matrix, limit=1) == ["x"]  # the largest theme's


def test_article_heatmap_leaves_the_diagonal_empty():
    matrix = np.array([[1.0, 0.4], [0.4, 1.0]])
    frame = charts.article_heatmap_frame(["a", "b"], matrix, {"a": "A", "b": "B"})
    diagonal = frame[frame["a"] == frame["b"]]
    assert diagonal["overlap"].isna().all()
    assert frame[(frame["a"] == "a") & (frame["b"] == "b")]["overlap"].item() == 0.4
    spec = charts.article_heatmap(frame).to_dict()
    assert spec["params"][0]["name"] == charts.PAIR_SELECTION


def _heatmap_spec(count: int) -> dict:
    ids = [f"article-{i:02d}" for i in range(count)]
    rng = np.random.default_rng(0)
    matrix = rng.uniform(0.1, 0.7, (count, count))
    frame = charts.article_heatmap_frame(ids, (matrix + matrix.T) / 2, {a: f"A long headline {a}" for a in ids})
    return charts.article_heatmap(frame).to_dict()


def _column_axis(spec: dict) -> dict:
    return next(layer["encoding"]["x"]["axis"] for layer in spec["layer"] if "x" in layer.get("encoding", {}))


def test_the_widest_overlap_heatmap_fits_the_main_column():
    """The heatmap shows at most 20 articles; at a fixed 72 pixels a column they ran off the page (BBC News)."""
    few, most = _heatmap_spec(5), _heatmap_spec(20)
    assert few["width"]["step"] == 72
    assert most["width"]["step"] * 20 <= charts.HEATMAP_CELLS_WIDTH and most["width"]["step"] >= 28
    # The weakest pair is still a visible blue, not the white of an empty cell.
    colour = next(layer["encoding"]["color"] for layer in few["layer"] if layer["mark"]["type"] == "rect")
    assert colour["scale"]["scheme"]["extent"][0] > 0


def test_many_column_labels_stand_upright_so_they_cannot_overlap():
    assert _column_axis(_heatmap_spec(5))["labelAngle"] == -30
    assert _column_axis(_heatmap_spec(12))["labelAngle"] == -90
    frame = pd.DataFrame(
        [{"theme": "1. t", "article": f"Headline number {i}", "passages": 1} for i in range(30)],
    )
    spec = charts.theme_article_heatmap(frame, ["1. t"], list(frame["article"])).to_dict()
    assert _column_axis(spec)["labelAngle"] == -90


def test_a_clicked_cell_selects_a_pair_but_the_diagonal_does_not():
    assert charts.selected_pair({charts.PAIR_SELECTION: [{"a": "x", "b": "y"}]}) == ("x", "y")
    assert charts.selected_pair({charts.PAIR_SELECTION: [{"a": "x", "b": "x"}]}) is None
    assert charts.selected_pair({}) is None


def test_map_selection_by_click_and_by_box():
    frame = pd.DataFrame({"row": [0, 1, 2, 3], "x": [0.0, 1.0, 2.0, 3.0], "y": [0.0, 1.0, 2.0, 3.0]})
    assert charts.selected_rows({charts.MAP_POINT: [{"row": 3}, {"row": 0}]}, frame) == [0, 3]
    box = {charts.MAP_BRUSH: {"x": [2.5, 0.5], "y": [0.5, 2.5]}}  # corners in any order
    assert charts.selected_rows(box, frame) == [1, 2]
    assert charts.selected_rows({charts.MAP_POINT: [], charts.MAP_BRUSH: {}}, frame) == []


def test_a_theme_keeps_its_colour_when_the_map_is_filtered():
    names = ["1. first", "2. second", "3. third", "unassigned"]

    def colours(shown: list[str]) -> dict[str, str]:
        frame = pd.DataFrame(
            {"row": range(len(shown)), "x": 0.0, "y": 0.0, "theme": shown, "article": "a", "passage_id": "p"}
            | {"start": "s"}
        )
        scale = charts.passage_map(frame, names).to_dict()["encoding"]["color"]["scale"]
        return dict(zip(scale["domain"], scale["range"]))

    everything = colours(names)
    assert len(set(everything.values())) == 4 and everything["unassigned"] == charts.UNASSIGNED_COLOUR
    assert colours(["3. third", "unassigned"]) == {t: everything[t] for t in ("3. third", "unassigned")}
    assert colours(["2. second"]) == {"2. second": everything["2. second"]}


def test_the_first_36_themes_get_distinct_marks_on_the_map():
    """Colour and shape together tell 36 themes apart (colour alone repeated after 18, and its light
    shades looked like the strong ones); the legend shows each theme's colour and shape as one entry."""
    marks = [(charts.theme_colour(i), charts.theme_shape(i)) for i in range(36)]
    assert len(set(marks)) == 36
    # A strong colour and its light shade (places i and i + 9) never share a shape.
    assert all(charts.theme_shape(i) != charts.theme_shape(i + charts.STRONG_COLOURS) for i in range(27))
    names = [f"{n}. theme" for n in range(1, 21)] + ["unassigned"]
    frame = pd.DataFrame({"row": range(21), "x": 0.0, "y": 0.0, "theme": names, "article": "a", "start": "s"})
    encoding = charts.passage_map(frame, names).to_dict()["encoding"]
    pairs = list(zip(encoding["color"]["scale"]["range"], encoding["shape"]["scale"]["range"]))
    assert encoding["shape"]["scale"]["domain"] == encoding["color"]["scale"]["domain"] == names
    assert len(set(pairs)) == 21 and encoding["shape"]["legend"] == encoding["color"]["legend"]


def test_map_frame_has_one_row_per_passage_with_its_theme():
    themes = _themes()
    passages = [_passage("a", 0), _passage("a", 1), _passage("b", 0), _passage("b", 1, "<script>x</script> " * 20)]
    frame = charts.map_frame(np.zeros((4, 2), dtype=np.float32), passages, themes, {"a": "A", "b": "B"})
    assert list(frame["theme"]) == ["1. first", "1. first", "1. first", "unassigned"]
    assert frame["start"].str.len().max() <= 140
    spec = charts.passage_map(frame, ["1. first", "unassigned"]).to_dict()
    assert {p["name"] for p in spec["params"]} == {charts.MAP_POINT, charts.MAP_BRUSH}
    assert spec["encoding"]["color"]["scale"]["range"][-1] == charts.UNASSIGNED_COLOUR


def test_keyword_mentions_count_passages_with_the_labeler_tokens():
    texts = [
        "The commander of the Revolutionary Guards spoke.",
        "General Soleimani, a commander, visited.",
        "Gene therapy is not about the military.",
    ]
    # Two-word keywords are adjacent words; "gen" must not match "General" or "Gene".
    texts.append("Iraq’s army and Iraq's police")
    assert charts.keyword_mentions(["commander", "Revolutionary Guards", "gen", "iraq’s"], texts) == [2, 1, 0, 1]
    # A label shows "US" as the texts spell it; the labeler counts it as "u.s." (it was always 0%).
    us_texts = ["Firms in the US grew.", "U.S. troops left.", "Tell us more."]
    assert charts.keyword_mentions(["US", "U.S.", "US troops"], us_texts) == [2, 2, 1]


def test_keyword_frame_skips_the_unassigned_group():
    frame = charts.keyword_frame(_themes())
    assert set(frame["theme"]) == {"1. first"}
    assert charts.keyword_bars(frame, ["1. first"]).to_dict()


def test_every_theme_has_a_legend_entry_on_the_map():
    """38 themes showed their first 18 in the legend; the rest fell below the chart's edge."""

    def spec(themes: int) -> dict:
        names = [f"{i + 1}. theme {i}" for i in range(themes)]
        frame = pd.DataFrame(
            {"row": range(themes), "x": 0.0, "y": 0.0, "theme": names, "article": "a", "passage_id": "p", "start": "s"}
        )
        return charts.passage_map(frame, names).to_dict()

    few, many = spec(9), spec(38)
    assert few["encoding"]["color"]["legend"]["symbolLimit"] == 0 and few["height"] == charts.MAP_HEIGHT
    legend = many["encoding"]["color"]["legend"]
    assert legend["symbolLimit"] == 0 and legend["orient"] == "bottom"
    rows = -(-38 // legend["columns"])
    assert many["height"] >= charts.MAP_HEIGHT + rows * 20  # the plot keeps its size above the legend
    # Its columns (label, symbol and gap) fit the 468-pixel main column of an 800-pixel window.
    assert legend["columns"] * (legend["labelLimit"] + 30) <= 468


def test_two_articles_with_one_title_keep_a_row_and_a_column_each():
    """BBC News holds two "Games win for Blu-ray DVD format" stories: keyed by title, the heatmap drew them
    as one row, both articles' numbers over each other."""
    articles = {
        "tech155": {"title": "Games win for Blu-ray DVD format"},
        "tech294": {"title": "Games win for Blu-ray DVD format"},
        "tech160": {"title": "Halo 2 sales"},
    }
    labels = article_labels(articles)
    assert labels == {
        "tech155": "Games win for Blu-ray DVD format (tech155)",
        "tech294": "Games win for Blu-ray DVD format (tech294)",
        "tech160": "Halo 2 sales",
    }
    assert article_labels(articles, ["tech155", "tech160"])["tech155"] == "Games win for Blu-ray DVD format"
    ids = list(articles)
    frame = charts.article_heatmap_frame(ids, np.full((3, 3), 0.5), labels)
    assert frame["title_a"].nunique() == 3 and frame["title_b"].nunique() == 3
