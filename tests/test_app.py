"""The Streamlit app through AppTest: the real scripts, model and index, one test per page interaction."""

import json
import os
import re
import shutil
import time
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from explorer import store
from explorer.settings import Settings

from .conftest import CORPUS

APP = str(Path(__file__).resolve().parent.parent / "streamlit_app.py")
VIEWS = "explorer/app/views"
QUESTION = "which armed groups does Tehran work through?"


def _html(app: AppTest) -> list[str]:
    """The passages shown (each one is an ``st.html`` block)."""
    return [element.proto.body for element in app.get("html") if "sse-passage" in element.proto.body]


def _markdown(app: AppTest) -> str:
    return " ".join(m.value for m in app.markdown)


def _page(app: AppTest, name: str) -> AppTest:
    app.switch_page(f"{VIEWS}/{name}.py").run()
    assert not app.exception, app.exception
    return app


@pytest.fixture
def app(seed_index_dir, monkeypatch):
    monkeypatch.setenv("EXPLORER_INDEX", str(seed_index_dir))
    monkeypatch.setenv("EXPLORER_CORPUS", str(CORPUS))
    app = AppTest.from_file(APP, default_timeout=180).run()
    assert not app.exception, app.exception
    return app


@pytest.fixture
def editable_app(seed_index_dir, tmp_path, monkeypatch):
    """The app over a copy of the seed corpus and index, so pages that change them can."""
    corpus = shutil.copytree(CORPUS, tmp_path / "corpus")
    index = shutil.copytree(seed_index_dir, tmp_path / "index")
    monkeypatch.setenv("EXPLORER_INDEX", str(index))
    monkeypatch.setenv("EXPLORER_CORPUS", str(corpus))
    app = AppTest.from_file(APP, default_timeout=180).run()
    assert not app.exception, app.exception
    return app, corpus


def test_ask_shows_cards_with_highlights_and_downloads(app):
    app.text_input(key="question").input(QUESTION).run()
    assert not app.exception, app.exception
    cards = _html(app)
    assert len(cards) == 10  # the default number of results
    assert all("<mark>" in card for card in cards)
    assert any("Kataib Hezbollah" in card for card in cards)
    assert "**10 passages**" in _markdown(app) and "**1\\. " in _markdown(app)
    assert {d.proto.label for d in app.get("download_button")} == {"CSV", "JSON", "Markdown"}


def test_ask_cards_say_which_results_are_weak_matches_and_what_the_numbers_mean(app):
    # One passage speaks of Bible prophecy; the rest of a one-subject corpus is far from it.
    app.text_input(key="question").input("Bible prophecy about the king of the south").run()
    details = [c for c in app.caption if "similarity" in c.value]
    assert len(details) == 10
    similarities = [float(re.search(r"similarity (\d\.\d\d)", c.value).group(1)) for c in details]
    threshold = Settings().relevance_threshold
    assert [c.value.endswith("(weak in meaning)") for c in details] == [s < threshold for s in similarities]
    weak = sum(s < threshold for s in similarities)
    assert 0 < weak < 10  # both kinds are checked
    rest = "the other weak in meaning" if weak == 1 else "the others weak in meaning"
    assert f"; {10 - weak} of them close in meaning, {rest}" in _markdown(app)
    assert all("Passage id for the downloads" in c.proto.help for c in details)


def test_ask_sidebar_sets_the_number_of_results_and_the_articles(app):
    app.slider(key="ask_k").set_value(3)
    app.multiselect(key="ask_articles").set_value(["2014-iran-pours-forces-into-iraq"])
    app.text_input(key="question").input(QUESTION).run()
    assert not app.exception, app.exception
    titles = [m.value for m in app.markdown if m.value.startswith("**") and "\\. " in m.value]
    assert len(titles) == 3
    assert all("Iran Pours Forces into Iraq" in title for title in titles)


def test_settings_kept_across_pages_log_no_widget_warning(app, caplog, monkeypatch):
    """Sliders whose value is kept across pages (navigation.keep_widget_state) must not also pass a
    default: Streamlit then logs a warning with a stack trace into the server's log."""
    from streamlit.elements.lib import policies

    monkeypatch.setattr(policies, "_shown_default_value_warning", False)
    monkeypatch.setattr(policies.runtime, "exists", lambda: True)  # AppTest has no runtime; the check needs one
    with caplog.at_level("WARNING"):
        app.slider(key="ask_k").set_value(3).run()
        _page(app, "passages")
        app.slider(key="pa_per_article").set_value(3).run()
        _page(app, "themes")
        app.slider(key="theme_count").set_value(5).run()
        _page(app, "ask")
        _page(app, "passages")
        _page(app, "themes")
    assert app.slider(key="theme_count").value == 5
    assert not [r for r in caplog.records if "created with a default value" in r.getMessage()]


def test_a_long_question_is_not_repeated_in_full_above_its_answer(app):
    question = "Which armed groups does Tehran work through in Iraq, and who leads them? " * 30
    app.text_input(key="question").input(question).run()
    assert not app.exception, app.exception
    heading = next(m.value for m in app.markdown if m.value.startswith("**10 passages**"))
    assert len(heading) < 300 and heading.endswith("…*")
    assert [i.value[:1] for i in app.info] == ["T"]  # "The question was longer than ...", as a sentence


def _fresh_session(app: AppTest, page: str, **parameters: str) -> AppTest:
    """A new browser session (a refresh, or a link opened by someone else) on ``page``'s address."""
    fresh = AppTest.from_file(APP, default_timeout=180)
    for name, value in parameters.items():
        fresh.query_params[name] = value
    if page != "ask":
        fresh.switch_page(f"{VIEWS}/{page}.py")
    fresh.run()
    assert not fresh.exception, fresh.exception
    return fresh


def test_a_refresh_or_a_shared_link_reopens_the_same_view(app):
    """Each page keeps its main choice in the address, so a refresh does not lose the question, the passage
    or the theme, and the address can be sent to a colleague."""
    app.text_input(key="question").input(QUESTION).run()
    assert app.query_params["q"] == QUESTION
    again = _fresh_session(app, "ask", q=QUESTION)
    assert again.text_input(key="question").value == QUESTION and len(_html(again)) == 10
    again.radio(key="ask_mode").set_value("lexical").run()
    again.slider(key="ask_k").set_value(4).run()
    assert (again.query_params["mode"], again.query_params["k"]) == ("lexical", "4")
    shared = _fresh_session(again, "ask", q=QUESTION, mode="lexical", k="4")
    assert shared.radio(key="ask_mode").value == "lexical" and len(_html(shared)) == 4
    assert _fresh_session(again, "ask", q=QUESTION, mode="nonsense", k="500").radio(key="ask_mode").value == "hybrid"

    passage_id = "2014-iran-may-partially-invade-iraq:004"
    opened = _fresh_session(app, "passages", passage=passage_id)
    assert opened.selectbox(key="pa_passage").value == passage_id
    assert opened.selectbox(key="pa_article").value == "2014-iran-may-partially-invade-iraq"
    other = "2014-iran-may-partially-invade-iraq:001"
    opened.selectbox(key="pa_passage").set_value(other).run()
    assert opened.query_params["passage"] == other

    themes = _fresh_session(app, "themes", theme="2", themes="5")
    assert themes.slider(key="theme_count").value == 5
    assert themes.selectbox(key="th_theme").value == 2 and _html(themes)  # its passages are shown
    # Junk in the address is ignored, not an error.
    junk = _fresh_session(app, "themes", theme="x", themes="999")
    assert junk.slider(key="theme_count").value != 999 and "theme" not in junk.query_params
    assert not junk.warning
    # A link to what is no longer there says so, instead of opening something else without a word.
    gone = _fresh_session(app, "themes", theme="40")
    assert any("theme 41 is not among these themes" in w.value for w in gone.warning)
    removed = _fresh_session(app, "passages", passage="removed-article:003")
    assert any(r"removed\-article\:003 is not in the collection" in w.value for w in removed.warning)
    assert not opened.warning


def test_ask_says_when_nothing_is_relevant(app):
    app.text_input(key="question").input("a recipe for chocolate cake with strawberries").run()
    assert not app.exception, app.exception
    assert any("Nothing relevant found" in w.value for w in app.warning)
    assert any("weak matches" in e.label for e in app.expander)


def test_ask_names_what_no_article_mentions(app):
    app.text_input(key="question").input("Did the Houthis in Yemen fire on U.S. forces?").run()
    assert not app.exception, app.exception
    assert any('No passage mentions "Houthis" or "Yemen"' in info.value for info in app.info)
    assert any(b.key and b.key.startswith("related-ask-") for b in app.button)  # the passages are still shown


def test_ask_related_action_opens_the_passage_across_articles(app):
    app.text_input(key="question").input(QUESTION).run()
    related = [b for b in app.button if b.key and b.key.startswith("related-ask-")]
    first_id = related[0].key.removeprefix("related-ask-")
    related[0].click().run()
    assert not app.exception, app.exception
    assert app.selectbox(key="pa_passage").value == first_id
    assert any("Closest passages in each other article" in s.value for s in app.subheader)


def test_passages_page_compares_a_passage_with_every_other_article(app):
    _page(app, "passages")
    chosen = app.selectbox(key="pa_passage").value
    article = chosen.rsplit(":", 1)[0]
    follow = [b for b in app.button if b.key and b.key.startswith("follow-")]
    other_articles = {b.key.removeprefix("follow-").rsplit(":", 1)[0] for b in follow}
    assert len(other_articles) == 4 and article not in other_articles  # each other article, side by side
    follow[0].click().run()
    assert app.selectbox(key="pa_passage").value == follow[0].key.removeprefix("follow-")


def test_passages_page_says_when_no_other_article_comes_close(outlier_index_dir, monkeypatch):
    """The lost cat's nearest passages (bees, rockets) are shown, marked as weak matches; the bees' are not."""
    monkeypatch.setenv("EXPLORER_INDEX", str(outlier_index_dir))
    monkeypatch.setenv("EXPLORER_CORPUS", str(outlier_index_dir.parent / "corpus"))
    cat = _fresh_session(AppTest.from_file(APP), "passages", passage="cat:000")
    assert cat.selectbox(key="pa_passage").value == "cat:000"
    assert any("weak matches" in info.value for info in cat.info)
    bees = _fresh_session(AppTest.from_file(APP), "passages", passage="bees:000")
    assert bees.selectbox(key="pa_passage").value == "bees:000"
    assert not any("weak matches" in info.value for info in bees.info)


def test_a_large_collection_shows_the_closest_articles_not_all_of_them(many_articles_index_dir, monkeypatch):
    """24 articles in two folders: the Passages page shows the 9 closest other articles (the sidebar
    offers more), a heatmap of the articles in the most overlapping pairs, and files by their folder;
    the theme x article chart keeps its articles few enough to read."""
    from explorer.app import charts
    from explorer.app.views import passages

    monkeypatch.setenv("EXPLORER_INDEX", str(many_articles_index_dir))
    monkeypatch.setenv("EXPLORER_CORPUS", str(many_articles_index_dir.parent / "corpus"))
    monkeypatch.setattr(charts, "THEME_CHART_ARTICLES", 5)
    app = _page(AppTest.from_file(APP, default_timeout=180).run(), "passages")

    def articles_side_by_side() -> set[str]:
        follow = [b.key.removeprefix("follow-") for b in app.button if b.key and b.key.startswith("follow-")]
        return {key.rsplit(":", 1)[0] for key in follow}

    assert app.slider(key="pa_articles_shown").value == passages.ARTICLES_SHOWN
    assert len(articles_side_by_side()) == passages.ARTICLES_SHOWN
    assert any("The 9 articles, of 23 others" in c.value for c in app.caption)
    assert any(re.fullmatch(r"(sport|weather)/\d\d\\\.txt", c.value) for c in app.caption)  # escaped "."
    app.slider(key="pa_articles_shown").set_value(15).run()
    assert not app.exception, app.exception
    assert len(articles_side_by_side()) == 15
    heatmap = [re.search(r"Of 24 articles, the (\d+) in the most overlapping pairs", c.value) for c in app.caption]
    assert any(found and 2 <= int(found.group(1)) <= passages.HEATMAP_ARTICLES for found in heatmap)
    assert len(app.selectbox(key="pa_left").options) == 24  # any two articles can be compared
    partners = app.selectbox(key="pa_right").options
    overlaps = [float(re.search(r"\((\d\.\d\d)\)$", name).group(1)) for name in partners]
    assert len(partners) == 23 and overlaps == sorted(overlaps, reverse=True)  # the closest first
    _page(app, "themes")
    assert any("Of 24 articles, 5: each theme's main article" in c.value for c in app.caption)


def test_passages_page_lists_the_closest_pairs_of_two_articles(app):
    _page(app, "passages")
    app.selectbox(key="pa_left").set_value("2014-iran-pours-forces-into-iraq").run()
    app.selectbox(key="pa_right").set_value("2023-IRGC-offers-to-train-Iraqi-armed-forces").run()
    assert not app.exception, app.exception
    assert app.selectbox(key="pa_left").value == "2014-iran-pours-forces-into-iraq"
    assert any("similarity" in c.value for c in app.caption)
    shown = " ".join(_html(app))
    assert "Kataib Hezbollah" in shown or "militia" in shown.lower()


def test_themes_page_shows_the_overview_and_opens_a_theme_grouped_by_article(app):
    _page(app, "themes")
    assert any("Themes × articles" in s.value for s in app.subheader)
    assert any("Top keywords" in s.value for s in app.subheader)
    assert {d.proto.label for d in app.get("download_button")} == {"CSV", "JSON", "Markdown"}
    app.session_state["th_tab"] = "Passages of a theme"  # what clicking the tab (or a table row) does
    app.run()
    assert not app.exception, app.exception
    app.selectbox(key="th_theme").set_value(1).run()
    assert not app.exception, app.exception
    passages_shown = len(_html(app))
    groups = [re.fullmatch(r"\*\*.+\*\* · (\d+) passages?", m.value) for m in app.markdown]
    counts = [int(group.group(1)) for group in groups if group]
    assert len(counts) >= 2 and sum(counts) == passages_shown  # grouped by article, every passage shown
    assert not any("Themes × articles" in s.value for s in app.subheader)  # only the open tab runs


def test_themes_page_merges_themes_into_broader_ones_and_fits_finer_ones(app):
    _page(app, "themes")
    built = int(app.slider(key="theme_count").value)
    assert f"**{built} themes**" in _markdown(app)
    assert int(app.slider(key="theme_count").max) == 2 * built
    app.slider(key="theme_count").set_value(built + 4).run()
    assert not app.exception, app.exception
    shown = int(re.search(r"\*\*(\d+) themes\*\*", _markdown(app)).group(1))
    assert built < shown <= built + 4
    assert app.sidebar.caption[0].value.endswith(f"· {shown} themes")  # the sidebar counts the same themes
    app.slider(key="theme_count").set_value(3).run()
    assert not app.exception, app.exception
    assert "**3 themes**" in _markdown(app) and app.sidebar.caption[0].value.endswith("· 3 themes")
    _page(app, "map")  # the map is coloured by the same, broader themes
    assert app.slider(key="theme_count").value == 3
    assert len([t for t in app.multiselect(key="map_themes").options if t != "unassigned"]) == 3


def test_map_page_draws_every_passage_and_filters_by_theme(app):
    _page(app, "map")
    assert any("62 of 62 passages" in c.value for c in app.caption)
    assert app.get("vega_lite_chart")
    first_theme = app.multiselect(key="map_themes").options[0]
    app.multiselect(key="map_themes").set_value([first_theme]).run()
    assert not app.exception, app.exception
    shown = next(c.value for c in app.caption if "of 62 passages" in c.value)
    assert 0 < int(shown.split(" of ")[0]) < 62
    assert any("Select points" in i.value for i in app.info)


def test_corpus_page_adds_pasted_text_and_removes_an_article(editable_app):
    app, corpus = editable_app
    _page(app, "corpus")
    round_ = 0
    app.text_input(key=f"corpus_title_{round_}").input("Drone strikes near Erbil")
    app.text_area(key=f"corpus_text_{round_}").input(
        "Armed drones launched by militias struck a base near Erbil airport on Tuesday night.\n\n"
        "Officials in the Kurdistan region blamed groups backed by Iran for the attack."
    )
    app.button(key="corpus_add_text").click().run()
    assert not app.exception, app.exception
    assert (corpus / "drone-strikes-near-erbil.txt").exists()
    assert any("1 added" in s.value and "(1 embedded, 62 reused" in s.value for s in app.success)
    assert any("Added: “Drone strikes near Erbil”." in s.value for s in app.success)  # which article, by title
    # The new passage was placed in the existing themes; the app refits them in the background.
    index_dir = Path(os.environ["EXPLORER_INDEX"])
    deadline = time.monotonic() + 120
    while store.load_index(index_dir).themes.get("stale") and time.monotonic() < deadline:
        time.sleep(0.5)
    refitted = store.load_index(index_dir)
    assert not refitted.themes.get("stale")
    assert any(p.article_id == "drone-strikes-near-erbil" for p in refitted.passages)
    _page(app, "themes")
    assert not any("refitted in the background" in i.value for i in app.info)
    _page(app, "corpus")
    app.selectbox(key="corpus_remove").set_value("drone-strikes-near-erbil")
    app.checkbox(key="corpus_remove_sure_1").check().run()
    app.button(key="corpus_remove_button").click().run()
    assert not app.exception, app.exception
    assert not (corpus / "drone-strikes-near-erbil.txt").exists()
    assert any("1 removed" in s.value and "0 embedded" in s.value for s in app.success)
    # By the title it had: the index no longer holds it, the report does.
    assert any("Removed: “Drone strikes near Erbil”." in s.value for s in app.success)


def test_adding_without_a_file_names_the_kinds_of_file_it_takes(editable_app):
    """Pressing Add with no file, or after the browser refused one of another type, says what to choose."""
    app, corpus = editable_app
    _page(app, "corpus")
    before = sorted(p.name for p in corpus.iterdir())
    app.button(key="corpus_add_file").click().run()
    assert not app.exception, app.exception
    warning = next(w.value for w in app.warning if "Choose a file first" in w.value)
    assert ".txt" in warning and ".pdf" in warning and ".jsonl" in warning
    assert sorted(p.name for p in corpus.iterdir()) == before


def test_corpus_page_does_not_offer_to_delete_a_file_that_holds_other_articles(editable_app):
    """A record of a JSONL file cannot be removed by deleting the file: its neighbours would go too."""
    app, corpus = editable_app
    records = [
        {"id": "brief-1", "title": "Drones near Erbil", "text": "Armed drones struck a base near Erbil airport."},
        {"id": "brief-2", "title": "Talks in Baghdad", "text": "Officials met in Baghdad to discuss border security."},
    ]
    (corpus / "briefs.jsonl").write_text("".join(json.dumps(record) + "\n" for record in records))
    _page(app, "corpus")
    app.button(key="corpus_rebuild").click().run()
    assert not app.exception, app.exception
    app.selectbox(key="corpus_remove").set_value("brief-1").run()
    assert any("briefs" in i.value and "holds 2 articles" in i.value for i in app.info)
    assert not [c for c in app.checkbox if c.key and c.key.startswith("corpus_remove_sure")]
    app.selectbox(key="corpus_remove").set_value("2014-iran-pours-forces-into-iraq").run()
    sure = [c for c in app.checkbox if c.key and c.key.startswith("corpus_remove_sure")]
    assert len(sure) == 1 and sure[0].label.replace("\\", "").startswith("Delete 2014-iran-pours-forces-into-iraq.txt")


def test_corpus_page_refuses_an_upload_that_escapes_the_folder(editable_app):
    app, corpus = editable_app
    _page(app, "corpus")
    app.get("file_uploader")[0].set_value(("../escape.txt", b"Title\n\nSome text about militias.\n", "text/plain"))
    app.run()
    app.button(key="corpus_add_file").click().run()
    assert any("outside the corpus folder" in e.value for e in app.error)
    assert not (corpus.parent / "escape.txt").exists()


def test_first_run_offers_to_build_the_index(tmp_path, monkeypatch):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "note.txt").write_text(
        "Rivers\n\nThe river flooded the valley after a week of heavy rain in the mountains nearby.\n"
    )
    monkeypatch.setenv("EXPLORER_INDEX", str(tmp_path / "index"))
    monkeypatch.setenv("EXPLORER_CORPUS", str(corpus))
    app = AppTest.from_file(APP, default_timeout=180).run()
    assert not app.exception, app.exception
    assert any("no index yet" in i.value for i in app.info)
    assert not (tmp_path / "index" / "manifest.json").exists()  # offered, not done behind the user's back
    app.button(key="build_index").click().run()
    assert not app.exception, app.exception
    assert (tmp_path / "index" / "manifest.json").exists()
    assert any("indexed 1 passage from 1 article " in s.value for s in app.success)
    assert app.text_input(key="question")  # the app itself is shown after the build


def test_themes_and_map_pages_can_put_unassigned_passages_in_their_nearest_theme(outlier_index_dir, monkeypatch):
    monkeypatch.setenv("EXPLORER_INDEX", str(outlier_index_dir))
    monkeypatch.setenv("EXPLORER_CORPUS", str(outlier_index_dir.parent / "corpus"))
    app = _page(AppTest.from_file(APP, default_timeout=180).run(), "themes")
    assert "belong to no theme" in _markdown(app) or "belongs to no theme" in _markdown(app)
    app.checkbox(key="assign_outliers").check().run()
    assert not app.exception, app.exception
    assert "to no theme" not in _markdown(app)
    _page(app, "map")  # the map is coloured the same way
    assert app.checkbox(key="assign_outliers").value
    assert "unassigned" not in app.multiselect(key="map_themes").options
    app.checkbox(key="assign_outliers").uncheck().run()
    assert "unassigned" in app.multiselect(key="map_themes").options


def test_a_theme_over_many_articles_is_paged_most_passages_first():
    """BBC News has themes of 598 passages in 270 articles: drawn 20 articles at a time, not all at once."""

    def page() -> None:
        from explorer.app.views.themes import theme_detail
        from explorer.records import Passage, Theme

        passages = [
            Passage(f"art{a:02d}:{n:03d}", f"art{a:02d}", f"Article {a:02d}", f"Passage {n} of article {a}.", 0, 9)
            for a in range(45)
            for n in range(1 + (a == 30) * 2)  # art30 has 3 passages in the theme, the others 1
        ]
        articles = {p.article_id: {"title": f"Article {p.article_id[3:]}"} for p in passages}
        theme_detail(Theme(0, "label", ["word"], passages, sorted(articles), []), articles)

    app = AppTest.from_function(page, default_timeout=60).run()
    assert not app.exception, app.exception
    pager = app.selectbox(key="th_page_0")
    assert pager.options == [
        "1–20 of 45, most passages first",
        "21–40 of 45, most passages first",
        "41–45 of 45, most passages first",
    ]
    groups = [m.value for m in app.markdown if " · " in m.value and m.value.startswith("**")]
    assert len(groups) == 20 and groups[0].startswith("**Article 30** · 3 passages")
    pager.set_value(40).run()
    groups = [m.value for m in app.markdown if " · " in m.value and m.value.startswith("**")]
    assert len(groups) == 5


def test_keyword_answers_are_judged_on_the_chosen_articles_only(app):
    """With keyword matching, the articles chosen in the sidebar decide whether anything answered: a name
    found only in another article is no answer here, though the whole collection has one (the rule is
    records.answers_the_question, the CLI's too)."""
    app.radio(key="ask_mode").set_value("lexical")
    app.multiselect(key="ask_articles").set_value(["2010-iranian-forces-invade-iraqi-border"])
    app.text_input(key="question").input("Kataib Hezbollah Badr").run()
    assert not app.exception, app.exception
    assert not any("passages**" in m.value for m in app.markdown)
    assert any("Nothing" in w.value for w in app.warning), [w.value for w in app.warning]
