import numpy as np

from explorer.keyphrase_rerank import PhraseVectors, centroid, contrast, defining_phrase, label_candidates, rerank
from explorer.themes import ThemeModel
from tests.test_themes import clustered_data

THEME = np.array([1.0, 0.0, 0.0])
ELSEWHERE = np.array([0.0, 1.0, 0.0])


def test_a_phrase_close_to_the_theme_overtakes_a_generic_word_with_a_higher_ctfidf_score():
    candidates = ["source", "kataib hezbollah", "involved", "militias"]
    scores = [0.40, 0.35, 0.34, 0.30]
    vectors = np.array([ELSEWHERE, THEME, 0.2 * THEME + ELSEWHERE, 0.9 * THEME + 0.3 * ELSEWHERE])
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    ranked = [term for term, _ in rerank(candidates, scores, THEME, vectors)]
    assert ranked[:2] == ["kataib hezbollah", "militias"]
    assert ranked.index("source") > ranked.index("militias")
    # Without weight on meaning, the c-TF-IDF order stands.
    assert [t for t, _ in rerank(candidates, scores, THEME, vectors, meaning_weight=0.0)] == candidates
    close, far = label_candidates(rerank(candidates, scores, THEME, vectors))
    assert close == ["kataib hezbollah", "militias"] and set(far) == {"source", "involved"}


def test_phrases_are_ordered_by_what_sets_the_theme_apart_and_admitted_by_closeness_to_it():
    """In a collection on one subject every centroid lies near the subject: ranked by the centroid,
    the subject's word leads; ranked by the contrast with the other passages, the theme's own name
    does. The cosines reported (which admit a phrase to the label) stay those to the centroid."""
    subject, own, other = np.eye(3)
    passages = np.array([subject + 0.4 * own, subject + 0.5 * own, subject + 0.4 * other, subject + 0.5 * other])
    unit = passages / np.linalg.norm(passages, axis=1, keepdims=True)
    rows = np.array([0, 1])
    centre, apart = centroid(passages, rows), contrast(unit, unit.sum(axis=0), rows)
    assert np.argmax(centre) == 0 and np.argmax(apart) == 1  # centroid: the subject; contrast: its own axis
    candidates, scores, vectors = ["isis", "kataib hezbollah"], [0.34, 0.34], np.array([subject, own])
    assert [t for t, _ in rerank(candidates, scores, centre, vectors)] == ["isis", "kataib hezbollah"]
    ranked = rerank(candidates, scores, centre, vectors, rank_towards=apart)
    assert [t for t, _ in ranked] == ["kataib hezbollah", "isis"]
    assert dict(ranked)["isis"] == float(subject @ centre)
    # With no other passages (the hierarchy's root) the contrast is the centroid.
    everything = np.arange(4)
    assert np.allclose(contrast(unit, unit.sum(axis=0), everything), centroid(passages, everything))


def test_a_phrase_held_by_most_of_a_theme_leads_its_label_even_if_the_model_places_it_farther():
    # "united states" is c-TF-IDF's best and in 5 of the theme's 9 passages, but "tehran" lies nearer
    # the centroid, as in the seed corpus; "central" is in 5 of 9 too, but lies near nothing.
    ranked = [("tehran", 0.60), ("nuclear program", 0.47), ("isis", 0.45), ("united states", 0.20), ("central", 0.04)]
    scored = [("united states", 0.42), ("nuclear program", 0.40), ("tehran", 0.30)]
    defining = defining_phrase(scored, 5, 9)
    assert defining == "united states"
    close, far = label_candidates(ranked, defining)
    assert close[:2] == ["united states", "tehran"] and far == ["central"]
    # Held by fewer than half the passages, it is an ordinary candidate again.
    assert defining_phrase(scored, 4, 9) is None
    assert label_candidates(ranked, None)[0] == ["tehran", "nuclear program", "isis"]
    # A best phrase that lies far from the theme stays out of the label, even held by most passages.
    assert label_candidates([("iraqi forces", 0.5), ("central", 0.03)], "central") == (["iraqi forces"], ["central"])


def test_phrases_are_embedded_once_in_one_batch():
    calls = []

    def encode(texts):
        calls.append(list(texts))
        return np.ones((len(texts), 3))

    vectors = PhraseVectors(encode)
    vectors.add(["b", "a", "b"])
    assert vectors(["a", "b"]).shape == (2, 3) and calls == [["a", "b"]]
    assert np.allclose(centroid(np.array([[2.0, 0.0], [0.0, 1.0]]), np.array([0, 1])), [2**-0.5, 2**-0.5])


def favouring(meaningful: dict[str, int], dimension: int = 16):
    """A fake model: the listed phrases point at their group's centre, every other phrase elsewhere."""

    def encode(phrases):
        rows = np.zeros((len(phrases), dimension))
        for i, phrase in enumerate(phrases):
            rows[i, meaningful.get(phrase, dimension - 1)] = 1.0
        return rows

    return encode


def test_theme_model_reranks_keywords_and_labels_with_an_encoder():
    vectors, texts, articles = clustered_data()
    plain = ThemeModel(n_themes=3, random_state=0).fit(vectors, texts, articles)
    theme = int(plain.labels_[0])  # the group whose vectors point along the first axis
    *others, last = plain.keywords_[theme]
    encode = favouring({last: 0})  # the model says: the last c-TF-IDF keyword is what the theme is about
    reranked = ThemeModel(n_themes=3, random_state=0, encode=encode).fit(vectors, texts, articles)
    assert np.array_equal(reranked.labels_, plain.labels_)  # only the words change
    assert reranked.keywords_[theme] == [last, *others]  # same candidates, the meaningful one first
    # The label leads with it; phrases far from the theme's meaning only fill it up to two.
    assert reranked.label_texts_[theme].split(", ") == [last, others[0]]
    assert plain.label_texts_[theme].split(", ")[0] == others[0]
    again = ThemeModel(n_themes=3, random_state=0, encode=encode).fit(vectors, texts, articles)
    assert again.keywords_ == reranked.keywords_ and again.node_labels_ == reranked.node_labels_


def test_no_candidates_gives_no_vectors():
    from explorer.keyphrase_rerank import PhraseVectors

    calls = []
    vectors = PhraseVectors(lambda phrases: calls.append(phrases) or [])
    assert vectors([]).shape[0] == 0
    assert calls == []
