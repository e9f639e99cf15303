"""Reuse between builds: unchanged articles keep their passages, and the result equals a fresh build."""

import pytest

from explorer import incremental, store
from explorer.embed import HashingEmbedder
from explorer.records import Article

from .conftest import write_articles

TEA = "Tea\n\nGreen tea leaves are steamed and dried soon after the harvest to keep their fresh colour and taste.\n"


@pytest.fixture
def cut_articles(monkeypatch) -> list[str]:
    """The ids of the articles the build actually cut into passages."""
    cut: list[str] = []
    split_article = incremental.split_article

    def recording(article, *args, **kwargs):
        cut.append(article.article_id)
        return split_article(article, *args, **kwargs)

    monkeypatch.setattr(incremental, "split_article", recording)
    return cut


def _files(index_dir) -> dict[str, bytes]:
    manifest = store.read_manifest(index_dir)
    generation = index_dir / manifest["generation"]
    return {name: (generation / name).read_bytes() for name in (store.PASSAGES, store.THEMES)}


def test_a_rebuild_cuts_only_new_and_changed_articles(fake_explorer, small_corpus, cut_articles):
    explorer = fake_explorer()
    explorer.build()
    assert sorted(cut_articles) == ["bees", "bread", "rockets"]
    cut_articles.clear()
    write_articles(small_corpus, {"tea.txt": TEA})
    (small_corpus / "bread.txt").write_text("Baking bread\n\nSourdough needs a starter of wild yeast and time.\n")
    (small_corpus / "rockets.txt").unlink()
    report = explorer.build()
    assert sorted(cut_articles) == ["bread", "tea"]
    assert report.added_articles == ["tea"] and report.changed_articles == ["bread"]
    assert {p.article_id for p in explorer.passages()} == {"bees", "bread", "tea"}
    assert [p.text for p in explorer.passages() if p.article_id == "bread"] == [
        "Sourdough needs a starter of wild yeast and time."
    ]


def test_an_incremental_build_writes_what_a_fresh_build_writes(fake_explorer, small_corpus, tmp_path):
    embedder = HashingEmbedder()
    incremental_explorer = fake_explorer(embedder)
    incremental_explorer.build()
    write_articles(small_corpus, {"tea.txt": TEA})
    (small_corpus / "rockets.txt").unlink()
    incremental_explorer.build()
    fresh = fake_explorer(embedder, index_dir=tmp_path / "fresh-index")
    fresh.build()
    assert _files(incremental_explorer.index_dir) == _files(fresh.index_dir)
    assert (incremental_explorer.index.vectors == fresh.index.vectors).all()


def test_new_splitting_code_or_window_cuts_every_article_again(fake_explorer, small_corpus, cut_articles, monkeypatch):
    explorer = fake_explorer()
    explorer.build()
    cut_articles.clear()
    monkeypatch.setattr(incremental, "splitter_fingerprint", lambda: "another version of passages.py")
    explorer.build()
    assert sorted(cut_articles) == ["bees", "bread", "rockets"]
    cut_articles.clear()
    explorer.build()
    assert cut_articles == []
    explorer.embedder.max_tokens = 128
    explorer.build()
    assert sorted(cut_articles) == ["bees", "bread", "rockets"]


def test_the_key_changes_with_everything_the_passages_depend_on():
    article = Article("a", "Title", "Title\n\nSome text of the article.\n", headline_in_text=True)
    key = incremental.split_key(article, "model@1", 254)
    assert key == incremental.split_key(Article(**{**article.__dict__, "source_path": "moved/a.txt"}), "model@1", 254)
    changed = [
        incremental.split_key(Article("b", article.title, article.text, headline_in_text=True), "model@1", 254),
        incremental.split_key(Article("a", "Other", article.text, headline_in_text=True), "model@1", 254),
        incremental.split_key(
            Article("a", article.title, article.text + "More.\n", headline_in_text=True), "model@1", 254
        ),
        incremental.split_key(Article("a", article.title, article.text, headline_in_text=False), "model@1", 254),
        incremental.split_key(article, "model@2", 254),
        incremental.split_key(article, "model@1", 126),
    ]
    assert key not in changed and len(set(changed)) == len(changed)


def test_an_index_of_an_older_format_is_refused_but_its_vectors_are_reused(fake_explorer, small_corpus):
    import json

    from explorer.errors import ExplorerError

    explorer = fake_explorer()
    first = explorer.build()
    manifest_path = explorer.index_dir / store.MANIFEST
    manifest = json.loads(manifest_path.read_text())
    manifest["format_version"] = store.FORMAT_VERSION - 1
    manifest_path.write_text(json.dumps(manifest))
    explorer.reload()
    with pytest.raises(ExplorerError, match="format version"):
        explorer.index  # noqa: B018
    report = explorer.build()
    assert report.embedded == 0 and report.reused == first.passages
    assert explorer.index.manifest["format_version"] == store.FORMAT_VERSION


def test_damaged_old_vectors_are_not_reused(fake_explorer, small_corpus):
    explorer = fake_explorer()
    first = explorer.build()
    generation = explorer.index_dir / store.read_manifest(explorer.index_dir)["generation"]
    with (generation / store.VECTORS).open("r+b") as handle:
        handle.seek(-8, 2)
        handle.write(b"\xff" * 8)
    report = explorer.build()
    assert report.embedded == first.passages
    assert any("could not be read" in w and "damaged" in w and "rebuilt in full" in w for w in report.warnings)


def test_a_damaged_themes_file_is_rebuilt_and_the_reader_told_why(fake_explorer, small_corpus):
    """An outside check saw "0 embedded, 6 reused; 3 added" and could not tell why every article was new."""
    explorer = fake_explorer()
    first = explorer.build()
    generation = explorer.index_dir / store.read_manifest(explorer.index_dir)["generation"]
    (generation / store.THEMES).write_text("{")
    report = explorer.build()
    assert report.embedded == 0 and report.reused == first.passages
    assert [w for w in report.warnings if "could not be read" in w and "themes.json" in w]
    assert explorer.build().warnings == []


def test_an_index_kept_inside_the_corpus_is_never_read_as_articles(fake_explorer, small_corpus):
    """`explorer build .` with the index in ./embeddings (or --index ./sub/idx) read the index's own
    passages.jsonl back as a collection of records on the next build, and grew with every rebuild."""
    for index_dir in (small_corpus / "embeddings", small_corpus / "nested" / "idx"):
        explorer = fake_explorer(index_dir=index_dir)
        explorer.build(small_corpus)
        again = explorer.build(small_corpus)
        assert sorted(explorer.articles()) == ["bees", "bread", "rockets"]
        assert len(explorer.passages()) == 6
        assert not again.added_articles and not again.changed_articles
    # Another explorer index in the folder (not the one being built) is left out as well.
    other = fake_explorer(index_dir=small_corpus.parent / "elsewhere")
    other.build(small_corpus)
    assert sorted(other.articles()) == ["bees", "bread", "rockets"]


def test_a_record_given_a_new_title_is_reported_as_changed(fake_explorer, tmp_path):
    import json

    collection = tmp_path / "records.jsonl"

    def write(title: str) -> None:
        records = [
            {"id": "a", "title": title, "text": "The harbour reopened on Monday after a week of storms."},
            {"id": True, "title": "Snow", "text": "The school closed for snow on Tuesday morning again."},
        ]
        collection.write_text("".join(json.dumps(record) + "\n" for record in records))

    write("Old title")
    explorer = fake_explorer()
    assert sorted(explorer.build(collection).added_articles) == ["a", "true"]  # JSON's true, not "True"
    write("New title")
    report = explorer.build(collection)
    assert report.changed_articles == ["a"] and report.embedded == 0
    assert explorer.passage("a:000").title == "New title"
