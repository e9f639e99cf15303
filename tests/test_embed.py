"""Embedding: the fp32 reference, the OpenVINO fast path against it on real text, and the fallbacks."""

import json
import logging
import subprocess
import sys

import numpy as np
import pytest

from explorer import embed, embed_openvino
from explorer.embed import (
    HashingEmbedder,
    SentenceTransformerEmbedder,
    make_embedder,
    model_identity,
    resolve_model_dir,
)
from explorer.embed_openvino import CHECK_TEXTS, OpenVINOEmbedder
from explorer.errors import ExplorerError
from explorer.settings import Settings


def test_real_model_gives_normalized_vectors(real_embedder):
    vectors = real_embedder.encode(["Iran backs militias in Iraq.", "Tehran supports armed groups."])
    assert vectors.shape == (2, 384)
    assert vectors.dtype == np.float32
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)
    # Paraphrases are close; an unrelated sentence is not.
    other = real_embedder.encode(["The recipe needs two cups of flour."])[0]
    assert vectors[0] @ vectors[1] > vectors[0] @ other + 0.3


def test_progress_is_reported_in_batches(real_embedder):
    seen = []
    real_embedder.encode([f"sentence number {i}" for i in range(300)], progress=lambda d, t: seen.append((d, t)))
    assert seen[-1] == (300, 300)
    assert len(seen) >= 2


def test_token_counter_counts_word_pieces(real_embedder):
    assert real_embedder.count_tokens("Kataib Hezbollah") > 2
    assert real_embedder.max_tokens == 256


def test_model_identity_ignores_install_location(tmp_path, real_embedder):
    import shutil

    copy = tmp_path / "copy" / "model"
    shutil.copytree(real_embedder.model_dir, copy)
    assert model_identity(copy) == real_embedder.model_id


def test_missing_model_directory_is_a_clear_error(tmp_path):
    with pytest.raises(ExplorerError, match="EXPLORER_MODEL"):
        resolve_model_dir(str(tmp_path / "missing"))
    (tmp_path / "empty").mkdir()
    with pytest.raises(ExplorerError, match="not a sentence-transformers model"):
        resolve_model_dir(str(tmp_path / "empty"))


def test_hashing_embedder_is_deterministic_and_normalized():
    first = HashingEmbedder().encode(["a b c", "c d e"])
    second = HashingEmbedder().encode(["a b c", "c d e"])
    assert np.array_equal(first, second)
    assert np.allclose(np.linalg.norm(first, axis=1), 1.0)


# -- the fast path (OpenVINO) against sentence-transformers fp32 --------------------------------------------


@pytest.fixture(scope="session")
def fast_cache(tmp_path_factory):
    """A fresh cache directory: the export from the real model happens once, here, for real."""
    return tmp_path_factory.mktemp("model-cache")


@pytest.fixture(scope="session")
def fast_embedder(fast_cache):
    embedder = OpenVINOEmbedder(cache_dir=fast_cache, fallback=False)
    embedder.prepare()
    return embedder


def _neighbours(vectors: np.ndarray, k: int = 10) -> np.ndarray:
    similarity = vectors @ vectors.T
    np.fill_diagonal(similarity, -np.inf)
    return np.argsort(-similarity, axis=1)[:, :k]


def test_fast_path_matches_fp32_on_real_passages(fast_embedder, seed_explorer, real_embedder):
    """The issue's bar: mean cosine >= 0.999 and 10-NN agreement >= 0.99 against fp32, on real articles."""
    assert seed_explorer.embedder is real_embedder and real_embedder.backend == "torch-fp32"
    passages = seed_explorer.passages()
    reference = seed_explorer.index.vectors  # embedded by sentence-transformers fp32 (the fixture above)
    assert len(passages) > 30
    fast = fast_embedder.encode([p.text for p in passages])
    assert fast.dtype == np.float32 and fast.shape == reference.shape
    assert np.allclose(np.linalg.norm(fast, axis=1), 1.0, atol=1e-5)
    cosines = np.sum(fast * reference, axis=1)
    assert cosines.mean() >= 0.999 and cosines.min() >= 0.99
    agreement = np.mean([len(set(a) & set(b)) / 10 for a, b in zip(_neighbours(reference), _neighbours(fast))])
    assert agreement >= 0.99
    assert fast_embedder.backend.startswith("openvino-")


def test_questions_rank_the_same_passages(fast_embedder, seed_explorer, real_embedder):
    vectors = seed_explorer.index.vectors
    for question in ("which armed groups does Tehran work through?", "Iran offers to train Iraq's army"):
        exact = vectors @ real_embedder.encode([question])[0]
        fast = vectors @ fast_embedder.encode([question])[0]
        assert np.argmax(fast) == np.argmax(exact)
        assert len(set(np.argsort(-fast)[:5]) & set(np.argsort(-exact)[:5])) >= 4


def test_tokens_match_sentence_transformers(fast_embedder, real_embedder, seed_explorer):
    """Same word pieces, window truncation (one check text is longer than 256 tokens) and padding."""
    texts = list(CHECK_TEXTS) + [p.text for p in seed_explorer.passages()[:8]] + ["  spaced out \n text  "]
    tokens = fast_embedder._tokens(texts)
    ours = fast_embedder._batch(tokens, max(len(e.ids) for e in tokens))  # padded as sentence-transformers pads
    theirs = real_embedder.model.preprocess(texts)
    for name, array in ours.items():
        assert np.array_equal(array, theirs[name].numpy()), name


def test_a_passage_gets_the_same_vector_whatever_else_is_in_its_batch(fast_embedder, seed_explorer):
    """Padded to its batch's longest member, a passage re-embedded in a rebuild moved by up to 7e-4 (bf16
    sums in another order), and the same corpus got other themes than a fresh build of it."""
    texts = [p.text for p in seed_explorer.passages()]
    together = fast_embedder.encode(texts)
    for row in (0, 7, len(texts) // 2, len(texts) - 1):
        assert np.array_equal(fast_embedder.encode([texts[row]])[0], together[row])
    assert np.array_equal(fast_embedder.encode(texts[5:12]), together[5:12])


def test_a_rebuild_that_returns_to_a_corpus_gives_a_fresh_builds_vectors_and_themes(fast_embedder, tmp_path):
    """Remove an article, rebuild, put it back, rebuild: the index equals a fresh build of the same corpus,
    vectors, themes and map alike (with the default fast path; "same corpus, same themes")."""
    import shutil

    from explorer import store
    from explorer.explorer import Explorer

    from .conftest import CORPUS

    corpus = shutil.copytree(CORPUS, tmp_path / "corpus")
    fresh = Explorer(Settings(index_dir=tmp_path / "fresh", corpus_path=corpus), embedder=fast_embedder)
    fresh.build()
    shutil.copytree(tmp_path / "fresh", tmp_path / "edited")
    edited = Explorer(Settings(index_dir=tmp_path / "edited", corpus_path=corpus), embedder=fast_embedder)
    article = sorted(corpus.glob("*.txt"))[1]
    original = article.read_bytes()
    article.unlink()
    assert edited.build().removed_articles == [article.stem]
    article.write_bytes(original)
    assert edited.build().embedded > 0  # its passages were embedded again, in other batches than at first
    first, again = store.load_index(tmp_path / "fresh"), store.load_index(tmp_path / "edited")
    assert [p.passage_id for p in first.passages] == [p.passage_id for p in again.passages]
    assert np.array_equal(first.vectors, again.vectors)
    assert first.themes["assignments"] == again.themes["assignments"]
    assert np.array_equal(np.asarray(first.themes["map"]), np.asarray(again.themes["map"]))


def test_export_is_cached_with_its_check(fast_embedder, fast_cache):
    folders = list((fast_cache / "openvino").iterdir())
    assert [f.name for f in folders] == [embed_openvino.export_dir(fast_cache, fast_embedder.model_id).name]
    meta = json.loads((folders[0] / "meta.json").read_text())
    assert meta["model_id"] == fast_embedder.model_id
    check = meta["checks"][fast_embedder.backend.removeprefix("openvino-")]
    assert check["mean_cosine"] >= embed_openvino.MIN_MEAN_COSINE
    assert not list(fast_cache.glob("openvino/.staging-*"))


def test_question_path_does_not_import_torch(fast_embedder, fast_cache):
    """A cold question pays for openvino and tokenizers only; OpenVINO's usage reporting never loads."""
    code = (
        "import sys\n"
        "from explorer.embed import make_embedder\n"
        f"embedder = make_embedder(backend='auto', cache_dir={str(fast_cache)!r})\n"
        "vector = embedder.encode(['who trains the Iraqi army?'])\n"
        "assert vector.shape == (1, 384), vector.shape\n"
        "heavy = ('torch', 'sentence_transformers', 'sklearn', 'openvino_telemetry')\n"
        "print(embedder.backend, *[name in sys.modules for name in heavy])\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300, check=True)
    assert result.stdout.split() == [fast_embedder.backend, "False", "False", "False", "False"]


def test_both_backends_share_the_model_identity(fast_embedder, real_embedder):
    """Vectors agree to cosine 0.9999+, so an index built with either is used by the other, cache included."""
    assert fast_embedder.model_id == real_embedder.model_id
    assert fast_embedder.dimension == real_embedder.dimension
    assert fast_embedder.max_tokens == real_embedder.max_tokens


def test_precision_falls_back_to_f32_when_the_check_fails(fast_cache, monkeypatch, caplog):
    monkeypatch.setattr(embed_openvino, "MIN_MEAN_COSINE", 0.999999)  # only exact arithmetic passes
    embedder = OpenVINOEmbedder(cache_dir=fast_cache, fallback=False)
    with caplog.at_level(logging.WARNING):
        embedder.prepare()
    assert embedder.backend == "openvino-f32"


def test_failed_fast_path_falls_back_to_fp32(fast_cache, monkeypatch, caplog):
    def broken(*args, **kwargs):
        raise RuntimeError("export exploded")

    monkeypatch.setattr(embed_openvino, "export_model", broken)
    embedder = OpenVINOEmbedder(cache_dir=fast_cache)
    with caplog.at_level(logging.WARNING):
        vectors = embedder.encode(["Iran backs militias in Iraq."])
    assert embedder.backend == "torch-fp32"
    assert "export exploded" in embedder.fallback_reason and "sentence-transformers fp32" in caplog.text
    assert vectors.shape == (1, 384)
    strict = OpenVINOEmbedder(cache_dir=fast_cache, fallback=False)
    with pytest.raises(ExplorerError, match="EXPLORER_BACKEND=torch"):
        strict.encode(["anything"])


def test_backend_setting_and_missing_openvino(monkeypatch, tmp_path, caplog):
    assert isinstance(make_embedder(backend="torch"), SentenceTransformerEmbedder)
    assert isinstance(make_embedder(backend="openvino", cache_dir=tmp_path), OpenVINOEmbedder)
    with pytest.raises(ExplorerError, match="not a backend"):
        make_embedder(backend="cuda")
    monkeypatch.setenv("EXPLORER_BACKEND", "torch")
    monkeypatch.setenv("EXPLORER_CACHE", str(tmp_path))
    settings = Settings.from_env()
    assert (settings.embed_backend, settings.cache_dir) == ("torch", tmp_path)
    assert isinstance(make_embedder(), SentenceTransformerEmbedder)

    real_find_spec = embed.importlib.util.find_spec
    monkeypatch.setattr(
        embed.importlib.util, "find_spec", lambda name, *a: None if name == "openvino" else real_find_spec(name, *a)
    )
    with caplog.at_level(logging.WARNING):
        assert isinstance(make_embedder(backend="auto"), SentenceTransformerEmbedder)
    assert "openvino is not installed" in caplog.text
    with pytest.raises(ExplorerError, match="pip install openvino"):
        make_embedder(backend="openvino")
