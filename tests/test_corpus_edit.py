"""Adding and removing articles from the app: safe file names, incremental re-index, undo on failure."""

import json

import numpy as np
import pytest

from explorer import store
from explorer.corpus_edit import file_name_for_title, safe_file_name
from explorer.embed import HashingEmbedder
from explorer.errors import ExplorerError

from .conftest import write_articles

TEA = b"Green tea\n\nGreen tea leaves are steamed and dried soon after the harvest to keep their colour and taste.\n"


def _generation(index_dir) -> str:
    return json.loads((index_dir / "manifest.json").read_text())["generation"]


@pytest.mark.parametrize(
    "name",
    [
        "../escape.txt",
        "../../etc/cron.d/job.txt",
        "/etc/passwd.txt",
        "sub/dir.txt",
        "..\\windows.txt",
        "C:evil.txt",
        "..",
        ".hidden.txt",
        "nul\x00byte.txt",
        "line\nbreak.txt",
        "",
        "   ",
    ],
)
def test_unsafe_upload_names_are_refused(name):
    with pytest.raises(ExplorerError):
        safe_file_name(name)


@pytest.mark.parametrize("name", ["program.exe", "notes", "archive.tar.gz", "page.php"])
def test_unsupported_suffixes_are_refused_with_the_supported_list(name):
    with pytest.raises(ExplorerError, match=r"\.txt"):
        safe_file_name(name)


def test_plain_names_are_kept():
    assert safe_file_name("Report 2024 (final).md") == "Report 2024 (final).md"
    assert safe_file_name("  données.TXT ") == "données.TXT"


def test_titles_become_safe_file_names():
    assert file_name_for_title("Iran's army: a <b>new</b> role!") == "irans-army-a-b-new-b-role.txt"
    assert file_name_for_title("../../etc/passwd") == "etc-passwd.txt"
    generated = file_name_for_title("مرحبا")
    assert generated.startswith("article-") and generated.endswith(".txt")
    for title in ["../x", "a/b", "...", "\x00"]:
        assert safe_file_name(file_name_for_title(title))


def test_add_document_indexes_only_the_new_article(fake_explorer, small_corpus):
    embedder = HashingEmbedder()
    explorer = fake_explorer(embedder)
    explorer.build()
    embedder.encoded_texts.clear()
    path, report = explorer.add_document("tea.txt", TEA)
    assert path == small_corpus / "tea.txt" and path.read_bytes() == TEA
    assert report.added_articles == ["tea"] and report.embedded == 1 and report.reused == 6
    passage_texts = {p.text for p in explorer.passages()}
    # Only the new passage was embedded again (theme keyphrases are embedded too, but are not passages).
    assert len([t for t in embedder.encoded_texts if t in passage_texts]) == 1
    assert "tea" in explorer.articles()
    assert explorer.ask("steamed green tea leaves", k=1)[0].passage.article_id == "tea"


def test_path_traversal_is_refused_and_nothing_is_written(fake_explorer, small_corpus, tmp_path):
    explorer = fake_explorer()
    explorer.build()
    before = _generation(explorer.index_dir)
    for name in ["../outside.txt", "../../outside.txt", str(tmp_path / "abs.txt")]:
        with pytest.raises(ExplorerError, match="outside the corpus folder"):
            explorer.add_document(name, TEA)
    assert not (tmp_path / "outside.txt").exists() and not (tmp_path / "abs.txt").exists()
    assert not (tmp_path.parent / "outside.txt").exists()
    assert sorted(p.name for p in small_corpus.iterdir()) == ["bees.txt", "bread.txt", "rockets.txt"]
    assert _generation(explorer.index_dir) == before


def test_uploads_that_would_be_skipped_are_refused_before_writing(fake_explorer, small_corpus):
    explorer = fake_explorer()
    explorer.build()
    files_before = sorted(p.name for p in small_corpus.iterdir())
    with pytest.raises(ExplorerError, match="already in the corpus"):
        explorer.add_document("bees.txt", TEA)
    with pytest.raises(ExplorerError, match="already indexed"):
        explorer.add_document("bees.md", TEA)  # same id as bees.txt
    with pytest.raises(ExplorerError, match="same text"):
        explorer.add_document("copy.txt", (small_corpus / "bread.txt").read_bytes())
    with pytest.raises(ExplorerError, match="nothing to index"):
        explorer.add_document("empty.txt", b"   \n")
    with pytest.raises(ExplorerError, match="nothing to index"):
        explorer.add_document("binary.txt", b"\x00\x01\x02" * 100)
    # A title alone would be an article of no passages: listed and counted, never found.
    with pytest.raises(ExplorerError, match="nothing to index besides the title"):
        explorer.add_document("title-only.txt", b"Just a headline\n")
    assert sorted(p.name for p in small_corpus.iterdir()) == files_before


def test_a_failed_build_undoes_the_upload_and_keeps_the_index(fake_explorer, small_corpus):
    explorer = fake_explorer()
    explorer.build()
    before = _generation(explorer.index_dir)
    with store.build_lock(explorer.index_dir), pytest.raises(ExplorerError, match="another build"):
        explorer.add_document("tea.txt", TEA)
    assert not (small_corpus / "tea.txt").exists()
    assert not [p for p in small_corpus.iterdir() if p.name.startswith(".")]
    assert _generation(explorer.index_dir) == before
    assert {p.article_id for p in explorer.passages()} == {"bees", "bread", "rockets"}


def test_remove_document_deletes_the_file_and_reindexes(fake_explorer, small_corpus):
    embedder = HashingEmbedder()
    explorer = fake_explorer(embedder)
    explorer.build()
    embedder.encoded_texts.clear()
    report = explorer.remove_document("rockets")
    assert report.removed_articles == ["rockets"] and report.embedded == 0
    assert not (small_corpus / "rockets.txt").exists()
    assert set(explorer.articles()) == {"bees", "bread"}
    assert not [p for p in small_corpus.iterdir() if p.name.startswith(".")]


def test_a_failed_removal_restores_the_file(fake_explorer, small_corpus):
    explorer = fake_explorer()
    explorer.build()
    original = (small_corpus / "rockets.txt").read_bytes()
    with store.build_lock(explorer.index_dir), pytest.raises(ExplorerError, match="another build"):
        explorer.remove_document("rockets")
    assert (small_corpus / "rockets.txt").read_bytes() == original
    assert "rockets" in explorer.articles()


def test_removal_is_refused_when_it_cannot_be_done_cleanly(fake_explorer, tmp_path):
    corpus = tmp_path / "corpus"
    records = [
        {"id": "a", "title": "A", "text": "Honey bees collect nectar from flowers all summer long."},
        {"id": "b", "title": "B", "text": "Rockets burn fuel and oxidizer to reach orbit around Earth."},
    ]
    write_articles(corpus, {"set.jsonl": "\n".join(json.dumps(r) for r in records) + "\n"})
    explorer = fake_explorer()
    explorer.build()
    with pytest.raises(ExplorerError, match="one of 2 articles in set.jsonl"):
        explorer.remove_document("a")
    with pytest.raises(ExplorerError, match="no article"):
        explorer.remove_document("missing")
    assert (corpus / "set.jsonl").exists()


def test_files_outside_the_corpus_folder_are_never_deleted(fake_explorer, small_corpus, tmp_path):
    elsewhere = write_articles(
        tmp_path / "elsewhere",
        {
            "keep.txt": "Keep\n\nThis file lives outside the corpus folder and must stay there.\n",
            "other.txt": "Other\n\nA second article, so that removing one is allowed at all.\n",
        },
    )
    explorer = fake_explorer()
    explorer.build(elsewhere)  # built from another folder than the one the app manages
    with pytest.raises(ExplorerError, match="outside the corpus folder"):
        explorer.remove_document("keep")
    assert (elsewhere / "keep.txt").exists()


def test_a_single_file_corpus_cannot_be_edited(fake_explorer, small_corpus):
    from explorer.explorer import Explorer
    from explorer.settings import Settings

    explorer = fake_explorer()
    single = Explorer(
        Settings(index_dir=explorer.index_dir, corpus_path=small_corpus / "bees.txt"), embedder=HashingEmbedder()
    )
    with pytest.raises(ExplorerError, match="single file"):
        single.add_document("tea.txt", TEA)


def test_removing_an_article_removes_its_passages_from_every_structure(fake_explorer, small_corpus):
    embedder = HashingEmbedder()
    explorer = fake_explorer(embedder)
    explorer.build()
    assert explorer.index.lexical.scores("rocket boosters orbit").max() > 0
    explorer.remove_document("rockets")
    for reader in (explorer, fake_explorer(embedder)):  # the facade that removed it, and a fresh load from disk
        index = reader.index
        rows = len(index.passages)
        assert rows == 4 and {p.article_id for p in index.passages} == {"bees", "bread"}
        # dense: one FAISS row per passage, each still the vector of its own passage
        assert index.faiss_index.ntotal == rows and len(index.vectors) == rows
        expected = embedder.encode([p.text for p in index.passages])
        assert np.allclose(index.vectors, expected, atol=1e-6)
        assert all(hit.passage.article_id != "rockets" for hit in reader.ask("rocket boosters orbit", mode="dense"))
        # lexical: BM25 has one row per passage and no longer knows the removed article's words
        assert index.lexical.size == rows
        assert index.lexical.scores("rocket boosters orbit").max() == 0
        # themes and map: one entry per remaining passage, none from the removed article
        assert index.themes["passage_ids"] == [p.passage_id for p in index.passages]
        assert len(reader.passage_themes()) == rows and len(reader.passage_map()) == rows
        assert not any("rockets" in theme.article_ids for theme in reader.themes())
