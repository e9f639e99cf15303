"""The FAISS index factory: exact below the threshold, approximate above, recorded and checked on disk."""

from __future__ import annotations

import gc
import json
from dataclasses import replace

import numpy as np
import pytest

from explorer import search, store, vector_index
from explorer.errors import ExplorerError
from explorer.records import Passage
from explorer.settings import Settings

from .conftest import write_articles

QUESTIONS = [
    "Which armed groups does Tehran work through?",
    "When did Iran seize a petroleum well inside its neighbour?",
    "Who was barred from standing in the parliamentary vote?",
    "Iran offers to train the Iraqi army",
    "Revolutionary Guards commanders advising Baghdad",
    "border markers moved by soldiers",
    "Shiite militias fighting the Islamic State",
    "oil field dispute between the two countries",
]


def noisy_copies(real: np.ndarray, size: int, sigma: float = 0.05, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """``size`` vectors: the real ones, then copies with Gaussian noise, renormalised (as bench/scale_bench.py)."""
    rng = np.random.default_rng(seed)
    source = np.arange(size) % len(real)
    vectors = real[source] + rng.normal(scale=sigma, size=(size, real.shape[1])).astype(np.float32)
    vectors[: len(real)] = real
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    return vectors.astype(np.float32), source


def recall_at_10(exact: np.ndarray, approximate: np.ndarray) -> float:
    return float(np.mean([len(set(a) & set(b)) / len(a) for a, b in zip(exact, approximate)]))


@pytest.fixture(scope="module")
def realish(seed_explorer, real_embedder):
    """60,000 vectors made from the seed corpus's real passage embeddings, and real question vectors."""
    real = np.array(seed_explorer.index.vectors)
    vectors, source = noisy_copies(real, 60_000)
    return vectors, source, real_embedder.encode(QUESTIONS)


def test_factory_picks_exact_up_to_the_threshold_and_approximate_above():
    assert vector_index.choose_kind(100, "auto", approximate_above=100) == vector_index.EXACT
    assert vector_index.choose_kind(101, "auto", approximate_above=100) == vector_index.APPROXIMATE
    assert vector_index.choose_kind(vector_index.APPROXIMATE_ABOVE) == vector_index.EXACT
    assert vector_index.choose_kind(vector_index.APPROXIMATE_ABOVE + 1) == vector_index.APPROXIMATE
    assert vector_index.choose_kind(10, "approximate") == vector_index.APPROXIMATE
    assert vector_index.choose_kind(10**7, "exact") == vector_index.EXACT
    assert vector_index.choose_kind(0, "approximate") == vector_index.EXACT  # nothing to cluster
    with pytest.raises(ExplorerError, match="EXPLORER_VECTOR_INDEX"):
        vector_index.choose_kind(10, "fast")


def test_setting_comes_from_the_environment(monkeypatch):
    monkeypatch.setenv("EXPLORER_VECTOR_INDEX", " Approximate ")
    assert Settings.from_env().vector_index == "approximate"
    monkeypatch.delenv("EXPLORER_VECTOR_INDEX")
    assert Settings.from_env().vector_index == "auto"


def test_build_through_the_facade_follows_the_threshold(fake_explorer, small_corpus, tmp_path):
    explorer = fake_explorer()
    explorer.build(small_corpus)
    assert explorer.index.manifest["vector_index"]["kind"] == vector_index.EXACT
    small = fake_explorer(index_dir=tmp_path / "small-threshold")
    small.settings = replace(small.settings, approximate_above=3)  # 6 passages > 3
    small.build(small_corpus)
    assert small.index.manifest["vector_index"]["kind"] == vector_index.APPROXIMATE
    assert vector_index.kind_of(small.index.faiss_index) == vector_index.APPROXIMATE
    assert small.ask("honey bees hive", k=2)[0].passage.article_id == "bees"


def test_approximate_recall_at_10_on_real_embeddings(realish):
    vectors, _, questions = realish
    queries = np.vstack([questions, vectors[:: len(vectors) // 100][:100]])  # real questions and passages
    exact = vector_index.build(vectors, vector_index.EXACT)
    approximate = vector_index.build(vectors, vector_index.APPROXIMATE)
    assert vector_index.cluster_count(len(vectors)) > vector_index.NPROBE * 3  # a real search, not a full scan
    _, truth = exact.search(queries, 10)
    scores, found = approximate.search(queries, 10)
    assert recall_at_10(truth, found) >= 0.95
    # Scores are exact cosines (re-ranked from the float32 vectors), not the 8-bit approximations.
    assert np.allclose(scores[:, 0], np.sum(vectors[found[:, 0]] * queries, axis=1), atol=1e-5)


def test_exact_setting_searches_the_approximate_index_exactly(realish):
    vectors, _, questions = realish
    approximate = vector_index.build(vectors, vector_index.APPROXIMATE)
    _, truth = vector_index.build(vectors, vector_index.EXACT).search(questions, 10)
    _, found = vector_index.searcher(approximate, "exact").search(questions, 10)
    assert np.array_equal(truth, found)


def test_vectors_are_a_view_of_the_index_memory_that_keeps_it_alive(realish):
    vectors = realish[0][:3000]
    index = vector_index.build(vectors, vector_index.APPROXIMATE)
    view = vector_index.vectors_of(index)
    assert np.shares_memory(view, vector_index.vectors_of(index))  # the index's own copy, not a new one
    assert not view.flags.writeable
    del index
    gc.collect()
    assert np.array_equal(view[[0, 1234, 2999]], vectors[[0, 1234, 2999]])


def test_related_rows_with_approximate_index_skip_own_article_and_return_k(realish):
    vectors, source, _ = realish
    article_ids = np.array([f"article-{s}" for s in source], dtype=object)  # all copies of a passage: one article
    approximate = vector_index.build(vectors, vector_index.APPROXIMATE)
    exact = vector_index.build(vectors, vector_index.EXACT)
    grouped = search.rows_by_article(article_ids)
    recalls = []
    for row in range(0, 62, 7):
        own = grouped[article_ids[row]]
        found = search.related_rows(approximate, vectors, own, row, 10)
        assert len(found) == 10
        assert all(article_ids[r] != article_ids[row] for r, _ in found)
        truth = search.related_rows(exact, vectors, own, row, 10)
        recalls.append(len({r for r, _ in found} & {r for r, _ in truth}) / 10)
    assert np.mean(recalls) >= 0.9


def test_related_through_the_facade_with_forced_approximate_index(fake_explorer, tmp_path):
    words = ["honey", "rocket", "bread", "river", "castle", "violin", "tiger", "glacier"]

    def paragraph(word: str, i: int) -> str:  # long enough to be a passage of its own
        return " ".join(f"the {word} note {i} mentions {word} and {words[(i + j) % 8]} {j}" for j in range(25))

    articles = {
        f"{word}.txt": f"About {word}\n\n" + "\n\n".join(paragraph(word, i) for i in range(4)) for word in words
    }
    corpus = write_articles(tmp_path / "many", articles)
    explorer = fake_explorer(index_dir=tmp_path / "approx-index")
    explorer.settings = replace(explorer.settings, vector_index="approximate")
    explorer.build(corpus)
    assert explorer.index.manifest["vector_index"]["kind"] == vector_index.APPROXIMATE
    passage = explorer.passages()[3]
    assert sum(p.article_id == passage.article_id for p in explorer.passages()) >= 3
    hits = explorer.related(passage.passage_id, k=10)
    assert len(hits) == 10
    assert all(hit.passage.article_id != passage.article_id for hit in hits)
    explorer.settings = replace(explorer.settings, vector_index="exact")
    assert [h.passage.passage_id for h in explorer.related(passage.passage_id, k=10)] == [
        h.passage.passage_id for h in hits
    ]  # a tiny index is fully searched either way


def sample(n: int = 400, d: int = 16):
    rng = np.random.default_rng(1)
    vectors = rng.normal(size=(n, d)).astype(np.float32)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    return [Passage(f"a:{i:03d}", "a", "T", f"text {i}", 0, 6) for i in range(n)], vectors


def test_manifest_records_the_kind_and_a_mismatch_is_refused(tmp_path):
    passages, vectors = sample()
    manifest = store.write_index(tmp_path, {"model": "m@1"}, passages, vectors, {}, kind="approximate")
    assert manifest["vector_index"]["kind"] == "approximate"
    assert manifest["vector_index"]["lists"] == vector_index.cluster_count(len(vectors))
    loaded = store.load_index(tmp_path)
    assert np.array_equal(loaded.vectors, vectors)
    manifest_path = tmp_path / store.MANIFEST
    wrong = dict(manifest, vector_index={"kind": "exact", "faiss_class": "IndexFlatIP", "metric": "inner_product"})
    manifest_path.write_text(json.dumps(wrong))
    with pytest.raises(ExplorerError, match="not the kind its manifest records.*explorer build"):
        store.load_index(tmp_path)
    missing = {key: value for key, value in manifest.items() if key != "vector_index"}
    manifest_path.write_text(json.dumps(missing))
    with pytest.raises(ExplorerError, match="explorer build"):
        store.load_index(tmp_path)


def test_an_index_of_the_previous_format_is_refused_with_the_rebuild_hint(tmp_path):
    passages, vectors = sample(8)
    manifest = store.write_index(tmp_path, {"model": "m@1"}, passages, vectors, {})
    assert manifest["vector_index"]["kind"] == "exact"
    old = {key: value for key, value in manifest.items() if key != "vector_index"}
    old["format_version"] = 1
    (tmp_path / store.MANIFEST).write_text(json.dumps(old))
    with pytest.raises(ExplorerError, match="format version 1.*explorer build"):
        store.load_index(tmp_path)
