import numpy as np
import pytest

from explorer.embed import HashingEmbedder, model_identity, resolve_model_dir
from explorer.errors import ExplorerError


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
