"""The facade's bookkeeping, with the fast hashing embedder."""

from pathlib import Path

import numpy as np
import pytest

from explorer.embed import HashingEmbedder
from explorer.errors import ExplorerError

from .conftest import write_articles


def test_build_then_query(fake_explorer, small_corpus):
    explorer = fake_explorer()
    report = explorer.build(small_corpus)
    assert report.articles == 3 and report.passages == 6 and report.embedded == 6
    hits = explorer.ask("honey bees hive", k=2)
    assert hits[0].passage.article_id == "bees"
    assert [h.rank for h in hits] == [1, 2]


def test_the_manifest_names_the_corpus_by_its_absolute_path(fake_explorer, small_corpus, monkeypatch):
    """Built as `explorer build corpus` from the corpus's parent folder: an app started elsewhere compares
    this path with its own corpus folder, and a relative one looked like another folder."""
    monkeypatch.chdir(small_corpus.parent)
    explorer = fake_explorer()
    explorer.build(Path(small_corpus.name))
    assert explorer.index.manifest["corpus_path"] == str(small_corpus.resolve())


def test_rebuild_embeds_only_new_or_changed_passages(fake_explorer, small_corpus):
    embedder = HashingEmbedder()
    explorer = fake_explorer(embedder)
    explorer.build(small_corpus)
    embedder.encoded_texts.clear()
    again = explorer.build(small_corpus)
    assert again.embedded == 0 and again.reused == 6
    # No passage was embedded again (theme keyphrases are, but they are not passages).
    assert not {p.text for p in explorer.passages()} & set(embedder.encoded_texts)

    (small_corpus / "bees.txt").write_text(
        "Bees and honey\n\nHoney bees collect nectar from flowers and turn it into honey "
        "inside the hive over many weeks of work.\n\nWasps are a different insect that builds "
        "paper nests and hunts other insects in the garden.\n"
    )
    (small_corpus / "rockets.txt").unlink()
    write_articles(
        small_corpus,
        {
            "tea.txt": "Tea\n\nGreen tea leaves are steamed and dried soon after the "
            "harvest to keep their fresh colour and taste.\n"
        },
    )
    report = explorer.build(small_corpus)
    assert report.embedded == 2  # the changed bees paragraph and the tea paragraph
    assert report.added_articles == ["tea"]
    assert report.changed_articles == ["bees"]
    assert report.removed_articles == ["rockets"]
    assert {p.article_id for p in explorer.passages()} == {"bees", "bread", "tea"}
    assert all(t.article_ids for t in explorer.themes())
    assert not any("rockets" in t.article_ids for t in explorer.themes())


def test_related_only_returns_other_articles(fake_explorer, small_corpus):
    explorer = fake_explorer()
    explorer.build(small_corpus)
    source = explorer.passages()[0]
    hits = explorer.related(source.passage_id, k=10)
    assert hits and all(h.passage.article_id != source.article_id for h in hits)
    assert len(hits) == 4


def test_index_from_another_model_is_refused(fake_explorer, small_corpus, tmp_path):
    fake_explorer(HashingEmbedder(model_id="model-a@aaa")).build(small_corpus)
    other = fake_explorer(HashingEmbedder(model_id="model-b@bbb"))
    with pytest.raises(ExplorerError, match="built with model model-a.*rebuild"):
        other.ask("bees")
    with pytest.raises(ExplorerError, match="built with model model-a.*rebuild"):
        other.themes(other.theme_count() + 1)  # finer themes are labelled by the model: it must be the index's
    other_dim = fake_explorer(HashingEmbedder(dimension=32, model_id="model-a@aaa"))
    with pytest.raises(ExplorerError, match="rebuild"):
        other_dim.ask("bees")


def test_bad_queries_are_clear_errors(fake_explorer, small_corpus):
    explorer = fake_explorer()
    explorer.build(small_corpus)
    with pytest.raises(ExplorerError, match="empty"):
        explorer.ask("   \n\t ")
    with pytest.raises(ExplorerError, match="--k"):
        explorer.ask("bees", k=0)
    with pytest.raises(ExplorerError, match="no passage"):
        explorer.related("nope:000")


def test_failed_build_keeps_the_previous_index(fake_explorer, small_corpus, tmp_path):
    explorer = fake_explorer()
    explorer.build(small_corpus)
    empty = tmp_path / "empty"
    empty.mkdir()
    with pytest.raises(ExplorerError, match="no readable documents"):
        explorer.build(empty)
    assert len(explorer.passages()) == 6
    assert explorer.ask("bread yeast")[0].passage.article_id == "bread"


def test_article_similarity_covers_every_article(fake_explorer, small_corpus):
    explorer = fake_explorer()
    explorer.build(small_corpus)
    names, matrix = explorer.article_similarity()
    assert names == ["bees", "bread", "rockets"]
    assert matrix.shape == (3, 3)
    # Computed once per loaded index (the app's Passages page asks on every render), read-only so no
    # caller can change what the next one gets; a new build answers anew.
    assert explorer.article_similarity()[1] is matrix and not matrix.flags.writeable
    (small_corpus / "tides.txt").write_text("Tides\n\nThe moon pulls the sea into high and low tides twice a day.")
    explorer.build(small_corpus)
    assert explorer.article_similarity()[0] == ["bees", "bread", "rockets", "tides"]


def test_article_overlap_above_the_matrix_limit_answers_pairs_not_the_matrix(fake_explorer, small_corpus, monkeypatch):
    """A collection with more articles than the whole matrix allows (100k articles would need 40 GB)
    still answers its most overlapping pairs and the overlap of a few articles, the same numbers."""
    import explorer.search as search

    explorer = fake_explorer()
    explorer.build(small_corpus)
    names, matrix = explorer.article_similarity()
    pairs, some = explorer.top_article_pairs(2), explorer.article_overlap(["rockets", "bees"])
    monkeypatch.setattr(search, "ARTICLE_MATRIX_LIMIT", 2)
    explorer.reload()
    with pytest.raises(ExplorerError, match="too many for the whole overlap matrix.*--top"):
        explorer.article_similarity()
    assert [(a, b) for _, a, b in explorer.top_article_pairs(2)] == [(a, b) for _, a, b in pairs]
    assert np.allclose([s for s, _, _ in explorer.top_article_pairs(2)], [s for s, _, _ in pairs], atol=1e-6)
    assert np.allclose(explorer.article_overlap(["rockets", "bees"]), some, atol=1e-6)
    assert np.allclose(some, matrix[np.ix_([2, 0], [2, 0])])


def test_article_overlap_compares_the_articles_that_have_passages(fake_explorer, small_corpus):
    """A title-only file has no passage to compare: it is left out of the index with a warning (listed,
    it was counted and never found), and the overlap, its pairs and the app's heatmap do not fail on it."""
    (small_corpus / "headline-only.txt").write_text("Only a headline here\n")
    explorer = fake_explorer()
    report = explorer.build(small_corpus)
    assert "headline-only" not in explorer.articles() and report.articles == 3
    assert any("nothing to index besides the title" in warning for warning in report.warnings)
    assert explorer.compared_articles() == ["bees", "bread", "rockets"] == explorer.article_similarity()[0]
    assert len(explorer.top_article_pairs(10)) == 3
    assert explorer.article_overlap(explorer.compared_articles()).shape == (3, 3)


def test_every_mode_answers_and_marks_highlights(fake_explorer, small_corpus):
    explorer = fake_explorer()
    explorer.build(small_corpus)
    for mode in ("hybrid", "dense", "lexical"):
        answer = explorer.query("queen bee eggs", k=3, mode=mode)
        assert answer.hits[0].passage.article_id == "bees", mode
        for hit in answer.hits:
            start, end = hit.highlight
            assert 0 <= start < end <= len(hit.passage.text)
    with pytest.raises(ExplorerError, match="unknown mode"):
        explorer.query("bees", mode="fuzzy")


def test_per_article_and_diversity_options(fake_explorer, small_corpus):
    explorer = fake_explorer()
    explorer.build(small_corpus)
    hits = explorer.ask("bees honey bread rocket", k=5, per_article=True)
    assert len({h.passage.article_id for h in hits}) == len(hits) == 3
    diverse = explorer.ask("honey bees", k=3, diversify=True)
    assert len(diverse) == 3 and len({h.passage.passage_id for h in diverse}) == 3


def test_long_questions_are_truncated_with_a_notice(fake_explorer, small_corpus):
    explorer = fake_explorer()
    explorer.build(small_corpus)
    answer = explorer.query("honey " * 400)
    assert answer.hits
    assert any("first 254 word pieces" in notice for notice in answer.notices)
    assert len(answer.question.split()) == 254


def test_names_the_collection_never_mentions_get_a_notice(fake_explorer, small_corpus):
    explorer = fake_explorer()
    explorer.build(small_corpus)
    answer = explorer.query("Do Bees from Havana or SpaceX land on Earth?")
    assert answer.unmentioned == ["Havana", "SpaceX"] and answer.hits
    assert any('no passage mentions "Havana" or "SpaceX"' in notice for notice in answer.notices)
    assert explorer.query("When do Bees land rockets on Earth?").unmentioned == []


def test_control_characters_and_unicode_in_questions(fake_explorer, small_corpus):
    explorer = fake_explorer()
    explorer.build(small_corpus)
    answer = explorer.query("honey\x00\x07 bees 🐝 مرحبا")
    assert answer.question == "honey bees 🐝 مرحبا"
    assert answer.hits


def test_concurrent_questions_and_reloads_give_consistent_answers(fake_explorer, small_corpus):
    from concurrent.futures import ThreadPoolExecutor

    explorer = fake_explorer()
    explorer.build(small_corpus)
    expected = {"honey bees hive": "bees", "bread dough yeast": "bread", "rocket engine orbit": "rockets"}

    def ask(i: int) -> bool:
        question = list(expected)[i % 3]
        if i % 7 == 0:
            explorer.reload()
        hits = explorer.ask(question, k=2)
        return hits[0].passage.article_id == expected[question]

    with ThreadPoolExecutor(max_workers=8) as pool:
        assert all(pool.map(ask, range(200)))


def test_closest_pairs_of_two_articles_best_first(fake_explorer, small_corpus):
    """Each pair holds a passage of each article, in the order asked, with their cosine, best first;
    an article with no passages (title only) or none at all is one clear error."""
    (small_corpus / "headline-only.txt").write_text("Only a headline here\n")
    explorer = fake_explorer()
    explorer.build(small_corpus)
    pairs = explorer.closest_pairs("rockets", "bees", k=3)
    assert pairs and all(a.article_id == "rockets" and b.article_id == "bees" for a, b, _ in pairs)
    vectors = {p.passage_id: v for p, v in zip(explorer.passages(), explorer.index.vectors)}
    for a, b, score in pairs:
        assert score == pytest.approx(float(vectors[a.passage_id] @ vectors[b.passage_id]), abs=1e-6)
    assert [s for _, _, s in pairs] == sorted((s for _, _, s in pairs), reverse=True)
    for missing in ("headline-only", "comets"):
        with pytest.raises(ExplorerError, match=f"no article '{missing}'.*explorer articles"):
            explorer.closest_pairs("bees", missing)


def test_one_articles_overlaps_are_the_same_with_or_without_the_whole_matrix(fake_explorer, small_corpus):
    """Computed from the article's passages on a fresh index, read from the matrix once it is made."""
    explorer = fake_explorer()
    explorer.build(small_corpus)
    fresh = explorer.overlapping_articles("bees")
    names, matrix = explorer.article_similarity()
    assert [a for _, a in fresh] == [
        a for a in sorted(names, key=lambda a: -matrix[names.index("bees"), names.index(a)]) if a != "bees"
    ]
    from_matrix = explorer.overlapping_articles("bees")  # now read from the matrix
    assert [a for _, a in from_matrix] == [a for _, a in fresh]
    assert [s for s, _ in from_matrix] == pytest.approx([s for s, _ in fresh], abs=1e-6)
    assert [s for s, _ in fresh] == pytest.approx(
        [float(matrix[names.index("bees"), names.index(a)]) for _, a in fresh]
    )


def test_closest_pairs_use_each_passage_once(fake_explorer, tmp_path):
    """One general paragraph of A close to everything in B must not fill every pair: each passage is in at
    most one pair, and each pair is the best one left once the passages of the better pairs are taken."""
    paragraphs = [
        f"Honey bees of hive number {n} gather nectar, pollen and wax from the meadow each summer, and the "
        f"beekeeper counts frames of comb, checks the queen and writes notes in notebook {n} every week."
        for n in range(6)
    ]
    corpus = write_articles(
        tmp_path / "corpus",
        {
            "a.txt": "Bees\n\n" + "\n\n".join(paragraphs[:3]) + "\n",
            "b.txt": "More bees\n\n" + "\n\n".join(paragraphs[3:]) + "\n",
        },
    )
    explorer = fake_explorer()
    explorer.build(corpus)
    pairs = explorer.closest_pairs("a", "b", k=5)
    assert len(pairs) == 3  # three passages a side: three one-to-one pairs, not five
    assert len({a.passage_id for a, _, _ in pairs}) == len({b.passage_id for _, b, _ in pairs}) == 3
    vectors = {p.passage_id: v for p, v in zip(explorer.passages(), explorer.index.vectors)}
    taken_a: set[str] = set()
    taken_b: set[str] = set()
    for a, b, score in pairs:
        left = [
            float(vectors[x] @ vectors[y])
            for x in vectors
            for y in vectors
            if x.startswith("a:") and y.startswith("b:") and x not in taken_a and y not in taken_b
        ]
        assert score == pytest.approx(max(left), abs=1e-6)
        taken_a.add(a.passage_id)
        taken_b.add(b.passage_id)
