import numpy as np
import pytest

from explorer.records import Passage
from explorer.theme_payload import assignments_at, themes_from_payload, themes_payload
from explorer.themes import UNASSIGNED, ThemeModel

WORDS = [
    ["rocket", "orbit", "launch", "booster"],
    ["honey", "bees", "hive", "nectar"],
    ["bread", "yeast", "oven", "dough"],
    ["election", "voters", "ballot", "campaign"],
]


def clustered_data(seed: int = 0, groups: int = 3, per_group: int = 8):
    """Well separated groups of vectors with matching vocabularies, two articles per group."""
    rng = np.random.default_rng(seed)
    centres = np.eye(groups, 16) * 3
    vectors, texts, articles = [], [], []
    for group in range(groups):
        for i in range(per_group):
            vectors.append(centres[group] + rng.normal(scale=0.3, size=16))
            words = WORDS[group]
            texts.append(f"{words[0]} {words[1]} story {i} about {words[2]} and {words[i % 4]} {words[(i + 1) % 4]}")
            articles.append(f"g{group}-a{i % 2}")
    vectors = np.asarray(vectors, dtype=np.float32)
    return vectors / np.linalg.norm(vectors, axis=1, keepdims=True), texts, articles


def test_finds_the_planted_groups_with_matching_labels():
    vectors, texts, articles = clustered_data()
    model = ThemeModel(n_themes=3, random_state=0).fit(vectors, texts, articles)
    assert model.n_themes_ == 3
    for group in range(3):
        assigned = model.labels_[group * 8 : (group + 1) * 8]
        assert len(set(assigned[assigned >= 0].tolist())) == 1
    labels = " ".join(model.label_texts_.values())
    assert "rocket" in labels and "honey" in labels and "bread" in labels
    assert model.centring_weight_ == 0.0  # distinct subjects: articles are left as they are


def test_keywords_are_shown_as_the_articles_spell_them():
    """``keywords_`` are counted in lower case; the payload shows ``keyword_texts_``, the articles' spelling
    ("NASA", "Apollo"), keyword for keyword, for every theme and hierarchy node."""
    vectors, texts, articles = clustered_data()
    texts = [text.replace("booster", "NASA booster").replace("orbit", "Apollo orbit") for text in texts]
    model = ThemeModel(n_themes=3, random_state=0).fit(vectors, texts, articles)
    rocket = next(t for t, words in model.keywords_.items() if "launch" in words)
    shown = dict(zip(model.keywords_[rocket], model.keyword_texts_[rocket], strict=True))
    assert shown["launch"] == "launch" and shown["nasa booster"] == "NASA booster"
    assert shown["rocket apollo orbit"] == "rocket Apollo orbit"
    for node, words in model.node_keywords_.items():
        assert [w.lower() for w in model.node_keyword_texts_[node]] == words
    payload = themes_payload(model, [Passage(f"a:{i}", "a", "t", text, 0, 1) for i, text in enumerate(texts)])
    assert "NASA booster" in next(t["keywords"] for t in payload["themes"] if t["theme_id"] == rocket)


def test_same_input_same_themes_labels_and_map_even_when_shuffled():
    vectors, texts, articles = clustered_data(groups=4)
    first = ThemeModel(random_state=0).fit(vectors, texts, articles)
    order = np.random.default_rng(7).permutation(len(texts))
    second = ThemeModel(random_state=0).fit(vectors[order], [texts[i] for i in order], [articles[i] for i in order])
    assert np.array_equal(first.labels_[order], second.labels_)
    assert first.label_texts_ == second.label_texts_ and first.keywords_ == second.keywords_
    assert first.keyword_texts_ == second.keyword_texts_
    assert first.node_labels_ == second.node_labels_ and first.merges_ == second.merges_
    assert np.allclose(first.coordinates_[order], second.coordinates_, atol=1e-5)
    assert {t: [order.tolist().index(r) for r in rows] for t, rows in first.representatives_.items()} == (
        second.representatives_
    )


def test_requested_number_of_themes_and_small_clusters_unassigned():
    vectors, texts, articles = clustered_data()
    model = ThemeModel(n_themes=2, min_theme_size=3, random_state=0).fit(vectors, texts, articles)
    assert model.n_themes_ == 2
    tiny = ThemeModel(n_themes=3, min_theme_size=9, random_state=0).fit(vectors, texts, articles)
    assert (tiny.labels_ == UNASSIGNED).all()


def test_a_far_off_passage_is_unassigned_unless_outliers_are_assigned():
    vectors, texts, articles = clustered_data(groups=3, per_group=12)
    stray = np.zeros((1, 16), dtype=np.float32)
    stray[0, 15] = 1.0
    vectors = np.vstack([vectors, stray])
    texts = [*texts, "a lonely note about rocket and nothing else"]
    articles = [*articles, "stray"]
    model = ThemeModel(n_themes=3, random_state=0).fit(vectors, texts, articles)
    assert model.labels_[-1] == UNASSIGNED
    assigned = ThemeModel(n_themes=3, assign_outliers=True, random_state=0).fit(vectors, texts, articles)
    assert (assigned.labels_ >= 0).all()


def test_single_subject_corpora_remove_the_article_mean():
    """When every article is on the same subject, themes must cut across articles."""
    rng = np.random.default_rng(3)
    subject = rng.normal(size=16) * 4
    aspects = np.eye(2, 16) * 1.5
    vectors, texts, articles = [], [], []
    for article in range(4):
        style = rng.normal(size=16) * 1.2  # each article's own wording
        for i in range(8):
            aspect = i % 2
            vectors.append(subject + style + aspects[aspect] + rng.normal(scale=0.2, size=16))
            texts.append(["militias fired rockets at the base", "troops withdraw from the country"][aspect] + f" {i}")
            articles.append(f"article{article}")
    vectors = np.asarray(vectors, dtype=np.float32)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    model = ThemeModel(n_themes=2, lexical_weight=0.0, random_state=0).fit(vectors, texts, articles)
    assert model.centring_weight_ > 0.5
    for aspect in range(2):
        rows = [r for r in range(len(texts)) if r % 2 == aspect]
        assert len(set(model.labels_[rows].tolist()) - {UNASSIGNED}) == 1
    plain = ThemeModel(n_themes=2, lexical_weight=0.0, article_centring=0.0, random_state=0).fit(
        vectors, texts, articles
    )
    assert not all(len(set(plain.labels_[[r for r in range(32) if r % 2 == a]].tolist())) == 1 for a in range(2))


def passages_for(texts, articles):
    return [Passage(f"{a}:{i:03d}", a, "T", t, 0, len(t)) for i, (t, a) in enumerate(zip(texts, articles))]


def test_payload_round_trip_and_coarser_levels_merge_finer_themes():
    vectors, texts, articles = clustered_data(groups=4)
    model = ThemeModel(n_themes=4, random_state=0).fit(vectors, texts, articles)
    passages = passages_for(texts, articles)
    payload = themes_payload(model, passages)
    themes = themes_from_payload(payload, passages, vectors)
    assert [t.theme_id for t in themes if t.theme_id >= 0] == list(range(4))
    assert sum(t.size for t in themes) == len(passages)
    assert all(1 <= len(t.representative_ids) <= 3 for t in themes if t.theme_id >= 0)
    fine, _ = assignments_at(payload)
    for n in (3, 2, 1):
        coarse, info = assignments_at(payload, n)
        assert len(set(coarse[coarse >= 0].tolist())) == n and set(info) == set(range(n))
        for theme in set(fine[fine >= 0].tolist()):  # every fine theme lies inside one coarse theme
            assert len(set(coarse[fine == theme].tolist())) == 1
        assert all(info[t]["label"] for t in info)
    merged = themes_from_payload(payload, passages, vectors, n_themes=2)
    assert sum(t.size for t in merged) == len(passages) and len([t for t in merged if t.theme_id >= 0]) == 2


def test_unassigned_group_is_listed_last():
    vectors, texts, articles = clustered_data()
    model = ThemeModel(n_themes=3, random_state=0).fit(vectors, texts, articles)
    model.labels_[0] = UNASSIGNED
    passages = passages_for(texts, articles)
    themes = themes_from_payload(themes_payload(model, passages), passages, vectors)
    assert themes[-1].theme_id == UNASSIGNED and themes[-1].label == "unassigned"
    assert themes[0].to_dict()["size"] == themes[0].size


@pytest.mark.parametrize("n", [0, 1, 2, 3])
def test_tiny_corpora_do_not_fail(n):
    vectors, texts, articles = clustered_data()
    model = ThemeModel(random_state=0).fit(vectors[:n], texts[:n], articles[:n])
    assert len(model.labels_) == n and model.coordinates_.shape == (n, 2)


@pytest.mark.parametrize("reduction", ["umap", "none"])
def test_other_reductions_find_the_planted_groups_the_same_way_in_any_order(reduction):
    """UMAP (umap-learn, seeded) or no reduction at all, instead of PCA: the planted groups are found,
    and shuffled input gives the same themes."""
    vectors, texts, articles = clustered_data(groups=4, per_group=10)
    model = ThemeModel(n_themes=4, reduction=reduction, n_components=5, random_state=0)
    first = model.fit(vectors, texts, articles).labels_.copy()
    for group in range(4):
        assigned = first[group * 10 : (group + 1) * 10]
        assert len(set(assigned[assigned >= 0].tolist())) == 1 and (assigned >= 0).sum() >= 8
    order = np.random.default_rng(7).permutation(len(texts))
    again = ThemeModel(n_themes=4, reduction=reduction, n_components=5, random_state=0)
    again.fit(vectors[order], [texts[i] for i in order], [articles[i] for i in order])
    assert np.array_equal(first[order], again.labels_)


def test_an_unknown_reduction_is_refused_before_any_work():
    with pytest.raises(ValueError, match="unknown reduction 'tsne': use one of pca, umap, none"):
        ThemeModel(reduction="tsne").fit(*clustered_data())


def named_theme_data(with_trade: bool = False) -> tuple[np.ndarray, list[str], list[str]]:
    """Four groups of ten passages. Theme 0's four names are each in 2 of its 10 passages and nowhere else;
    "market" is in 6 of them and in all 10 of theme 1; with ``with_trade``, "trade" is in three of theme 0's
    passages (one per name of the first three) and in all of theme 1's."""
    rng = np.random.default_rng(0)
    names = ["drasko", "quentor", "vimble", "zorblax"]
    vectors, texts, articles = [], [], []
    for group in range(4):
        for i in range(10):
            vectors.append(np.eye(4, 16)[group] * 3 + rng.normal(scale=0.3, size=16))
            words = [f"note{'abcd'[group]}{'abcdefghij'[i]}"]
            if group == 1 or (group == 0 and i < 6):
                words.append("market")
            if with_trade and (group == 1 or (group == 0 and i in (0, 2, 4))):
                words.append("trade")
            if group == 0 and i < 8:
                words.append(names[i // 2])
            texts.append(". ".join(words) + ".")
            articles.append(f"g{group}-a{i % 2}")
    return np.asarray(vectors, dtype=np.float32), texts, articles


def test_the_label_names_what_sets_a_theme_apart_and_the_keywords_go_on_with_what_it_shares():
    """The label takes three names (rarity counts fully there); the keywords that follow it put "market"
    before the fourth name (rarity counts more gently there)."""
    model = ThemeModel(n_themes=4, random_state=0).fit(*named_theme_data())
    theme = int(model.labels_[0])
    assert model.label_texts_[theme] == "drasko, quentor, vimble"
    assert model.keywords_[theme] == ["drasko", "quentor", "vimble", "market", "zorblax"]


def test_a_keyword_that_never_appears_beside_the_label_gives_way_to_one_that_does():
    """ "trade" scores below "zorblax" in theme 0, but "zorblax" shares no passage with the label, so "trade"
    takes its place in a five-keyword list; in a six-keyword list "zorblax" comes back, last."""
    data = named_theme_data(with_trade=True)
    model = ThemeModel(n_themes=4, top_n_keywords=5, random_state=0).fit(*data)
    theme = int(model.labels_[0])
    assert model.label_texts_[theme] == "drasko, quentor, vimble"
    assert model.keywords_[theme] == ["drasko", "quentor", "vimble", "market", "trade"]
    wider = ThemeModel(n_themes=4, top_n_keywords=6, random_state=0).fit(*data)
    assert wider.keywords_[int(wider.labels_[0])] == ["drasko", "quentor", "vimble", "market", "trade", "zorblax"]


def test_the_keywords_name_an_acronym_once():
    vectors, texts, articles = clustered_data()
    spelled = "Islamic Revolutionary Guard Corps (IRGC)"
    said = {i: f". The {spelled} drills." if i < 4 else ". The IRGC drills." for i in range(8)}  # group 0 only
    texts = [text + said.get(i, "") for i, text in enumerate(texts)]
    model = ThemeModel(n_themes=3, random_state=0).fit(vectors, texts, articles)
    theme = int(model.labels_[0])
    keywords = model.keywords_[theme]
    assert "irgc" in keywords
    assert not [k for k in keywords if k != "irgc" and k in spelled.lower()], keywords


def test_keywords_and_labels_name_a_person_without_the_title_before_the_name():
    vectors, texts, articles = clustered_data()
    texts = [text.replace("booster", "boss Jose Mourinho") for text in texts]
    model = ThemeModel(n_themes=3, random_state=0).fit(vectors, texts, articles)
    rocket = next(t for t, words in model.keywords_.items() if "launch" in words)
    assert "Jose Mourinho" in model.keyword_texts_[rocket] and "jose mourinho" in model.keywords_[rocket]
    shown = [*model.keyword_texts_.values(), *model.node_keyword_texts_.values(), model.label_texts_.values()]
    assert not any("boss" in keyword for keywords in shown for keyword in keywords)


def test_articles_mostly_on_one_sub_theme_of_a_shared_subject_keep_their_means():
    """On one subject, but each article mostly about one of its sub-themes, as news usually is: an
    article's mean is its sub-theme, and removing it loses the themes (two outside collections with
    planted sub-themes, session 25). Only articles nearly alike (the seed corpus) are centred."""
    rng = np.random.default_rng(3)
    subject = rng.normal(size=16) * 0.6
    aspects = np.eye(2, 16) * 2.0
    vectors, texts, articles, truth = [], [], [], []
    for article in range(6):
        style = rng.normal(size=16) * 0.5
        for i in range(8):
            aspect = article % 2 if i < 7 else 1 - article % 2  # one passage of the other sub-theme each
            vectors.append(subject + style + aspects[aspect] + rng.normal(scale=0.5, size=16))
            texts.append(["militias fired rockets at the base", "troops withdraw from the country"][aspect] + f" {i}")
            articles.append(f"article{article}")
            truth.append(aspect)
    vectors = np.asarray(vectors, dtype=np.float32)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    model = ThemeModel(n_themes=2, lexical_weight=0.0, random_state=0).fit(vectors, texts, articles)
    assert model.centring_weight_ == 0.0
    agreement = max(np.mean(model.labels_ == np.asarray(truth)), np.mean(model.labels_ == 1 - np.asarray(truth)))
    assert agreement >= 0.9
