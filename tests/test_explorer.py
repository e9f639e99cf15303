"""The facade's bookkeeping, with the fast hashing embedder."""

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


def test_rebuild_embeds_only_new_or_changed_passages(fake_explorer, small_corpus):
    embedder = HashingEmbedder()
    explorer = fake_explorer(embedder)
    explorer.build(small_corpus)
    embedder.encoded_texts.clear()
    again = explorer.build(small_corpus)
    assert again.embedded == 0 and again.reused == 6
    assert embedder.encoded_texts == []

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
