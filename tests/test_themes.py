import numpy as np

from explorer.records import Passage
from explorer.themes import UNASSIGNED, ThemeModel, themes_from_payload, themes_payload


def clustered_data(seed: int = 0):
    """Three well separated groups of vectors with matching vocabularies."""
    rng = np.random.default_rng(seed)
    centres = np.eye(3, 16) * 3
    vectors, texts = [], []
    words = [["rocket", "orbit", "launch"], ["honey", "bees", "hive"], ["bread", "yeast", "oven"]]
    for group in range(3):
        for i in range(8):
            vectors.append(centres[group] + rng.normal(scale=0.3, size=16))
            texts.append(f"{' '.join(words[group])} item {i} " + words[group][i % 3])
    vectors = np.asarray(vectors, dtype=np.float32)
    return vectors / np.linalg.norm(vectors, axis=1, keepdims=True), texts


def test_finds_the_planted_groups_with_matching_labels():
    vectors, texts = clustered_data()
    model = ThemeModel(random_state=0).fit(vectors, texts)
    assert model.n_themes_ == 3
    for group in range(3):
        assert len(set(model.labels_[group * 8 : (group + 1) * 8].tolist())) == 1
    labels = " ".join(model.label_texts_.values())
    assert "rocket" in labels and "honey" in labels and "bread" in labels


def test_same_input_same_themes_even_when_shuffled():
    vectors, texts = clustered_data()
    first = ThemeModel(random_state=0).fit(vectors, texts)
    order = np.random.default_rng(7).permutation(len(texts))
    second = ThemeModel(random_state=0).fit(vectors[order], [texts[i] for i in order])
    assert np.array_equal(first.labels_[order], second.labels_)
    assert first.label_texts_ == second.label_texts_
    assert np.allclose(first.coordinates_[order], second.coordinates_, atol=1e-5)


def test_requested_number_of_themes_and_small_clusters_unassigned():
    vectors, texts = clustered_data()
    model = ThemeModel(n_themes=2, min_theme_size=3, random_state=0).fit(vectors, texts)
    assert model.n_themes_ == 2
    tiny = ThemeModel(n_themes=3, min_theme_size=9, random_state=0).fit(vectors, texts)
    assert (tiny.labels_ == UNASSIGNED).all()


def test_payload_round_trip_lists_unassigned_last():
    vectors, texts = clustered_data()
    model = ThemeModel(random_state=0).fit(vectors, texts)
    model.labels_[0] = UNASSIGNED
    passages = [Passage(f"a{i % 4}:{i:03d}", f"a{i % 4}", "T", t, 0, len(t)) for i, t in enumerate(texts)]
    themes = themes_from_payload(themes_payload(model, passages), passages, vectors)
    assert themes[-1].theme_id == UNASSIGNED and themes[-1].label == "unassigned"
    assert sum(t.size for t in themes) == len(passages)
    assert all(len(t.representative_ids) <= 3 for t in themes)
    assert themes[0].to_dict()["size"] == themes[0].size
