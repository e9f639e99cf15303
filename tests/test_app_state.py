"""One explorer shared by every browser session: concurrent questions, one build at a time, reloads."""

import threading
import time
from concurrent.futures import ThreadPoolExecutor

import pytest

from explorer.app.state import Builder, SharedExplorer, articles_named
from explorer.errors import ExplorerError
from explorer.explorer import Explorer
from explorer.indexing import BuildReport
from explorer.settings import Settings

QUESTIONS = [
    "which armed groups does Tehran work through?",
    "Iranian troops crossing the border",
    "training Iraqi armed forces",
    "nuclear negotiations with the United States",
]


def test_concurrent_questions_get_the_same_answers_as_one_at_a_time(seed_index_dir, real_embedder):
    explorer = Explorer(Settings(index_dir=seed_index_dir), embedder=real_embedder)
    shared = SharedExplorer(explorer)
    expected = {q: [h.passage.passage_id for h in explorer.ask(q, k=5)] for q in QUESTIONS}
    with ThreadPoolExecutor(max_workers=8) as pool:
        answers = list(pool.map(lambda q: (q, shared.ask(q, k=5)), QUESTIONS * 2))
    for question, hits in answers:
        assert [h.passage.passage_id for h in hits] == expected[question]


def test_a_second_build_at_the_same_time_is_refused(fake_explorer, small_corpus):
    explorer = fake_explorer()
    explorer.build()
    builder = Builder(explorer.settings, SharedExplorer(explorer))
    started, release = threading.Event(), threading.Event()

    def slow_task(_explorer):
        started.set()
        release.wait(10)
        return "done"

    worker = threading.Thread(target=lambda: builder.run(slow_task))
    worker.start()
    assert started.wait(10)
    assert builder.busy
    with pytest.raises(ExplorerError, match="another build is running"):
        builder.run(lambda _explorer: "second")
    release.set()
    worker.join(10)
    assert builder.run(lambda _explorer: "after") == "after"


def test_an_edit_in_the_app_refits_its_themes_in_the_background(fake_explorer, small_corpus):
    from explorer.explorer import PLACE

    explorer = fake_explorer()
    explorer.build()
    shared = SharedExplorer(explorer)
    builder = Builder(explorer.settings, shared)
    builder._explorer = fake_explorer(explorer.embedder)  # the builder's own explorer, on the test model
    tea = b"Tea\n\nGreen tea leaves are steamed and dried after the harvest to keep their colour.\n"
    builder.run(lambda build_explorer: build_explorer.add_document("tea.txt", tea, themes=PLACE))
    assert shared.themes_stale()
    refresh = builder.refresh_themes_later()
    # A build the user starts meanwhile waits for the refresh instead of being refused.
    assert builder.run(lambda _explorer: "after") == "after"
    refresh.join(30)
    assert not builder.refreshing_themes
    assert not shared.themes_stale()
    assert "tea" in {p.article_id for theme in shared.themes() for p in theme.passages}


def test_the_shared_explorer_sees_a_build_made_elsewhere(fake_explorer, small_corpus):
    explorer = fake_explorer()
    explorer.build()
    shared = SharedExplorer(explorer)
    shared.warm_up()
    before = shared.version()
    assert not shared.refresh_if_rebuilt()
    (small_corpus / "tea.txt").write_text("Tea\n\nGreen tea leaves are steamed and dried after the harvest.\n")
    time.sleep(0.01)
    fake_explorer().build()  # another process's explorer on the same index directory
    assert shared.refresh_if_rebuilt()
    assert shared.version() != before and "tea" in shared.articles()


def test_the_app_takes_the_explorer_preloaded_at_server_start(seed_index_dir, tmp_path):
    from explorer.app import state

    settings = Settings(index_dir=seed_index_dir, corpus_path=tmp_path / "corpus")  # a key no other test uses
    state.preload(settings)  # what `python -m explorer.app.serve` does before Streamlit starts
    shared, _ = state._shared_for(str(settings.index_dir), str(settings.corpus_path), settings.model)
    try:
        loaded = shared._explorer
        # The first page finds the model, the index and its themes loaded, and the preload handed over once.
        assert loaded._embedder is not None and loaded._state is not None and loaded._state.theme_views
        assert state._key(settings) not in state._preloaded
        assert shared.ask(QUESTIONS[1], k=3)[0].passage.article_id.startswith("2010-iranian-forces")
    finally:
        state._shared_for.clear()


def test_finer_themes_are_fitted_without_keeping_other_sessions_waiting(seed_index_dir, real_embedder, monkeypatch):
    """A reader asking for more themes than the build made waits for the refit; a question from
    another session meanwhile is answered at once, because only the refit's calls into the model
    take the shared lock. Afterwards the finer themes are there without a second fit."""
    import explorer.explorer as facade

    explorer = Explorer(Settings(index_dir=seed_index_dir), embedder=real_embedder)
    shared = SharedExplorer(explorer)
    finer = shared.theme_count() + 3
    fitting, release = threading.Event(), threading.Event()
    real_fit, fits = facade.fit_themes, []

    def slow_fit(*args, **kwargs):
        fits.append(args[-1])
        fitting.set()
        assert release.wait(30)
        return real_fit(*args, **kwargs)

    monkeypatch.setattr(facade, "fit_themes", slow_fit)
    reader = threading.Thread(target=shared.prepare_themes, args=(finer,))
    reader.start()
    assert fitting.wait(30)
    answered = []
    other = threading.Thread(target=lambda: answered.append(shared.ask(QUESTIONS[0], k=3)))
    other.start()
    other.join(30)
    assert answered and len(answered[0]) == 3  # answered while the refit was still running
    release.set()
    reader.join(60)
    assert not reader.is_alive() and fits == [finer]
    themes = shared.themes(finer)  # found, not fitted again
    assert fits == [finer] and len([t for t in themes if t.theme_id >= 0]) > shared.theme_count()
    assert explorer.finer_themes_fit(finer) is None and explorer.finer_themes_fit(2) is None


def test_a_new_visitors_page_reads_do_not_wait_for_other_sessions_questions(fake_explorer, small_corpus):
    """The sidebar's counts and the article list come from the loaded index without the shared lock, so
    a new visitor's page is drawn while other sessions' questions hold it; a question still waits."""
    explorer = fake_explorer()
    explorer.build()
    shared = SharedExplorer(explorer)
    shared.warm_up()
    expected = (explorer.articles(), len(explorer.passages()), [t.label for t in explorer.themes()])
    with ThreadPoolExecutor(max_workers=2) as pool:
        with shared._lock:  # another session's question in progress
            reads = pool.submit(
                lambda: (
                    shared.has_index(),
                    shared.articles(),
                    len(shared.passages()),
                    [t.label for t in shared.themes()],
                    [t.label for t in shared.themes(1)],  # a coarser cut: no fit
                    shared.version(),
                    shared.manifest()["generation"],
                    shared.theme_count(),
                )
            )
            has_index, articles, passages, labels, coarse, version, generation, count = reads.result(timeout=10)
            question = pool.submit(shared.ask, "green tea", 3)
            time.sleep(0.2)
            assert not question.done()  # the model is used by one session at a time
        assert question.result(timeout=10)
    assert has_index and (articles, passages, labels) == expected
    assert version == generation and count >= len(coarse) - 1


def test_a_build_report_names_the_articles_it_touched():
    """Titles where the index or the report has them (escaped: titles are untrusted), else ids, and a
    count beyond five."""
    articles = {"a": {"title": "Drones *near* Erbil"}, "b": {"title": ""}}
    report = BuildReport(
        articles=2,
        passages=9,
        embedded=3,
        reused=6,
        added_articles=["a"],
        changed_articles=["b"],
        removed_articles=[f"gone-{n}" for n in range(7)],
        removed_titles={"gone-1": "Old [news]"},
    )
    named = articles_named(report, articles)
    assert named.startswith(r"Added: “Drones \*near\* Erbil”. Changed: “b”. Removed: “gone\-0”, “Old \[news\]”")
    assert named.endswith("and 2 more.")
    assert articles_named(BuildReport(articles=2, passages=9, embedded=0, reused=9), articles) == ""
